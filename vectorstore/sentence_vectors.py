"""Sentence vectors, embedded once at ingest and kept in the store.

An answer weighs every sentence of its top passages against the question (to decide whether anything
is relevant, and which sentence to quote). Embedding those sentences at question time was nearly all
of an answer's cost; looking them up by content costs a few milliseconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from vectorstore.embedder import cached_rows

if TYPE_CHECKING:
    import numpy as np

    from vectorstore.embedder import Embedder
    from vectorstore.store import ChromaStore


Lookup = Callable[[list[str]], Mapping]  # sentence keys -> their vectors, the ones not held left out


def sentence_key(text: str) -> str:
    """The id a sentence's vector is stored under: a hash of its text, so twins share it."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


class SentenceVectors:
    """Vectors of sentences: from `held` (a table in memory), else remembered, else from the store, else
    embedded now (and remembered)."""

    def __init__(self, store: ChromaStore, embedder: Embedder, held: Lookup | None = None):
        self.store = store
        self.embedder = embedder
        self.held = held
        self._cache: dict[str, np.ndarray] = {}

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for `texts`, one row each (the same vectors `Embedder.embed` gives)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.embedder.info.dimension), dtype=np.float32)
        keys = [sentence_key(t) for t in texts]
        held = self.held(keys) if self.held else {}
        rest = [t for t, k in zip(texts, keys, strict=True) if k not in held]
        made = cached_rows(self._cache, rest, self._stored_or_embedded, self.embedder.info.dimension)
        found = dict(zip(rest, made, strict=True))
        return np.stack([held[k] if k in held else found[t] for t, k in zip(texts, keys, strict=True)])

    def _stored_or_embedded(self, texts: list[str]) -> list:
        keys = [sentence_key(t) for t in texts]
        stored = self.store.sentence_vectors(keys)
        # Sentences of an index built before vectors were stored, or cut differently: embed them.
        rest = [t for t, k in zip(texts, keys, strict=False) if k not in stored]
        made = dict(zip(rest, self.embedder.embed(rest), strict=False)) if rest else {}
        return [stored[k] if k in stored else made[t] for t, k in zip(texts, keys, strict=False)]
