"""Every hostile input (tests/support/hostile.py) against a real Assistant, as a row of the reliability
report: with time and memory bounds, which the tests do not assert."""

from __future__ import annotations

import resource
from pathlib import Path

from tests.support.hostile import GB, MB, check, http_pages, inputs, page, web_server, write_file

# The inputs at or past the bounds on one case's work (ingest/bounds.py): their times are reported each.
AT_BOUNDS = (
    "2.26 MB on one line",
    "5 MB single word",
    "5,000-character word",
    "50,000-character word",
    "3,000-page PDF",
    "300-page PDF",
    "a case at the text limit",
)


def run(quick: bool = True, seed: int = 0):
    """Every hostile input against a real Assistant (real Chroma, real model) holding two cases."""
    import tempfile

    from app import answer_markdown, ingest_uploads
    from assistant import Assistant
    from bench.report import Row

    row = Row("hostile inputs")
    with tempfile.TemporaryDirectory() as tmp, web_server(http_pages(quick)) as url:
        tmp = Path(tmp)
        a = Assistant(data_dir=tmp / "index")
        seed_case = Path(__file__).resolve().parents[1] / "assistant" / "data" / "sample-case.txt"
        a.ingest([str(seed_case), write_file(tmp / "other.txt", page("Other - Kent Police, May 2022", "Another."))])
        slowest = (0.0, "")
        at_bounds: dict[str, str] = {}
        for h in inputs(quick):
            row.trials += 1
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            # The same index, opened with the input's own size limit when it has one (as the tests do).
            opened = Assistant(data_dir=tmp / "index", embedder=a.embedder, max_bytes=h.max_bytes) if h.max_bytes else a
            try:
                o = check(opened, h, tmp / f"in-{row.trials}", url, ingest_uploads, answer_markdown)
            except Exception as e:  # a crash of the check itself is a failure of the input, not of the run
                row.fail(f"{h.name}: {type(e).__name__}: {e}")
                continue
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) * 1024
            if o.seconds > h.seconds:
                o.problems.append(f"took {o.seconds:.0f} s (bound {h.seconds:.0f} s)")
            if grown > GB:
                o.problems.append(f"peak memory grew by {grown / MB:.0f} MB")
            slowest = max(slowest, (o.seconds, h.name))
            if h.name in AT_BOUNDS:
                at_bounds[h.name] = f"{o.seconds:.1f} s"
            if o.problems:
                row.fail(f"{h.name}: " + "; ".join(o.problems))
        row.figures = {
            "slowest": f"{slowest[1]} {slowest[0]:.1f} s",
            "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            **at_bounds,
        }
    return row
