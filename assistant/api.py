"""The Assistant: the one object behind the CLI, the Python API and the chat UI."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from assistant import catalog_file
from assistant.answerers import Context, ListAnswerer, LookupAnswerer, TableAnswerer
from assistant.catalog import Catalog, collector_paused
from assistant.compose import Writer, abstention, check_markers, counted, forces_given
from assistant.conversation import NOTHING_EARLIER, Earlier, FollowUp, past_the_end, resolve
from assistant.evidence import clauses, dated_first, reorder_passages, weigh_cases
from assistant.indexing import while_building, write_lock_held
from assistant.limits import check_question
from assistant.process_memory import return_freed_memory
from assistant.question import Question, read_question, search_text, stated_filters, without_forces
from assistant.relevance import Confidence, Judgement, RelevanceJudge, SignalJudge, case_coverage, index_terms
from assistant.retrieval import HybridRetriever, RetrievalMode
from assistant.settings import DEFAULT, AnswerSettings
from assistant.themes import inferred_note
from assistant.types import Answer, CaseSummary, Filters, Hit, Stats
from assistant.vernacular import keyword_query
from assistant.writing import SWITCHED_OFF, Draft
from ingest.bodies import area_of
from ingest.layouts.common import months_of
from ingest.passages import case_date
from ingest.pipeline import Ingester, IngestReport
from ingest.readers import DEFAULT_MAX_BYTES
from vectorstore import ChromaStore, Embedder, StoreLocation
from vectorstore.keyword import load_tokenizer
from vectorstore.sentence_vectors import SentenceVectors


@dataclass(frozen=True)
class View:
    """What answering reads: the catalog of one store generation and retrieval over it, made together.

    Never changed once made: a write makes a new View and swaps the reference, so a question being
    answered keeps reading the View it started with.
    """

    catalog: Catalog
    retriever: HybridRetriever


class Assistant:
    """Ingest IOPC cases, search them, and answer questions with cited quotes."""

    def __init__(
        self,
        data_dir=None,
        chroma_url: str | None = None,
        embedder: Embedder | None = None,
        writer: Writer | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        settings: AnswerSettings = DEFAULT,
        judge: RelevanceJudge | None = None,
        llm=None,
    ):
        # `llm` is an --llm spec string or a llama-index LLM; checked here, at start-up, so a bad setting
        # fails before the first question.
        if writer is None and llm is not None:
            from assistant.writing import writer_for

            writer = writer_for(llm)
        self.location = StoreLocation.resolve(data_dir, chroma_url)
        return_freed_memory()  # before the index's buffers are first allocated
        self.embedder = embedder or Embedder()
        self.store = ChromaStore(self.location, self.embedder.info)
        self.sentence_vectors = SentenceVectors(
            self.store, self.embedder, held=lambda keys: self._view.catalog.sentences.lookup(keys) if self._view else {}
        )
        self.writer = writer
        self.max_bytes = max_bytes
        self.settings = settings
        self._judge = judge  # None: the default SignalJudge over the current catalog
        self._view: View | None = None
        # Why a lock: one View is built at a time (the first reads every passage and builds BM25). Only a reader
        # with no View at all waits for it; the others keep answering from the View they have.
        self._building = threading.Lock()
        self._writes = 0  # ingests or removals running in this process (see view)
        self._keeper: threading.Thread | None = None  # see keep_current
        self._keeper_stop = threading.Event()
        self._unsaved = 0  # passages changed since the kept catalog was written (see catalog_file)

    # -- the collection ---------------------------------------------------------------------
    @property
    def view(self) -> View:
        """The current View: loaded on first use, made again after the store changed.

        Readers never wait for a write, nor for a View being built while they have one: a write in
        this process builds the next View itself when it ends (see _writing), and a change by another
        process is built by the first reader to notice it while the others read the previous View.
        """
        view = self._view
        if view is not None and (view.catalog.generation == self.store.seen or self._writes or self._kept_elsewhere()):
            return view
        if not self._building.acquire(blocking=view is None) and view is not None:
            return view
        try:
            if self._view is None or self._view.catalog.generation != self.store.seen:
                self._view = self._make_view()
            return self._view
        finally:
            self._building.release()

    def _make_view(self) -> View:
        # From the previous catalog, or at start the one kept on disk: only what changed is read and
        # indexed again; a catalog that changed enough is kept for the next start, in the background.
        path = catalog_file.catalog_path(self.location, self.embedder.info)
        loading = self._load_indexes_meanwhile()
        with collector_paused():
            previous = self._view.catalog if self._view else catalog_file.load(path, self.embedder.info)
            catalog = Catalog(self.store, previous).prepare()
        loading.join()
        self._unsaved += catalog.changes
        if catalog_file.worth_saving(self._unsaved, catalog) and catalog_file.save_later(
            catalog, path, self.embedder.info
        ):
            self._unsaved = 0
        return View(catalog, HybridRetriever(catalog, self.store, self.embedder, self.settings.candidates))

    def _load_indexes_meanwhile(self) -> threading.Thread:
        """Start loading, in a thread, what the next answer needs besides the catalog: the encoder's
        session, Chroma's passage index (again after another process wrote to an embedded
        store, see vectorstore.connection), the keyword tokenizer. Each is a few milliseconds when loaded.

        Why: most of that work is native code that leaves the interpreter free, so it runs beside reading
        the catalog (pure Python) instead of after it: about 0.5 s of a start at 10,000 cases.
        """

        def load() -> None:
            try:
                self.embedder.load()
                self.store.query(np.eye(1, self.embedder.info.dimension, dtype=np.float32)[0], 1)
                load_tokenizer()
            except Exception:  # noqa: BLE001  # the answer does the same work and reports what fails
                pass

        thread = threading.Thread(target=load, name="index-load", daemon=True)
        thread.start()
        return thread

    @property
    def catalog(self) -> Catalog:
        """The in-memory view of the collection (see view)."""
        return self.view.catalog

    def refresh(self) -> None:
        """Look for changes by any process (an ingest from the CLI while the app runs); the
        collection is reloaded on next use if there were. Nothing to do while keep_current runs."""
        if not self._kept_elsewhere():
            self.store.sync()

    def keep_current(self, every: float = 1.0) -> None:
        """Look for other processes' writes every `every` seconds in a thread, and make the next View there.

        Why: otherwise the first answer after another process's ingest waits for the whole reload (about 2 s
        at 10,000 cases: Chroma's indexes and the catalog's update). Here answers go on from the current View
        until the next is ready; one that arrives while Chroma reloads its indexes still waits for the rest
        of that load (Chroma's old indexes are let go first, so two sets are never held). A write in this
        process still makes its View when it ends. `iopc serve` does this.
        """
        if self._keeper is not None:
            return
        self._keeper_stop.clear()

        def keep() -> None:
            while not self._keeper_stop.wait(every):
                try:
                    self.store.sync()
                    self.view  # noqa: B018  # made here, if the store changed
                except Exception:  # noqa: BLE001  # a store gone or damaged: the next answer says so
                    pass

        self._keeper = threading.Thread(target=keep, name="keep-current", daemon=True)
        self._keeper.start()

    def stop_keeping_current(self) -> None:
        """Stop keep_current's thread; answers look for changes themselves again."""
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            self._keeper_stop.set()
            keeper.join()

    def _kept_elsewhere(self) -> bool:
        """keep_current's thread looks for changes and makes Views, and this is not that thread."""
        keeper = self._keeper
        return keeper is not None and threading.current_thread() is not keeper

    @property
    def retriever(self) -> HybridRetriever:
        """Hybrid retrieval over the current catalog (see view)."""
        return self.view.retriever

    def writing(self) -> bool:
        """Whether an ingest or removal is running now, in this process or another (its write lock)."""
        return bool(self._writes) or write_lock_held(self.location)

    def writes(self) -> _Writing:
        """A context for writes done as one (an upload's files): the next View is built when it ends."""
        return self._Writing(self)

    class _Writing:
        """Counts a write in this process; when the last ends, builds the next View if one was in use."""

        def __init__(self, assistant: Assistant):
            self.assistant = assistant

        def __enter__(self):
            with self.assistant._building:  # the count changes under the same lock the View is built under
                self.assistant._writes += 1

        def __exit__(self, *exc):
            a = self.assistant
            with a._building:
                a._writes -= 1
                if not a._writes and a._view is not None and a._view.catalog.generation != a.store.seen:
                    a._view = a._make_view()

    @property
    def judge(self) -> RelevanceJudge:
        """The relevance judge: the one given, else the default over the current catalog."""
        return self._judge or SignalJudge(self.catalog, self.settings, self.embedder.embed_cached)

    def ingest(
        self,
        paths: list[str],
        progress: bool = False,
        names: dict[str, str] | None = None,
        allow_private_urls: bool = False,
        on_wait=None,
    ) -> IngestReport:
        """Ingest files, directories and URLs; unchanged sources are skipped.

        `names` records a path under another name (an upload's file name; see Ingester.ingest);
        `allow_private_urls` lets URLs lead to loopback or private addresses (see SECURITY.md);
        `on_wait(message)` is told when another writer holds the data directory (default: stderr).
        Answers go on meanwhile, from the collection as it was (see view).
        """
        ingester = Ingester(
            self.store, self.embedder, self.max_bytes, on_wait=on_wait, allow_private_urls=allow_private_urls
        )
        with self._Writing(self):
            return ingester.ingest([str(p) for p in paths], progress, {str(k): v for k, v in (names or {}).items()})

    def remove(self, target: str) -> list[str]:
        """Remove a source (as given when ingested) or a case by id; returns the sources removed."""
        with self._Writing(self):
            return Ingester(self.store, self.embedder).remove(target)

    def cases(self) -> list[CaseSummary]:
        """Every case, twins merged, newest first."""
        self.refresh()
        return sorted(
            self.catalog.cases.values(),
            key=lambda c: (c.incident_month or c.recommended or c.published or "", c.title),
            reverse=True,
        )

    def stats(self) -> Stats:
        """Counts of cases, sources, passages, recommendations by status, cases per force."""
        self.refresh()
        cases = self.catalog.cases.values()
        by_status = Counter(r["status"] for c in cases for r in c.recommendations)
        forces = Counter(b for c in cases for b in c.bodies)
        return Stats(
            cases=len(cases),
            sources=sum(len(c.sources) for c in cases),
            passages=len(self.catalog.passages),
            recommendations=sum(by_status.values()),
            by_status=dict(by_status),
            forces=dict(forces.most_common()),
            model=self.embedder.info.name,
            location=str(self.location),
            encoder=self.embedder.backend,
        )

    # -- search and answers -----------------------------------------------------------------
    def search(
        self, query: str, k: int = 10, filters: Filters | None = None, mode: RetrievalMode | str = RetrievalMode.HYBRID
    ) -> list[Hit]:
        """The k best passages for `query` (hybrid dense + BM25 unless `mode` says otherwise), best first."""
        check_question(query)
        self.refresh()
        return self.retriever.search(query, filters, k=k, mode=mode)

    def warm(self) -> None:
        """Load now what the first answer would (the catalog, the encoder, Chroma's vector indexes, stored
        sentence vectors), so that answer starts at full speed: about 1.5 s of it at 10,000 cases."""
        if self.catalog.passages:
            self.ask("What happened in custody, and what was recommended?", written=False)

    def ask(self, question: str, filters: Filters | None = None, written: bool = True) -> Answer:
        """Answer one question, every claim a cited quote; abstains when nothing relevant is found.
        `written` False: quotes only, even when a model writes answers. A question over the length limit
        is a LimitError (see assistant.limits)."""
        check_question(question)
        self.refresh()
        return self._while_building(self._answer(read_question(question, filters), question, write=written))

    def chat(self, message: str, history: list[Answer] | None = None, filters: Filters | None = None) -> Answer:
        """Answer `message` in a conversation: follow-ups are read against the last answer."""
        return self._chat(message, history, filters, write=True)

    def chat_stream(
        self, message: str, history: list[Answer] | None = None, filters: Filters | None = None, written: bool = True
    ) -> Iterator[Draft | Answer]:
        """chat(), as the model writes: its unchecked Drafts, then the final Answer (checked, or the quotes with
        a note). Without a writer, for an abstention, or with `written` False (quotes only), the Answer alone.

        Everything that reads the collection happens before the first item; the rest is the model's."""
        answer = self._chat(message, history, filters, write=False)
        if self.writer is None or answer.abstained:
            yield answer
            return
        if not written:
            yield replace(answer, note=SWITCHED_OFF)
            return
        drafts = getattr(self.writer, "drafts", None)
        for item in drafts(answer) if drafts else [self.writer.write(answer)]:
            if isinstance(item, Answer):
                item.text, item.citations = check_markers(item.text, item.citations)
            yield item

    def _chat(self, message: str, history: list[Answer] | None, filters: Filters | None, write: bool) -> Answer:
        check_question(message)
        self.refresh()
        follow = resolve(message, list(history or []), filters)
        if follow.kind == "nothing":
            return replace(abstention(message, len(self.catalog.cases), follow.question.filters), text=NOTHING_EARLIER)
        if follow.kind == "count":
            return counted((history or [])[-1], message)
        if follow.kind == "which force":
            return forces_given((history or [])[-1], message)
        if follow.kind == "past the end":  # shown again, so that the next message can pick one of its cases
            previous = (history or [])[-1]
            return replace(previous, question=message, text=past_the_end(follow, previous.text))
        # More of the same ("any others?", "any others like that?" after Kent's case) is judged as a new scope is:
        # against the answer it follows, so a case far less close is not "like that" (after the two metal-detector
        # cases, the nearest other custody recommendations are no more of them).
        more_in_scope = follow.kind == "more" and follow.question.filters.has_scope()
        answer = self._answer(
            follow.question,
            follow.query,
            given_cases=follow.kind in ("responses", "item", "narrow"),
            scope_of=follow.before if follow.kind in ("scope", "more") else None,
            write=write,
            same=follow.kind == "same",
        )
        if follow.kind == "narrow" and answer.abstained:
            answer = self._beyond_the_cases_given(follow, write)
        elif more_in_scope and answer.abstained:
            answer = self._beyond_the_scope(follow, write)
        return self._while_building(answer)

    def _beyond_the_scope(self, follow: FollowUp, write: bool) -> Answer:
        """More of the same that the scope holds none of ("any others like that?" after the one Kent case on it):
        said, then more of the same among all the cases, whatever their force, year or national scope (the
        forces' names left out of what is searched)."""
        q = follow.question
        rest = Filters(other_than=q.filters.other_than, themes=q.filters.themes, statuses=q.filters.statuses)
        answer = self._answer(
            replace(q, filters=rest), without_forces(follow.query), scope_of=follow.before, write=write
        )
        if answer.abstained:
            return answer
        scope = replace(q.filters, other_than=[]).describe()
        answer.text = (
            f"No other case in this scope ({scope}); among all the {len(self.catalog.cases)} cases:\n\n{answer.text}"
        )
        return answer

    def _beyond_the_cases_given(self, follow: FollowUp, write: bool) -> Answer:
        """A scope none of the cases just given is in ("just the ones from 2021?" after a list with none from
        2021): said, then the same topic in that scope among all the cases, judged as a new scope is (against
        the answer it follows)."""
        q = follow.question
        wide = replace(q, filters=replace(q.filters, case_ids=[]))
        answer = self._answer(wide, follow.query, scope_of=follow.before, write=write)
        given = len(follow.cases)
        which = "The case just given is not" if given == 1 else f"None of the {given} cases just given is"
        said = f"{which} in this scope ({wide.filters.describe()}); among all the {len(self.catalog.cases)} cases:"
        answer.text = f"{said}\n\n{answer.text}"
        return answer

    def _while_building(self, answer: Answer) -> Answer:
        """An abstention given while an ingest runs says so, with the cases in so far."""
        if answer.abstained and self.writing():
            answer.text = while_building(answer.text, len(self.catalog.cases))
        return answer

    def _answer(
        self,
        q: Question,
        query: str,
        given_cases: bool = False,
        scope_of: Earlier | None = None,
        write: bool = True,
        same: bool = False,
    ) -> Answer:
        """The stages, once each and in order: retrieve and weigh, judge, answer, (write,) check. `same`: the
        query is a recommendation's words, and only a case with a sentence about that close answers it."""
        if not self.catalog.passages:
            return abstention(q.text, 0, q.filters)
        if q.filters.statuses and not q.filters.case_ids and not self.catalog.allowed(q.filters):
            return self._without_status(q, query, write)
        unfiled = self._unfiled_forces(q) if q.kind != "filter" and not given_cases else []
        if unfiled and (mentioning := self._cases_mentioning(unfiled)):
            return self._in_cases_mentioning(q, query, unfiled, mentioning, write)
        ctx = self.weigh(q, query)
        if given_cases and q.filters.case_ids:
            # In the order the conversation gave them: asked "what did the IOPC find?" after a lookup, the case
            # it answered with stays first, whichever of the others the follow-up's words match better.
            given = {cid: n for n, cid in enumerate(q.filters.case_ids)}
            ctx.evidence.sort(key=lambda w: given.get(w.case_id, len(given)))
        if q.kind == "filter":
            return self._finish(TableAnswerer().answer(ctx), query, write)
        # Cases a follow-up points at were chosen by the conversation, not by relevance.
        ctx.judgement = Judgement(Confidence.HIGH, 0.0) if given_cases else self.judge.judge(q, ctx.evidence)
        if ctx.judgement.confidence is not Confidence.HIGH and q.filters.forces and not given_cases:
            ctx.judgement = self._judged_beyond_the_force(q, query, ctx)
        if ctx.judgement.confidence is Confidence.NONE and ctx.evidence and q.filters.has_scope():
            # The trainer chose the scope ("what was Kent told about…"), whichever judge is used: its nearest
            # cases are shown as nearest, not "nothing found" while that force's cases sit in it.
            ctx.judgement = replace(ctx.judgement, confidence=Confidence.LOW)
        if scope_of and ctx.judgement.confidence is Confidence.HIGH and not self._holds_in_scope(scope_of, ctx):
            ctx.judgement = replace(ctx.judgement, confidence=Confidence.LOW)
        if same:  # only the cases with a sentence that close; none: the nearest, shown as nearest
            close = [w for w in ctx.evidence if w.sentence >= self.settings.same_recommendation]
            ctx.evidence = close or ctx.evidence
            if not close:
                ctx.judgement = replace(ctx.judgement, confidence=Confidence.LOW)
        answerer = ListAnswerer(every_case=given_cases) if q.kind == "list" else LookupAnswerer()
        return self._finish(answerer.answer(ctx), query, write)

    def _without_status(self, q: Question, query: str, write: bool) -> Answer:
        """A status no recommendation in scope has ("in which cases did the force push back?" where none is
        marked not accepted): said first, then the question answered without it (a story may tell of it)."""
        wide = replace(q, filters=replace(q.filters, statuses=[]))
        where = f" ({wide.filters.describe()})" if not wide.filters.is_empty() else ""
        said = " or ".join(f"“{s}”" for s in q.filters.statuses)
        none = f"No recommendation in the {len(self.catalog.cases)} cases{where} is marked {said}."
        answer = self._answer(wide, query, write=write)
        answer.text = none if answer.abstained and not answer.citations else f"{none}\n\n{answer.text}"
        return answer

    def _unfiled_forces(self, q: Question) -> list[str]:
        """The forces a question names (not chosen in the filters) that no case is filed under, when it names
        no other: "the woman who rang Derbyshire about her ex" is a West Yorkshire case."""
        if not q.filters.forces:
            return []
        stated, known = stated_filters(q.text).forces, set(self.catalog.forces())
        return [] if any(f not in stated or f in known for f in q.filters.forces) else q.filters.forces

    def _cases_mentioning(self, forces: list[str]) -> list[str]:
        """The cases whose passages name one of `forces` by its area, else its name ("Derbyshire" of Derbyshire
        Constabulary)."""
        keyword, found = self.catalog.keyword, []
        for force in forces:
            if terms := keyword.terms(area_of(force) or force):
                found += [
                    cid
                    for cid in self.catalog.cases
                    if keyword.coverage(terms, self.catalog.case_passages(cid)) >= 1.0 and cid not in found
                ]
        return found

    def _in_cases_mentioning(
        self, q: Question, query: str, forces: list[str], case_ids: list[str], write: bool
    ) -> Answer:
        """A question naming only forces no case is filed under, answered among the cases whose stories name
        them, and said so."""
        within = replace(q, filters=replace(q.filters, forces=[], case_ids=case_ids, naming=forces))
        answer = self._answer(within, query, write=write)
        answer.text = f"No case is filed under {' or '.join(forces)}.\n\n{answer.text}"
        return answer

    def _judged_beyond_the_force(self, q: Question, query: str, ctx: Context) -> Judgement:
        """The judgement of a question about a force's cases that the force's own did not answer, made among all
        the cases: a force's few cases are little to judge by ("what happened in the Suffolk case where a
        woman was killed by her ex?" weighs Suffolk's one case against nothing, and no case stands out from
        nothing). Answered when the whole collection answers it with the force's best case among its first
        few; else the judgement stands."""
        assert ctx.judgement is not None
        wide = replace(q, filters=replace(q.filters, forces=[]))
        evidence = self.weigh(wide, query).evidence
        verdict = self.judge.judge(wide, evidence)
        first = {w.case_id for w in evidence[: self.settings.lookup_max_cases]}
        if verdict.confidence is Confidence.HIGH and ctx.evidence and ctx.evidence[0].case_id in first:
            return verdict
        return ctx.judgement

    def _holds_in_scope(self, before: Earlier, ctx: Context) -> bool:
        """Whether the topic is found in the new scope about as clearly as the previous answer found it in its
        own scope: the new scope's best case is one that answer gave, or it holds some of the topic's words and
        its best sentence is within `scope_margin` of that answer's best. "And in Kent?" after a question Kent
        has no case on must not answer with Kent's nearest case; "and in Lancashire?" after an answer that cited
        Lancashire's case beside a closer national one must not abstain; "what about south yorks?" after a West
        Yorkshire question is weighed against West Yorkshire, not against the best case anywhere."""
        if ctx.evidence and ctx.evidence[0].case_id in before.answered_by:
            return True
        earlier = self.weigh(before.question, before.query).evidence
        if not earlier or not ctx.evidence:
            return bool(ctx.evidence)
        # A case that reads alike but holds none of the topic's words ("and in Kent?" after London's chases: Kent's
        # cases have no pursuit) is not the topic found, unless the earlier answer's held none either.
        found = case_coverage(ctx.question, self.catalog, ctx.evidence[0].case_id) > 0 or not case_coverage(
            before.question, self.catalog, earlier[0].case_id
        )
        return found and ctx.evidence[0].sentence >= earlier[0].sentence - self.settings.scope_margin

    def weigh(self, q: Question, query: str) -> Context:
        """Retrieve passages for `query` and weigh their cases (none for a filter table): the evidence."""
        view = self.view  # one View for the whole question, whatever a write swaps in meanwhile
        ctx = Context(
            question=q,
            query=query,
            catalog=view.catalog,
            retriever=view.retriever,
            sentence_vectors=self.sentence_vectors,
            settings=self.settings,
        )
        if q.kind == "filter":
            return ctx
        query = search_text(query)
        ctx.query_vector, *clause_vectors = self.embedder.embed_cached([query, *clauses(query)])
        s = self.settings
        hits = view.retriever.search(
            keyword_query(query),  # the keyword side only: query_vector is the question's own
            q.filters,
            k=s.list_passages if q.kind == "list" else s.lookup_passages,
            query_vector=ctx.query_vector,
        )
        allowed = None if q.filters.is_empty() else set(view.catalog.allowed(q.filters) or [])
        ctx.evidence = weigh_cases(
            hits,
            ctx.query_vector,
            np.stack(clause_vectors),
            view.catalog,
            view.retriever,
            self.sentence_vectors,
            s.cases_weighed,
            allowed,
            s.keyword_case_weight,
        )
        # A month named with its year ("…stabbed her in January 2020"), read as a case's title month is.
        if months := months_of(q.text):
            cases = view.catalog.cases
            dates = {w.case_id: case_date(cases[w.case_id]) for w in ctx.evidence if w.case_id in cases}
            dated_first(ctx.evidence, months, dates, s.dated_among)
        if s.passage_keyword_weight and (terms := index_terms(view.catalog, q.topic)):
            passages = [h.id for w in ctx.evidence for h in w.passages]
            cover = view.catalog.keyword.coverage_each(terms, passages)
            reorder_passages(ctx.evidence, cover, s.passage_keyword_weight)
        return ctx

    def _finish(self, answer: Answer, query: str, write: bool = True) -> Answer:
        """Let a plugged-in writer phrase the answer (not an abstention); markers are checked either way."""
        answer.query = query
        if answer.filters and answer.filters.themes and not answer.abstained:
            note = inferred_note(self.catalog.cases, [c.case_id for c in answer.citations], answer.filters.themes)
            answer.text += f"\n\n{note}" if note else ""
        if write and self.writer is not None and not answer.abstained:
            answer = self.writer.write(answer)
        answer.text, answer.citations = check_markers(answer.text, answer.citations)
        return answer

    # -- llama-index: our retrieval inside analysts' own pipelines ----------------------------------
    def as_retriever(self, filters: Filters | None = None, k: int = 10):
        """A llama-index BaseRetriever over this collection (see assistant/llama.py)."""
        from assistant.llama import as_retriever

        return as_retriever(self, filters, k)

    def as_query_engine(self, llm, filters: Filters | None = None, k: int = 10):
        """A llama-index query engine over as_retriever(), answering with `llm` (an LLM or --llm spec)."""
        from assistant.llama import as_query_engine

        return as_query_engine(self, llm, filters, k)
