"""Which rows a list keeps: a weighted sum of each row's signals against a bar.

A list question's candidate rows (one passage per weighed case: its recommendation, response or story) are
each measured against the best row of the same question, because everyday wording leaves every absolute
figure low:
- topic_gap: how far the row's topic score (its best sentence's cosine with the question's topic words alone)
  falls below the best row's;
- alignment_gap: how far its case's clause alignment with the whole question falls below the best case's;
- relative_coverage: the share of the question's rarer terms its passage covers, over the best row's share;
- coverage: that share itself;
- place: how far down the list's candidate rows the row is, in the order the cases were weighed (log of its
  index: keyword evidence counts there);
- topic and alignment: the row's own figures.
The weights and the bar are a logistic fit on the tune sets' list questions (bench/calibrate_lists.py), where
a row is right when its case is one the question expects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RowSignals:
    """What list membership weighs for one row (see the module docstring)."""

    topic_gap: float
    alignment_gap: float
    relative_coverage: float
    coverage: float
    place: float
    topic: float
    alignment: float

    def vector(self) -> tuple[float, ...]:
        """The signals in the order of AnswerSettings.list_weights."""
        return (
            self.topic_gap,
            self.alignment_gap,
            self.relative_coverage,
            self.coverage,
            self.place,
            self.topic,
            self.alignment,
        )


def row_signals(topic: Sequence[float], alignment: Sequence[float], coverage: Sequence[float]) -> list[RowSignals]:
    """The signals of each row, given each row's topic score, case alignment and coverage, in weighed order."""
    if not topic:
        return []
    best_topic, best_alignment, best_coverage = max(topic), max(alignment), max(coverage) or 1.0
    return [
        RowSignals(
            topic_gap=best_topic - t,
            alignment_gap=best_alignment - a,
            relative_coverage=c / best_coverage,
            coverage=c,
            place=math.log1p(i),
            topic=t,
            alignment=a,
        )
        for i, (t, a, c) in enumerate(zip(topic, alignment, coverage, strict=True))
    ]


def membership(signals: RowSignals, weights: Sequence[float]) -> float:
    """A row's score: the rule bench/calibrate_lists.py fits, written once."""
    return sum(w * x for w, x in zip(weights, signals.vector(), strict=True))


def kept_rows(signals: list[RowSignals], weights: Sequence[float], bar: float) -> list[int]:
    """The indexes of the rows at or above the bar, in order (none when no row is about the topic)."""
    return [i for i, s in enumerate(signals) if membership(s, weights) >= bar]


def nearest_row(signals: list[RowSignals], weights: Sequence[float]) -> int:
    """The index of the row scoring highest (shown as the nearest when none is kept)."""
    return max(range(len(signals)), key=lambda i: membership(signals[i], weights))
