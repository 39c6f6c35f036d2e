"""The ONNX Runtime encoder: a one-time local export of the bundled model, a CPU session, pooled unit vectors.

Once the .onnx files are on disk, encoding needs only onnxruntime, tokenizers and numpy: torch and
transformers are imported by the export alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

EXPORT_VERSION = "1"  # part of the cache key: bump it when the export recipe changes
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
FP32_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
_TRANSFORMER = "sentence_transformers.models.Transformer"


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def pipeline_config(model_path: str | os.PathLike) -> tuple[int, bool]:
    """(max_seq_length, normalise) of the sentence-transformers pipeline; refuses what we do not reproduce."""
    root = Path(model_path)
    modules = {m["type"]: m for m in _read_json(root / "modules.json")}
    unknown = set(modules) - {_TRANSFORMER, _POOLING, _NORMALIZE}
    if _TRANSFORMER not in modules or _POOLING not in modules or unknown:
        raise ValueError(
            f"{root}: the ONNX encoder reproduces Transformer+Pooling(+Normalize) only, not {sorted(modules)}"
        )
    pooling = _read_json(root / modules[_POOLING]["path"] / "config.json")
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
    if modes != ["pooling_mode_mean_tokens"]:
        raise ValueError(f"{root}: the ONNX encoder does mean pooling only, the model asks for {modes}")
    st_config = root / "sentence_bert_config.json"
    max_len = _read_json(st_config).get("max_seq_length") if st_config.exists() else None
    return int(max_len or 512), _NORMALIZE in modules


def cache_dir(model_path: str | os.PathLike) -> Path:
    """Where this model's exported files live: $IOPC_ONNX_DIR or the user cache, then a key of path and config."""
    base = os.environ.get("IOPC_ONNX_DIR")
    if not base:
        import platformdirs

        base = str(Path(platformdirs.user_cache_dir("iopc-assistant", appauthor=False)) / "onnx")
    root = Path(model_path).resolve()
    key = hashlib.sha256(EXPORT_VERSION.encode() + str(root).encode() + (root / "config.json").read_bytes())
    return Path(base).expanduser() / key.hexdigest()[:16]


def _atomic_write(target: Path, write) -> Path:
    """Call write(temp_path) for a temp file beside target, then rename it into place.

    Two processes exporting at once each write their own temp file; whichever renames last wins,
    and a reader never sees a half-written model.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def export_fp32(model_path: str | os.PathLike, target: Path) -> Path:
    """Export the HF transformer (no pooling) to ONNX with dynamic batch and sequence axes."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    # Eager attention exports to plain MatMul/Softmax, which onnxruntime fuses into its Attention kernel.
    bert = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()

    class Hidden(torch.nn.Module):
        # By keyword: BertModel.forward's positional order differs between transformers versions.
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}

    def write(path: str) -> None:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about constants that are fixed for BERT
            torch.onnx.export(
                Hidden(bert),
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                path,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )  # the dynamo exporter needs onnxscript, which we do not ship

    return _atomic_write(target, write)


def quantize_int8(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of the weights (activations quantised at run time)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # quantize_dynamic warns through logging.warning(), which would install a root handler for the
    # rest of the process (and then every library's DEBUG records reach stderr): a NullHandler
    # stands in for it, and the level hides the warning itself.
    root, quiet = logging.getLogger(), logging.NullHandler()
    level = root.level
    root.addHandler(quiet)
    root.setLevel(max(level, logging.ERROR))
    try:
        # Per-channel weight scales: per-tensor ones dropped the cosine to torch's vectors to 0.92 (min)
        # on the corpus passages, per-channel keeps it near 0.99 at the same size and speed.
        return _atomic_write(
            target, lambda path: quantize_dynamic(str(source), path, weight_type=QuantType.QInt8, per_channel=True)
        )
    finally:
        root.removeHandler(quiet)
        root.setLevel(level)


def ensure_exported(model_path: str | os.PathLike, quantized: bool) -> Path:
    """The .onnx file for this model (fp32 or int8), exporting it once when absent.

    Processes that start together wait for one export (a lock file beside it) rather than each exporting.
    """
    folder = cache_dir(model_path)
    fp32, int8 = folder / FP32_FILE, folder / INT8_FILE
    wanted = int8 if quantized else fp32
    if wanted.exists():
        return wanted
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".export.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        if not fp32.exists():
            _step(
                f"exporting the ONNX encoder once to {folder} (torch is needed this once)",
                export_fp32,
                model_path,
                fp32,
            )
        if quantized and not int8.exists():
            _step(f"quantising the ONNX encoder to int8 once in {folder}", quantize_int8, fp32, int8)
    return wanted


def _step(message: str, work, *args) -> None:
    """Run work(*args) under a one-line message on stderr that ends with the time it took (stdout stays clean)."""
    import time

    print(f"{message} ...", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        work(*args)
    except BaseException:
        print(" failed", file=sys.stderr, flush=True)
        raise
    print(f" done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


class OnnxEncoder:
    """Tokenise with `tokenizers`, run the exported transformer in onnxruntime, mean-pool and normalise."""

    def __init__(self, model_path: str | os.PathLike, quantized: bool = False):
        self.model_path = Path(model_path)
        self.quantized = quantized
        self.max_seq_length, self.normalize = pipeline_config(model_path)
        self.dimension = int(_read_json(self.model_path / "config.json")["hidden_size"])

    @cached_property
    def tokenizer(self):
        """The model's word-piece tokenizer, truncating to the window (padding is done per batch)."""
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        tok.no_padding()  # the file pads to a fixed 128; batches are padded to their longest instead
        tok.enable_truncation(self.max_seq_length)
        return tok

    @cached_property
    def session(self):
        """A CPU inference session over the exported file (exported on first use)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only: no warnings about unused initialisers
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads sleep instead of spinning: on a shared 2-core machine spinning made
        # int8 encoding 1.35x slower (bench/encoders.py measurements); threads stay ORT's default.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        path = ensure_exported(self.model_path, self.quantized)
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def load(self) -> None:
        """Make the session and the tokenizer now, rather than at the first encode."""
        self.session  # noqa: B018  # made for its side effect
        self.tokenizer  # noqa: B018

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One float32 row per text: mean of the token states over the attention mask, unit length."""
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        # Longest first, like sentence-transformers: batches of similar length waste little on padding.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = len(encodings[chunk[0]].ids)
            feeds = {name: np.zeros((len(chunk), width), dtype=np.int64) for name in INPUTS}
            for row, i in enumerate(chunk):
                e = encodings[i]
                n = len(e.ids)
                feeds["input_ids"][row, :n] = e.ids
                feeds["attention_mask"][row, :n] = e.attention_mask
                feeds["token_type_ids"][row, :n] = e.type_ids
            hidden = self.session.run(None, feeds)[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            out[chunk] = pooled
        if self.normalize:  # as torch.nn.functional.normalize: divide by max(norm, eps)
            out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out


def main() -> None:
    """Export the bundled model's fp32 encoder into the cache unless it is there (what `make install` runs)."""
    from vectorstore.embedder import default_model_path

    ensure_exported(default_model_path(), quantized=False)


if __name__ == "__main__":
    main()
