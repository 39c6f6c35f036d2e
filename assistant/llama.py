"""Our retrieval as llama-index parts, for analysts' own pipelines: a retriever and a query engine."""

from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.types import Filters, Hit


def node(hit: Hit) -> NodeWithScore:
    """A retrieved passage as a llama-index node: its text, and where it comes from as metadata."""
    metadata = {
        "case_id": hit.case_id,
        "title": hit.title,
        "force": hit.force,
        "section": hit.section,
        "recommendation": hit.rec_no,
        "status": hit.status,
        "date": hit.date,
        "url": hit.url,
        "source": hit.source,
    }
    return NodeWithScore(node=TextNode(id_=hit.id, text=hit.text, metadata=metadata), score=hit.score)


class CaseRetriever(BaseRetriever):
    """Hybrid (dense + BM25) search over the Assistant's collection, as a llama-index retriever."""

    def __init__(self, assistant, filters: Filters | None = None, k: int = 10):
        super().__init__()
        self.assistant, self.filters, self.k = assistant, filters, k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [node(h) for h in self.assistant.search(query_bundle.query_str, k=self.k, filters=self.filters)]


def as_retriever(assistant, filters: Filters | None = None, k: int = 10) -> BaseRetriever:
    """A llama-index BaseRetriever returning the k best passages of `assistant`'s collection."""
    return CaseRetriever(assistant, filters, k)


def as_query_engine(assistant, llm, filters: Filters | None = None, k: int = 10):
    """A llama-index RetrieverQueryEngine over as_retriever(), answering with `llm` (an LLM or an
    --llm spec string, checked now). Its answers are llama-index's own, not checked like ours."""
    from llama_index.core.query_engine import RetrieverQueryEngine

    if isinstance(llm, str):
        from assistant.llm import LLMConfigError, load_llm

        loaded = load_llm(llm)
        if loaded is None:
            raise LLMConfigError("--llm 'none': a query engine needs a model")
        llm = loaded[0]
    return RetrieverQueryEngine.from_args(as_retriever(assistant, filters, k), llm=llm)
