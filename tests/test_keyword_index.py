"""The keyword index is built from passages alone and searches their index text (title, force, section, text)."""

from assistant.keyword_index import keyword_index, passage_words, words_by_initial
from ingest.passages import PassageMeta
from vectorstore import Passage


def _passage(pid: str, text: str, **meta) -> Passage:
    return Passage(pid, text, PassageMeta(**meta).to_metadata())


PASSAGES = [
    _passage("p1", "Officers used a spit guard on a child.", title="Spit guards", force="Kent Police"),
    _passage("p2", "The custody sergeant did not rouse the detainee.", title="Rousing", force="Essex Police"),
    _passage(
        "p3", "Kent Police accepted.", title="Rousing", force="Essex Police", section="response", rec_no=1, status="a"
    ),
]


def test_search_finds_a_passage_by_its_context_header_and_respects_allowed():
    index = keyword_index(PASSAGES)
    # "Essex" is only in the titles' context header of p2 and p3, never in their text
    assert {pid for pid, _ in index.search("Essex", 10)} == {"p2", "p3"}
    assert [pid for pid, _ in index.search("Essex", 10, allowed=["p3", "unknown"])] == ["p3"]
    assert [pid for pid, _ in index.search("spit guard", 10)] == ["p1"]
    assert index.search("xylophone", 10) == []


def test_coverage_is_the_share_of_query_terms_in_some_passages():
    index = keyword_index(PASSAGES)
    terms = index.terms("rouse detainee spit")
    assert index.coverage(terms, ["p1", "p2"]) == 1.0
    assert 0.0 < index.coverage(terms, ["p2"]) < 1.0
    assert index.coverage(terms, []) == 0.0


def test_an_empty_collection_searches_to_nothing():
    assert keyword_index([]).search("custody", 10) == []


def test_spelling_words_are_the_passages_long_words_by_initial():
    words = passage_words(PASSAGES)
    assert {"officers", "guard", "custody", "sergeant", "kent"} <= set(words) and "used" in words and "did" not in words
    assert words_by_initial(words)["s"] == sorted(w for w in words if w.startswith("s"))
