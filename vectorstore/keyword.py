"""BM25 keyword search (bm25s with an English Snowball stemmer), held in memory.

Dense search misses exact names and numbers ("2019/127918", "Captor", "spork"); BM25 finds them.
The index is rebuilt when the stored passages change, never per query.
"""

from __future__ import annotations

from typing import Iterable, Sequence


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
        if self.ids:
            tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, show_progress=False)
            self._bm25.index(tokens, show_progress=False)
            self.vocabulary = set(tokens.vocab)

    def __len__(self) -> int:
        return len(self.ids)

    def unknown_terms(self, words: Iterable[str]) -> list[str]:
        """The words whose stem occurs in no indexed passage."""
        return [w for w in words if self._stemmer.stemWord(w.lower()) not in self.vocabulary]

    def search(self, query: str, k: int = 50, allowed: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The k best (id, score) with score > 0, restricted to `allowed` ids when given."""
        import bm25s
        import numpy as np

        if not self.ids:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer, show_progress=False,
                                return_ids=False)[0]
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=float)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._position[a] for a in allowed if a in self._position]] = True
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]
