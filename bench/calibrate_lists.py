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

import numpy as np
from calibrate import logistic

PROBABILITY = 0.3  # a lower bar lists more of the expected cases and more that are not


def question_rows(assistant, path: str) -> list[tuple[list, np.ndarray]]:
    """(row signals, right) of each list question's candidate rows, one pair per question that has rows."""
    from assistant.answerers import ListAnswerer, list_row_signals
    from assistant.evaluation import source_stem
    from assistant.question import read_question

    stems = {c.case_id: {source_stem(s) for s in c.sources} for c in assistant.catalog.cases.values()}
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
        expected = set(q.get("expected_cases") or [])
        right = np.array([bool(expected & stems.get(w.case_id, set())) for w, _ in rows])
        out.append((list_row_signals(ctx, rows, topic, items), right))
    return out


def each(questions, weights, bar, at_most: int) -> tuple[list[float], list[float]]:
    """Per question, the precision (of the questions that list anything: with no row kept the answer abstains)
    and the recall of expected candidates, of the assistant's own rule (assistant.list_rows.kept_rows)."""
    from assistant.list_rows import kept_rows

    precision, recall = [], []
    for signals, right in questions:
        kept = kept_rows(signals, weights, bar)[:at_most]
        if kept:
            precision.append(float(right[kept].mean()))
        if right.any():
            recall.append(float(right[kept].sum() / right.sum()) if kept else 0.0)
    return precision, recall


def measured(questions, weights, bar, at_most: int) -> tuple[float, float]:
    """Mean precision and recall over the questions (see each)."""
    precision, recall = each(questions, weights, bar, at_most)
    return float(np.mean(precision)), float(np.mean(recall))


def fitted(questions) -> tuple[tuple[float, ...], float]:
    """(weights, bar) fitted on these questions' rows."""
    x = np.concatenate([np.array([s.vector() for s in signals]) for signals, _ in questions])
    weights, intercept = logistic(x, np.concatenate([r for _, r in questions]))
    return tuple(float(w) for w in weights), math.log(PROBABILITY / (1 - PROBABILITY)) - intercept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("questions", nargs="+")
    args = parser.parse_args()
    from assistant import Assistant

    a = Assistant(data_dir=args.data_dir)
    at_most = a.settings.list_max_cases
    by_file = {path: question_rows(a, path) for path in args.questions}
    everything = [q for qs in by_file.values() for q in qs]
    p, r = measured(everything, a.settings.list_weights, a.settings.list_bar, at_most)
    print(f"{len(everything)} list questions: the rule now, precision {p:.3f}, recall {r:.3f}")
    precision, recall = [], []
    for path, qs in by_file.items():
        rest = [q for other, oqs in by_file.items() if other != path for q in oqs]
        if qs and rest:
            p, r = each(qs, *fitted(rest), at_most)  # fitted once per file held out
            precision += p
            recall += r
    print(f"fitted, each file held out in turn: precision {np.mean(precision):.3f}, recall {np.mean(recall):.3f}")
    weights, bar = fitted(everything)
    p, r = measured(everything, weights, bar, at_most)
    print(f"fitted on all: precision {p:.3f}, recall {r:.3f}")
    print(f"list_weights={tuple(round(w, 3) for w in weights)}, list_bar={round(bar, 3)}")


if __name__ == "__main__":
    main()
