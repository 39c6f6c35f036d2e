"""Hybrid retrieval: dense (Chroma) and BM25 rankings fused by reciprocal rank, with filters."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from assistant.catalog import Catalog
from assistant.types import CaseSummary, Filters, Hit
from ingest.passages import case_date
from vectorstore import ChromaStore, Embedder, reciprocal_rank_fusion


class RetrievalMode(StrEnum):
    """Which rankings a search fuses (dense and BM25 alone serve as baselines)."""

    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


class Retriever(Protocol):
    """Ranks stored passages for a query."""

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        k: int = 20,
        mode: RetrievalMode | str = RetrievalMode.HYBRID,
        query_vector=None,
    ) -> list[Hit]:
        """The k best passages, best first."""
        ...


class HybridRetriever:
    """Dense (Chroma) and BM25 rankings fused by reciprocal rank, restricted by filters."""

    def __init__(self, catalog: Catalog, store: ChromaStore, embedder: Embedder, candidates: int = 100):
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.candidates = candidates  # per ranking, before fusion

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        k: int = 20,
        mode: RetrievalMode | str = RetrievalMode.HYBRID,
        query_vector=None,
    ) -> list[Hit]:
        """The k best passages, best first; a mode that is not a RetrievalMode is a ValueError."""
        mode = RetrievalMode(mode)
        filters = filters or Filters()
        allowed = self.catalog.allowed(filters)
        if allowed is not None and not allowed:
            return []
        dense: dict[str, float] = {}
        if mode in (RetrievalMode.HYBRID, RetrievalMode.DENSE):
            vector = self.embedder.embed([query])[0] if query_vector is None else query_vector
            dense = {
                i: s for i, s in self.store.query(vector, self.candidates, ids=allowed) if i in self.catalog.passages
            }
        keyword: dict[str, float] = {}
        if mode in (RetrievalMode.HYBRID, RetrievalMode.BM25):
            keyword = dict(self.catalog.keyword.search(query, self.candidates, allowed))
        rankings = [list(r) for r in (dense, keyword) if r]
        fused = reciprocal_rank_fusion(rankings)[:k]
        return [self.hit(pid, score, dense.get(pid, 0.0), keyword.get(pid, 0.0)) for pid, score in fused]

    def hit(self, pid: str, score: float = 0.0, dense: float = 0.0, keyword: float = 0.0) -> Hit:
        """A Hit for a stored passage."""
        md = self.catalog.meta(pid)
        # Title, force and date come from the case (twins merged), so every source of it reads the same.
        case = self.catalog.cases.get(md.case_id)
        return Hit(
            id=pid,
            case_id=md.case_id,
            title=case.title if case else md.title,
            force=(case.force if case else None) or md.force,
            section=md.section,
            rec_no=md.rec_no or None,
            status=_case_status(case, md.rec_no) or md.status,
            text=self.catalog.passages[pid].text,
            source=md.source,
            url=md.url or None,
            score=score,
            dense=dense,
            keyword=keyword,
            date=(case_date(case) if case else "") or md.date,
            addressed_to=md.addressed_to,
            response_due=(case.response_due if case else None) or md.response_due,
            response_due_inferred=case.response_due_inferred if case else md.response_due_inferred,
        )


def _case_status(case: CaseSummary | None, rec_no: int | None) -> str:
    """The status of recommendation `rec_no` as the case knows it (twins merged: the source that knows more
    wins), "" when it knows none: a twin page that shows no status does not hide the other's."""
    if case is None or not rec_no:
        return ""
    status = next((r.get("status") or "" for r in case.recommendations if r.get("number") == rec_no), "")
    return "" if status == "unknown" else status
