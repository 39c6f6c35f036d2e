"""Fit the relevance judge's weights and bars on questions with known answers (and known non-answers).

    python bench/calibrate.py --data-dir .eval-index bench/questions-tune.jsonl bench/questions-own.jsonl ...

For each question it computes the default judge's signals with the assistant's own stages
(`Assistant.weigh`, `relevance.signals`), fits a logistic regression of answerable-or-not on them, and picks
the high bar: the lowest score that keeps false abstentions at or below MAX_FALSE. The low bar sits just under
the lowest answerable score, so only a question unlike anything asked of the cases gets no nearest cases. Prints the AnswerSettings fields to copy into
assistant/settings.py. Never run it on the frozen sets nor the holdout set: they measure, they do not tune.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

import numpy as np

MAX_FALSE = 0.03
LOW_MARGIN = 0.05


def signal_rows(assistant, paths: list[str]):
    """(id, answerable, signals) for each lookup, list and none question (tables are not judged)."""
    from assistant.question import read_question
    from assistant.relevance import signals

    rows = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            q = json.loads(line)
            rq = read_question(q["question"])
            if q["kind"] == "filter" or rq.kind == "filter":
                continue
            ctx = assistant.weigh(rq, q["question"])
            embed = assistant.embedder.embed_cached
            rows.append((q["id"], q["kind"] != "none", signals(rq, ctx.evidence, assistant.catalog, embed)))
    return rows


def fit(rows, l2: float = 1.0, steps: int = 6000) -> np.ndarray:
    """Logistic regression weights on the raw signals (no intercept: the bar plays its part)."""
    return logistic(np.array([r[2].vector() for r in rows]), np.array([float(r[1]) for r in rows]), l2, steps)[0]


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 6000) -> tuple[np.ndarray, float]:
    """(weights, intercept) of a logistic regression on the raw columns of x. Fitted on standardised columns,
    so the penalty weighs each alike whatever its range (the unsupported signal spans a tenth of what
    coverage does), then scaled back."""
    mean, spread = x.mean(axis=0), x.std(axis=0)
    spread[spread == 0] = 1.0
    x1 = np.c_[np.ones(len(x)), (x - mean) / spread]
    w = np.zeros(x1.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x1 @ w))
        w -= 0.5 * (x1.T @ (p - y) + l2 * np.r_[0, w[1:]]) / len(y)
    weights = w[1:] / spread
    return weights, float(w[0] - weights @ mean)


def bars(rows, weights) -> tuple[float, float]:
    """(high bar, low bar) for these weights."""
    scores = [(float(np.dot(weights, r[2].vector())), r[1]) for r in rows]
    answerable = sorted(s for s, a in scores if a)
    high = answerable[int(MAX_FALSE * len(answerable))] - 1e-6
    low = min(high, answerable[0] - LOW_MARGIN)
    return round(high, 3), round(low, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("questions", nargs="+")
    args = parser.parse_args()
    from assistant import Assistant
    from assistant.relevance import confidence_for, weighted

    a = Assistant(data_dir=args.data_dir)
    rows = signal_rows(a, args.questions)
    w = tuple(round(float(v), 2) for v in fit(rows))
    high, low = bars(rows, w)
    settings = replace(a.settings, weights=w, high_bar=high, low_bar=low)
    answerable = [r for r in rows if r[1]]
    none = [r for r in rows if not r[1]]
    levels = [confidence_for(weighted(r[2], settings), settings).value for r in rows]
    false = sum(lv != "high" for lv, r in zip(levels, rows) if r[1]) / len(answerable)
    caught = sum(lv != "high" for lv, r in zip(levels, rows) if not r[1]) / max(1, len(none))
    print(f"{len(answerable)} answerable, {len(none)} none: false abstention {false:.3f}, "
          f"near-miss abstention {caught:.3f}")
    print(f"weights={w}, high_bar={high}, low_bar={low}")


if __name__ == "__main__":
    main()
