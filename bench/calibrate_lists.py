"""Fit list membership's weights and bar on list questions with known expected cases.

    python bench/calibrate_lists.py --data-dir .eval-index bench/questions-tune.jsonl bench/questions-own.jsonl ...

For each list question it builds the list's candidate rows with the assistant's own stages (`Assistant.weigh`,
`ListAnswerer.rows`, `list_row_signals`); a row is right when its case (or a twin of it) is one the question
expects. It fits a logistic regression on the row signals and sets the bar where the fitted probability is
PROBABILITY. It reports, for the rule the assistant has now and for the fitted one, the mean share of listed
cases that are expected (precision) and of expected candidates that are listed (recall), the fitted one
also cross-validated: fitted on every file but one and measured on that one. Prints the AnswerSettings
fields to copy into assistant/settings.py. Never run it on the frozen sets: they measure, they do not tune.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from calibrate import logistic

PROBABILITY = 0.3  # a lower bar lists more of the expected cases and more that are not


def question_rows(assistant, path: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(signals, right) of each list question's candidate rows, one pair per question that has rows."""
    from assistant.answerers import ListAnswerer, list_row_signals
    from assistant.question import read_question

    stems = {c.case_id: {Path(s.split("#")[0].rstrip("/")).stem for s in c.sources} for c in assistant.catalog.cases.values()}
    out = []
    for line in open(path, encoding="utf-8"):
        q = json.loads(line)
        rq = read_question(q["question"])
        if q["kind"] != "list" or rq.kind != "list":
            continue
        ctx = assistant.weigh(rq, q["question"])
        rows, topic, items = ListAnswerer().rows(ctx)
        if not rows:
            continue
        signals = list_row_signals(ctx, rows, topic, items)
        expected = set(q.get("expected_cases") or [])
        right = np.array([bool(expected & stems.get(w.case_id, set())) for w, _ in rows])
        out.append((np.array([s.vector() for s in signals]), right))
    return out


def measured(questions, keep) -> tuple[float, float]:
    """Mean precision and recall over questions of `keep(signals) -> kept row indexes`."""
    precision, recall = [], []
    for x, right in questions:
        kept = keep(x)[:15]
        precision.append(right[kept].mean())
        if right.any():
            recall.append(right[kept].sum() / right.sum())
    return float(np.mean(precision)), float(np.mean(recall))


def rule(weights, bar):
    """The kept-rows rule of assistant/list_rows.py for these weights and bar, on a signal matrix."""

    def keep(x: np.ndarray) -> list[int]:
        scores = x @ weights
        return [i for i, s in enumerate(scores) if s >= bar] or [int(np.argmax(scores))]  # the nearest, shown

    return keep


def fitted(questions) -> tuple[np.ndarray, float]:
    """(weights, bar) fitted on these questions' rows."""
    weights, intercept = logistic(np.concatenate([x for x, _ in questions]), np.concatenate([r for _, r in questions]))
    return weights, math.log(PROBABILITY / (1 - PROBABILITY)) - intercept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("questions", nargs="+")
    args = parser.parse_args()
    from assistant import Assistant

    a = Assistant(data_dir=args.data_dir)
    by_file = {path: question_rows(a, path) for path in args.questions}
    everything = [q for qs in by_file.values() for q in qs]
    now = rule(np.array(a.settings.list_weights), a.settings.list_bar)
    print(f"{len(everything)} list questions: the rule now, precision {measured(everything, now)[0]:.3f}, "
          f"recall {measured(everything, now)[1]:.3f}")
    held_out = []
    for path, qs in by_file.items():
        rest = [q for p, other in by_file.items() if p != path for q in other]
        if qs and rest:
            held_out += [(x, r, rule(*fitted(rest))) for x, r in qs]
    precision = np.mean([r[k(x)[:15]].mean() for x, r, k in held_out])
    recall = np.mean([r[k(x)[:15]].sum() / r.sum() for x, r, k in held_out if r.any()])
    print(f"fitted, each file held out in turn: precision {precision:.3f}, recall {recall:.3f}")
    weights, bar = fitted(everything)
    p, r = measured(everything, rule(weights, bar))
    print(f"fitted on all: precision {p:.3f}, recall {r:.3f}")
    print(f"list_weights={tuple(round(float(w), 3) for w in weights)}, list_bar={round(bar, 3)}")


if __name__ == "__main__":
    main()
