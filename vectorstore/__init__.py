"""Storage and search primitives: passages, the embedder, the Chroma store, keyword search, fusion.

Imports nothing else of this project, so ingest/ and assistant/ can both stand on it.
"""

from vectorstore.embedder import BACKENDS as ENCODER_BACKENDS
from vectorstore.embedder import Embedder, ModelInfo
from vectorstore.fusion import reciprocal_rank_fusion
from vectorstore.keyword import KeywordIndex
from vectorstore.location import ModelMismatchError, StoreLocation
from vectorstore.record import Passage, Snapshot, SourceRecord
from vectorstore.store import ChromaStore, Shrunk, WriteLock

__all__ = [
    "ChromaStore",
    "ENCODER_BACKENDS",
    "Embedder",
    "KeywordIndex",
    "ModelInfo",
    "ModelMismatchError",
    "Passage",
    "Shrunk",
    "Snapshot",
    "SourceRecord",
    "StoreLocation",
    "WriteLock",
    "reciprocal_rank_fusion",
]
