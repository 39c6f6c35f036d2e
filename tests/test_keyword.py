"""The keyword index against bm25s, the library whose scoring it keeps, and its versions against a rebuild."""

from __future__ import annotations

import json
import random

import bm25s
import numpy as np
import pytest
import Stemmer

from tests.support import synth
from vectorstore import KeywordIndex


def _texts(n: int) -> list[str]:
    """Passage-sized SYNTHETIC texts: narratives, recommendations and responses of generated cases."""
    out = []
    for i in range(n):
        case = synth.case(11, i)
        out.append(json.dumps(case)[:1500])
        out.extend(r["text"] for r in case.get("recommendations", []) if r.get("text"))
    return out


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str], list[str]]:
    texts = _texts(60)
    ids = [f"p{n}" for n in range(len(texts))]
    rng = random.Random(3)
    queries = [" ".join(rng.sample(t.split(), min(6, len(t.split())))) for t in rng.sample(texts, 40)]
    return ids, texts, queries + ["custody officer", "Taser use of force", "force force force"]


def _bm25s_scores(texts: list[str], query: str) -> np.ndarray:
    stemmer = Stemmer.Stemmer("english")
    reference = bm25s.BM25()
    reference.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False)[0]
    known = [t for t in tokens if t in reference.vocab_dict]
    return reference.get_scores(known) if known else np.zeros(len(texts), np.float32)


def test_scores_equal_bm25s_to_the_bit(corpus):
    ids, texts, queries = corpus
    index = KeywordIndex(ids, texts)
    for query in queries:
        expected = _bm25s_scores(texts, query)
        got = dict(index.search(query, k=len(ids)))
        assert [got.get(pid, 0.0) for pid in ids] == [float(s) for s in expected], query
    assert any(index.search(q) for q in queries)


def test_a_changed_version_scores_as_a_rebuild_and_leaves_the_old_one(corpus):
    ids, texts, queries = corpus
    index = KeywordIndex(ids, texts)
    before = {q: index.search(q, k=30) for q in queries}
    gone = set(ids[5:25])
    added = [(ids[0], "a spork was used as a ligature in the custody suite"), ("new", "Captor spray 2019/127918")]
    changed = index.with_changes(added, gone)
    kept = [(pid, t) for pid, t in zip(ids, texts, strict=True) if pid not in gone and pid != ids[0]] + added
    rebuilt = KeywordIndex([pid for pid, _ in kept], [t for _, t in kept])
    for q in queries + ["spork", "Captor"]:
        assert dict(changed.search(q, k=100)) == pytest.approx(dict(rebuilt.search(q, k=100)), rel=1e-6), q
    assert changed.search("spork")[0][0] == ids[0] and changed.search("Captor")[0][0] == "new"
    assert not set(dict(changed.search("custody officer", k=500))) & gone
    assert {q: index.search(q, k=30) for q in queries} == before  # readers of the old version see no change
    assert len(changed) == len(ids) - len(gone) + 1


def test_many_small_changes_compact_without_losing_documents(corpus):
    ids, texts, _ = corpus
    index = KeywordIndex(ids[:10], texts[:10])
    for n in range(10, len(ids)):
        index = index.with_changes([(ids[n], texts[n])], [ids[n - 10]])
    assert len(index) == 10 and set(index.ids) >= set(ids[-10:])
    rebuilt = KeywordIndex(ids[-10:], texts[-10:])
    query = " ".join(texts[-1].split()[:8])
    assert dict(index.search(query, k=10)) == pytest.approx(dict(rebuilt.search(query, k=10)), rel=1e-6)


def test_coverage_weighs_rare_terms(corpus):
    ids, texts, _ = corpus
    index = KeywordIndex([*ids, "x"], [*texts, "the detainee swallowed a spork"])
    terms = index.terms("detainee spork")
    assert index.coverage(terms, ["x"]) == 1.0
    assert 0 < index.coverage(index.terms("spork officer"), ["x"]) < 1
    assert index.coverage(terms, []) == 0.0
    assert index.with_changes([], ["x"]).document_frequency(index.terms("spork")[0]) == 0


def test_coverage_of_each_passage_is_its_coverage_alone_to_the_bit(corpus):
    ids, texts, _ = corpus
    index = KeywordIndex([*ids, "x"], [*texts, "the detainee swallowed a spork"]).with_changes([], [ids[0]])
    terms = index.terms("the detainee swallowed a spork while the officer watched")
    asked = [*ids[:50], "x", "not stored"]
    each = index.coverage_each(terms, asked)
    assert list(each) == asked
    assert each == {i: index.coverage(terms, [i]) for i in asked}
    assert each["x"] > 0 and each["not stored"] == 0.0 and each[ids[0]] == 0.0  # removed: no longer covers


def test_many_additions_merge_into_one_segment(corpus):
    ids, texts, queries = corpus
    index = KeywordIndex(ids[:5], texts[:5])
    for n in range(5, 20):
        index = index.with_changes([(ids[n], texts[n])], [])
    rebuilt = KeywordIndex(ids[:20], texts[:20])
    for q in queries:
        assert dict(index.search(q, k=20)) == dict(rebuilt.search(q, k=20)), q


def test_what_a_version_remembers_of_a_term_is_its_own(corpus):
    import pickle

    ids, texts, _ = corpus
    index = KeywordIndex([*ids, "x"], [*texts, "the detainee swallowed a spork"])
    terms = index.terms("spork")
    assert index.coverage(terms, ["x"]) == 1.0 and index.document_frequency(terms[0]) == 1
    changed = index.with_changes([("y", "another spork in the cell"), ("z", "a spork")], ["x"])
    assert changed.coverage(terms, ["x"]) == 0.0 and changed.coverage(terms, ["y"]) == 1.0
    assert changed.document_frequency(terms[0]) == 2
    assert index.coverage(terms, ["x"]) == 1.0 and index.document_frequency(terms[0]) == 1  # the old one as it was
    kept = pickle.loads(pickle.dumps(changed))
    assert kept.coverage(terms, ["z"]) == 1.0 and kept.document_frequency(terms[0]) == 2
