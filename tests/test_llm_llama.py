"""Our retrieval inside llama-index: the retriever's nodes carry the passage and where it comes from, and
llama-index's own RetrieverQueryEngine runs over it."""

from __future__ import annotations

from llama_index.core import QueryBundle
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.retrievers import BaseRetriever

from assistant.types import Filters
from tests.conftest import SEED
from tests.test_llm_checker import Scripted


def test_the_retriever_returns_passages_with_their_metadata(seeded):
    retriever = seeded.as_retriever(k=4)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("special scheme marker")
    hits = seeded.search("special scheme marker", k=4)
    assert [n.node.node_id for n in nodes] == [h.id for h in hits]
    assert [n.score for n in nodes] == [h.score for h in hits]
    first = nodes[0].node
    assert first.get_content() == hits[0].text and "special scheme" in first.get_content().lower()
    assert set(first.metadata) == {
        "case_id",
        "title",
        "force",
        "section",
        "recommendation",
        "status",
        "date",
        "url",
        "source",
    }
    assert first.metadata["title"] == "Response to calls for assistance - Metropolitan Police Service, June 2018"
    assert first.metadata["force"] == "Metropolitan Police Service" and first.metadata["source"] == str(SEED)
    recs = [n.node.metadata for n in nodes if n.node.metadata["section"] == "recommendation"]
    assert recs and all(isinstance(m["recommendation"], int) and m["status"] == "accepted" for m in recs)


def test_the_retriever_applies_filters(seeded):
    assert seeded.as_retriever(filters=Filters(forces=["Kent Police"])).retrieve("special scheme marker") == []
    assert seeded.as_retriever(filters=Filters(forces=["Met"])).retrieve("special scheme marker")


def test_a_query_engine_over_it_answers_with_sources(seeded):
    llm = Scripted(text="The MPS amended its Special Scheme Policy.")
    question = "What happened to the special scheme marker policy?"
    engine = seeded.as_query_engine(llm=llm, k=3)
    assert isinstance(engine, RetrieverQueryEngine)
    response = engine.query(question)
    assert str(response) == "The MPS amended its Special Scheme Policy."
    assert [n.node.node_id for n in response.source_nodes] == [h.id for h in seeded.search(question, k=3)]
    assert response.source_nodes[0].node.get_content()[:60] in llm.prompts[-1]  # the passages were in the prompt
    # llama-index's own engine, built the documented way from our retriever, retrieves the same.
    own = RetrieverQueryEngine.from_args(seeded.as_retriever(k=3), llm=llm)
    assert [n.node.node_id for n in own.retrieve(QueryBundle(question))] == [
        n.node.node_id for n in response.source_nodes
    ]
