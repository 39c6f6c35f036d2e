"""The in-memory view of the collection: one consistent snapshot and the indexes built on it.

Loaded from the store, then made again from the previous catalog after a change: only the sources
whose record changed are read, and the keyword index and inferred themes are updated for their
passages alone, so a 10,000-case collection is not read again after every ingest. Each index owns its
rule: cases (twins merged) in case_index, filtering in filter_index, keyword search in keyword_index.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from assistant.case_index import CaseIndex
from assistant.filter_index import FilterIndex
from assistant.keyword_index import KeywordSearch, keyword_changes, keyword_index, passage_words, words_by_initial
from assistant.sentence_table import SentenceTable
from assistant.themes import Memo
from assistant.themes import assign as assign_themes
from assistant.types import CaseSummary, Filters
from ingest.passages import INDEX_TEXT_FIELDS, PassageMeta
from vectorstore import ChromaStore, Passage, Snapshot
from vectorstore.record import HASH_FIELD, SOURCE_FIELD


class Catalog:
    """Passages whose source record vouches for them, their cases, and the indexes over both."""

    def __init__(self, store: ChromaStore, previous: Catalog | None = None):
        self.generation = store.seen  # the store's state this view was loaded from
        self.snapshot: Snapshot = store.snapshot(previous.snapshot if previous else None)
        self.passages = self.snapshot.passages
        old = previous.passages if previous else {}
        unchanged = previous is not None and self.passages is old  # the store's generation was the same
        self._removed = [] if unchanged else [pid for pid, p in old.items() if self.passages.get(pid) is not p]
        self._meta: dict[str, PassageMeta] = {}
        self._shared: dict = {}  # equal metadata values read now, one object each (see PassageMeta.from_metadata)
        if previous is not None and unchanged:
            self._meta = previous._meta  # the same passages: the same metadata (meta() only adds to it)
        elif previous:
            kept = (
                previous._meta.items()
                if not self._removed
                else ((pid, m) for pid, m in previous._meta.items() if self.passages.get(pid) is old.get(pid))
            )
            self._meta = dict(kept)
        self._added = (
            [] if unchanged else [self._slim(p) for pid, p in list(self.passages.items()) if old.get(pid) is not p]
        )
        self.changes = len(self._removed) + len(self._added) if previous else len(self.passages)
        self.changed = previous is None or bool(self.changes)  # than the previous catalog
        self._previous = previous  # until prepare() has carried over what it can
        self.case_index: CaseIndex = CaseIndex(self.snapshot.records, previous.case_index if previous else None)
        self.cases: dict[str, CaseSummary] = self.case_index.cases
        self.sentences: SentenceTable = (
            previous.sentences
            if previous is not None and not self.changed
            else SentenceTable(
                self._added,
                store.sentence_vectors,
                store.model.dimension,
                previous.sentences if previous else None,
                self._removed,
            )
        )
        if previous is not None and not self.changed and _same(self.cases, previous.cases):
            self._themes: Memo = previous._themes  # the same texts and cases: the same themes
            return
        # Themes for the untagged cases, before any index reads them (see assistant.themes for why here).
        texts_by_case: dict[str, list[str]] = {cid: [] for cid in self.cases}
        for pid, p in self.passages.items():
            texts_by_case.setdefault(self.meta(pid).case_id, []).append(p.text)
        self._themes = assign_themes(
            self.cases,
            texts_by_case,
            self.sentences.lookup,
            store.model.dimension,
            previous._themes if previous else None,
        )

    def _slim(self, passage: Passage) -> Passage:
        """The passage as the catalog keeps it: its metadata read into meta(), and only what the keyword
        index and the store's next snapshot read kept in the Passage (at 10,000 cases the kept passages
        pickled to 69 MB instead of 110 MB)."""
        md = passage.metadata
        shared = self._shared
        self._meta[passage.id] = PassageMeta.from_metadata(md, shared)
        kept = {k: md[k] for k in (*INDEX_TEXT_FIELDS, SOURCE_FIELD, HASH_FIELD) if k in md}
        kept = {k: shared.setdefault(v, v) if isinstance(v, str) else v for k, v in kept.items()}
        slim = self.passages[passage.id] = Passage(passage.id, passage.text, kept)
        return slim

    def meta(self, pid: str) -> PassageMeta:
        """The typed metadata of a passage (read once, then remembered)."""
        known = self._meta.get(pid)
        if known is None:
            known = self._meta[pid] = PassageMeta.from_metadata(self.passages[pid].metadata, self._shared)
        return known

    @cached_property
    def keyword(self) -> KeywordSearch:
        """BM25 over the passages' index text."""
        before = self._previous.keyword if self._previous else None
        if before is None:
            return keyword_index(self.passages.values())
        return keyword_changes(before, self._added, self._removed) if self.changed else before

    @cached_property
    def filter_index(self) -> FilterIndex:
        """The passages' filter facets and indexes."""
        previous = self._previous
        if previous is not None and not self.changed and _same(self.cases, previous.cases):
            return previous.filter_index  # the same passages and (identical) cases
        before = previous.filter_index if previous else None
        return FilterIndex({pid: self.meta(pid) for pid in self.passages}, self.cases, before)

    @cached_property
    def _word_counts(self) -> Counter[str]:
        """How many passages use each word of four letters or more."""
        if self._previous is None:
            return passage_words(self.passages.values())
        if not self.changed:
            return self._previous._word_counts
        counts = Counter(self._previous._word_counts)
        counts.subtract(passage_words(self._previous.passages[pid] for pid in self._removed))
        counts.update(passage_words(self._added))
        return +counts  # words no passage uses any more are dropped

    @cached_property
    def words(self) -> frozenset[str]:
        """Every lower-case word of four letters or more in the passages (for spelling hints)."""
        return frozenset(self._word_counts)

    @cached_property
    def words_by_initial(self) -> dict[str, list[str]]:
        """The words, by first letter."""
        return words_by_initial(self.words)

    def prepare(self) -> Catalog:
        """Build the keyword and filter indexes and the words now (each once per catalog); returns it."""
        # Why all at once: built lazily, the first filtered question after a load paid about 1 s at
        # 10,000 cases. And the previous catalog is let go only once nothing more is carried over.
        self.keyword  # noqa: B018  # built for its side effect
        self.filter_index  # noqa: B018
        self._word_counts  # noqa: B018
        self._previous = None
        self._removed, self._added = [], []
        return self

    def __getstate__(self) -> dict:
        """What is kept on disk (see assistant.catalog_file): the snapshot and every index made of it."""
        kept = (
            "generation",
            "snapshot",
            "passages",
            "case_index",
            "_themes",
            "keyword",
            "_word_counts",
            "filter_index",
            "sentences",
        )
        return {**{k: self.__dict__[k] for k in kept}, "_meta": {pid: self.meta(pid) for pid in self.passages}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _previous=None, _removed=[], _added=[], changed=False, changes=0, _shared={})
        self.cases = self.case_index.cases

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


def _same(cases: dict[str, CaseSummary], other: dict[str, CaseSummary]) -> bool:
    """Whether two catalogs' cases are the very same objects (none was made again or replaced)."""
    return len(cases) == len(other) and all(c is other.get(k) for k, c in cases.items())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, and what it made then kept out of the collector's sight.

    Making or reading a catalog creates millions of objects, none of them garbage: the collections they
    set off doubled the time (4.6 s against 11.2 s to read a 10,000-case catalog), and every later full
    collection would walk them all again (about 0.5 s at 10,000 cases), so they are frozen (gc.freeze).
    A catalog holds no reference cycles (tests/test_catalog_updates.py), so a replaced one is still
    freed by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.collect()  # garbage now is not frozen with the catalog (this walks only what is not frozen)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
