"""The storage layer against real Chroma and the real model."""

import pytest

from vectorstore import ChromaStore, KeywordIndex, ModelInfo, ModelMismatchError, Passage, SourceRecord, StoreLocation
from vectorstore.fusion import reciprocal_rank_fusion


def test_embedder_gives_unit_vectors_of_the_recorded_dimension(embedder):
    vectors = embedder.embed(["a custody sergeant removed the spit guard", "special scheme marker"])
    assert vectors.shape == (2, 384)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-4
    assert embedder.count_tokens("special scheme marker") >= 3


def test_store_round_trip_and_cosine_query(tmp_path, embedder):
    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    texts = ["The Special Scheme Policy has been amended.", "Officers used a spit guard in the cell."]
    passages = [Passage(id=f"p{i}", text=t, metadata={"n": i}) for i, t in enumerate(texts)]
    store.replace(SourceRecord("s", "h1", 0, "2024-01-01"), passages, embedder.embed(texts))
    q = embedder.embed(["special scheme policy change"])[0]
    ranked = store.query(q, 2)
    assert [i for i, _ in ranked] == ["p0", "p1"]
    assert 0.3 < ranked[0][1] <= 1.0  # a cosine similarity, not a distance
    assert store.query(q, 5, ids=["p1"])[0][0] == "p1"
    assert {p.id: p.text for p in store.all_passages()} == {"p0": texts[0], "p1": texts[1]}


def test_index_refuses_another_model(tmp_path, embedder):
    ChromaStore(StoreLocation(path=tmp_path), embedder.info).count()
    other = ChromaStore(StoreLocation(path=tmp_path), ModelInfo("other/model", 768))
    with pytest.raises(ModelMismatchError, match="all-MiniLM-L6-v2.*other/model"):
        other.count()


def test_location_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("IOPC_DATA_DIR", str(tmp_path / "d"))
    assert StoreLocation.resolve().path == tmp_path / "d"
    assert StoreLocation.resolve(data_dir=tmp_path / "x").path == tmp_path / "x"
    assert StoreLocation.resolve(url="http://127.0.0.1:8001").url == "http://127.0.0.1:8001"
    monkeypatch.delenv("IOPC_DATA_DIR")
    assert "iopc-assistant" in str(StoreLocation.resolve().path)


def test_keyword_index_finds_exact_terms_and_respects_the_mask():
    index = KeywordIndex(["a", "b"], ["reference 2019/127918 captor spray", "a spork was used as a ligature"])
    assert index.search("Captor")[0][0] == "a"
    assert index.search("sporks")[0][0] == "b"
    assert index.search("sporks", allowed=["a"]) == []
    assert index.document_frequency(index.terms("ligature")[0]) == 1


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([["x", "y", "z"], ["y", "x", "w"]])
    assert {fused[0][0], fused[1][0]} == {"x", "y"}
    assert fused[-1][0] in ("z", "w")


def test_vocabulary_finds_near_synonyms_not_new_topics(tmp_path, embedder):
    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    words = ["woman", "female", "injured", "custody", "overdose", "vehicle"]
    store.vocabulary.add(words, embedder.embed(words))
    assert store.vocabulary.missing(["woman", "girl", "custody", "girl"]) == ["girl"]
    near, similarity = store.nearest_word(embedder.embed(["girl"])[0])
    assert near in ("female", "woman") and similarity > 0.6
    assert store.nearest_word(embedder.embed(["kettling"])[0])[1] < 0.6


def _write(store, embedder, source: str, digest: str, texts: list[str]) -> None:
    passages = [Passage(id=f"{digest}-{i}", text=t) for i, t in enumerate(texts)]
    store.replace(SourceRecord(source, digest, 0, "2024-01-01", key="k", payload="p"), passages, embedder.embed(texts))


def test_replace_remove_sweep_and_snapshot_keep_every_source_whole(tmp_path, embedder):
    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    _write(store, embedder, "a", "h1", ["custody record", "spit guard"])
    _write(store, embedder, "b", "h2", ["special scheme marker"])
    before = store.seen
    _write(store, embedder, "a", "h3", ["a replaced text"])  # its old passages go
    assert store.seen != before and store.generation() == store.seen
    snap = store.snapshot()
    assert {r.source: (r.content_hash, r.n_passages, r.key, r.payload) for r in snap.records} == {
        "a": ("h3", 1, "k", "p"),
        "b": ("h2", 1, "k", "p"),
    }
    assert sorted(snap.passages) == ["h2-0", "h3-0"] and store.count() == 2
    assert snap.passages["h3-0"].metadata == {"source": "a", "source_hash": "h3"}  # stamped by replace

    # what a killed write leaves: a passage no record vouches for, invisible, then swept
    store.passages.upsert([Passage("stale", "drone", {"source": "c", "source_hash": "x"})], embedder.embed(["drone"]))
    assert "stale" not in store.snapshot().passages
    assert store.sweep() == 1 and store.sweep() == 0 and store.count() == 2

    # a record claiming more passages than stored: the source is left out, not shown in part
    store.records.put(SourceRecord("b", "h2", 2, "2024-01-01"))
    snap = store.snapshot()
    assert [r.source for r in snap.records] == ["a"] and list(snap.passages) == ["h3-0"]

    marked = store.seen
    assert store.remove("a").content_hash == "h3" and store.seen != marked
    assert store.remove("a") is None
    assert store.get_source("a") is None and store.passages.of_source("a") == []


def test_a_snapshot_is_read_again_only_after_a_write_even_a_failed_one(tmp_path, embedder):
    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    _write(store, embedder, "a", "h1", ["custody record"])
    first = store.snapshot()
    assert store.snapshot(first) is first  # nothing written since: nothing read again
    with pytest.raises(Exception):  # noqa: B017, PT011  # whatever Chroma raises for a vector of the wrong size
        store.replace(SourceRecord("b", "h2", 0, "2024-01-01"), [Passage("h2-0", "spit guard")], [[0.5, 0.5]])
    # the failed write changed the store's generation: whatever it left is looked at, not assumed away
    again = store.snapshot(first)
    assert again is not first and [r.source for r in again.records] == ["a"]
    _write(store, embedder, "b", "h2", ["spit guard"])
    assert [r.source for r in store.snapshot(again).records] == ["a", "b"]


def test_a_reconnect_sees_vectors_another_process_added(tmp_path, embedder):
    """The embedded reconnect reaches into chromadb's private client table: this fails if an upgrade breaks it."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from chromadb.api.shared_system_client import SharedSystemClient

    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    _write(store, embedder, "a", "h1", ["custody record"])
    assert isinstance(SharedSystemClient._identifier_to_refcount, dict)
    assert str(tmp_path) in SharedSystemClient._identifier_to_system  # the key the reconnect takes out

    vector = [float(x) for x in embedder.embed(["kingfisher drone over the yard"])[0]]
    root = Path(__file__).resolve().parents[1]
    writer = f"""
import json, sys
from vectorstore import ChromaStore, ModelInfo, Passage, SourceRecord, StoreLocation
model = ModelInfo({embedder.info.name!r}, {embedder.info.dimension})
store = ChromaStore(StoreLocation.resolve(data_dir={str(tmp_path)!r}), model)
store.replace(SourceRecord("b", "h2", 0, "t"), [Passage("b-0", "kingfisher")], [json.loads(sys.stdin.read())])
"""
    done = subprocess.run(
        [sys.executable, "-c", writer],
        input=json.dumps(vector),
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert store.sync()  # another process wrote: reconnected
    assert store.query(vector, 1)[0][0] == "b-0"  # query(), which a stale client misses, sees the new vector


def test_a_reopened_store_stops_the_old_client_when_its_last_call_ends(tmp_path, embedder):
    """The previous client's vector indexes are released as soon as no call uses them, not kept a while."""
    from chromadb.api.shared_system_client import SharedSystemClient

    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    _write(store, embedder, "a", "h1", ["custody record"])
    connection = store._connection
    idle = SharedSystemClient._identifier_to_system[str(tmp_path)]
    connection.reconnect()
    assert idle._running is False  # no call was using it

    busy = SharedSystemClient._identifier_to_system[str(tmp_path)]
    with connection.using("iopc_passages") as passages:
        connection.reconnect()  # another thread's reopen, while this call is in flight
        assert busy._running is True
        assert passages.count() == 1  # the call in flight still reads its client
    assert busy._running is False
    assert store.count() == 1 and SharedSystemClient._identifier_to_system[str(tmp_path)]._running


def test_source_records_keep_the_stored_field_names(tmp_path, embedder):
    """An index built before SourceRecord's fields became opaque still opens, and is written back the same."""
    from vectorstore.record import source_id

    store = ChromaStore(StoreLocation(path=tmp_path), embedder.info)
    stored = {
        "source": "s.txt",
        "content_hash": "h",
        "case_key": "k1|k2",
        "n_passages": 2,
        "ingested_at": "2024-05-01T10:00:00+00:00",
        "detail": "decoded as cp1252",
    }
    store.records.chroma.upsert(
        ids=[source_id("s.txt")], documents=['[{"title": "x"}]'], metadatas=[stored], embeddings=[[1.0]]
    )
    record = store.get_source("s.txt")
    assert (record.key, record.payload, record.n_passages, record.detail) == (
        "k1|k2",
        '[{"title": "x"}]',
        2,
        "decoded as cp1252",
    )
    store.records.remove("s.txt")
    store.records.put(record)
    raw = store.records.chroma.get(ids=[source_id("s.txt")], include=["documents", "metadatas"])
    assert raw["metadatas"] == [stored] and raw["documents"] == ['[{"title": "x"}]']
    assert store.sources() == [record]
