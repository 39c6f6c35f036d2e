"""Scale: a large index served as a small one is: starts, answers after an ingest, memory, many clients.

    python -m bench.scale [--cases 10000] [--seed 7] [--per-client 10]

On the SYNTHETIC index of `--cases` cases that `python -m bench` builds and caches under bench/.cache
(built here the same way when missing), copied first so the runs leave the cached one as it was. In
one run, with the default encoder:
- a first `iopc ask` in a new process, without a kept catalog and then with one (assistant/catalog_file.py),
  wall and CPU seconds and peak memory;
- in a serving process (Assistant answering): the first answer after a start with the kept catalog; a
  normal answer; then LONG_RUN distinct questions, as a server that has run a while; the next answer after
  another process ingests one new case (and whether the new case is cited); the next after an ingest in the
  same process; the same with the store kept current as `iopc serve` keeps it (Assistant.keep_current), and
  when the new case was loaded; its peak memory;
- 1 and then 20 concurrent chat clients (gradio_client against `iopc serve` on loopback), `--per-client`
  questions each: throughput, p95, errors.
Results: bench/results/scale.json and scale.md. The machine is shared: compare within a run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import ROOT, run, summary
from bench.synth_questions import questions
from tests.support import synth

CACHE = ROOT / "bench" / ".cache"
LONG_RUN = 400  # distinct questions the serving process answers before the reload and ingest are measured
RESULTS = ROOT / "bench" / "results"


def _index(seed: int, cases: int, work: Path, hash_vectors: bool) -> Path:
    """The cached SYNTHETIC index of `cases` cases (built when missing): as `python -m bench` keeps it,
    or with hash vectors (see --hash-vectors)."""
    from bench.__main__ import _cached_index, _fastest_backend

    files = synth.write(CACHE / f"synth-seed{seed}", seed, cases)
    if not hash_vectors:
        path, how = _cached_index(seed, cases, _fastest_backend(), files, work)
        print(how, flush=True)
        return path
    path = CACHE / f"index-seed{seed}-n{cases}-hash-vectors"
    if not (path / ".complete").exists():
        from assistant import Assistant
        from tests.support.hash_embedder import HashEmbedder
        from vectorstore import Embedder

        t = time.perf_counter()
        # Labelled with the bundled model, so the app (embedding questions with the model) opens it.
        report = Assistant(data_dir=path, embedder=HashEmbedder(info=Embedder().info)).ingest([str(f) for f in files])
        if not report.ok:
            raise RuntimeError(f"building {path} failed: {report.failed[:3]}")
        (path / ".complete").write_text("")
        print(f"built {path.relative_to(ROOT)} with hash vectors in {time.perf_counter() - t:.0f} s", flush=True)
    return path


def _new_case(seed: int, number: int, into: Path) -> tuple[Path, str]:
    """A one-case SYNTHETIC file the index does not hold (case `number` of the seed), and its title."""
    case = synth.case(seed, number)
    path = into / f"one-more-{number}.jsonl"
    path.write_text(json.dumps(case) + "\n", encoding="utf-8")
    return path, case["title"]


def serving_job(data_dir: str, out: str, qfile: str, seed: int, cases: int) -> None:
    """In a child: start, answer, let another process ingest a case, answer again; write the timings."""
    import subprocess

    from assistant import Assistant

    qs = json.loads(Path(qfile).read_text())
    work = Path(out).parent
    t = time.perf_counter()
    a = Assistant(data_dir=data_dir)
    a.ask(qs[0])
    first = time.perf_counter() - t
    normal = []
    for q in qs[1:] + qs[:1]:
        t = time.perf_counter()
        a.ask(q)
        normal.append(time.perf_counter() - t)
    # As a server that has run a while: distinct questions fill its caches of vectors.
    titles = sorted(c.title.replace("[SYNTHETIC] ", "") for c in a.catalog.cases.values())
    for title in random.Random(seed).sample(titles, min(LONG_RUN, len(titles))):
        a.ask(f"What happened in {title}?")
    other, other_title = _new_case(seed, cases + 1, work)
    cmd = [sys.executable, "-m", "assistant.cli", "--data-dir", data_dir, "ingest", "-q", str(other)]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    t = time.perf_counter()
    a.refresh()
    a.ask(qs[0])
    after_other = time.perf_counter() - t
    found_other = any(c.title == other_title for c in a.catalog.cases.values())
    cited_other = other_title in {h.title for h in a.ask(other_title.replace("[SYNTHETIC] ", "")).citations}
    mine, mine_title = _new_case(seed, cases + 2, work)
    t = time.perf_counter()
    a.ingest([str(mine)])
    ingest_here = time.perf_counter() - t
    t = time.perf_counter()
    a.ask(qs[0])
    after_mine = time.perf_counter() - t
    # As `iopc serve` runs: changes are looked for and loaded in a thread (Assistant.keep_current).
    a.keep_current(every=1.0)
    kept, kept_title = _new_case(seed, cases + 3, work)
    subprocess.run([*cmd[:-1], str(kept)], check=True, cwd=ROOT, capture_output=True)
    ingested = time.perf_counter()
    a.ask(qs[0])
    after_kept = time.perf_counter() - ingested
    while not any(c.title == kept_title for c in a.catalog.cases.values()) and time.perf_counter() - ingested < 60:
        time.sleep(0.05)
    kept_seen = time.perf_counter() - ingested
    kept_cited = kept_title in {h.title for h in a.ask(kept_title.replace("[SYNTHETIC] ", "")).citations}
    a.stop_keeping_current()
    Path(out).write_text(
        json.dumps(
            {
                "cases": len(a.catalog.cases),
                "passages": len(a.catalog.passages),
                "first_answer_s": first,
                "normal": normal,
                "after_other_ingest_s": after_other,
                "other_case_in_catalog": found_other,
                "other_case_cited": cited_other,
                "ingest_here_s": ingest_here,
                "after_own_ingest_s": after_mine,
                "own_case_in_catalog": any(c.title == mine_title for c in a.catalog.cases.values()),
                "kept_current": {"next_answer_s": after_kept, "new_case_loaded_after_s": kept_seen, "cited": kept_cited},
            }
        )
    )


def _clients(data_dir: Path, qs: list[str], per_client: int, work: Path) -> dict:
    """One client, then 20, each asking `per_client` questions against `iopc serve`."""
    from bench import load

    pairs = [(q, "any") for q in qs]
    out = {}
    with load.serving(data_dir, work / "serve.log") as url:
        load.reference_answers(url, pairs[:2])  # warm: model, catalog, Chroma's index
        for n in (1, load.CLIENTS):
            t = time.perf_counter()
            records = load.swarm(url, pairs, per_client, seed=n, clients=n)
            wall = time.perf_counter() - t
            row = load.summarise(f"{n} clients", records, wall)
            out[str(n)] = {**row.figures, "clients": n, "problems": row.problems[:5]}
    out["throughput_ratio"] = out[str(load.CLIENTS)]["throughput_rps"] / out["1"]["throughput_rps"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-client", type=int, default=10)
    parser.add_argument("--hash-vectors", action="store_true",
                        help="build the index with seeded hash vectors labelled as the bundled model's (minutes, not "
                             "hours, on 2 cores): start-up, memory and throughput do not depend on the vectors' values")
    parser.add_argument("--job", nargs=5, help=argparse.SUPPRESS)  # the serving child
    args = parser.parse_args()
    if args.job:
        serving_job(args.job[0], args.job[1], args.job[2], int(args.job[3]), int(args.job[4]))
        return
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="scale-", dir=CACHE))
    try:
        cached = _index(args.seed, args.cases, work, args.hash_vectors)
        data_dir = work / "index"
        shutil.copytree(cached, data_dir, ignore=shutil.ignore_patterns("catalog.cache", ".write.lock", ".complete"))
        qs = [q["question"] for q in questions(args.seed, among=min(args.cases, 1000))]
        qfile = work / "questions.json"
        qfile.write_text(json.dumps(qs))
        ask = [sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir), "ask", qs[0]]
        cold = {"without_kept_catalog": run(ask), "with_kept_catalog": [run(ask) for _ in range(3)]}
        cli = {k: ([_run_figures(r) for r in v] if isinstance(v, list) else _run_figures(v)) for k, v in cold.items()}
        out = work / "serving.json"
        r = run(
            [
                sys.executable,
                "-m",
                "bench.scale",
                "--job",
                str(data_dir),
                str(out),
                str(qfile),
                str(args.seed),
                str(args.cases),
            ]
        )
        serving = json.loads(out.read_text())
        serving["normal"] = summary(serving["normal"])
        serving["peak_rss_mb"] = r.peak_rss_mb
        clients = _clients(data_dir, qs, args.per_client, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "cases": args.cases,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "cli_ask": cli,
        "serving": serving,
        "clients": clients,
        "total_s": time.perf_counter() - started,
    }
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    table = markdown(result)
    (RESULTS / "scale.md").write_text(table, encoding="utf-8")
    print(table)


def _run_figures(r) -> dict:
    return {"seconds": round(r.seconds, 2), "cpu_seconds": round(r.cpu_seconds, 2), "peak_rss_mb": round(r.peak_rss_mb)}


def markdown(result: dict) -> str:
    """The results as a table, with the goals of the scale issue beside them."""
    s, c, cli = result["serving"], result["clients"], result["cli_ask"]
    normal_p50 = s["normal"]["p50_ms"] / 1000
    kept = cli["with_kept_catalog"]
    rows = [
        (
            "first `iopc ask` in a new process, no kept catalog",
            f"{cli['without_kept_catalog']['seconds']:.1f} s "
            f"(CPU {cli['without_kept_catalog']['cpu_seconds']:.1f} s, {cli['without_kept_catalog']['peak_rss_mb']} MB)",
            "",
        ),
        (
            "first `iopc ask` in a new process, kept catalog (3 runs)",
            ", ".join(f"{k['seconds']:.1f} s" for k in kept) + f" (CPU {min(k['cpu_seconds'] for k in kept):.1f}"
            f"–{max(k['cpu_seconds'] for k in kept):.1f} s, {max(k['peak_rss_mb'] for k in kept)} MB)",
            "≤ 3 s",
        ),
        ("serving: Assistant() and its first answer, kept catalog", f"{s['first_answer_s']:.2f} s", "≤ 3 s"),
        ("serving: a normal answer, p50 / p95", f"{normal_p50 * 1000:.0f} / {s['normal']['p95_ms']:.0f} ms", ""),
        (
            "serving: next answer after another process ingested one case",
            f"{s['after_other_ingest_s']:.2f} s (+{s['after_other_ingest_s'] - normal_p50:.2f} s; new case "
            f"{'cited' if s['other_case_cited'] else 'NOT cited'})",
            "≤ +1 s",
        ),
        (
            "serving, kept current (as `iopc serve`): next answer after another process ingested one case",
            f"{s['kept_current']['next_answer_s']:.2f} s (+{s['kept_current']['next_answer_s'] - normal_p50:.2f} s); "
            f"the new case loaded {s['kept_current']['new_case_loaded_after_s']:.1f} s after the ingest, "
            f"{'cited' if s['kept_current']['cited'] else 'NOT cited'} then",
            "≤ +1 s",
        ),
        (
            "serving: ingest of one case in the process, then the next answer",
            f"{s['ingest_here_s']:.2f} s, then {s['after_own_ingest_s']:.2f} s",
            "",
        ),
        ("serving: peak RSS", f"{s['peak_rss_mb']:.0f} MB", "≤ 1,200 MB"),
        ("1 chat client: throughput, p95", f"{c['1']['throughput_rps']:.2f} answers/s, {c['1']['p95_s']:.2f} s", ""),
        (
            "20 chat clients: throughput, p95, errors",
            f"{c['20']['throughput_rps']:.2f} answers/s, {c['20']['p95_s']:.2f} s, {c['20']['errors']} errors",
            "",
        ),
        ("20 clients' throughput over 1 client's", f"{c['throughput_ratio']:.2f}", "≥ 1.6"),
    ]
    la = result["load_average"]
    head = (
        f"### Scale ({result['cases']:,} SYNTHETIC cases, {s['passages']:,} passages; {result['cpus']} CPUs, "
        f"load average at the end {la[0]:.1f}; {result['total_s']:.0f} s in all)\n\n"
        "| figure | measured | goal |\n|---|---|---|\n"
    )
    return head + "\n".join(f"| {a} | {b} | {g} |" for a, b, g in rows) + "\n"


if __name__ == "__main__":
    main()
