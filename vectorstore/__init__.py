"""Storage and search primitives: passages, the embedder, the Chroma store, keyword search, fusion.

Imports nothing else of this project, so ingest/ and assistant/ can both stand on it.
"""

from vectorstore.embedder import BACKENDS as ENCODER_BACKENDS, Embedder, ModelInfo
from vectorstore.fusion import reciprocal_rank_fusion
from vectorstore.keyword import KeywordIndex
from vectorstore.record import Passage
from vectorstore.store import ChromaStore, ModelMismatchError, SourceRecord, StoreLocation, WriteLock

__all__ = [
    "ChromaStore", "ENCODER_BACKENDS", "Embedder", "KeywordIndex", "ModelInfo", "ModelMismatchError", "Passage",
    "SourceRecord", "StoreLocation", "WriteLock", "reciprocal_rank_fusion",
]
