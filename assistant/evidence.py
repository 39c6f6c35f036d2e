"""Weighing retrieved cases against the question, sentence by sentence.

A trainer retells a case in several clauses ("a sister rang in worried; an officer went round two days
later; when they forced the door he was dead"). One vector for the whole question blurs them, and a
passage-level score blurs the one sentence that matches among many that do not. So each candidate case is
scored on its own sentences (vectors stored at ingest): the best sentence against the whole question, and
each clause of the question against its best sentence in the case (alignment). The fused passage ranking,
the alignment, the best sentence and the case's best BM25 score are then fused again by rank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant.catalog import Catalog
from assistant.limits import MAX_CLAUSES
from assistant.retrieval import HybridRetriever
from assistant.types import Hit
from ingest.sentences import weighed_sentences
from vectorstore import reciprocal_rank_fusion

_CLAUSE_BREAK = re.compile(
    r"(?<=[.?!])\s+|;\s+|:\s+|,\s+(?:and|but|so|then|who|which|when|after|because)\s+|"
    # "…didn't rouse him properly - what was the learning?": a story, then its question after a dash.
    r"\s+[-–—]+\s+(?=(?:what|how|why|who|which|when|where|did|was|were|is|are|has|have|does|do)\b)",
    re.IGNORECASE,
)


def clauses(text: str) -> list[str]:
    """The question's clauses of three words or more (the whole question when it has none), the first
    MAX_CLAUSES of them: each is embedded and weighed against every candidate case."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text) if len(p.split()) >= 3]
    return (parts or [text])[:MAX_CLAUSES]


@dataclass
class CaseEvidence:
    """One candidate case: its passages with their best-sentence cosine, and its scores."""

    case_id: str
    passages: list[Hit]  # every passage of the case (all its sources), best sentence first
    passage_score: dict[str, float] = field(default_factory=dict)  # passage id -> best sentence cosine
    sentence: float = 0.0  # best cosine between the whole question and one sentence of the case
    alignment: float = 0.0  # mean over the question's clauses of their best sentence cosine in the case
    fused: float = 0.0
    vectors: np.ndarray | None = None  # the unit vectors of the case's sentences (read by the relevance judge)

    def best(self, sections: tuple[str, ...] | None = None) -> Hit | None:
        """The passage with the best sentence, among `sections` when given."""
        return next((h for h in self.passages if sections is None or h.section in sections), None)


def weigh_cases(
    hits: list[Hit],
    question_vector,
    clause_vectors,
    catalog: Catalog,
    retriever: HybridRetriever,
    sentence_vectors,
    n_cases: int,
    allowed: set[str] | None = None,
    keyword_weight: float = 1.0,
) -> list[CaseEvidence]:
    """The first `n_cases` cases of `hits` (in fused order), weighed and re-ranked, best first.

    `allowed` restricts the passages read from each case (the filters' passages), None for all;
    `keyword_weight` is the weight of the keyword ranking beside the three others (AnswerSettings)."""
    order = list(dict.fromkeys(h.case_id for h in hits))[:n_cases]
    read = {cid: [pid for pid in catalog.case_passages(cid) if allowed is None or pid in allowed] for cid in order}
    # The sentences of passages the catalog's table lacks are looked up (or embedded) in one call: a read per
    # case was most of a question's cost at 10,000 cases.
    sentence_vectors.embed_cached(
        [
            s
            for pids in read.values()
            for pid in pids
            if catalog.sentences.rows(pid) is None
            for s in _sentences(catalog, pid)
        ]
    )
    weighed = [
        _weigh(cid, read[cid], question_vector, clause_vectors, catalog, retriever, sentence_vectors) for cid in order
    ]
    weighed = [w for w in weighed if w.passages]
    by_sentence = sorted(weighed, key=lambda w: -w.sentence)
    by_alignment = sorted(weighed, key=lambda w: -w.alignment)
    # The best BM25 score among each case's retrieved passages: a ranking of its own, so a case naming the
    # question's rare words exactly ("ligature", "probation") is not outvoted by cases that only read alike.
    keyword: dict[str, float] = {}
    for h in hits:
        keyword[h.case_id] = max(keyword.get(h.case_id, 0.0), h.keyword)
    by_keyword = sorted(weighed, key=lambda w: -keyword.get(w.case_id, 0.0))
    fused = dict(
        reciprocal_rank_fusion(
            [
                [w.case_id for w in weighed],
                [w.case_id for w in by_alignment],
                [w.case_id for w in by_sentence],
                [w.case_id for w in by_keyword],
            ],
            weights=[1.0, 1.0, 1.0, keyword_weight],
        )
    )
    for w in weighed:
        w.fused = fused[w.case_id]
    return sorted(weighed, key=lambda w: -w.fused)


def dated_first(evidence: list[CaseEvidence], months: list[str], date_of: Mapping[str, str], among: int) -> None:
    """Of the first `among` cases, those dated in a month the question names come first, in their order: a
    trainer who says when it happened ("…stabbed her in January 2020") has told which case it is."""
    head = evidence[:among]
    head.sort(key=lambda w: date_of.get(w.case_id, "")[:7] not in months)
    evidence[:among] = head


def reorder_passages(evidence: list[CaseEvidence], cover: Mapping[str, float], weight: float) -> None:
    """Each case's passages best first by their best sentence's cosine plus `weight` times their share of the
    question's rarer terms (`cover`, by passage id): of a case's many responses about as close to the question
    ("what has the Met done about search warrant applications?"), the one that names its words comes first."""
    for w in evidence:
        score = {h.id: w.passage_score[h.id] + weight * cover.get(h.id, 0.0) for h in w.passages}
        w.passages.sort(key=lambda h: -score[h.id])


def _weigh(
    case_id: str,
    ids: list[str],
    qvec,
    clause_vecs,
    catalog: Catalog,
    retriever: HybridRetriever,
    sentence_vectors,
) -> CaseEvidence:
    vectors, counts = sentence_vectors_of(catalog, ids, sentence_vectors)
    if not len(vectors):
        return CaseEvidence(case_id, [])
    to_question = vectors @ qvec
    alignment = float((clause_vecs @ vectors.T).max(axis=1).mean())
    scores = best_of_each(to_question, ids, counts)
    passages = sorted((retriever.hit(pid) for pid in ids), key=lambda h: -scores[h.id])
    return CaseEvidence(
        case_id, passages, scores, sentence=float(np.max(to_question)), alignment=alignment, vectors=vectors
    )


def sentence_vectors_of(catalog: Catalog, ids: list[str], sentence_vectors) -> tuple[np.ndarray, list[int]]:
    """The vectors of the passages' weighed sentences, in order, and how many each passage has: from the
    catalog's table, else (a passage it lacks) from `sentence_vectors`."""
    table = catalog.sentences
    rows = [r for pid in ids if (r := table.rows(pid)) is not None]
    if len(rows) == len(ids):
        return table.vectors(np.concatenate(rows) if rows else np.zeros(0, np.int32)), [len(r) for r in rows]
    texts = [_sentences(catalog, pid) for pid in ids]
    flat = [s for ss in texts for s in ss]
    return sentence_vectors.embed_cached(flat), [len(ss) for ss in texts]


def best_of_each(scores: np.ndarray, ids: list[str], counts: list[int]) -> dict[str, float]:
    """The best of each passage's sentence `scores` (laid out as sentence_vectors_of gives them), by passage id."""
    out, start = {}, 0
    for pid, n in zip(ids, counts, strict=True):
        out[pid] = float(scores[start : start + n].max())
        start += n
    return out


def _sentences(catalog: Catalog, pid: str) -> tuple[str, ...]:
    """The sentences of a passage that are weighed (a passage without sentence breaks is one)."""
    return weighed_sentences(catalog.passages[pid].text)
