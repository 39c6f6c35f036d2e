"""Every number that shapes an answer, in one frozen record: passed to `Assistant`, varied by bench/calibrate.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerSettings:
    """Candidate counts, thresholds and weights of the answer stages (defaults calibrated on the tune sets)."""

    # Retrieval: passages per ranking (dense, BM25) before fusion, and how many fused passages a question reads.
    candidates: int = 100
    lookup_passages: int = 60
    list_passages: int = 100
    # Cases whose sentences are weighed against the question (the best of the fused ranking).
    cases_weighed: int = 40
    # The weight of the case ranking by best keyword score beside the three by meaning (passage order, clause
    # alignment, best sentence) when the weighed cases are fused: an exact rare word ("MOSOVO", "ligature") is the
    # strongest evidence a retold story gives, and MiniLM blurs it among the three.
    keyword_case_weight: float = 2.0
    # Of the first `dated_among` weighed cases, those dated in a month the question names come first.
    dated_among: int = 6
    # Relevance: a weighted sum of the signals (assistant/relevance.py) against two bars. At or above `high_bar`
    # the answer stands; between the bars the nearest cases are shown as nearest and the answer abstains;
    # below `low_bar` nothing is shown. Weights from a logistic fit on the tune sets (bench/calibrate.py).
    # sentence, alignment, distinctness, keyword coverage, unsupported concept, foreign concept
    weights: tuple[float, ...] = (8.53, -8.63, 7.99, 4.42, -56.9, -26.92)
    high_bar: float = -0.228
    low_bar: float = -3.597
    # Sentences of the top passages weighed for the best-sentence signal.
    top_passages: int = 6
    # A lookup shows the best case and the next ones whose score is within `lookup_margin` of it.
    lookup_max_cases: int = 3
    lookup_margin: float = 0.4
    passages_per_case: int = 2
    passages_one_case: int = 3  # when a lookup shows one case only (the only close one, or one a follow-up names)
    # A list keeps the rows whose weighted signals (assistant/list_rows.py: how far each row falls below the best
    # on topic and alignment, its coverage of the question's rarer terms, its place) reach `list_bar`. Weights
    # from a logistic fit on the tune sets' list questions (bench/calibrate_lists.py).
    list_weights: tuple[float, ...] = (-6.551, -2.029, 3.118, 1.466, -1.798, 1.914, -1.27)
    list_bar: float = -1.423
    list_max_cases: int = 15
    # Quotes: the weight of words shared with the question, beside the cosine, when picking a sentence.
    quote_keyword_weight: float = 0.2
    # The same when picking a case's passage: its share of the question's rarer terms beside its best cosine.
    passage_keyword_weight: float = 0.2
    # A best sentence shorter than this (characters) is quoted with its neighbour.
    short_sentence: int = 90
    # Rows of a filter table before it is cut, with a note saying so.
    table_max_rows: int = 60
    # Follow-ups: "and in Kent?" stands only when Kent's best sentence is within this cosine of the best anywhere.
    scope_margin: float = 0.1
    # "Who else got the same rec?": another case's recommendation is the same when one of its sentences is at
    # least this close (cosine) to the words of the one given (Kent's and Humberside's, the same but the force).
    same_recommendation: float = 0.8

    def __post_init__(self):
        # One weight per signal, or the weighted sums would silently read the wrong ones.
        for name, n in (("weights", 6), ("list_weights", 7)):
            if len(getattr(self, name)) != n:
                raise ValueError(f"AnswerSettings.{name}: {n} weights expected, got {len(getattr(self, name))}")


DEFAULT = AnswerSettings()
