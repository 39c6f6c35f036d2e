"""Leases on sources, kept in Chroma: one writer at a time per source, across processes and machines.

Two ingests writing one source through one Chroma server would interleave its passages, record and
deletions, and could leave the record vouching for passages the other deleted. A writer therefore
holds the source's lease while it writes it. Chroma has no compare-and-swap, but `add` of an id that
exists is ignored, so adding a record under a known id and reading it back tells whoever comes second
that it lost. A lease expires (a killed writer's is broken after LEASE_SECONDS) and breaking one is
itself claimed the same way, so two breakers cannot both win (a claim record stays per broken lease).
Expiry compares wall clocks: the machines sharing a server should keep theirs in sync (NTP).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from vectorstore.collection import _NO_VECTOR, _Collection
from vectorstore.connection import CollectionSpec
from vectorstore.location import StoreError
from vectorstore.record import source_id

LEASE_SECONDS = 60.0  # a writer holds a source for one replace or remove: milliseconds to seconds
WAIT_SECONDS = 75.0  # how long a second writer waits: past a killed holder's expiry
POLL_SECONDS = 0.2


class SourceBusyError(StoreError):
    """Another writer holds the source's lease."""


@dataclass(frozen=True)
class Lease:
    """Who holds a source, and until when (seconds since the epoch)."""

    source: str
    owner: str  # "host:pid:random", unique per holding
    since: float
    expires: float

    def describe(self) -> str:
        """One line for the writer that waits or gives up."""
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.since))
        host, pid, _ = (self.owner.split(":") + ["", "", ""])[:3]
        return f"source {self.source} is being written by another ingest (process {pid} on {host}, since {since})"


def new_owner() -> str:
    """An owner id unique to one holding, naming the host and process for the message others see."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Leases(_Collection):
    """One record per held source: its owner, since and expiry; plus short-lived claims to break one."""

    SPEC = CollectionSpec("iopc_leases", searched=False)

    def current(self, source: str) -> Lease | None:
        """The lease on `source` as stored (expired or not), if any."""
        with self._use() as chroma:
            res = chroma.get(ids=[_lease_id(source)], include=["metadatas"])
        return _lease(res["metadatas"][0]) if res["ids"] else None

    def active(self, now: float | None = None) -> list[Lease]:
        """Every unexpired lease."""
        now = time.time() if now is None else now
        leases = [_lease(m) for _, _, metas in self._pages({"kind": "lease"}, ["metadatas"]) for m in metas]
        return [lease for lease in leases if lease.expires > now]

    def try_take(self, source: str, owner: str, seconds: float = LEASE_SECONDS) -> Lease | None:
        """Take the lease on `source` for `owner`: None when taken, else the lease that holds it."""
        now = time.time()
        held = self._add_and_read(source, owner, now, seconds)
        if held.owner == owner or held.expires > now or not held.owner:
            return None if held.owner == owner else held
        # Expired: whoever adds the claim to break this holding first deletes it; the others wait.
        claim = f"break:{_lease_id(source)}:{held.owner}"
        md = {"kind": "claim", "owner": owner, "expires": now + seconds}
        with self._use() as chroma:
            chroma.add(ids=[claim], metadatas=[md], embeddings=[_NO_VECTOR])
            won = chroma.get(ids=[claim], include=["metadatas"])["metadatas"]
        if not won or won[0]["owner"] != owner:
            if won and float(won[0]["expires"]) <= now:  # its breaker died mid-break: clear the way
                self.delete([claim])
            return held
        # The claim stays: deleting it would let a writer that read the expired lease a moment ago claim
        # it again, and delete the lease taken next. It names a holding that is gone, so it blocks nothing.
        self.delete([_lease_id(source)])
        held = self._add_and_read(source, owner, time.time(), seconds)
        return None if held.owner == owner else held

    def release(self, source: str, owner: str) -> None:
        """Give up the lease on `source` if `owner` still holds it."""
        lease = self.current(source)
        if lease is not None and lease.owner == owner:
            self.delete([_lease_id(source)])

    def _add_and_read(self, source: str, owner: str, now: float, seconds: float) -> Lease:
        md = {"kind": "lease", "source": source, "owner": owner, "since": now, "expires": now + seconds}
        with self._use() as chroma:
            chroma.add(ids=[_lease_id(source)], metadatas=[md], embeddings=[_NO_VECTOR])  # ignored if held
        # None: released between the add and the read; an ownerless lease means "try again".
        return self.current(source) or Lease(source, "", now, now)

    @contextmanager
    def hold(
        self,
        source: str,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
        seconds: float = LEASE_SECONDS,
    ) -> Iterator[str]:
        """Hold the lease on `source` for the block (yields the owner id); waits up to `wait` seconds
        (WAIT_SECONDS by default) for another holder, telling `on_wait` once, then raises SourceBusyError."""
        owner = new_owner()
        deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
        told = False
        while (held := self.try_take(source, owner, seconds)) is not None:
            if time.monotonic() >= deadline:
                raise SourceBusyError(held.describe())
            if on_wait and not told and held.owner:
                on_wait(f"waiting: {held.describe()} ...")
                told = True
            time.sleep(POLL_SECONDS)
        try:
            yield owner
        finally:
            self.release(source, owner)


def _lease_id(source: str) -> str:
    return f"lease:{source_id(source)}"


def _lease(md: dict) -> Lease:
    return Lease(str(md["source"]), str(md["owner"]), float(md["since"]), float(md["expires"]))
