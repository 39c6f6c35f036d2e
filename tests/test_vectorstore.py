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
