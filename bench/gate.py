"""The eval gate of .ci/run: fail when the assistant scores below the floors set from measured numbers.

python bench/gate.py dev.json own.json ...   (files written by `iopc eval --json`, named after their
                                              questions file: questions-dev.json, conversations-tune.json…)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Floors per questions file: the figures measured on 2026-11-30 (README, Evaluation) less about one
# question's worth. A metric ending in _max is a ceiling.
FLOORS = {
    # measured: hit@5 1.000, must-cite 1.000, force recall 0.938, false abstention 0.000 (2 near-misses: 1 caught)
    "questions-dev": {"hit_at_5": 0.9, "must_cite": 0.85, "force_recall": 0.85, "false_abstention_max": 0.05},
    # measured: 1.000, 0.971, 0.954, list precision 0.724, near-miss abstention 0.286 (4 of 14), false 0.000;
    # with the fitted list rule (2026-12-01): force recall 0.949, list precision 0.821
    "questions-own": {
        "hit_at_5": 0.94,
        "must_cite": 0.9,
        "force_recall": 0.92,
        "list_precision": 0.78,
        "abstention_accuracy": 0.2,
        "false_abstention_max": 0.04,
    },
    # measured: 0.955, 0.940, 0.894, list precision 0.871, near-miss 0.625, false 0.015; with the fitted list
    # rule (2026-12-01): force recall 0.868, list precision 0.839
    # with the foreign-concept signal (2026-12-01): near-miss 0.750, false 0.030
    "questions-tune": {
        "hit_at_5": 0.94,
        "must_cite": 0.92,
        "force_recall": 0.85,
        "list_precision": 0.8,
        "abstention_accuracy": 0.66,
        "false_abstention_max": 0.05,
    },
    # measured (never tuned on), on a fresh index: 0.954, 0.846, 0.792, list precision 0.589, near-miss 0.333
    # (7 of 21), false 0.031 (2 of 65); with the fitted list rule (2026-12-01): force recall 0.790, list
    # precision 0.637
    # with the foreign-concept signal (2026-12-01): force recall 0.823, list precision 0.623, near-miss 0.476
    # (10 of 21), false 0.046 (3 of 65); list precision 0.645 with "knives and forks" read as the phrase it is,
    # 0.627 with "body-worn cameras" read as body-worn video (one response list keeps more rows); with 4 words left
    # out by the concept signals: near-miss 0.524 (11 of 21), false 0.031 (2 of 65)
    # fourteenth session (lists asked as "Has the IOPC told any force…?"): hit@5 0.969, must-cite 0.846, force recall
    # 0.806, list precision 0.646
    "questions-frozen": {
        "hit_at_5": 0.95,
        "must_cite": 0.83,
        "force_recall": 0.8,
        "list_precision": 0.63,
        "abstention_accuracy": 0.45,
        "false_abstention_max": 0.05,
    },
    # measured: follow-up hit@5 1.000, refusal after a refusal 1.000, false abstention 0.000
    "conversations-tune": {"follow_up_hit_at_5": 0.95, "refusal_after_refusal": 0.95, "false_abstention_max": 0.05},
    # measured: 1.000, 1.000, 0.909, list precision 0.867, near-miss 0.583, false 0.000
    # with the foreign-concept signal (2026-12-01): near-miss 0.833; fourteenth session: list precision 0.871
    "questions-tune2": {
        "hit_at_5": 0.95,
        "must_cite": 0.95,
        "force_recall": 0.87,
        "list_precision": 0.85,
        "abstention_accuracy": 0.75,
        "false_abstention_max": 0.05,
    },
    # measured: follow-up hit@5 0.947, refusal after a refusal 1.000, false abstention 0.000
    "conversations-tune2": {"follow_up_hit_at_5": 0.9, "refusal_after_refusal": 0.95, "false_abstention_max": 0.05},
    # measured: 0.917, 0.875, 0.739, list precision 0.545, near-miss 0.562 (9 of 16), false 0.000
    # with the fitted list rule (2026-12-01): force recall 0.961, list precision 0.857
    # with the foreign-concept signal (2026-12-01): near-miss 0.688; with "body cams" as body-worn video: force
    # recall 0.927 (a body-cam list gained Sussex and lost two forces of its own), must-cite 0.958
    "questions-tune3": {
        "hit_at_5": 0.87,
        "must_cite": 0.83,
        "force_recall": 0.9,
        "list_precision": 0.8,
        "abstention_accuracy": 0.62,
        "false_abstention_max": 0.05,
    },
    # measured: follow-up hit@5 1.000, must-cite 0.778, refusal after a refusal 0.667 (4 of 6), false 0.000
    "conversations-tune3": {"follow_up_hit_at_5": 0.94, "refusal_after_refusal": 0.6, "false_abstention_max": 0.06},
    # measured: 0.967, 0.967, 0.863, list precision 0.844, near-miss 0.500 (8 of 16), false 0.100 (3 of 30:
    # short everyday questions the judge still refuses)
    # with the fitted list rule (2026-12-01): force recall 0.925, list precision 0.912
    # with the foreign-concept signal (2026-12-01): near-miss 0.688, false 0.133 (4 of 30)
    "questions-tune4": {
        "hit_at_5": 0.93,
        "must_cite": 0.9,
        "force_recall": 0.88,
        "list_precision": 0.85,
        "abstention_accuracy": 0.62,
        "false_abstention_max": 0.14,
    },
    # measured: follow-up hit@5 0.889, must-cite 0.556, refusal after a refusal 0.667 (2 of 3), false 0.000
    "conversations-tune4": {"follow_up_hit_at_5": 0.8, "refusal_after_refusal": 0.6, "false_abstention_max": 0.1},
    # measured (never tuned on), on a fresh index: 0.957 (0.913 until a national follow-up was read as one),
    # refusal after a refusal 1.000, false abstention 0.043 (1 of 23)
    # with the foreign-concept signal (2026-12-01): refusal after a refusal 0.667 (4 of 6): a first turn about
    # officers' relationships with victims, refused before, is answered (frozen near-miss abstention rose 0.333 ->
    # 0.476 with it); with a new scope's case that holds none of the topic's rarer words not taken as the topic
    # found there: 0.833 (5 of 6)
    "conversations-frozen": {"follow_up_hit_at_5": 0.91, "refusal_after_refusal": 0.8, "false_abstention_max": 0.05},
    # measured on 2026-12-01, first before any tuning (0.844, 0.812, 0.737, 0.677, 0.538, 0.031), then after
    # the ninth session's changes: hit@5 0.969, must-cite 0.906, force recall 0.927, list precision 0.788,
    # near-miss abstention 0.538 (7 of 13), false abstention 0.031 (1 of 32)
    # with the fitted list rule (2026-12-01): force recall 0.967, list precision 0.843
    # with the foreign-concept signal (2026-12-01): near-miss 0.692, false 0.031
    "questions-tune5": {
        "hit_at_5": 0.93,
        "must_cite": 0.87,
        "force_recall": 0.93,
        "list_precision": 0.8,
        "abstention_accuracy": 0.62,
        "false_abstention_max": 0.07,
    },
    # measured: follow-up hit@5 0.818, must-cite 0.818, refusal after a refusal 0.333 (1 of 3), false 0.091
    "conversations-tune5": {"follow_up_hit_at_5": 0.72, "refusal_after_refusal": 0.3, "false_abstention_max": 0.19},
    # measured on 2026-12-01, first before any tuning (0.844, 0.812, 0.487, 0.876, 0.462, 0.125), then after
    # the tenth session's changes: hit@5 0.875, must-cite 0.875, force recall 0.687, list precision 0.975,
    # near-miss abstention 0.462 (6 of 13), false abstention 0.125 (4 of 32)
    # with the fitted list rule (2026-12-01): force recall 0.742, list precision 1.000
    # with the foreign-concept signal (2026-12-01): 0.938, 0.938, 0.809, 0.950, near-miss 0.846, false 0.062
    "questions-tune6": {
        "hit_at_5": 0.9,
        "must_cite": 0.9,
        "force_recall": 0.78,
        "list_precision": 0.9,
        "abstention_accuracy": 0.77,
        "false_abstention_max": 0.16,
    },
    # measured: follow-up hit@5 0.909 -> 1.000, must-cite 0.818 -> 0.909, refusal after a refusal 1.000, false 0.000
    # with the foreign-concept signal and 4 words left out (2026-12-01): refusal after a refusal 0.667 (2 of 3): a
    # deaf prisoner's interpreter, on the judge's bar, is answered ("interpreter" shares its stem with "interpreted")
    "conversations-tune6": {"follow_up_hit_at_5": 0.9, "refusal_after_refusal": 0.6, "false_abstention_max": 0.1},
    # measured on arrival (the previous session's code and this one's alike: 0.969, 0.906, 0.986 / 0.952, 0.700 /
    # 0.725, 0.615, 0.031), then after tuning on it: 0.969, 0.969, 0.986, 0.733, 0.615, 0.031 (hit@1 0.844)
    # with the fitted list rule (2026-12-01): list precision 0.840
    # with the foreign-concept signal (2026-12-01): near-miss 0.692
    "questions-tune7": {
        "hit_at_5": 0.93,
        "must_cite": 0.93,
        "force_recall": 0.93,
        "list_precision": 0.8,
        "abstention_accuracy": 0.53,
        "false_abstention_max": 0.07,
    },
    # measured: follow-up hit@5 0.818 -> 1.000, must-cite 0.818 -> 1.000, refusal after a refusal 0.333 (1 of 3),
    # false abstention 0.182 -> 0.091
    "conversations-tune7": {"follow_up_hit_at_5": 0.9, "refusal_after_refusal": 0.3, "false_abstention_max": 0.19},
    # measured on arrival, before any change (0.938, 0.812, 0.917, 0.757, 0.385, 0.094), then after the eleventh
    # session's changes: hit@5 0.969, must-cite 0.844, force recall 0.967, list precision 0.781, near-miss
    # abstention 0.385 (5 of 13), false abstention 0.031 (1 of 32)
    # with the fitted list rule (2026-12-01): force recall 0.933, list precision 0.800; after the GMP twins merged
    # (a re-ingest): hit@5 0.938
    # with the foreign-concept signal (2026-12-01): hit@5 0.969, must-cite 0.875, near-miss 0.538, false 0.000
    # fourteenth session: must-cite 0.938, force recall 1.000, list precision 0.833
    "questions-tune8": {
        "hit_at_5": 0.93,
        "must_cite": 0.9,
        "force_recall": 0.95,
        "list_precision": 0.8,
        "abstention_accuracy": 0.4,
        "false_abstention_max": 0.07,
    },
    # measured: follow-up hit@5 0.917 -> 1.000, must-cite 0.750 -> 0.917, refusal after a refusal 0.500 (1 of 2),
    # false abstention 0.000
    "conversations-tune8": {"follow_up_hit_at_5": 0.9, "refusal_after_refusal": 0.45, "false_abstention_max": 0.1},
    # measured on arrival (2026-12-01), before any change, on the twelfth session's code and on the foreign-concept
    # judge: hit@5 0.906, must-cite 0.906, force recall 0.692, list precision 0.722, false abstention 0.031 alike;
    # near-miss abstention 0.462 -> 0.692 (9 of 13). After tuning on it (status phrasing, the judge refitted with it
    # and without the holdout set): hit@5 0.938, force recall 0.792, list precision 0.750, false abstention 0.031
    # fourteenth session: must-cite 0.938
    "questions-tune9": {"hit_at_5": 0.9, "must_cite": 0.9, "force_recall": 0.75, "list_precision": 0.7,
                        "abstention_accuracy": 0.6, "false_abstention_max": 0.07},
    # measured on arrival: follow-up hit@5 0.917 -> 1.000, must-cite 0.917, refusal after a refusal 1.000, false
    # abstention 0.083 -> 0.000 (the twelfth session's code -> the foreign-concept judge)
    "conversations-tune9": {"follow_up_hit_at_5": 0.9, "refusal_after_refusal": 0.95, "false_abstention_max": 0.1},
    # measured on arrival (2026-12-01, fourteenth session), before any change but the question limit (its 608-character
    # retelling was refused at 500): hit@1 0.875, hit@5 0.938, must-cite 0.938, force recall 0.827, list precision
    # 0.752, near-miss abstention 0.769 (10 of 13), false abstention 0.000
    # after tuning on it (lists asked as "Has the IOPC told any force…?"): force recall 0.844, list precision 0.868
    "questions-tune10": {"hit_at_5": 0.9, "must_cite": 0.9, "force_recall": 0.8, "list_precision": 0.84,
                         "abstention_accuracy": 0.75, "false_abstention_max": 0.04},
    # measured on arrival: follow-up hit@5 1.000, must-cite 1.000, refusal after a refusal 1.000 (2 of 2), false
    # abstention 0.000
    "conversations-tune10": {"follow_up_hit_at_5": 0.9, "refusal_after_refusal": 0.95, "false_abstention_max": 0.1},
    # measured on arrival (fourteenth session), after that session's changes (and on its starting code, the limit's
    # refusals counted as abstentions): hit@1 0.812 -> 0.906, hit@5 0.875 -> 0.969, must-cite 0.812 -> 0.875, force
    # recall 0.704 -> 0.799, list precision 0.657 -> 0.796, near-miss abstention 0.692 (9 of 13) alike, false
    # abstention 0.156 -> 0.062 (2 of 32)
    "questions-tune11": {"hit_at_5": 0.93, "must_cite": 0.84, "force_recall": 0.77, "list_precision": 0.77,
                         "abstention_accuracy": 0.6, "false_abstention_max": 0.1},
    # measured on arrival, both codes alike: follow-up hit@5 0.909, must-cite 0.909, refusal after a refusal 0.667
    # (2 of 3), false abstention 0.000
    "conversations-tune11": {"follow_up_hit_at_5": 0.85, "refusal_after_refusal": 0.6, "false_abstention_max": 0.1},
}


def check(path: str) -> list[str]:
    """The failures of one report against the floors of its questions file."""
    data = json.load(open(path, encoding="utf-8"))
    report = data[0] if isinstance(data, list) else data
    floors = FLOORS[Path(path).stem]
    failures = []
    for metric, floor in floors.items():
        if metric.endswith("_max"):
            value = report[metric[:-4]]
            if value > floor:
                failures.append(f"{path}: {metric[:-4]} {value:.3f} above {floor}")
        elif report[metric] < floor:
            failures.append(f"{path}: {metric} {report[metric]:.3f} below {floor}")
    shown = {k: v for k, v in report.items() if isinstance(v, float)}
    print(f"{Path(path).stem}: " + ", ".join(f"{k} {v:.3f}" for k, v in shown.items()))
    return failures


def main(paths: list[str]) -> int:
    failures = [f for path in paths for f in check(path)]
    for f in failures:
        print("GATE FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
