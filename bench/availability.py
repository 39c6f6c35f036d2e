"""Availability: one client's upload and another's longest question do not slow a third client's answers.

    python -m bench.availability [--quick] [--seed N]

A real `iopc serve` (a subprocess) over the sample case and two small cases. Client C asks ordinary
questions, one fresh conversation each: first alone (idle), then while client A uploads a case and
client B sends questions at the length limit. Meanwhile this process holds the data directory's write
lock, as a slow `iopc ingest` would, so A's upload waits for it the whole time. Trials:
- C's p95 latency under that load is within 2x its idle p95;
- a question asked meanwhile that finds nothing says the index is being built (not "nothing in N cases");
- a question one character over the limit is refused with the limit's message, before any work;
- once the lock is released, A's upload finishes ("1 added") and its case is answered.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from bench.load import ROOT, SAMPLE_CASE, SYNTHETIC_CASE, ask, client, iopc, pct, serving
from bench.report import Row

UI_CASES = [
    ROOT / "tests" / "fixtures" / "ui" / "kent-custody-case.txt",
    ROOT / "tests" / "fixtures" / "ui" / "hostile-case.txt",
]
QUESTIONS = [
    "What changed in the special scheme marker policy?",
    "rousing checks in custody",
    "What did the force do about checks?",
    "pursuit log review",
]
ROUNDS = {True: 5, False: 10}  # times C asks every question, idle and under load: quick (CI), full run
SLOWDOWN = 2.0  # C's p95 under load may be at most this times its idle p95
IDLE_FLOOR = 0.25  # s: an idle p95 below this counts as this (timer and scheduling noise on a shared machine)
NOTHING = "What is the rainfall on Mars in January?"


def longest_question(seed: int) -> str:
    """A question exactly at the length limit, of made-up words (the costliest kind: each is unknown)."""
    from assistant.limits import MAX_QUESTION_CHARS

    rnd = random.Random(seed)
    words = []
    while sum(len(w) + 1 for w in words) < MAX_QUESTION_CHARS:
        words.append("".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(4, 10))))
    return " ".join(words)[:MAX_QUESTION_CHARS]


def latencies(url: str, rounds: int) -> tuple[list[float], list[str]]:
    """C's latencies over `rounds` of QUESTIONS, and the problems seen."""
    c = client(url)
    times, problems = [], []
    for _ in range(rounds):
        for q in QUESTIONS:
            seconds, problem, _ = ask(c, q, "any")
            times.append(seconds)
            problems += [problem] if problem else []
    return times, problems


def run(quick: bool = False, seed: int = 7) -> Row:
    """The trials above, as one row."""
    import subprocess

    from assistant.limits import MAX_QUESTION_CHARS
    from vectorstore import StoreLocation, WriteLock

    row = Row("availability")
    work = Path(tempfile.mkdtemp(prefix="iopc-availability-"))
    data = work / "index"
    subprocess.run(
        iopc(data, "ingest", "-q", str(SAMPLE_CASE), *map(str, UI_CASES)), cwd=ROOT, check=True, capture_output=True
    )
    upload = work / "Dorset drone footage.txt"
    upload.write_text(SYNTHETIC_CASE, encoding="utf-8")
    with serving(data, work / "serve.log") as url:
        latencies(url, 1)  # warm-up: the model, the catalog, the caches
        idle, problems = latencies(url, ROUNDS[quick])
        stop = threading.Event()
        results: dict[str, object] = {"long": 0}

        def uploader() -> None:
            from gradio_client import handle_file

            try:
                results["upload"] = client(url).predict([handle_file(str(upload))], api_name="/add_cases")[0]
            except Exception as e:  # noqa: BLE001  reported as the trial's failure
                results["upload"] = f"{type(e).__name__}: {e}"

        def long_asker() -> None:
            c, question = client(url), longest_question(seed)
            while not stop.is_set():
                ask(c, question, "any")
                results["long"] = int(results["long"]) + 1

        lock = WriteLock(StoreLocation.resolve(data, None), on_wait=lambda message: None)
        with lock:  # a slow `iopc ingest` in another process, as far as the server can tell
            threads = [threading.Thread(target=uploader), threading.Thread(target=long_asker)]
            for t in threads:
                t.start()
            time.sleep(1.0)  # the upload is queued and waiting for the lock
            loaded, more = latencies(url, ROUNDS[quick])
            problems += more
            _, _, building = ask(client(url), NOTHING, "any")
            stop.set()
            threads[1].join(timeout=120)
        threads[0].join(timeout=300)
        c = client(url)
        try:
            c.predict("x" * (MAX_QUESTION_CHARS + 1), [], [], "", "", [], api_name="/chat")
            refused = "no error"
        except Exception as e:  # noqa: BLE001  the refusal is an error raised by the client
            refused = str(e)
        _, _, uploaded_answer = ask(c, "How long was drone footage of an arrest kept?", "any")

    idle_p95, load_p95 = pct(idle, 95), pct(loaded, 95)
    row.figures.update(
        idle_p50_s=round(pct(idle, 50), 3),
        idle_p95_s=round(idle_p95, 3),
        load_p50_s=round(pct(loaded, 50), 3),
        load_p95_s=round(load_p95, 3),
        slowdown=round(load_p95 / max(idle_p95, 1e-9), 2),
        long_questions=results["long"],
    )
    checks = [
        (
            load_p95 <= SLOWDOWN * max(idle_p95, IDLE_FLOOR),
            f"C's p95 under load {load_p95:.2f} s is over {SLOWDOWN}x its idle p95 {idle_p95:.2f} s",
        ),
        (not problems, f"answers under load were wrong: {problems[:3]}"),
        ("being built" in building, f"a question during the ingest answered: {building[:120]!r}"),
        (f"limit is {MAX_QUESTION_CHARS:,}" in refused, f"a question over the limit gave: {refused[:160]!r}"),
        ("1 added" in str(results.get("upload")), f"the upload ended with: {str(results.get('upload'))[:200]!r}"),
        ("Dorset Police" in uploaded_answer, f"the uploaded case was not answered: {uploaded_answer[:160]!r}"),
    ]
    for ok, why in checks:
        row.trials += 1
        if not ok:
            row.fail(why)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(asdict(run(args.quick, args.seed)), indent=2))


if __name__ == "__main__":
    main()
