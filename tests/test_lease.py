"""Leases on sources through a real Chroma server (`chroma run`): one writer per source at a time,
across clients and processes; and what one process ingests, another sees at its next question."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import ROOT
from tests.support.chroma_server import chroma_server
from tests.test_ingest import case_text

pytestmark = pytest.mark.integration  # a server process


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """A `chroma run` on loopback over a fresh directory, for this module."""
    with chroma_server(tmp_path_factory.mktemp("chroma-lease")) as url:
        yield url


def _store(url: str, embedder):
    """A store with a client of its own (as another process or machine would have)."""
    from vectorstore import ChromaStore, StoreLocation

    return ChromaStore(StoreLocation(url=url), embedder.info)


def test_a_second_writer_is_refused_in_one_line_until_the_first_releases(chroma_url, hash_embedder):
    from vectorstore.lease import SourceBusyError

    first, second = _store(chroma_url, hash_embedder), _store(chroma_url, hash_embedder)
    waits: list[str] = []
    with first.leases.hold("cases/a.txt") as owner:
        assert second.leases.try_take("cases/a.txt", "someone-else") is not None
        with pytest.raises(SourceBusyError) as busy, second.leases.hold("cases/a.txt", wait=0.5, on_wait=waits.append):
            pass
        message = str(busy.value)
        assert message.startswith("source cases/a.txt is being written by another ingest (process ")
        assert f"process {os.getpid()} on {socket.gethostname()}, since " in message and "\n" not in message
        assert waits == [f"waiting: {message} ..."]
        assert first.leases.current("cases/a.txt").owner == owner
    # released: the second takes it at once, and another source was never held
    with second.leases.hold("cases/a.txt", wait=0.5):
        assert first.leases.try_take("cases/b.txt", "third") is None
    assert [lease.source for lease in first.leases.active()] == ["cases/b.txt"]
    first.leases.release("cases/b.txt", "third")
    assert first.leases.active() == []


@pytest.mark.parametrize("round_", range(3))
def test_an_expired_lease_is_broken_by_exactly_one_writer(chroma_url, hash_embedder, round_):
    source = f"cases/killed-{round_}.txt"
    dead = _store(chroma_url, hash_embedder)
    assert dead.leases.try_take(source, "killed-writer", seconds=0.3) is None
    time.sleep(0.4)
    stores = [_store(chroma_url, hash_embedder) for _ in range(6)]
    results: list = [None] * len(stores)
    start = threading.Barrier(len(stores))

    def take(i):
        start.wait()
        results[i] = stores[i].leases.try_take(source, f"writer-{i}")

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for i, r in enumerate(results) if r is None]
    holder = dead.leases.current(source).owner
    dead.leases.release(source, holder)
    assert len(winners) == 1 and holder == f"writer-{winners[0]}"


def test_racing_writers_each_hold_the_source_alone(chroma_url, hash_embedder):
    stores = [_store(chroma_url, hash_embedder) for _ in range(4)]
    inside, most, rounds = [0], [0], 5
    lock = threading.Lock()

    def write(store):
        for _ in range(rounds):
            with store.leases.hold("cases/shared.txt", wait=60):
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.02)
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1


def test_concurrent_ingests_of_one_source_leave_it_whole(chroma_url, hash_embedder, tmp_path):
    from ingest.pipeline import Ingester
    from vectorstore.record import HASH_FIELD

    versions = []
    for n in range(3):
        path = tmp_path / f"v{n}" / "race.txt"
        path.parent.mkdir()
        words = " ".join(f"version{n}word{i}" for i in range(200))  # several passages per version
        path.write_text(case_text("Race case - Kent Police", "Kent Police", "2021/777777", words), encoding="utf-8")
        versions.append(path)
    stores = [_store(chroma_url, hash_embedder) for _ in versions]
    reports: list = [None] * len(versions)

    def ingest(i):
        # every version recorded under one source name, as three machines ingesting one shared path
        reports[i] = Ingester(stores[i], hash_embedder).ingest([str(versions[i])], names={str(versions[i]): "race.txt"})

    threads = [threading.Thread(target=ingest, args=(i,)) for i in range(len(versions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in reports), [r.failed for r in reports]
    store = stores[0]
    record = store.get_source("race.txt")
    hashes = [p.metadata[HASH_FIELD] for p in store.all_passages() if p.metadata.get("source") == "race.txt"]
    assert len(hashes) == record.n_passages and set(hashes) == {record.content_hash}
    assert store.leases.active() == []


def test_another_process_ingest_is_seen_at_the_next_question(chroma_url, hash_embedder, tmp_path):
    from assistant import Assistant

    reader = Assistant(chroma_url=chroma_url, embedder=hash_embedder)
    before = reader.ask("kingfisher custody review")
    case = tmp_path / "kingfisher.txt"
    case.write_text(
        case_text("Kingfisher custody review - Essex Police", "Essex Police", "2021/044044", "kingfisher"),
        encoding="utf-8",
    )
    code = (
        "from assistant import Assistant\n"
        "from tests.support.hash_embedder import HashEmbedder\n"
        f"r = Assistant(chroma_url={chroma_url!r}, embedder=HashEmbedder()).ingest([{str(case)!r}])\n"
        "assert r.added, r\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    after = reader.ask("kingfisher custody review")
    assert not any(c.force == "Essex Police" for c in before.citations)
    assert any(c.force == "Essex Police" and "kingfisher" in c.passage.lower() for c in after.citations)


def test_an_ingest_of_a_source_held_elsewhere_fails_that_source_in_one_line(
    chroma_url, hash_embedder, tmp_path, monkeypatch
):
    import vectorstore.lease as lease_module
    from ingest.pipeline import Ingester

    monkeypatch.setattr(lease_module, "WAIT_SECONDS", 0.5)
    held, free = tmp_path / "held.txt", tmp_path / "free.txt"
    held.write_text(case_text("Held case - Kent Police", "Kent Police", "2021/888888", "heron"), encoding="utf-8")
    free.write_text(case_text("Free case - Kent Police", "Kent Police", "2021/999999", "osprey"), encoding="utf-8")
    other = _store(chroma_url, hash_embedder)
    assert other.leases.try_take(str(held), "host:4242:abc") is None
    try:
        report = Ingester(_store(chroma_url, hash_embedder), hash_embedder).ingest([str(held), str(free)])
    finally:
        other.leases.release(str(held), "host:4242:abc")
    assert report.added == [str(free)]
    [failure] = report.failed
    assert failure.source == str(held)
    assert failure.reason.startswith(f"source {held} is being written by another ingest (process 4242 on host, since ")
