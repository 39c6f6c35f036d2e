"""The Chroma store: passages with their vectors, and one record per ingested source.

The only module that imports chromadb. Embedded (PersistentClient on a local directory) or a
Chroma server (HttpClient), chosen by StoreLocation; everything else is the same code.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

from vectorstore.embedder import ModelInfo
from vectorstore.record import Passage

PASSAGES = "iopc_passages"
SOURCES = "iopc_sources"
VOCABULARY = "iopc_vocabulary"
SENTENCES = "iopc_sentences"  # a vector per distinct passage sentence, by hash (see sentence_vectors.py)
STATE = "iopc_state"  # one record, "generation": changes with every write, so readers know to reload
APP_NAME = "iopc-assistant"
# Chroma insists on a vector per record; source records are looked up by id, never by vector.
_NO_VECTOR = [1.0]
_PAGE = 1000  # records per get() call, so large collections are read in bounded pieces


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says why and what to do."""


class ModelMismatchError(StoreError):
    """The index was built with another embedding model than the one asked to query it."""


class StoreUnavailableError(StoreError):
    """The Chroma server cannot be reached, or the data directory cannot be opened."""


@dataclass(frozen=True)
class StoreLocation:
    """Where the index lives: a local directory (embedded) or a Chroma server URL."""

    path: Path | None = None
    url: str | None = None

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike | None = None, url: str | None = None) -> "StoreLocation":
        """From explicit arguments, else IOPC_CHROMA_URL / IOPC_DATA_DIR, else the user's data dir."""
        url = url or os.environ.get("IOPC_CHROMA_URL") or None
        if url:
            return cls(url=url)
        if data_dir is None:
            data_dir = os.environ.get("IOPC_DATA_DIR") or None
        if data_dir is None:
            import platformdirs

            data_dir = platformdirs.user_data_dir(APP_NAME, appauthor=False)
        return cls(path=Path(data_dir).expanduser())

    def __str__(self) -> str:
        return self.url or str(self.path)


@dataclass
class SourceRecord:
    """One ingested source (a path or URL exactly as given), the hash of its content and its parsed case."""

    source: str
    content_hash: str
    case_key: str
    case_json: str  # the parsed case as JSON; kept here so `cases` needs no re-parsing
    n_passages: int
    ingested_at: str
    detail: str = ""  # e.g. "decoded as cp1252"

    @property
    def source_id(self) -> str:
        return source_id(self.source)


def source_id(source: str) -> str:
    """Stable short id of a source string."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


class ChromaStore:
    """Passages and source records in two Chroma collections, bound to one embedding model."""

    def __init__(self, location: StoreLocation, model: ModelInfo):
        self.location = location
        self.model = model
        self._client = None
        self._passages = None
        self._sources = None
        self._vocabulary = None
        self._sentences = None
        self._state = None
        self._seen: str | None = None  # the generation this process last loaded or wrote

    # -- connection -------------------------------------------------------------------------
    def _connect(self):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        if self.location.url:
            from urllib.parse import urlparse

            u = urlparse(self.location.url)
            if u.scheme not in ("http", "https") or not u.hostname:
                raise StoreUnavailableError(f"{self.location.url} is not a Chroma server URL "
                                            "(expected http://HOST:PORT or https://HOST:PORT)")
            try:
                return chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                                           ssl=u.scheme == "https", settings=settings)
            except Exception as e:  # chromadb raises ValueError or connection errors alike
                raise StoreUnavailableError(
                    f"cannot reach the Chroma server at {self.location.url} ({e}); "
                    "start it with: chroma run --host 127.0.0.1 --port PORT --path DIR") from None
        try:
            self.location.path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self.location.path), settings=settings)
        except OSError as e:
            raise StoreUnavailableError(f"cannot open the data directory {self.location.path}: {e.strerror or e}") \
                from None

    @property
    def passages_collection(self):
        if self._passages is None:
            self._open()
        return self._passages

    @property
    def sources_collection(self):
        if self._sources is None:
            self._open()
        return self._sources

    def _open(self) -> None:
        self._client = self._connect()
        wanted = {"embed_model": self.model.name, "embed_dim": self.model.dimension}
        col = self._client.get_or_create_collection(
            PASSAGES, metadata=wanted, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        found = {k: (col.metadata or {}).get(k) for k in wanted}
        if found != wanted:
            raise ModelMismatchError(
                f"the index at {self.location} was built with embedding model {found['embed_model']} "
                f"({found['embed_dim']} dimensions), but this run uses {self.model.name} "
                f"({self.model.dimension} dimensions). Use the same model, or ingest into a new data directory.")
        self._passages = col
        self._sources = self._client.get_or_create_collection(SOURCES, embedding_function=None)
        self._vocabulary = self._client.get_or_create_collection(
            VOCABULARY, metadata=wanted, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        self._sentences = self._client.get_or_create_collection(
            SENTENCES, metadata=wanted, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        self._state = self._client.get_or_create_collection(STATE, embedding_function=None)
        if self._seen is None:
            self._seen = self.generation()

    def close(self) -> None:
        """Release the connection (an embedded store's files and memory); reopened on next use."""
        if self._client is not None:
            self._client.close()
        self._forget_collections()

    def _forget_collections(self) -> None:
        self._client = self._passages = self._sources = self._vocabulary = self._sentences = self._state = None

    # -- change tracking across processes ---------------------------------------------------
    def generation(self) -> str:
        """An opaque token that changes whenever any process writes to the store."""
        if self._state is None:
            self._open()
        res = self._state.get(ids=["generation"], include=["documents"])
        return (res["documents"] or [""])[0] or ""

    def mark_changed(self) -> None:
        """Record that this process has just written (call after every completed write)."""
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        self._state.upsert(ids=["generation"], documents=[token], embeddings=[_NO_VECTOR])
        self._seen = token

    @property
    def seen(self) -> str | None:
        """The generation this process last loaded or wrote."""
        return self._seen

    def sync(self) -> bool:
        """True if the store changed since this process last looked; reconnects when another
        process wrote to the embedded store, whose vectors this process would not see otherwise."""
        token = self.generation()
        if token == self._seen:
            return False
        self._seen = token
        if self.location.path and not token.startswith(f"{os.getpid()}:"):
            self._reconnect()
        return True

    def _reconnect(self) -> None:
        # An embedded Chroma client keeps the vector index in memory and never re-reads what another
        # process added (verified with chromadb 1.5: get() sees the rows, query() does not). A fresh
        # client loads the index from disk. The old one is closed a little later, so that queries in
        # flight on other threads finish on it.
        old = self._client
        self._forget_collections()
        if old is not None:
            from chromadb.api.shared_system_client import SharedSystemClient

            # Chroma shares one "system" per path in a process; taking ours out of its table makes the
            # next client build a fresh one, and we stop the old one ourselves.
            stale = SharedSystemClient._identifier_to_system.pop(str(self.location.path), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.location.path), None)
            timer = threading.Timer(30.0, _stop_quietly, args=(stale,))
            timer.daemon = True
            timer.start()
        self._open()

    # -- passages ---------------------------------------------------------------------------
    def add_passages(self, passages: Sequence[Passage], embeddings) -> None:
        """Store passages with their vectors (upsert by id)."""
        for start in range(0, len(passages), _PAGE):
            chunk = passages[start:start + _PAGE]
            self.passages_collection.upsert(
                ids=[p.id for p in chunk], documents=[p.text for p in chunk],
                metadatas=[p.metadata for p in chunk],
                embeddings=[list(map(float, e)) for e in embeddings[start:start + _PAGE]])

    def delete_passages(self, ids: Iterable[str]) -> None:
        """Remove passages by id."""
        ids = list(ids)
        for start in range(0, len(ids), _PAGE):
            self.passages_collection.delete(ids=ids[start:start + _PAGE])

    def passage_ids(self, where: dict | None = None) -> list[str]:
        """Ids of stored passages, optionally filtered by metadata."""
        return [i for ids, _, _ in self._pages(self.passages_collection, where, include=[]) for i in ids]

    def passage_owners(self) -> list[tuple[str, str, str]]:
        """(id, source, source hash) of every stored passage: enough to find stale ones."""
        return [(i, str((m or {}).get("source")), str((m or {}).get("source_hash")))
                for ids, _, metas in self._pages(self.passages_collection, None, include=["metadatas"])
                for i, m in zip(ids, metas)]

    def all_passages(self) -> list[Passage]:
        """Every stored passage with text and metadata."""
        out: list[Passage] = []
        for ids, docs, metas in self._pages(self.passages_collection, None, include=["documents", "metadatas"]):
            out.extend(Passage(id=i, text=d or "", metadata=dict(m or {})) for i, d, m in zip(ids, docs, metas))
        return out

    def query(self, embedding, n: int, ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Nearest passages as (id, cosine similarity), best first; restricted to `ids` when given."""
        if ids is not None and not ids:
            return []
        # No count() first (a round trip per question): Chroma returns fewer when it has fewer.
        n = min(n, len(ids)) if ids is not None else n
        res = self.passages_collection.query(
            query_embeddings=[list(map(float, embedding))], n_results=n,
            ids=list(ids) if ids is not None else None, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def count(self) -> int:
        """Number of stored passages (including any stale ones awaiting clean-up)."""
        return self.passages_collection.count()

    # -- vocabulary: every word of the collection, embedded, to tell unseen words from unseen topics --
    @property
    def vocabulary_collection(self):
        if self._vocabulary is None:
            self._open()
        return self._vocabulary

    def missing_words(self, words: Sequence[str]) -> list[str]:
        """The words not yet in the vocabulary."""
        return _missing_ids(self.vocabulary_collection, list(dict.fromkeys(words)))

    def add_words(self, words: Sequence[str], embeddings) -> None:
        """Add words with their vectors to the vocabulary."""
        _upsert_vectors(self.vocabulary_collection, words, embeddings)

    def nearest_word(self, embedding) -> tuple[str, float] | None:
        """The vocabulary word closest to `embedding`, with its cosine similarity; None if empty."""
        if self.vocabulary_collection.count() == 0:
            return None
        res = self.vocabulary_collection.query(query_embeddings=[list(map(float, embedding))], n_results=1,
                                               include=["distances"])
        return res["ids"][0][0], 1.0 - float(res["distances"][0][0])

    # -- sentence vectors, by content hash ----------------------------------------------------
    @property
    def sentences_collection(self):
        if self._sentences is None:
            self._open()
        return self._sentences

    def sentence_vectors(self, keys: Sequence[str]) -> dict:
        """Stored vectors of the sentences with these keys (the missing ones are left out)."""
        out = {}
        for start in range(0, len(keys), _PAGE):
            res = self.sentences_collection.get(ids=list(keys[start:start + _PAGE]), include=["embeddings"])
            out.update(zip(res["ids"], res["embeddings"]))
        return out

    def missing_sentences(self, keys: Sequence[str]) -> list[str]:
        """The keys with no stored sentence vector."""
        return _missing_ids(self.sentences_collection, list(keys))

    def add_sentences(self, keys: Sequence[str], embeddings) -> None:
        """Store sentence vectors under their keys."""
        _upsert_vectors(self.sentences_collection, keys, embeddings)

    # -- sources ----------------------------------------------------------------------------
    def put_source(self, record: SourceRecord) -> None:
        """Record (or replace) a source's hash, case and passage count."""
        md = asdict(record)
        doc = md.pop("case_json")
        self.sources_collection.upsert(ids=[record.source_id], documents=[doc], metadatas=[md],
                                       embeddings=[_NO_VECTOR])

    def get_source(self, source: str) -> SourceRecord | None:
        """The record of `source` exactly as given, if ingested."""
        res = self.sources_collection.get(ids=[source_id(source)], include=["documents", "metadatas"])
        if not res["ids"]:
            return None
        return SourceRecord(case_json=res["documents"][0], **res["metadatas"][0])

    def sources(self) -> list[SourceRecord]:
        """Every source record."""
        out = []
        for _, docs, metas in self._pages(self.sources_collection, None, include=["documents", "metadatas"]):
            out.extend(SourceRecord(case_json=d, **m) for d, m in zip(docs, metas))
        return out

    def delete_source(self, source: str) -> None:
        """Forget a source record (its passages are deleted separately)."""
        self.sources_collection.delete(ids=[source_id(source)])

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _pages(collection, where, include):
        offset = 0
        while True:
            res = collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            ids = res["ids"]
            if not ids:
                return
            yield ids, res.get("documents") or [None] * len(ids), res.get("metadatas") or [None] * len(ids)
            if len(ids) < _PAGE:
                return
            offset += len(ids)



def _missing_ids(collection, ids: list[str]) -> list[str]:
    """The ids `collection` does not hold, in the order given."""
    known: set[str] = set()
    for start in range(0, len(ids), _PAGE):
        known.update(collection.get(ids=ids[start:start + _PAGE], include=[])["ids"])
    return [i for i in ids if i not in known]


def _upsert_vectors(collection, ids: Sequence[str], embeddings) -> None:
    """Store vectors (no documents) under their ids, a page at a time."""
    for start in range(0, len(ids), _PAGE):
        collection.upsert(ids=list(ids[start:start + _PAGE]),
                          embeddings=[list(map(float, e)) for e in embeddings[start:start + _PAGE]])


def _stop_quietly(system) -> None:
    try:
        if system is not None:
            system.stop()
    except Exception:  # already stopped or gone: nothing to release
        pass


class WriteLock:
    """Serialises writers on one embedded data directory (a PersistentClient is not multi-writer safe).

    A second writer waits, saying so on stderr; the lock is the kernel's (flock), so a killed
    writer never leaves it held. A Chroma server serialises writes itself, so there it is a no-op.
    """

    def __init__(self, location: StoreLocation, on_wait=None):
        self.path = location.path / ".write.lock" if location.path else None
        self.on_wait = on_wait or (lambda message: print(message, file=sys.stderr, flush=True))
        self._fd = None

    def __enter__(self):
        if self.path:
            import fcntl

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = open(self.path, "a+")
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._fd.seek(0)
                holder = self._fd.read().strip() or "another process"
                self.on_wait(f"waiting for {holder} to finish writing to {self.path.parent} ...")
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._fd.seek(0)
            self._fd.truncate()
            self._fd.write(f"process {os.getpid()}")
            self._fd.flush()
        return self

    def __exit__(self, *exc):
        if self._fd:
            self._fd.close()  # closing releases the lock
            self._fd = None
