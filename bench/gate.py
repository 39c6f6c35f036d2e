"""The eval gate of .ci/run: fail when the assistant scores below the floors set from measured numbers.

    python bench/gate.py dev.json [own.json]   (files written by `iopc eval --json`)
"""

from __future__ import annotations

import json
import sys

# Floors per questions file, set from the numbers measured on 2026-11-28 (see the README) less a
# margin of about one question; never below hit@5 0.9, must-cite 0.8, abstention accuracy 0.8 on dev.
FLOORS = {
    # measured: hit@5 1.000, must-cite 1.000, force recall 1.000, abstention 1.000, false 0.000
    "questions-dev": {"hit_at_5": 0.9, "must_cite": 0.85, "abstention_accuracy": 0.8, "force_recall": 0.85,
                      "false_abstention_max": 0.05},
    # measured: hit@5 1.000, must-cite 0.941, force recall 0.967, abstention 0.571, false 0.000
    "questions-own": {"hit_at_5": 0.95, "must_cite": 0.9, "abstention_accuracy": 0.5, "force_recall": 0.9,
                      "false_abstention_max": 0.05},
}


def check(path: str, floors: dict) -> list[str]:
    report = json.load(open(path, encoding="utf-8"))[0]
    failures = []
    for metric, floor in floors.items():
        if metric.endswith("_max"):
            value = report[metric[:-4]]
            if value > floor:
                failures.append(f"{path}: {metric[:-4]} {value:.3f} above {floor}")
        elif report[metric] < floor:
            failures.append(f"{path}: {metric} {report[metric]:.3f} below {floor}")
    print(f"{path}: " + ", ".join(f"{k} {report[k]:.3f}" for k in
                                  ("hit_at_1", "hit_at_5", "mrr_at_10", "must_cite", "force_recall",
                                   "abstention_accuracy", "false_abstention")))
    return failures


def main(paths: list[str]) -> int:
    failures = []
    for path, floors in zip(paths, FLOORS.values()):
        failures += check(path, floors)
    for f in failures:
        print("GATE FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
