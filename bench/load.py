"""Load: 20 chat clients at once against a real `iopc serve`, then the same while a CLI ingest runs.

    python -m bench.load [--quick] [--seed N] [--json]

The server is a subprocess (`python -m assistant.cli serve`) on 127.0.0.1 over its own data directory,
filled by `iopc ingest` of ../shared/corpus/cases (the bundled sample case when the corpus is absent).
Each client is a `gradio_client.Client` in its own thread calling the app's `/chat` endpoint, one fresh
conversation per question. An answer passes when the chat echoes the question it was asked (no cross
talk between sessions), and its [n] markers and the source cards of its turn are the same non-empty set
(or, for an abstention, no marker and no card). Latencies are wall-clock per `/chat` call; the machine
is shared, so compare ratios between rows rather than absolute figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from bench.report import Row

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CASE = ROOT / "assistant" / "data" / "sample-case.txt"
CLIENTS = 20
PER_CLIENT = {False: 10, True: 3}  # questions per client: full run, quick (CI) run
COPIES_QUICK = 12  # corpus files copied for the during-ingest run in quick mode (all of them otherwise)
MAX_PER_CLIENT_DURING = 60  # bound on questions per client while waiting for the ingest to end
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "ANONYMIZED_TELEMETRY": "False", "PYTHONUNBUFFERED": "1"}
# A case written for this bench (not corpus text), ingested during the load: is it answerable at once?
SYNTHETIC_CASE = """Source · IOPC Learning Case

Retention of drone footage - Dorset Police, March 2023

Dorset Police Ref: 2023/200417 Recommended 4 Jul 2023 Response due 29 Aug 2023
Use of force

In March 2023, Dorset Police deleted drone footage of an arrest after thirty-one days although the arrested man had complained about the force used within a week of the arrest.

Recommendations

1 total
Recommendation 1

It is recommended that Dorset Police should ensure that drone footage of any arrest is kept until every complaint made about that arrest has been finally resolved. Do you accept the recommendation? Yes

Addressed to: Dorset Police
Linked bodies: Dorset Police
Accepted
Force response

Accepted action: Dorset Police now flags drone footage of an arrest for retention as soon as a complaint about the arrest is recorded.
"""
SYNTHETIC_QUESTION = "How long should Dorset Police keep drone footage of an arrest?"


def corpus_dir() -> Path | None:
    """../shared/corpus (or IOPC_CORPUS_DIR) when it holds cases/."""
    path = Path(os.environ.get("IOPC_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
    return path if (path / "cases").is_dir() else None


def load_questions(corpus: Path | None) -> list[tuple[str, str]]:
    """(question, kind) from questions-dev.jsonl; the app's example questions without the corpus."""
    path = corpus / "questions-dev.jsonl" if corpus else None
    if path and path.is_file():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [(r["question"], r.get("kind", "lookup")) for r in rows]
    from assistant.examples import SAMPLE_QUESTIONS

    # Over the sample case alone some examples have no answer ("awaiting a response": it was accepted):
    # "any" accepts a clean "nothing found" as well as an answer with citations.
    return [(q, "any") for q in SAMPLE_QUESTIONS]


def iopc(data_dir: Path, *args: str) -> list[str]:
    """The `iopc` command line for this Python, over `data_dir`."""
    return [sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir), *args]


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(data_dir: Path, log: Path, *extra: str, timeout: float = 300):
    """`iopc serve` on a free loopback port until the block ends; yields its URL."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(iopc(data_dir, "serve", "--port", str(port), "--no-sample", *extra),
                                cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"iopc serve exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"iopc serve did not answer within {timeout:.0f} s") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(url: str):
    """A gradio_client.Client that keeps nothing on disk and reports nothing."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


def _text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def check(result, question: str, kind: str) -> str | None:
    """Why the /chat result is not a whole, cited answer to `question` (None when it is)."""
    import html

    chat, _box, sources, _export = result
    if len(chat) != 2 or chat[-1].get("role") != "assistant":
        return f"expected one question and one answer, got {len(chat)} messages"
    if html.unescape(_text(chat[0])) != question.strip():  # the app shows the question escaped
        return f"the chat shows another question: {_text(chat[0])[:80]!r}"
    answer = _text(chat[-1])
    markers = {int(n) for n in re.findall(r'href="#cite-1-(\d+)"', answer)}
    cards = {int(n) for n in re.findall(r'id="cite-1-(\d+)"', sources or "")}
    if markers != cards:
        return f"markers {sorted(markers)} but source cards {sorted(cards)}: {question[:60]!r}"
    if not markers and (kind not in ("none", "any") or "No sources" not in (sources or "")):
        return f"an answer without citations ({kind}): {question[:60]!r}"
    return None


def ask(c, question: str, kind: str) -> tuple[float, str | None, str]:
    """One question in a fresh conversation: (latency in s, problem or None, answer text)."""
    c.predict(api_name="/new_conversation")
    t0 = time.perf_counter()
    result = c.predict(question, [], [], "", "", [], api_name="/chat")
    latency = time.perf_counter() - t0
    return latency, check(result, question, kind), _text(result[0][-1])


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values, 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def reference_answers(url: str, questions: list[tuple[str, str]]) -> tuple[dict[str, str], float]:
    """Each question answered once by a lone client (also warms the model): answers, warm-up seconds."""
    c = client(url)
    t0 = time.perf_counter()
    ask(c, *questions[0])
    warmup = time.perf_counter() - t0
    return {q: ask(c, q, kind)[2] for q, kind in questions}, warmup


def swarm(url: str, questions: list[tuple[str, str]], per_client: int, seed: int,
          keep_going=lambda: False, clients: int = CLIENTS) -> list[dict]:
    """`clients` threads, each with its own client, asking per_client questions (more while keep_going())."""
    rng = random.Random(seed)
    offsets = [rng.randrange(len(questions)) for _ in range(clients)]
    records: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def one(i: int) -> None:
        try:
            c = client(url)
        except Exception as e:  # noqa: BLE001  a client that cannot connect is an error of the run
            with lock:
                records.append({"client": i, "t": time.time(), "latency": None, "problem": f"connect: {e!r}"})
            start.wait()
            return
        start.wait()
        n = 0
        while n < per_client or (keep_going() and n < MAX_PER_CLIENT_DURING):
            q, kind = questions[(offsets[i] + n) % len(questions)]
            t = time.time()
            try:
                latency, problem, answer = ask(c, q, kind)
            except Exception as e:  # noqa: BLE001  any exception is an error the report must count
                latency, problem, answer = None, f"{type(e).__name__}: {e}"[:300], ""
            with lock:
                records.append({"client": i, "t": t, "latency": latency, "problem": problem,
                                "question": q, "answer": answer})
            n += 1

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return records


def summarise(name: str, records: list[dict], wall: float, reference: dict[str, str] | None = None) -> Row:
    """A Row from a swarm's records: errors, p50/p95/max latency, throughput."""
    row = Row(name, trials=len(records))
    for r in records:
        if r["problem"]:
            row.fail(r["problem"])
    ok = [r["latency"] for r in records if r["latency"] is not None]
    row.figures = {"clients": CLIENTS, "requests": len(records), "errors": row.failures,
                   "p50_s": round(pct(ok, 50), 3), "p95_s": round(pct(ok, 95), 3),
                   "max_s": round(max(ok, default=0.0), 3), "wall_s": round(wall, 1),
                   "throughput_rps": round(len(ok) / wall, 2) if wall else 0.0}
    if reference is not None:  # same answer as a lone client got: not required, but worth knowing
        row.figures["differs_from_lone_client"] = sum(
            1 for r in records if r["latency"] is not None and r["answer"] != reference.get(r["question"]))
    return row


def timed_swarm(url, questions, per_client, seed, keep_going=lambda: False):
    """swarm() and its wall-clock seconds."""
    t0 = time.perf_counter()
    records = swarm(url, questions, per_client, seed, keep_going)
    return records, time.perf_counter() - t0


def copies_for_ingest(corpus: Path | None, into: Path, quick: bool) -> int:
    """Corpus files copied under new names, plus the synthetic case: what the CLI ingests under load."""
    into.mkdir(parents=True)
    files = sorted((corpus / "cases").iterdir()) if corpus else [SAMPLE_CASE]
    if quick:
        files = files[:COPIES_QUICK]
    for f in files:
        shutil.copyfile(f, into / f"load-copy-{f.name}")
    (into / "synthetic-load-case.txt").write_text(SYNTHETIC_CASE, encoding="utf-8")
    return len(files) + 1


def during_ingest(url: str, data_dir: Path, work: Path, corpus: Path | None, questions, quick: bool,
                  seed: int) -> Row:
    """The swarm while `iopc ingest` writes new sources into the served data directory."""
    n_files = copies_for_ingest(corpus, work / "more", quick)
    log = open(work / "ingest-under-load.log", "wb")
    t0 = time.perf_counter()
    ingest = subprocess.Popen(iopc(data_dir, "ingest", "-q", str(work / "more")), cwd=ROOT, env=ENV,
                              stdout=log, stderr=subprocess.STDOUT)
    ended: list[float] = []

    def watch() -> None:
        ingest.wait()
        ended.append(time.time())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.time()
    records, wall = timed_swarm(url, questions, PER_CLIENT[quick], seed + 1, lambda: ingest.poll() is None)
    ingest.wait()
    watcher.join()
    log.close()
    ingest_s = (ended[0] if ended else time.time()) - started
    row = summarise(f"load: {CLIENTS} clients during a CLI ingest", records, wall)
    during = [r["latency"] for r in records if r["latency"] is not None and r["t"] + r["latency"] <= ended[0]]
    after = [r["latency"] for r in records if r["latency"] is not None and r["t"] + r["latency"] > ended[0]]
    tail = (work / "ingest-under-load.log").read_text(errors="replace").strip().splitlines()[-1:]
    row.figures.update({
        "ingest_files": n_files, "ingest_s": round(ingest_s, 1), "ingest_exit": ingest.returncode,
        "ingest_report": tail[0] if tail else "", "answered_during_ingest": len(during),
        "p50_during_s": round(pct(during, 50), 3), "p95_during_s": round(pct(during, 95), 3),
        "answered_after_ingest": len(after), "p95_after_s": round(pct(after, 95), 3)})
    if ingest.returncode != 0:
        row.fail(f"iopc ingest under load exited {ingest.returncode}: {tail}")
    if not during:
        row.problems.append("note: no answer completed while the ingest ran (the ingest was too short)")
    # Not a failure of this run: whether the running server answers from a case ingested meanwhile.
    _, problem, answer = ask(client(url), SYNTHETIC_QUESTION, "lookup")
    row.figures["new_case_answerable_without_restart"] = "drone footage" in answer and problem is None
    row.figures["wall_incl_ingest_s"] = round(time.perf_counter() - t0, 1)
    return row


def prepare(work: Path, corpus: Path | None) -> Path:
    """A data directory holding the corpus (or the sample case), filled through the CLI."""
    data_dir = work / "index"
    source = corpus / "cases" if corpus else SAMPLE_CASE
    out = subprocess.run(iopc(data_dir, "ingest", "-q", str(source)), cwd=ROOT, env=ENV,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"iopc ingest failed: {out.stderr[-2000:]}")
    return data_dir


def run(quick: bool = False, seed: int = 0) -> list[Row]:
    """The load rows: 20 clients (at concurrency 1 too, in a full run), then 20 during a CLI ingest."""
    corpus = corpus_dir()
    questions = load_questions(corpus)
    rows = []
    with tempfile.TemporaryDirectory(prefix="iopc-load-") as tmp:
        work = Path(tmp)
        data_dir = prepare(work, corpus)
        settings = ([("1", "concurrency 1")] if not quick else []) + [(None, "default concurrency")]
        for concurrency, label in settings:
            extra = ("--concurrency", concurrency) if concurrency else ()
            with serving(data_dir, work / f"serve-{label.replace(' ', '-')}.log", *extra) as url:
                reference, warmup = reference_answers(url, questions)
                records, wall = timed_swarm(url, questions, PER_CLIENT[quick], seed)
                row = summarise(f"load: {CLIENTS} clients, {label}", records, wall, reference)
                row.figures["warmup_s"] = round(warmup, 2)
                rows.append(row)
                if concurrency is None:
                    rows.append(during_ingest(url, data_dir, work, corpus, questions, quick, seed))
    return rows


def main() -> None:
    """Print the load rows (a table, or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{PER_CLIENT[True]} questions per client")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = run(args.quick, args.seed)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return
    for r in rows:
        print(f"{r.name}: {r.trials} requests, {r.failures} failed")
        print("    " + ", ".join(f"{k}={v}" for k, v in r.figures.items()))
        for p in r.problems[:10]:
            print(f"    problem: {p}")


if __name__ == "__main__":
    main()
