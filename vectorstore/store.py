"""The Chroma store: passages with their vectors, one record per source, and the order writes keep.

Consistency is this module's rule. A reader trusts a passage only while a source record names its
source and content hash, and shows a source only when exactly the record's `n_passages` passages carry
that hash. Writers keep that true at every instant, so a reader in another process, or a writer killed
at any moment, never makes half a source visible:
- replace: the new passages first, then the record that vouches for them, then the old ones;
- remove: the record first (its passages are then untrusted), then the passages;
- sweep: passages no record vouches for (what a killed write leaves) are deleted by the next writer.
Through a Chroma server, writers of one source take turns by lease (vectorstore/lease.py), and a sweep
leaves alone the passages of a source another writer holds.
"""

from __future__ import annotations

import os
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from dataclasses import replace as with_fields
from typing import TextIO

from vectorstore.collection import Passages, Sentences, Sources, State, Vocabulary
from vectorstore.connection import Connection
from vectorstore.embedder import ModelInfo
from vectorstore.lease import Leases, SourceBusyError  # noqa: F401  (SourceBusyError: what a busy source raises)
from vectorstore.location import ModelMismatchError, StoreError, StoreLocation, StoreUnavailableError  # noqa: F401  (StoreError is imported from here by the CLI)
from vectorstore.record import HASH_FIELD, SOURCE_FIELD, Passage, Snapshot, SourceRecord, source_id  # noqa: F401

# Above this many changed sources, reading every passage is cheaper than asking for theirs by source.
_FEW_SOURCES = 500


def _vouched(
    records: list[SourceRecord], read: list[Passage], into: dict[str, Passage], found: Counter[str]
) -> dict[str, Passage]:
    """`into` with the passages of `read` whose source and hash one of `records` names, counted in `found`."""
    versions = {r.source: r.content_hash for r in records}
    for p in read:
        source, digest = p.owner
        if versions.get(source) == digest:
            into[p.id] = p
            found[source] += 1
    return into


def _same_version(known: SourceRecord | None, stored: SourceRecord) -> bool:
    """Whether a record read earlier still describes the stored source (same content, same write)."""
    return known is not None and (known.content_hash, known.n_passages, known.ingested_at) == (
        stored.content_hash,
        stored.n_passages,
        stored.ingested_at,
    )


@dataclass(frozen=True)
class Shrunk:
    """What a shrink deleted."""

    words: int
    sentences: int


class ChromaStore:
    """Passages, source records, vocabulary, sentence vectors and the generation, bound to one model."""

    def __init__(self, location: StoreLocation, model: ModelInfo):
        self.location = location
        self.model = model
        self._connection = Connection(location, model, on_open=self._opened)
        self.passages = Passages(self._connection)
        self.records = Sources(self._connection)
        self.vocabulary = Vocabulary(self._connection)
        self.sentences = Sentences(self._connection)
        self.state = State(self._connection)
        # Through a server, writers of one source take turns by lease (an embedded directory has WriteLock).
        self.leases = Leases(self._connection) if location.url else None
        self.on_lease_wait = lambda message: print(message, file=sys.stderr, flush=True)
        self._seen: str | None = None  # the generation this process last loaded or wrote
        self._syncing = threading.Lock()

    def _opened(self) -> None:
        if self._seen is None:
            self._seen = self.state.generation()

    def close(self) -> None:
        """Release the connection (an embedded store's files and memory); reopened on next use."""
        self._connection.close()

    # -- writes, in the order that keeps every reader consistent --------------------------------
    def replace(self, record: SourceRecord, passages: Sequence[Passage], vectors) -> None:
        """Store a source whole: its passages, then its record, then its other passages; marks the change.

        The passages are stamped with the record's source and content hash (what ties them to it), and
        `record.n_passages` is set to their number.
        """
        owner = {SOURCE_FIELD: record.source, HASH_FIELD: record.content_hash}
        stamped = [Passage(p.id, p.text, {**p.metadata, **owner}, p.index_text) for p in passages]
        with self._lease(record.source):
            self.mark_changed()  # before as well as after: a write killed half-way has changed the store too
            self.passages.upsert(stamped, vectors)
            self.records.put(with_fields(record, n_passages=len(stamped)))
            new_ids = {p.id for p in stamped}
            self.passages.delete(i for i in self.passages.of_source(record.source) if i not in new_ids)
        # After each source, not once per batch: a reader then sees every finished source, even if the
        # writer is killed later.
        self.mark_changed()

    def remove(self, source: str) -> SourceRecord | None:
        """Forget a source: its record, then its passages; marks the change. Returns the record removed."""
        with self._lease(source):
            record = self.records.get(source)
            if record is None:
                return None
            self.mark_changed()  # before as well as after (see replace)
            self.records.remove(source)
            self.passages.delete(self.passages.of_source(source))
        self.mark_changed()
        return record

    def sweep(self) -> int:
        """Delete passages no source record vouches for (left by a killed write); returns how many.

        Cheap when there are none: the stored count is compared with the records' first.
        """
        records = {r.source: r for r in self.records.all(payload=False)}
        if self.passages.count() == sum(r.n_passages for r in records.values()):
            return 0
        owners = self.passages.owners()
        if self.leases is not None:
            # Another writer's passages wait for their record while it holds the lease: skip those
            # sources, and read the records again (a lease released since means its record is there).
            leased = {lease.source for lease in self.leases.active()}
            owners = [o for o in owners if o[1] not in leased]
            records = {r.source: r for r in self.records.all(payload=False)}
        stale = [i for i, source, digest in owners if source not in records or records[source].content_hash != digest]
        self.passages.delete(stale)
        return len(stale)

    def _lease(self, source: str):
        """The block holds `source`'s lease through a server (waits for another writer); a no-op embedded."""
        if self.leases is None:
            return nullcontext()
        return self.leases.hold(source, on_wait=self.on_lease_wait)

    def shrink(self, words: Collection[str], sentence_keys: Collection[str]) -> Shrunk:
        """Delete the vocabulary words and sentence vectors outside these (the ones passages still use)."""
        return Shrunk(self.vocabulary.keep_only(set(words)), self.sentences.keep_only(set(sentence_keys)))

    def mark_changed(self) -> None:
        """Record that this process has just written (done by every completed write)."""
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        self.state.set_generation(token)
        self._seen = token

    # -- reads ----------------------------------------------------------------------------------
    def snapshot(self, previous: Snapshot | None = None, attempts: int = 3) -> Snapshot:
        """Source records and the passages they vouch for, every record whole.

        With `previous`, only the sources whose record changed since are read again (the rest of its
        passages are kept, in its order, and new ones follow). Records and passages are two reads, and a
        writer in another process may land between them (a replaced source, a removal), so a mismatch is
        read again; a source still not whole is left out, so no source is ever half-present.
        """
        generation = self.seen
        if previous is not None and previous.generation is not None and previous.generation == generation:
            return previous  # nothing written since: every write changes the generation before and after
        for _ in range(attempts):
            records, passages, found = self._read(previous)
            # Sources taken from `previous` were whole there: only the ones read now are counted.
            broken = {r.source for r in records if r.source in found and found[r.source] != r.n_passages}
            if not broken:
                return Snapshot(records, passages, generation)
        return Snapshot(
            [r for r in records if r.source not in broken],
            {i: p for i, p in passages.items() if p.owner[0] not in broken},
            generation,
        )

    def _read(self, previous: Snapshot | None) -> tuple[list[SourceRecord], dict[str, Passage], Counter[str]]:
        """Every record; the passages whose source and hash a record names, from `previous` what its
        records say is unchanged; and how many passages of each source read now were found."""
        kept = {r.source: r for r in previous.records} if previous else {}
        if previous is None or not kept:
            records = self.records.all()
            found: Counter[str] = Counter({r.source: 0 for r in records})
            return records, _vouched(records, self.passages.all(), {}, found), found
        current = self.records.all(payload=False)
        unchanged = {r.source for r in current if _same_version(kept.get(r.source), r)}
        fresh = {r.source: r for r in self.records.many([r.source for r in current if r.source not in unchanged])}
        # A source changed after the light read is missing here: the wholeness check reads again.
        records = [
            kept[r.source] if r.source in unchanged else fresh[r.source]
            for r in current
            if r.source in unchanged or r.source in fresh
        ]
        read = self.passages.all(sources=list(fresh)) if len(fresh) <= _FEW_SOURCES else self.passages.all()
        if unchanged == set(kept):  # nothing of `previous` went: all its passages stay, in its order
            passages = dict(previous.passages)
        else:
            passages = {i: p for i, p in previous.passages.items() if p.owner[0] in unchanged}
        found = Counter({source: 0 for source in fresh})
        return records, _vouched([fresh[s] for s in fresh], read, passages, found), found

    def sources(self) -> list[SourceRecord]:
        """Every source record (trusted or not: see snapshot)."""
        return self.records.all()

    def get_source(self, source: str) -> SourceRecord | None:
        """The record of `source` exactly as given, if stored."""
        return self.records.get(source)

    def all_passages(self) -> list[Passage]:
        """Every stored passage, including any stale ones awaiting a sweep (see snapshot)."""
        return self.passages.all()

    def count(self) -> int:
        """Number of stored passages (including any stale ones awaiting a sweep)."""
        return self.passages.count()

    def query(self, embedding, n: int, ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Nearest passages as (id, cosine similarity), best first; restricted to `ids` when given."""
        return self.passages.query(embedding, n, ids)

    def nearest_word(self, embedding) -> tuple[str, float] | None:
        """The vocabulary word closest to `embedding`, with its cosine similarity; None if empty."""
        return self.vocabulary.nearest(embedding)

    def sentence_vectors(self, keys: Sequence[str]) -> dict:
        """Stored vectors of the sentences with these keys (the missing ones are left out)."""
        return self.sentences.vectors(keys)

    # -- change tracking across processes -------------------------------------------------------
    def generation(self) -> str:
        """An opaque token that changes whenever any process writes to the store."""
        return self.state.generation()

    @property
    def seen(self) -> str | None:
        """The generation this process last loaded or wrote."""
        return self._seen

    def sync(self) -> bool:
        """True if the store changed since this process last looked; reconnects when another
        process wrote to the embedded store, whose vectors this process would not see otherwise."""
        token = self.generation()
        with self._syncing:  # one thread reopens for a change; the others find it seen
            if token == self._seen:
                return False
            self._seen = token
            if self.location.path and not token.startswith(f"{os.getpid()}:"):
                self._connection.reconnect()
        return True


class WriteLock:
    """Serialises writers on one embedded data directory (a PersistentClient is not multi-writer safe).

    A second writer waits, saying so on stderr; the lock is the kernel's (flock), so a killed
    writer never leaves it held. A Chroma server serialises writes itself, so there it is a no-op.
    """

    def __init__(self, location: StoreLocation, on_wait=None):
        self.path = location.path / ".write.lock" if location.path else None
        self.on_wait = on_wait or (lambda message: print(message, file=sys.stderr, flush=True))
        self._fd: TextIO | None = None

    def __enter__(self):
        if self.path:
            import fcntl

            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = self._fd = open(self.path, "a+")
            except OSError as e:  # another user's directory, or read-only storage: it can still be read
                raise StoreUnavailableError(
                    f"cannot write to the data directory {self.path.parent}: {e.strerror or e} "
                    "(it can still be searched; ingest into a directory you may write)"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fd.seek(0)
                holder = fd.read().strip() or "another process"
                self.on_wait(f"waiting for {holder} to finish writing to {self.path.parent} ...")
                fcntl.flock(fd, fcntl.LOCK_EX)
            fd.seek(0)
            fd.truncate()
            fd.write(f"process {os.getpid()}")
            fd.flush()
        return self

    def __exit__(self, *exc):
        if self._fd:
            self._fd.close()  # closing releases the lock
            self._fd = None
