"""Ingest of the real corpus source by source against a group at a time (ingest/pipeline.py GROUP_*).

    python -m bench.ingest_batching [--corpus ../shared/corpus] [--rounds 2]

Each round ingests the corpus into two fresh indexes, one with groups of one file (how ingest worked
before) and one with the default groups, one after the other, and prints seconds and their ratio.
The machine is shared: compare the ratio within a round.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from bench.measure import ROOT


def ingest_seconds(corpus: Path, group_files: int, embedder) -> tuple[float, int]:
    """Seconds to ingest the corpus's cases into a fresh index with this group size, and passages stored."""
    import ingest.pipeline as pipeline
    from assistant import Assistant

    default = pipeline.GROUP_FILES
    pipeline.GROUP_FILES = group_files
    folder = tempfile.mkdtemp(prefix="bench-batching-")
    try:
        a = Assistant(data_dir=folder, embedder=embedder)
        t = time.perf_counter()
        report = a.ingest([str(corpus / "cases")])
        seconds = time.perf_counter() - t
        if report.failed:
            raise RuntimeError(f"ingest failed: {report.failed[:3]}")
        return seconds, a.store.count()
    finally:
        pipeline.GROUP_FILES = default
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from ingest.pipeline import GROUP_FILES
    from vectorstore import Embedder

    embedder = Embedder()
    embedder.embed(["warm up"])  # model loading is not ingest
    rows = []
    for r in range(args.rounds):
        single, n = ingest_seconds(Path(args.corpus), 1, embedder)
        grouped, _ = ingest_seconds(Path(args.corpus), GROUP_FILES, embedder)
        rows.append({"round": r + 1, "passages": n, "one_file_s": single, "grouped_s": grouped,
                     "grouped_over_one_file": grouped / single})
        print(json.dumps(rows[-1]))


if __name__ == "__main__":
    main()
