"""Sentence vectors, embedded once at ingest and kept in the store.

An answer weighs every sentence of its top passages against the question (to decide whether anything
is relevant, and which sentence to quote). Embedding those sentences at question time was nearly all
of an answer's cost; looking them up by content costs a few milliseconds.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy as np

    from vectorstore.embedder import Embedder
    from vectorstore.store import ChromaStore

CACHE_SIZE = 50_000  # sentence vectors kept in memory (384 floats each: about 75 MB at most)


def sentence_key(text: str) -> str:
    """The id a sentence's vector is stored under: a hash of its text, so twins share it."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


class SentenceVectors:
    """Vectors of sentences: from memory, else from the store, else embedded now (and remembered)."""

    def __init__(self, store: "ChromaStore", embedder: "Embedder"):
        self.store = store
        self.embedder = embedder
        self._cache: dict[str, "np.ndarray"] = {}

    def embed_cached(self, texts: Sequence[str]) -> "np.ndarray":
        """Unit vectors for `texts`, one row each (the same vectors `Embedder.embed` gives)."""
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > CACHE_SIZE:
                self._cache.clear()
            stored = self.store.sentence_vectors([sentence_key(t) for t in missing])
            for t in missing:
                vector = stored.get(sentence_key(t))
                if vector is not None:
                    self._cache[t] = vector
            # Sentences of an index built before vectors were stored, or cut differently: embed them.
            rest = [t for t in missing if t not in self._cache]
            if rest:
                self._cache.update(zip(rest, self.embedder.embed(rest)))
        if not texts:
            return np.zeros((0, self.embedder.info.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])
