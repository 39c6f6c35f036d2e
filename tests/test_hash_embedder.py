"""The hash embedder the unit tier runs on: deterministic, unit length, cut like the model, never mistaken for it."""

import numpy as np
import pytest

from tests.support.hash_embedder import HashEmbedder
from vectorstore import ChromaStore, Embedder, ModelMismatchError, StoreLocation


def test_vectors_are_deterministic_unit_rows_of_the_recorded_dimension(hash_embedder):
    texts = ["Special Scheme Policy amended", "special scheme policy amended", "", "a spit guard in the cell"]
    vectors = hash_embedder.embed(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors, HashEmbedder().embed(texts))  # the same on every run, in any instance
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0)  # the model's tokenizer is uncased
    assert float(vectors[0] @ vectors[3]) < 0.5 < float(vectors[0] @ hash_embedder.embed(["special scheme"])[0])
    assert hash_embedder.embed([]).shape == (0, 384)
    assert np.array_equal(hash_embedder.embed_cached(texts[:2]), vectors[:2])


def test_counts_word_pieces_as_the_real_embedder_does(hash_embedder):
    texts = ["", "special scheme marker", "Café naïve — “quoted” 2018/104370 PAVA", "word " * 400]
    real = Embedder()  # counting loads its tokenizer only, not the model
    assert [hash_embedder.count_tokens(t) for t in texts] == [real.count_tokens(t) for t in texts]


def test_an_index_it_builds_is_refused_by_the_model(tmp_path, hash_embedder):
    ChromaStore(StoreLocation(path=tmp_path), hash_embedder.info).count()
    with pytest.raises(ModelMismatchError, match="tests/hash-bag-of-word-pieces.*all-MiniLM-L6-v2"):
        ChromaStore(StoreLocation(path=tmp_path), Embedder().info).count()
