"""BM25 keyword search (Lucene's variant, scored as bm25s scores it), kept as postings that update.

Dense search misses exact names and numbers ("2019/127918", "Captor", "spork"); BM25 finds them.
Written here rather than taken whole from bm25s, whose index is built once over a fixed corpus: at
10,000 cases a rebuild took 8 s after every ingest. This index keeps raw term counts per term, so a
new version with some documents added or removed shares everything else with the old one (readers of
the old one are unaffected), and idf and document lengths are applied at query time. Tokens come from
bm25s (English stop words, Snowball stemmer), and scores equal bm25s's to the last bit (a test checks).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_TERMS_CACHE = 10_000  # question texts whose terms are remembered
# Terms whose documents are remembered as a mask over all positions (a question asks each of its terms of every
# candidate case; at 82,000 passages a mask is 82 KB).
_MASKS = 64
K1, B = 1.5, 0.75  # bm25s's defaults
# Removed documents stay as dead positions until they are this share of all; then the index is rebuilt
# from its live postings (no text is re-read).
_DEAD_SHARE = 0.2
# Added documents go to small segments; when there are more than this many, they are merged into one.
_SEGMENTS = 8


@dataclass(frozen=True)
class _Segment:
    """Postings of some documents, term-major: term t's documents are docs[indptr[t]:indptr[t+1]]."""

    indptr: np.ndarray  # int64, one more than the vocabulary size when the segment was made
    docs: np.ndarray  # int32 document positions, ascending within a term
    tf: np.ndarray  # float32 term counts

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        if term + 1 >= len(self.indptr):
            return self.docs[:0], self.tf[:0]
        lo, hi = self.indptr[term], self.indptr[term + 1]
        return self.docs[lo:hi], self.tf[lo:hi]


def _segment(docs_terms: Sequence[np.ndarray], first: int, n_terms: int) -> _Segment:
    """The postings of documents at positions first, first+1, ... given each one's token ids."""
    lengths = np.fromiter((len(t) for t in docs_terms), dtype=np.int64, count=len(docs_terms))
    tokens = np.concatenate(docs_terms) if len(docs_terms) else np.zeros(0, np.int64)
    doc_of = np.repeat(np.arange(first, first + len(docs_terms), dtype=np.int64), lengths)
    keys, counts = np.unique(tokens.astype(np.int64) * (first + len(docs_terms) + 1) + doc_of, return_counts=True)
    terms, docs = np.divmod(keys, first + len(docs_terms) + 1)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=n_terms), out=indptr[1:])
    return _Segment(indptr, docs.astype(np.int32), counts.astype(np.float32))


class KeywordIndex:
    """BM25 over a list of (id, text); `with_changes` makes a new version, `search` scores every document."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]):
        self.ids = list(ids)
        self._position = {pid: i for i, pid in enumerate(self.ids)}
        self._vocab: dict[str, int] = {}
        token_ids = self._token_ids(list(texts))
        self._length = np.array([len(t) for t in token_ids], dtype=np.float64)
        self._alive = np.ones(len(self.ids), dtype=bool)
        self._segments = [_segment(token_ids, 0, len(self._vocab))] if self.ids else []
        self._query_terms: dict[str, list[str]] = {}
        self._masks: dict[str, tuple[np.ndarray, int]] = {}

    # -- versions ---------------------------------------------------------------------------------
    def with_changes(self, added: Sequence[tuple[str, str]], removed: Iterable[str]) -> KeywordIndex:
        """A new index without the `removed` ids and with the `added` (id, text) pairs (an added id
        already present replaces it); this one is left as it was."""
        new = object.__new__(KeywordIndex)
        new.ids = list(self.ids)
        new._position = dict(self._position)
        new._vocab = dict(self._vocab)
        new._alive = self._alive.copy()
        new._query_terms = {}
        new._masks = {}
        for pid in [*removed, *(pid for pid, _ in added)]:
            n = new._position.pop(pid, None)
            if n is not None:
                new._alive[n] = False
        token_ids = new._token_ids([text for _, text in added])
        first = len(new.ids)
        for n, (pid, _) in enumerate(added):
            new._position[pid] = first + n
        new.ids.extend(pid for pid, _ in added)
        new._alive = np.concatenate([new._alive, np.ones(len(added), dtype=bool)])
        new._length = np.concatenate([self._length, np.array([len(t) for t in token_ids], dtype=np.float64)])
        new._segments = list(self._segments) + ([_segment(token_ids, first, len(new._vocab))] if added else [])
        if len(new.ids) and (~new._alive).sum() > _DEAD_SHARE * len(new.ids):
            return new._compacted()
        if len(new._segments) > _SEGMENTS:
            new._segments = [new._merged(range(len(new.ids)))]
        return new

    def _compacted(self) -> KeywordIndex:
        """The same live documents at positions 0..n-1, in one segment."""
        live = np.flatnonzero(self._alive)
        self._segments = [self._merged(live)]
        self.ids = [self.ids[n] for n in live]
        self._position = {pid: i for i, pid in enumerate(self.ids)}
        self._length = self._length[live]
        self._alive = np.ones(len(self.ids), dtype=bool)
        return self

    def _merged(self, keep: Sequence[int] | np.ndarray) -> _Segment:
        """One segment of the postings of the documents at positions `keep`, renumbered 0.. in order."""
        renumber = np.full(len(self.ids), -1, dtype=np.int64)
        renumber[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep))
        terms, docs, tf = [], [], []
        for seg in self._segments:
            per_term = np.diff(seg.indptr)
            terms.append(np.repeat(np.arange(len(per_term)), per_term))
            docs.append(renumber[seg.docs])
            tf.append(seg.tf)
        term, doc, counts = np.concatenate(terms), np.concatenate(docs), np.concatenate(tf)
        kept = doc >= 0
        term, doc, counts = term[kept], doc[kept], counts[kept]
        order = np.lexsort((doc, term))
        indptr = np.zeros(len(self._vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term, minlength=len(self._vocab)), out=indptr[1:])
        return _Segment(indptr, doc[order].astype(np.int32), counts[order])

    def _token_ids(self, texts: list[str]) -> list[np.ndarray]:
        """Each text's token ids (stemmed, stop words out), new terms added to the vocabulary."""
        import bm25s

        if not texts:
            return []
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False)
        vocab = self._vocab
        return [np.array([vocab.setdefault(t, len(vocab)) for t in doc], dtype=np.int64) for doc in tokens]

    # -- reads ------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._position)

    def terms(self, text: str) -> list[str]:
        """The stemmed, stop-word-free terms of `text`, as the index sees them."""
        cached = self._query_terms.get(text)
        if cached is None:
            import bm25s

            # Why remembered: one answer tokenizes the same question text many times (search, unknown
            # words, the coverage of every candidate case); bm25s.tokenize costs about a millisecond.
            if len(self._query_terms) >= _TERMS_CACHE:
                self._query_terms.clear()
            cached = self._query_terms[text] = bm25s.tokenize(
                [text], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
            )[0]
        return list(cached)

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions and counts of the live documents containing `term`."""
        n = self._vocab.get(term)
        if n is None:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        parts = [seg.postings(n) for seg in self._segments]
        docs = np.concatenate([d for d, _ in parts]) if len(parts) != 1 else parts[0][0]
        tf = np.concatenate([t for _, t in parts]) if len(parts) != 1 else parts[0][1]
        live = self._alive[docs]
        return (docs, tf) if live.all() else (docs[live], tf[live])

    def _containing(self, term: str) -> tuple[np.ndarray, int]:
        """Whether each position's document contains `term`, and how many do (remembered: a question asks it of
        every candidate case, and testing a case's few passages against the postings each time cost a third of an
        answer at 10,000 cases). This version never changes; `with_changes` makes another."""
        masks = self.__dict__.setdefault("_masks", {})  # a version kept on disk before masks has none
        known = masks.get(term)
        if known is None:
            if len(masks) >= _MASKS:
                masks.clear()
            docs = self._postings(term)[0]
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[docs] = True
            known = masks[term] = (mask, len(docs))
        return known

    def document_frequency(self, term: str) -> int:
        """How many passages contain the (stemmed) term."""
        return self._containing(term)[1]

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term no passage contains gets the highest weight."""
        df = self.document_frequency(term)
        return math.log(1 + (len(self) - df + 0.5) / (df + 0.5))

    def coverage(self, query_terms: list[str], ids: Iterable[str]) -> float:
        """Share of the query's terms, weighted by idf, that occur in the given passages."""
        positions = np.array([self._position[i] for i in ids if i in self._position], dtype=np.int32)
        # In a fixed order: a float sum over a set's hash order differs between processes in the last digit.
        weights = {t: self.idf(t) for t in sorted(set(query_terms))}
        total = sum(weights.values())
        if not total:
            return 0.0
        present = [t for t in weights if len(positions) and self._containing(t)[0][positions].any()]
        return sum(weights[t] for t in present) / total

    def coverage_each(self, query_terms: list[str], ids: Iterable[str]) -> dict[str, float]:
        """coverage() of each of `ids` alone, with one look-up of each term for all of them (a look-up per term
        and passage cost seconds a question at 10,000 cases)."""
        ids = list(ids)
        known = [i in self._position for i in ids]
        positions = np.array([self._position[i] for i, k in zip(ids, known, strict=True) if k], dtype=np.int32)
        weights = {t: self.idf(t) for t in sorted(set(query_terms))}  # the order coverage() sums in
        total = sum(weights.values())
        covered = np.zeros(len(positions))
        if total and len(positions):
            for t, weight in weights.items():
                covered += np.where(self._containing(t)[0][positions], weight, 0.0)
            covered /= total
        shares = iter(covered.tolist())
        return {i: next(shares) if k else 0.0 for i, k in zip(ids, known, strict=True)}

    def search(self, query: str, k: int = 50, allowed: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The k best (id, score) with score > 0, restricted to `allowed` ids when given."""
        if not len(self):
            return []
        scores = self._scores(self.terms(query))
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._position[a] for a in allowed if a in self._position]] = True
            scores = np.where(mask, scores, np.float32(0))
        return [(self.ids[i], float(scores[i])) for i in _top_positive(scores, k)]

    def _scores(self, tokens: list[str]) -> np.ndarray:
        """Every position's BM25 score for the query tokens (repeated tokens count again), in float32."""
        scores = np.zeros(len(self.ids), dtype=np.float32)
        n = len(self)
        mean_length = float(self._length[self._alive].sum()) / n
        for token in tokens:
            docs, tf = self._postings(token)
            if not len(docs):
                continue
            df = len(docs)
            idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            tf64 = tf.astype(np.float64)
            # The order of bm25s's arithmetic, so the float32 results agree exactly.
            tfc = tf64 / (K1 * ((1 - B) + B * self._length[docs] / mean_length) + tf64)
            np.add.at(scores, docs, (np.float64(idf) * tfc).astype(np.float32))
        return scores

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_query_terms"] = {}
        state["_masks"] = {}
        return state


def _stemmer():
    """The English Snowball stemmer (one per process: creating one costs more than stemming a query)."""
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


_STEMMER = None


def load_tokenizer() -> None:
    """Import bm25s and make the stemmer now (about 0.3 s), so a first question need not."""
    import bm25s  # noqa: F401

    _stemmer()


def _top_positive(scores, k: int):
    """Indices of the k best positive scores, best first, ties by index: what a stable argsort of
    every score gives, without sorting every passage (that sort was most of a search at 40,000)."""
    positive = np.flatnonzero(scores > 0)
    if k <= 0:
        return positive[:0]
    if len(positive) > k:
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]  # the k-th best score
        positive = positive[scores[positive] >= kth]  # all tied with it stay: the stable sort picks by index
    return positive[np.argsort(-scores[positive], kind="stable")][:k]
