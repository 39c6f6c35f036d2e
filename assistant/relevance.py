"""Does the collection answer the question? A graded judgement: high, low or none.

The default judge weighs four signals of the best weighed cases (assistant/evidence.py):
- sentence: the best cosine between the question and one sentence of a top case;
- alignment: how well the question's clauses each find a sentence in one case (a retold scenario
  matches clause by clause even when no single sentence matches the whole);
- distinct: how far that case stands above the next ones (a near-miss sits equally close to several);
- coverage: the share of the question's rarer topic terms, weighted by rarity, that the top case contains.
Their weighted sum is compared with two bars (AnswerSettings; fitted by bench/calibrate.py). A stronger judge
(a cross-encoder on disk, an LLM) can replace it through the RelevanceJudge protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from assistant.catalog import Catalog
from assistant.evidence import CaseEvidence
from assistant.question import Question
from assistant.settings import AnswerSettings

TOP_CASES = 5  # cases whose scores the signals read


class Confidence(StrEnum):
    """How clearly the cases answer a question."""

    HIGH = "high"  # answered
    LOW = "low"  # nothing clearly matches: the nearest cases are shown as nearest, and the answer abstains
    NONE = "none"  # nothing to show


@dataclass(frozen=True)
class Signals:
    """What the default judge weighs (see the module docstring)."""

    sentence: float
    alignment: float
    distinct: float
    coverage: float

    def vector(self) -> tuple[float, float, float, float]:
        """The signals in the order of AnswerSettings.weights."""
        return (self.sentence, self.alignment, self.distinct, self.coverage)


@dataclass(frozen=True)
class Judgement:
    """A judge's verdict on one question."""

    confidence: Confidence
    score: float
    signals: Signals | None = None


class RelevanceJudge(Protocol):
    """Decides whether the weighed cases answer the question."""

    def judge(self, question: Question, evidence: list[CaseEvidence]) -> Judgement:
        """The verdict for `question` given its weighed cases, best first."""
        ...


def signals(question: Question, evidence: list[CaseEvidence], catalog: Catalog) -> Signals:
    """The four signals of the default judge (zero when there is no evidence)."""
    top = evidence[:TOP_CASES]
    if not top:
        return Signals(0.0, 0.0, 0.0, 0.0)
    alignments = sorted((w.alignment for w in top), reverse=True)
    others = alignments[1:]
    # With one case there is nothing to stand out from: no evidence either way.
    distinct = alignments[0] - sum(others) / len(others) if others else 0.0
    return Signals(
        sentence=max(w.sentence for w in top),
        alignment=alignments[0],
        distinct=distinct,
        coverage=case_coverage(question, catalog, top[0].case_id),
    )


def weighted(s: Signals, settings: AnswerSettings) -> float:
    """The default judge's score: the rule bench/calibrate.py fits, written once."""
    return sum(w * x for w, x in zip(settings.weights, s.vector(), strict=False))


def confidence_for(score: float, settings: AnswerSettings) -> Confidence:
    """High at or above the high bar, none below the low bar, low between."""
    if score >= settings.high_bar:
        return Confidence.HIGH
    return Confidence.LOW if score >= settings.low_bar else Confidence.NONE


class SignalJudge:
    """The default judge: MiniLM signals against calibrated bars; downloads nothing."""

    def __init__(self, catalog: Catalog, settings: AnswerSettings):
        self.catalog = catalog
        self.settings = settings

    def judge(self, question: Question, evidence: list[CaseEvidence]) -> Judgement:
        """The verdict for `question` given its weighed cases, best first."""
        s = signals(question, evidence, self.catalog)
        score = weighted(s, self.settings)
        return Judgement(confidence_for(score, self.settings) if evidence else Confidence.NONE, score, s)


def case_coverage(q: Question, catalog: Catalog, case_id: str) -> float:
    """Share of the question's topic terms, weighted by rarity, that the case's passages contain."""
    terms = catalog.keyword.terms(" ".join(q.topic))
    return catalog.keyword.coverage(terms, catalog.case_passages(case_id)) if terms else 1.0
