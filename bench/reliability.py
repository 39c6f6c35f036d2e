"""Reliability trials in one table: kills, load, availability, fuzzed input, hostile input.

    python -m bench.reliability [--quick] [--seed 7] [--only crash,load,availability,fuzz,hostile]

`make reliability` runs the full trials; `.ci/run` runs `--quick` (bounded and seeded) and fails
when any trial fails. Results go to bench/results/reliability[-quick].json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.report import Row

FAMILIES = ("crash", "load", "availability", "fuzz", "hostile")
RESULTS = Path(__file__).parent / "results"


def collect(families: list[str], quick: bool, seed: int) -> list[Row]:
    """Run each family's `run(quick, seed)`; a family that crashes is reported as one failed row."""
    rows: list[Row] = []
    for name in families:
        started = time.monotonic()
        try:
            out = importlib.import_module(f"bench.{name}").run(quick=quick, seed=seed)
        except Exception as e:  # the table must still print, and the failure must count
            out = Row(name, trials=1)
            out.fail(f"the {name} trials themselves failed: {type(e).__name__}: {e}")
        for row in out if isinstance(out, list) else [out]:
            row.figures.setdefault("seconds", round(time.monotonic() - started, 1))
            rows.append(row)
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a markdown table."""
    lines = ["| trials of | run | failed | figures |", "|---|---|---|---|"]
    for r in rows:
        figures = ", ".join(f"{k} {v}" for k, v in r.figures.items())
        lines.append(f"| {r.name} | {r.trials} | {r.failures} | {figures} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bounded trials, as CI runs them")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default=",".join(FAMILIES), help="comma-separated: " + ",".join(FAMILIES))
    args = parser.parse_args()
    families = [f for f in args.only.split(",") if f]
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown trial families: {', '.join(sorted(unknown))}")
    rows = collect(families, args.quick, args.seed)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"reliability{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps({"seed": args.seed, "quick": args.quick, "rows": [asdict(r) for r in rows]},
                              indent=2) + "\n")
    print(table(rows))
    for r in rows:
        for problem in r.problems:
            print(f"FAILED {r.name}: {problem}", file=sys.stderr)
    print(f"\n{sum(r.trials for r in rows)} trials, {sum(r.failures for r in rows)} failed; written to {out}")
    return 1 if any(r.failures for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
