"""Keyword search over passages: BM25 over their index text, and their words for spelling hints.

Built from passages alone (no cases, no filters), so it is updated with the passages of the sources
that changed; readers depend only on `KeywordSearch`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from ingest.passages import index_text
from vectorstore import KeywordIndex, Passage

_WORDS = re.compile(r"[a-z]{4,}")


class KeywordSearch(Protocol):
    """What answering asks of a keyword index."""

    def terms(self, text: str) -> list[str]:
        """The stemmed, stop-word-free terms of `text`, as the index sees them."""
        ...

    def document_frequency(self, term: str) -> int:
        """How many passages contain the (stemmed) term."""
        ...

    def coverage(self, query_terms: list[str], ids: Iterable[str]) -> float:
        """Share of the query's terms, weighted by idf, that occur in the given passages."""
        ...

    def coverage_each(self, query_terms: list[str], ids: Iterable[str]) -> dict[str, float]:
        """coverage() of each of `ids` alone."""
        ...

    def search(self, query: str, k: int = 50, allowed: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The k best (id, score) with score > 0, restricted to `allowed` ids when given."""
        ...


def keyword_index(passages: Iterable[Passage]) -> KeywordSearch:
    """BM25 over the passages' index text (title, force and section, then the text), in the order given."""
    passages = list(passages)
    return KeywordIndex([p.id for p in passages], [index_text(p.text, p.metadata) for p in passages])


def keyword_changes(before: KeywordSearch, added: Iterable[Passage], removed: Iterable[str]) -> KeywordSearch:
    """`before` without the `removed` passages and with the `added` ones (a new index; `before` is unchanged)."""
    if not isinstance(before, KeywordIndex):
        raise TypeError(f"cannot update a {type(before).__name__} in place of rebuilding it")
    return before.with_changes([(p.id, index_text(p.text, p.metadata)) for p in added], removed)


def passage_words(passages: Iterable[Passage]) -> Counter[str]:
    """Every lower-case word of four letters or more in the passages' text, with how many passages use it."""
    return Counter(w for p in passages for w in set(_WORDS.findall(p.text.lower())))


def words_by_initial(words: Iterable[str]) -> dict[str, list[str]]:
    """The words, sorted, by first letter (a typo rarely changes the first letter; it keeps look-ups small)."""
    out: dict[str, list[str]] = {}
    for w in sorted(words):
        out.setdefault(w[0], []).append(w)
    return out
