"""Does the collection answer the question? A graded judgement: high, low or none.

The default judge weighs six signals of the best weighed cases (assistant/evidence.py):
- sentence: the best cosine between the question and one sentence of a top case;
- alignment: how well the question's clauses each find a sentence in one case (a retold scenario
  matches clause by clause even when no single sentence matches the whole);
- distinct: how far that case stands above the next ones (a near-miss sits equally close to several);
- coverage: the share of the question's rarer topic terms, weighted by rarity, that the top case contains;
- unsupported: how much closer the question comes to a near case's best sentence without one of its topic
  words that the case does not contain, the least over the first five cases. A near-miss made of familiar
  words ("Tasered while pregnant") matches a case on its frame ("Tasered"), and leaving out its key concept
  ("pregnant") brings it closer; an everyday word in a retold scenario ("fits", "bloke") moves a long
  question's vector little either way, so it vetoes nothing.
- foreign: how much of the question's meaning rests on a topic word no case uses at all: the most its vector
  moves (1 - cosine) when one such word is left out (all of them, when it has no other). "Were forces told to
  tighten up vetting of new recruits?" rests on "vetting", which no case uses; "twos" or "buggy" in a retold
  chase move it little; a question of made-up words moves all the way.
Their weighted sum is compared with two bars (AnswerSettings; fitted by bench/calibrate.py). A stronger judge
(a cross-encoder on disk, an LLM) can replace it through the RelevanceJudge protocol.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from assistant.catalog import Catalog
from assistant.evidence import CaseEvidence
from assistant.question import Question
from assistant.settings import AnswerSettings
from assistant.vernacular import in_case_terms, phrased_words

TOP_CASES = 5  # cases whose scores the signals read
SUPPORT_CASES = 5  # near cases the unsupported signal looks for the question's concepts in
MAX_LEFT_OUT = 4  # topic words the near cases lack that the unsupported signal tries leaving out

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> unit vectors, one row each


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
    unsupported: float = 0.0
    foreign: float = 0.0

    def vector(self) -> tuple[float, float, float, float, float, float]:
        """The signals in the order of AnswerSettings.weights."""
        return (self.sentence, self.alignment, self.distinct, self.coverage, self.unsupported, self.foreign)


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


def signals(question: Question, evidence: list[CaseEvidence], catalog: Catalog, embed: Embed | None = None) -> Signals:
    """The signals of the default judge (zero when there is no evidence; `unsupported` and `foreign` zero without
    `embed`)."""
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
        **(concept_signals(question, top, catalog, embed) if embed else {}),
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

    def __init__(self, catalog: Catalog, settings: AnswerSettings, embed: Embed | None = None):
        self.catalog = catalog
        self.settings = settings
        self.embed = embed  # for the unsupported signal (the assistant's embedder)

    def judge(self, question: Question, evidence: list[CaseEvidence]) -> Judgement:
        """The verdict for `question` given its weighed cases, best first."""
        s = signals(question, evidence, self.catalog, self.embed)
        score = weighted(s, self.settings)
        return Judgement(confidence_for(score, self.settings) if evidence else Confidence.NONE, score, s)


def case_coverage(q: Question, catalog: Catalog, case_id: str) -> float:
    """Share of the question's topic terms, weighted by rarity, that the case's passages contain."""
    terms = index_terms(catalog, q.topic)
    return catalog.keyword.coverage(terms, catalog.case_passages(case_id)) if terms else 1.0


def index_terms(catalog: Catalog, words: list[str]) -> list[str]:
    """The keyword index's terms for `words`, an everyday word counted as the cases' terms for it ("bloke" is in
    no case, "man" in most: a retold story is not marked down for the trainer's words)."""
    return catalog.keyword.terms(" ".join(in_case_terms(words)))


def concept_signals(q: Question, evidence: list[CaseEvidence], catalog: Catalog, embed: Embed) -> dict[str, float]:
    """The `unsupported` and `foreign` signals, from one embedding pass of the question and its variants, each
    without one topic word that most of the first SUPPORT_CASES cases lack (at most MAX_LEFT_OUT of them); and,
    when no passage contains any of its topic words, one without them all."""
    cases = [(w, w.vectors) for w in evidence[:SUPPORT_CASES] if w.vectors is not None and len(w.vectors)]
    terms_of = {word: terms for word in dict.fromkeys(q.topic) if (terms := index_terms(catalog, [word]))}
    absent = {
        w.case_id: {
            word
            for word, terms in terms_of.items()
            if not catalog.keyword.coverage(terms, catalog.case_passages(w.case_id))
        }
        for w, _ in cases
    }
    order = list(dict.fromkeys(word for word in q.topic if any(word in ws for ws in absent.values())))
    words = sorted(order, key=lambda word: -sum(word in ws for ws in absent.values()))[:MAX_LEFT_OUT]
    if not cases or not words:
        return {"unsupported": 0.0, "foreign": 0.0}
    phrased = phrased_words(q.text)
    foreign = [
        w
        for w, terms in terms_of.items()
        if w.lower() not in phrased and not any(catalog.keyword.document_frequency(t) for t in terms)
    ]
    variants = [_without(q.text, [w]) for w in words]
    if len(foreign) > 1 and len(foreign) == len(terms_of):  # nothing else to go on: all of them at once
        variants.append(_without(q.text, foreign))
    vectors = embed([q.text, *variants])
    moves = [1.0 - float(v @ vectors[0]) for v in vectors[1:]]
    alone = [m for m, w in zip(moves, words, strict=False) if w in foreign]  # the last move may be of all
    return {
        "unsupported": _unsupported(words, vectors[: len(words) + 1], cases, absent),
        "foreign": max(alone + moves[len(words) :], default=0.0),
    }


def _without(text: str, words: list[str]) -> str:
    """`text` with each of `words` left out, in any case, where it stands as a word (or with its "'s", as the
    topic read it)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.sub(r"(?<![\w'’-])(?:" + alternatives + r")(?:['’]s)?(?![\w'’-])", " ", text, flags=re.IGNORECASE)


def _unsupported(words: list[str], vectors: np.ndarray, cases: list, absent: dict[str, set[str]]) -> float:
    """How far the nearest cases stand from the question's key concept: for each case, the most its best cosine
    with the question rises when one topic word it does not contain is left out of the question; the least of
    those (a concept found in any near case is found)."""
    gains = []
    for w, sentence_vectors in cases:
        best = (vectors @ sentence_vectors.T).max(axis=1)
        lacks = [i for i, word in enumerate(words, 1) if word in absent[w.case_id]]
        gains.append(max([float(best[i] - best[0]) for i in lacks] + [0.0]))
    return min(gains)
