"""The Assistant: the one object behind the CLI, the Python API and the chat UI."""

from __future__ import annotations

from collections import Counter

from assistant import settings
from assistant.catalog import Catalog
from assistant.compose import Writer, abstention, check_markers, list_text, lookup_text, table_text
from assistant.conversation import resolve
from assistant.question import Question, read_question
from assistant.relevance import case_coverage, relevance, unseen_words
from assistant.quotes import best_spans, first_sentence
from assistant.retrieval import HybridRetriever
from assistant.types import Answer, CaseSummary, Filters, Hit, Stats
from ingest.pipeline import IngestReport, Ingester
from ingest.readers import DEFAULT_MAX_BYTES
from vectorstore import ChromaStore, Embedder, StoreLocation
from vectorstore.sentence_vectors import SentenceVectors


class Assistant:
    """Ingest IOPC cases, search them, and answer questions with cited quotes."""

    def __init__(self, data_dir=None, chroma_url: str | None = None, embedder: Embedder | None = None,
                 writer: Writer | None = None, max_bytes: int = DEFAULT_MAX_BYTES, llm=None):
        # --- LLM writer (issue 13): `llm` is an --llm spec string or a llama-index LLM; checked here,
        # at start-up, so a bad setting fails before the first question.
        if writer is None and llm is not None:
            from assistant.writing import writer_for

            writer = writer_for(llm)
        # --- end LLM writer
        self.location = StoreLocation.resolve(data_dir, chroma_url)
        self.embedder = embedder or Embedder()
        self.store = ChromaStore(self.location, self.embedder.info)
        self.sentence_vectors = SentenceVectors(self.store, self.embedder)
        self.writer = writer
        self.max_bytes = max_bytes
        self._catalog: Catalog | None = None
        self._retriever: HybridRetriever | None = None

    # -- the collection ---------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        """The in-memory view of the collection (loaded on first use, reloaded after changes)."""
        if self._catalog is None or self._catalog.generation != self.store.seen:
            self._catalog = Catalog(self.store)
        return self._catalog

    def refresh(self) -> None:
        """Look for changes by any process (an ingest from the CLI while the app runs); the
        collection is reloaded on next use if there were."""
        self.store.sync()

    @property
    def retriever(self) -> HybridRetriever:
        """Hybrid retrieval over the current catalog (made again only when the catalog is)."""
        if self._retriever is None or self._retriever.catalog is not self.catalog:
            self._retriever = HybridRetriever(self.catalog.prepare(), self.store, self.embedder)
        return self._retriever

    def ingest(self, paths: list[str], progress: bool = False, names: dict[str, str] | None = None) -> IngestReport:
        """Ingest files, directories and URLs; unchanged sources are skipped.

        `names` records a path under another name (an upload's file name; see Ingester.ingest).
        """
        report = Ingester(self.store, self.embedder, self.max_bytes).ingest(
            [str(p) for p in paths], progress, {str(k): v for k, v in (names or {}).items()})
        return report

    def remove(self, target: str) -> list[str]:
        """Remove a source (as given when ingested) or a case by id; returns the sources removed."""
        return Ingester(self.store, self.embedder).remove(target)

    def cases(self) -> list[CaseSummary]:
        """Every case, twins merged, newest first."""
        self.refresh()
        return sorted(self.catalog.cases.values(),
                      key=lambda c: (c.incident_month or c.recommended or c.published or "", c.title), reverse=True)

    def stats(self) -> Stats:
        """Counts of cases, sources, passages, recommendations by status, cases per force."""
        self.refresh()
        cases = self.catalog.cases.values()
        by_status = Counter(r["status"] for c in cases for r in c.recommendations)
        forces = Counter(b for c in cases for b in c.bodies)
        return Stats(cases=len(cases), sources=sum(len(c.sources) for c in cases),
                     passages=len(self.catalog.passages), recommendations=sum(by_status.values()),
                     by_status=dict(by_status), forces=dict(forces.most_common()),
                     model=self.embedder.info.name, location=str(self.location),
                     encoder=self.embedder.backend)

    # -- search and answers -----------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None, mode: str = "hybrid") -> list[Hit]:
        """The k best passages for `query` (hybrid dense + BM25), best first."""
        self.refresh()
        return self.retriever.search(query, filters, k=k, mode=mode)

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        """Answer one question, every claim a cited quote; abstains when nothing relevant is found."""
        self.refresh()
        return self._answer(read_question(question, filters), question)

    def chat(self, message: str, history: list[Answer] | None = None, filters: Filters | None = None) -> Answer:
        """Answer `message` in a conversation: follow-ups are read against the last answer."""
        self.refresh()
        previous = next((a for a in reversed(history or []) if not a.abstained), None)
        follow = resolve(message, previous, filters)
        return self._answer(follow.question, follow.query)

    def _answer(self, q: Question, query: str) -> Answer:
        n_cases = len(self.catalog.cases)
        if not self.catalog.passages:
            return abstention(q.text, 0, q.filters)
        if q.kind == "filter":
            return self._enumerate(q, n_cases)
        # The question and the words the relevance check will look up, in one pass of the model: a
        # second pass for an unseen word was most of the slowest answers at 10,000 cases.
        qvec = self.embedder.embed_cached([query, *unseen_words(q, self.catalog)])[0]
        wide = q.kind == "list"
        hits = self.retriever.search(query, q.filters, k=80 if wide else 40, query_vector=qvec)
        if not relevance(hits, q, self.catalog, self.embedder, qvec, self.store, self.sentence_vectors).relevant():
            return abstention(q.text, n_cases, q.filters)
        keep = self._choose(_group_by_case(hits), q, wide)
        chosen = [h for g in keep for h in g]
        spans = dict(zip((h.id for h in chosen),
                         best_spans([h.text for h in chosen], query, qvec, self.sentence_vectors)))
        scope = _scope(len(keep), n_cases, q.filters, wide)
        text, cites = (list_text if wide else lookup_text)(keep, spans, scope)
        return self._finish(Answer(question=q.text, text=text, citations=cites, kind=q.kind,
                                   filters=q.filters, searched=n_cases))

    def _choose(self, groups: list[list[Hit]], q: Question, wide: bool) -> list[list[Hit]]:
        """The cases (with their passages) an answer shows: for a list, every case close enough to
        the best that shares its rarer terms, one passage each; else the few best, two passages each."""
        top = max(h.dense for g in groups for h in g)
        if wide:
            keep = [g for rank, g in enumerate(groups)
                    if (rank < settings.LIST_ALWAYS_TOP or max(h.dense for h in g) >= top - settings.LIST_MARGIN)
                    and case_coverage(q, self.catalog, g[0].case_id) >= settings.LIST_MIN_COVERAGE]
            return [g[:1] for g in (keep or groups[:1])[:settings.LIST_MAX_CASES]]
        keep = [g for g in groups if max(h.dense for h in g) >= top - settings.LOOKUP_MARGIN]
        return [g[:settings.PASSAGES_PER_CASE] for g in keep[:settings.LOOKUP_MAX_CASES]]

    def _enumerate(self, q: Question, n_cases: int) -> Answer:
        """Every recommendation (or case, when it has none) that passes the filters, as a table."""
        by_case: dict[str, list[Hit]] = {}
        catalog, retriever = self.catalog, self.retriever  # once, not per passage: thousands pass broad filters
        for pid in catalog.allowed(q.filters) or []:
            if catalog.passages[pid].metadata.get("part") == 0:
                h = retriever.hit(pid)
                by_case.setdefault(h.case_id, []).append(h)
        rows: list[tuple[Hit, Hit | None]] = []
        for hits in by_case.values():
            # Twins: one version of each item, preferring one that knows its status.
            hits.sort(key=lambda h: (h.status not in ("", "unknown"), h.source), reverse=True)
            recs = {h.rec_no: h for h in reversed(hits) if h.section == "recommendation"}
            responses = {h.rec_no: h for h in reversed(hits) if h.section == "response"}
            items = [(recs[n], responses.get(n)) for n in sorted(recs)]
            items += [(responses[n], None) for n in sorted(responses) if n not in recs]
            rows += items or [(h, None) for h in hits if h.section == "summary"][:1]
        rows.sort(key=lambda r: (r[0].date, r[0].title, -(r[0].rec_no or 0)), reverse=True)
        if not rows:
            return abstention(q.text, n_cases, q.filters)
        shown = rows[:settings.TABLE_MAX_ROWS]
        spans = {h.id: first_sentence(h.text) for row in shown for h in row if h is not None}
        n_shown_cases = len({h.case_id for h, _ in shown})
        scope = (f"{len(rows)} item{'s' if len(rows) != 1 else ''} in {n_shown_cases} of the {n_cases} cases"
                 f" (filters: {q.filters.describe()})"
                 + (f"; the first {len(shown)} are shown." if len(shown) < len(rows) else ":"))
        text, cites = table_text(shown, spans, scope)
        return self._finish(Answer(question=q.text, text=text, citations=cites, kind="filter",
                                   filters=q.filters, searched=n_cases))

    def _finish(self, answer: Answer) -> Answer:
        """Let a plugged-in writer phrase the answer (not an abstention); markers are checked either way."""
        if self.writer is not None and not answer.abstained:
            answer = self.writer.write(answer)
        answer.text, answer.citations = check_markers(answer.text, answer.citations)
        return answer

    # --- llama-index (issue 13): our retrieval inside analysts' own pipelines -----------------------
    def as_retriever(self, filters: Filters | None = None, k: int = 10):
        """A llama-index BaseRetriever over this collection (see assistant/llama.py)."""
        from assistant.llama import as_retriever

        return as_retriever(self, filters, k)

    def as_query_engine(self, llm, filters: Filters | None = None, k: int = 10):
        """A llama-index query engine over as_retriever(), answering with `llm` (an LLM or --llm spec)."""
        from assistant.llama import as_query_engine

        return as_query_engine(self, llm, filters, k)
    # --- end llama-index


def _group_by_case(hits: list[Hit]) -> list[list[Hit]]:
    """Hits grouped by case, in order of each case's best hit (twin sources count once)."""
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.case_id, []).append(h)
    return list(groups.values())


def _scope(n_found: int, n_cases: int, filters: Filters, wide: bool) -> str:
    applied = f" (filters: {filters.describe()})" if not filters.is_empty() else ""
    if wide:
        return f"{n_found} relevant case{'s' if n_found != 1 else ''} among the {n_cases} searched{applied}:"
    return f"The most relevant of the {n_cases} cases{applied}:"
