"""BM25 keyword search (bm25s with an English Snowball stemmer), held in memory.

Dense search misses exact names and numbers ("2019/127918", "Captor", "spork"); BM25 finds them.
The index is rebuilt when the stored passages change, never per query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

_TERMS_CACHE = 10_000  # question texts whose terms are remembered


class KeywordIndex:
    """BM25 over a fixed list of (id, text); `search` scores every document, optionally masked."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]):
        import bm25s
        import Stemmer

        self.ids = list(ids)
        self._position = {pid: i for i, pid in enumerate(self.ids)}
        self._stemmer = Stemmer.Stemmer("english")
        self._bm25 = bm25s.BM25()
        self.vocabulary: set[str] = set()
        self._terms: list[frozenset[str]] = []
        # Why: one answer tokenizes the same question text many times (search, unknown words, the
        # coverage of every candidate case); bm25s.tokenize costs about a millisecond a call.
        self._query_terms: dict[str, list[str]] = {}
        if self.ids:
            tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, show_progress=False)
            self._bm25.index(tokens, show_progress=False)
            self.vocabulary = set(tokens.vocab)
            inverse = {i: t for t, i in tokens.vocab.items()}
            self._terms = [frozenset(inverse[i] for i in doc) for doc in tokens.ids]

    def __len__(self) -> int:
        return len(self.ids)

    def terms(self, text: str) -> list[str]:
        """The stemmed, stop-word-free terms of `text`, as the index sees them."""
        cached = self._query_terms.get(text)
        if cached is None:
            import bm25s

            if len(self._query_terms) >= _TERMS_CACHE:
                self._query_terms.clear()
            cached = self._query_terms[text] = bm25s.tokenize(
                [text], stopwords="en", stemmer=self._stemmer, show_progress=False, return_ids=False
            )[0]
        return list(cached)

    def document_frequency(self, term: str) -> int:
        """How many passages contain the (stemmed) term."""
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term no passage contains gets the highest weight."""
        import math

        df = self._df.get(term, 0)
        return math.log(1 + (len(self.ids) - df + 0.5) / (df + 0.5))

    @cached_property
    def _df(self) -> dict[str, int]:
        from collections import Counter

        return Counter(t for doc in self._terms for t in doc)

    def coverage(self, query_terms: list[str], ids: Iterable[str]) -> float:
        """Share of the query's terms, weighted by idf, that occur in the given passages."""
        present = frozenset().union(*(self._terms[self._position[i]] for i in ids if i in self._position))
        # In a fixed order: a float sum over a set's hash order differs between processes in the last digit.
        weights = {t: self.idf(t) for t in sorted(set(query_terms))}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in present) / total if total else 0.0

    def search(self, query: str, k: int = 50, allowed: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The k best (id, score) with score > 0, restricted to `allowed` ids when given."""
        import numpy as np

        if not self.ids:
            return []
        tokens = self.terms(query)
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=float)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._position[a] for a in allowed if a in self._position]] = True
            scores = np.where(mask, scores, 0.0)
        return [(self.ids[i], float(scores[i])) for i in _top_positive(scores, k)]


def _top_positive(scores, k: int):
    """Indices of the k best positive scores, best first, ties by index: what a stable argsort of
    every score gives, without sorting every passage (that sort was most of a search at 40,000)."""
    import numpy as np

    positive = np.flatnonzero(scores > 0)
    if k <= 0:
        return positive[:0]
    if len(positive) > k:
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]  # the k-th best score
        positive = positive[scores[positive] >= kth]  # all tied with it stay: the stable sort picks by index
    return positive[np.argsort(-scores[positive], kind="stable")][:k]
