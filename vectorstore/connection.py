"""The connection to Chroma: the only place that makes a client, and that reaches into chromadb's internals.

Embedded (PersistentClient on a local directory) or a Chroma server (HttpClient), chosen by StoreLocation;
the collections are opened together, on first use, and checked against the embedding model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from vectorstore.embedder import ModelInfo
from vectorstore.location import ModelMismatchError, StoreLocation, StoreUnavailableError


@dataclass(frozen=True)
class CollectionSpec:
    """A collection's name, and whether it holds vectors searched by similarity (bound to the model)."""

    name: str
    searched: bool


class Connection:
    """One client and the collections registered with it, opened together on first use."""

    def __init__(self, location: StoreLocation, model: ModelInfo, on_open=None):
        self.location = location
        self.model = model
        self.on_open = on_open or (lambda: None)  # called after every (re)open
        self._specs: dict[str, CollectionSpec] = {}
        self._client = None
        self._collections: dict | None = None

    def register(self, spec: CollectionSpec) -> None:
        """Open `spec` with the others (call before first use)."""
        self._specs[spec.name] = spec

    def collection(self, name: str):
        """The chromadb collection `name`, opening every registered collection on first use."""
        if self._collections is None:
            self._open()
        assert self._collections is not None  # _open sets them or raises
        return self._collections[name]

    def _open(self) -> None:
        client = connect(self.location)
        wanted = {"embed_model": self.model.name, "embed_dim": self.model.dimension}
        opened = {}
        # The searched collections first, so a model mismatch is reported before anything is created.
        for spec in sorted(self._specs.values(), key=lambda s: not s.searched):
            if not spec.searched:
                opened[spec.name] = client.get_or_create_collection(spec.name, embedding_function=None)
                continue
            col = client.get_or_create_collection(
                spec.name, metadata=wanted, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            found = {k: (col.metadata or {}).get(k) for k in wanted}
            if found != wanted:
                raise ModelMismatchError(
                    f"the index at {self.location} was built with embedding model {found['embed_model']} "
                    f"({found['embed_dim']} dimensions), but this run uses {self.model.name} "
                    f"({self.model.dimension} dimensions). Use the same model, or ingest into a new data directory."
                )
            opened[spec.name] = col
        self._client, self._collections = client, opened
        self.on_open()

    def close(self) -> None:
        """Release the client (an embedded store's files and memory); reopened on next use."""
        if self._client is not None:
            self._client.close()
        self._client = self._collections = None

    def reconnect(self) -> None:
        """Open a fresh client, so an embedded store sees vectors another process added since."""
        # An embedded Chroma client keeps the vector index in memory and never re-reads what another
        # process added (chromadb 1.5: get() sees the rows, query() does not). A fresh client loads the
        # index from disk. The old one is stopped a little later, so queries in flight on other threads
        # finish on it.
        if self._client is not None and self.location.path is not None:
            stale = forget_shared_system(str(self.location.path))
            timer = threading.Timer(30.0, _stop_quietly, args=(stale,))
            timer.daemon = True
            timer.start()
        self._client = self._collections = None
        self._open()


def forget_shared_system(path: str):
    """Take the embedded system of `path` out of chromadb's per-process table; returns it (None if absent).

    chromadb shares one "system" (and so one in-memory vector index) per path within a process; the
    next client made for `path` then builds a fresh one. This reaches into a private table of chromadb
    (tests/test_vectorstore.py fails if an upgrade renames it), and is the only code that does.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_refcount.pop(path, None)
    return SharedSystemClient._identifier_to_system.pop(path, None)


def connect(location: StoreLocation):
    """A chromadb client for `location`; StoreUnavailableError says why not."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if location.url:
        from urllib.parse import urlparse

        u = urlparse(location.url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise StoreUnavailableError(
                f"{location.url} is not a Chroma server URL (expected http://HOST:PORT or https://HOST:PORT)"
            )
        try:
            return chromadb.HttpClient(
                host=u.hostname,
                port=u.port or (443 if u.scheme == "https" else 8000),
                ssl=u.scheme == "https",
                settings=settings,
            )
        except Exception as e:  # chromadb raises ValueError or connection errors alike
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {location.url} ({e}); "
                "start it with: chroma run --host 127.0.0.1 --port PORT --path DIR"
            ) from None
    assert location.path is not None  # a location is a path when it is not a URL
    try:
        location.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(location.path), settings=settings)
    except OSError as e:
        raise StoreUnavailableError(f"cannot open the data directory {location.path}: {e.strerror or e}") from None


def _stop_quietly(system) -> None:
    try:
        if system is not None:
            system.stop()
    except Exception:  # already stopped or gone: nothing to release
        pass
