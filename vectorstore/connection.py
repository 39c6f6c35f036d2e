"""The connection to Chroma: the only place that makes a client, and that reaches into chromadb's internals.

Embedded (PersistentClient on a local directory) or a Chroma server (HttpClient), chosen by StoreLocation;
the collections are opened together, on first use, and checked against the embedding model. A data
directory this process may not write is opened through a private copy (see vectorstore.index_file),
taken again when the original changes; a damaged one is a one-line StoreUnavailableError.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vectorstore.embedder import ModelInfo
from vectorstore.index_file import (
    INDEX_FILE,
    Stamp,
    check_index_file,
    damaged,
    private_copy,
    remove_copy,
    source_changed,
    writable,
)
from vectorstore.location import ModelMismatchError, StoreError, StoreLocation, StoreUnavailableError


@dataclass(frozen=True)
class CollectionSpec:
    """A collection's name, whether it holds vectors searched by similarity (bound to the model), and whether
    it is opened only when the store has it (a layout of earlier versions: read, never created)."""

    name: str
    searched: bool
    optional: bool = False


@dataclass(eq=False)
class _Opened:
    """One client's collections, and the calls using them now; a retired one is stopped when they end."""

    collections: dict
    users: int = 0
    retired: bool = False
    system: object = None  # an embedded store's chromadb system, stopped when retired and idle
    copy: Path | None = None  # a private copy to remove with it

    def stop(self) -> None:
        """Release the system's memory and files (the vector indexes: a few hundred MB at 10,000 cases)."""
        _stop_quietly(self.system, self.copy)


class Connection:
    """One client and the collections registered with it, opened together on first use."""

    def __init__(self, location: StoreLocation, model: ModelInfo, on_open=None):
        self.location = location
        self.model = model
        self.on_open = on_open or (lambda: None)  # called after every (re)open
        self._specs: dict[str, CollectionSpec] = {}
        self._client = None
        self._opened: _Opened | None = None
        self._users = threading.Lock()  # guards _Opened.users and .retired
        self._copy: Path | None = None  # the private copy opened instead of location.path, if any
        self._copied: Stamp | None = None  # what the copy was taken from
        self._checked = 0.0  # when the original was last compared with the copy
        # One thread opens or reopens a store at a time, across every Connection to it in this process
        # (chromadb shares one system per path): two reopening at once took each other's half-made
        # system out of chromadb's table, and answers failed while another process ingested.
        self._lock = _lock_for(str(location))

    @property
    def read_only(self) -> bool:
        """True when this process reads a private copy of the data directory (it may not write it)."""
        return self._copy is not None

    def register(self, spec: CollectionSpec) -> None:
        """Open `spec` with the others (call before first use)."""
        self._specs[spec.name] = spec

    def has(self, name: str) -> bool:
        """Whether the store has the registered collection `name` (an optional one may be absent)."""
        return name in self._current().collections

    def collection(self, name: str):
        """The chromadb collection `name`, opening every registered collection on first use.

        For a call that must not meet a store being reopened beneath it, use `using`."""
        return self._current().collections[name]

    @contextmanager
    def using(self, name: str):
        """The chromadb collection `name` for the calls made in the block.

        Why: when another process writes to an embedded store, it is reopened (see reconnect), and the
        previous client's vector indexes are stopped as soon as the last block using them ends rather than
        kept for a while in case a call is still in flight: at 10,000 cases they are a third of the
        serving process's memory.
        """
        while True:
            opened = self._current()
            with self._users:
                if not opened.retired:
                    opened.users += 1
                    break
        try:
            yield opened.collections[name]
        finally:
            with self._users:
                opened.users -= 1
                idle = opened.retired and opened.users == 0
            if idle:
                opened.stop()

    def _current(self) -> _Opened:
        opened = self._opened
        if opened is None or (self._copy is not None and self._original_changed()):
            with self._lock:
                if self._opened is None:
                    self._open()
                elif self._opened is opened and self._copy is not None:
                    self.reconnect()  # nobody else reopened it meanwhile
                opened = self._opened
        assert opened is not None  # _open sets it or raises
        return opened

    def _original_changed(self) -> bool:
        # Compared at most once a second: a stat per collection access would be cheap, but needless.
        now = time.monotonic()
        if now - self._checked < 1.0:
            return False
        self._checked = now
        assert self.location.path is not None  # only an embedded store is copied
        return source_changed(self.location.path, self._copied)

    def _open(self) -> None:
        path = self.location.path
        if path is not None and path.exists():
            check_index_file(path)
            if not writable(path) and self._copy is None:
                self._copy, self._copied = private_copy(path)
        try:
            self._open_collections()
        except _ReadOnlyDatabase:
            # The permission bits allowed writing, but the storage did not (a read-only mount).
            assert path is not None
            self._copy, self._copied = private_copy(path)
            self._open_collections()

    def _open_collections(self) -> None:
        try:
            with _store_errors(self.location):
                client = connect(self.location, self._copy)
                self._open_with(client)
        except (StoreUnavailableError, _ReadOnlyDatabase):
            # chromadb keeps the half-started system of a path that failed; the next open must not reuse it.
            if self.location.path is not None:
                _stop_quietly(forget_shared_system(str(self._copy or self.location.path)))
            raise

    def _open_with(self, client) -> None:
        wanted = {"embed_model": self.model.name, "embed_dim": self.model.dimension}
        opened = {}
        present = {c.name for c in client.list_collections()}
        # The searched collections first, so a model mismatch is reported before anything is created.
        for spec in sorted(self._specs.values(), key=lambda s: not s.searched):
            if spec.optional and spec.name not in present:
                continue
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
        self._client, self._opened = client, _Opened(opened)
        self.on_open()

    def close(self) -> None:
        """Release the client (an embedded store's files and memory, and any private copy); reopened on next use."""
        if self._client is not None:
            self._client.close()
        self._client = self._opened = None
        if self._copy is not None:
            remove_copy(self._copy)
            self._copy = self._copied = None

    def reconnect(self) -> None:
        """Open a fresh client, so an embedded store sees vectors another process added since."""
        # An embedded Chroma client keeps the vector index in memory and never re-reads what another
        # process added (chromadb 1.5: get() sees the rows, query() does not). A fresh client loads the
        # index from disk. The old one is stopped when the last call using it ends (see using).
        with self._lock:
            self._reconnect()

    def _reconnect(self) -> None:
        old = self._opened
        self._client = self._opened = None  # callers wait for the new one (on _lock), not on the old
        if old is not None and self.location.path is not None:
            old.system = forget_shared_system(str(self._copy or self.location.path))
            if self._copy is not None and source_changed(self.location.path, self._copied):
                old.copy, self._copy, self._copied = self._copy, None, None  # _open takes a fresh one
            with self._users:
                old.retired = True
                idle = old.users == 0
            if idle:
                old.stop()
        self._open()


_LOCKS: dict[str, threading.RLock] = {}
_LOCKS_LOCK = threading.Lock()


def _lock_for(store: str) -> threading.RLock:
    """The one lock of this process for opening the store at `store` (a path or URL)."""
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(store, threading.RLock())


def forget_shared_system(path: str):
    """Take the embedded system of `path` out of chromadb's per-process table; returns it (None if absent).

    chromadb shares one "system" (and so one in-memory vector index) per path within a process; the
    next client made for `path` then builds a fresh one. This reaches into a private table of chromadb
    (tests/test_vectorstore.py fails if an upgrade renames it), and is the only code that does.
    """
    _unchecked_overrides()
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_refcount.pop(path, None)
    return SharedSystemClient._identifier_to_system.pop(path, None)


class _ReadOnlyDatabase(Exception):
    """Chroma could not write the index file although the permission bits allow it."""


@contextmanager
def _store_errors(location: StoreLocation):
    """Chroma's errors on opening an embedded store, as one-line StoreErrors naming the directory."""
    try:
        yield
    except StoreError:
        raise
    except BaseException as e:  # a Rust panic in chromadb's bindings is a BaseException
        if location.path is None or isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        message = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        if "readonly database" in message:
            raise _ReadOnlyDatabase(message) from None
        if type(e).__name__ == "PanicException" or any(
            sign in message for sign in ("malformed", "not a database", "corrupt", "disk I/O error")
        ):
            raise damaged(location.path, f"{INDEX_FILE}: {message.split(') ')[-1]}") from None
        if isinstance(e, Exception) and type(e).__module__.startswith("chromadb"):
            raise StoreUnavailableError(f"cannot open the index in {location.path}: {message}") from None
        raise


def _unchecked_overrides() -> None:
    """Have the `overrides` package only mark methods, not check them, before chromadb is imported.

    chromadb decorates about 160 methods with @override, which checks each one's signature against its
    base classes when the module is imported: a development check, and 0.2 s of importing chromadb
    (0.8-1.1 s instead of 1.0-1.3 s; a tenth of a one-off `iopc ask`). The mark that `EnforceOverrides`
    classes look for is still set.
    """
    import overrides

    def mark(method=None, *, check_signature=True, check_at_runtime=False):
        if method is None:
            return mark
        method.__override__ = True
        return method

    for module in (overrides, sys.modules["overrides.overrides"]):
        module.override = module.overrides = mark  # type: ignore[attr-defined]  # both names are the decorator


def connect(location: StoreLocation, copy: Path | None = None):
    """A chromadb client for `location` (embedded: on `copy` instead, if given); StoreUnavailableError says why not."""
    _unchecked_overrides()
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
        return chromadb.PersistentClient(path=str(copy or location.path), settings=settings)
    except OSError as e:
        raise StoreUnavailableError(f"cannot open the data directory {location.path}: {e.strerror or e}") from None


def _stop_quietly(system, copy: Path | None = None) -> None:
    try:
        if system is not None:
            system.stop()
    except Exception:  # already stopped or gone: nothing to release
        pass
    if copy is not None:
        remove_copy(copy)
