"""The in-memory view of the collection: one consistent snapshot and the indexes built on it.

Loaded once from the store and reloaded only after this process changes it, so queries never
rebuild anything. Each index owns its rule: cases (twins merged) in case_index, filtering in
filter_index, keyword search in keyword_index.
"""

from __future__ import annotations

from functools import cached_property

from assistant.case_index import CaseIndex
from assistant.filter_index import FilterIndex
from assistant.keyword_index import KeywordSearch, keyword_index, passage_words, words_by_initial
from assistant.themes import assign as assign_themes
from assistant.types import CaseSummary, Filters
from ingest.passages import PassageMeta
from vectorstore import ChromaStore


class Catalog:
    """Passages whose source record vouches for them, their cases, and the indexes over both."""

    def __init__(self, store: ChromaStore):
        self.generation = store.seen  # the store's state this view was loaded from
        snapshot = store.snapshot()
        self.passages = snapshot.passages
        self.case_index = CaseIndex(snapshot.records)
        self.cases: dict[str, CaseSummary] = self.case_index.cases
        self._meta: dict[str, PassageMeta] = {}
        # Themes for the untagged cases, before any index reads them (see assistant.themes for why here).
        assign_themes(
            self.cases,
            {i: p.text for i, p in self.passages.items()},
            lambda i: self.meta(i).case_id,
            store.sentence_vectors,
        )

    def meta(self, pid: str) -> PassageMeta:
        """The typed metadata of a passage (read once, then remembered)."""
        known = self._meta.get(pid)
        if known is None:
            known = self._meta[pid] = PassageMeta.from_metadata(self.passages[pid].metadata)
        return known

    @cached_property
    def keyword(self) -> KeywordSearch:
        """BM25 over the passages' index text."""
        return keyword_index(self.passages.values())

    @cached_property
    def filter_index(self) -> FilterIndex:
        """The passages' filter facets and indexes."""
        return FilterIndex({pid: self.meta(pid) for pid in self.passages}, self.cases)

    @cached_property
    def words(self) -> frozenset[str]:
        """Every lower-case word of four letters or more in the passages (for spelling hints)."""
        return passage_words(self.passages.values())

    @cached_property
    def words_by_initial(self) -> dict[str, list[str]]:
        """The words, by first letter."""
        return words_by_initial(self.words)

    def prepare(self) -> Catalog:
        """Build the keyword and filter indexes now (each once per catalog); returns the catalog."""
        # Why both at once: built lazily, the first filtered question after a load paid about 1 s at
        # 10,000 cases. Answering the first question after a load already means building BM25
        # (seconds there); the filter index adds a fraction.
        self.keyword  # noqa: B018  # built for its side effect
        self.filter_index  # noqa: B018
        return self

    def allowed(self, filters: Filters) -> list[str] | None:
        """Ids of the passages that pass `filters`; None when nothing is restricted."""
        return self.filter_index.allowed(filters)

    def case_passages(self, case_id: str) -> list[str]:
        """Ids of the passages of one case (all its sources)."""
        return self.filter_index.case_passages(case_id)

    def forces(self) -> list[str]:
        """Every force or body named by some case, sorted."""
        return self.case_index.forces()

    def themes(self) -> list[str]:
        """Every theme tag, sorted."""
        return self.case_index.themes()
