"""Latency and memory of the assistant over the development corpus (a benchmark, not a test).

    python bench/latency.py [--corpus ../shared/corpus]

Prints: time to ingest the corpus into a fresh index, time to re-ingest it (all unchanged), the first
`ask` (model and catalog loading included), then warm `ask` times over every question of
questions-dev.jsonl and bench/questions-own.jsonl, and the process's peak memory. Figures vary with
the machine's load: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    args = parser.parse_args()
    from assistant import Assistant

    corpus = Path(args.corpus)
    questions = [json.loads(line)["question"]
                 for f in (corpus / "questions-dev.jsonl", Path(__file__).parent / "questions-own.jsonl")
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as d:
        a = Assistant(data_dir=d)
        t = time.perf_counter()
        report = a.ingest([str(corpus / "cases")])
        ingest = time.perf_counter() - t
        t = time.perf_counter()
        again = a.ingest([str(corpus / "cases")])
        reingest = time.perf_counter() - t
        fresh = Assistant(data_dir=d)
        t = time.perf_counter()
        fresh.ask(questions[0])
        first = time.perf_counter() - t
        times = []
        for q in questions:
            t = time.perf_counter()
            fresh.ask(q)
            times.append(time.perf_counter() - t)
    times.sort()
    print(f"ingest {len(report.added)} files: {ingest:.1f} s; re-ingest ({len(again.unchanged)} unchanged): {reingest:.1f} s")
    print(f"first ask (loads model and catalog): {first:.2f} s")
    print(f"warm ask over {len(times)} questions: median {statistics.median(times):.2f} s, "
          f"p90 {times[int(len(times) * 0.9)]:.2f} s, max {times[-1]:.2f} s")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
