"""The three kinds of answer behind one protocol: a lookup, a list, and a filter table.

Each receives what the earlier stages found (the question read, the weighed cases, the relevance verdict) and
composes the Answer; none goes back to retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Protocol

from assistant.catalog import Catalog
from assistant.compose import (
    abstention,
    addressees_in_short,
    in_short,
    list_text,
    lookup_text,
    statuses_counted,
    statuses_in_short,
    table_text,
)
from assistant.evidence import CaseEvidence, best_of_each, sentence_vectors_of
from assistant.list_rows import RowSignals, kept_rows, nearest_row, row_signals
from assistant.question import Intent, Question, lists_cases, row_topic
from assistant.quotes import best_spans, first_matching, first_sentence
from assistant.relevance import Confidence, Judgement, index_terms
from assistant.retrieval import HybridRetriever
from assistant.settings import AnswerSettings
from assistant.spelling import did_you_mean
from assistant.types import Answer, Hit
from assistant.vernacular import in_case_terms, keyword_query
from vectorstore.sentence_vectors import SentenceVectors

NEAREST = (
    "No case clearly matches this question: I found nothing in the {n} cases{scope} that answers it directly. "
    "The nearest are:"
)
# A response that says the force did not change something is no change.
_NOT_DONE = re.compile(
    r"\b(not|no longer|never|yet to|declined to|did not|has not|have not|hasn['’]t|haven['’]t|"
    r"won['’]t|will not|unable to)\b[^.]{0,60}\b(updat|amend|chang|implement|introduc|revis|accept)",
    re.IGNORECASE,
)
_TAKEN_ON = ("accepted", "partially accepted")
# A story that tells of its learning ("We identified two areas of learning…"): most published cases have no
# separate recommendation, and this is where theirs is.
_TELLS_LEARNING = re.compile(r"\b(recommend\w*|learning)\b", re.IGNORECASE)
_STATES_LEARNING = re.compile(
    r"\b(we recommend\w*|recommend(s|ed) that|identified\b.{0,40}\blearning|learning (was|were|has been) "
    r"(identified|shared|progressed))",
    re.IGNORECASE,
)
# The sentence of a recommendation that states it ("The IOPC recommends that…", "…should ensure…").
_RECOMMENDS = re.compile(
    r"\b(recommend(s|ed)? that|should|must|ensure|to (review|consider|update|amend|develop))\b", re.IGNORECASE
)
# The sentence that makes the recommendation, where the passage has one: the guidance it cites ("Officers must call
# an ambulance…") also says "must", but is no recommendation.
_RECOMMENDS_THAT = re.compile(r"\brecommend(s|ed)? that\b", re.IGNORECASE)
# What came of it: for those involved ("were the officers disciplined?"), or what the investigation found ("what
# did the IOPC find?", "was the use of force OK?"): the story's finding is quoted, not its opening.
_ASKS_OUTCOME = re.compile(
    r"\b(disciplin\w*|sacked|sacking|dismissed|misconduct|in (bother|trouble)|punished|case to answer|"
    r"action (was )?taken against|happened to (the |those |that |these )?(police )?(officers?|cops?|pcs?|sergeants?|"
    r"staff)|what (did|does|has|have|was) (the )?(iopc|ipcc|investigation|investigators?|they|it) "
    r"(find|found|conclude|decide)|findings?|conclusions?|outcome|at fault|to blame|"
    r"(ok|okay|justified|lawful|proportionate|reasonable)\s*\?)",
    re.IGNORECASE,
)
_STATES_OUTCOME = re.compile(
    r"\b(misconduct|case to answer|disciplinary|dismiss\w*|written warning|management action|reflective practice|"
    r"performance (issues?|matters?|requirements?)|no further action|unsatisfactory performance|words of advice|"
    r"in our view|evidence indicated|we found|found that|found no|concluded|conclusion|no indication|"
    r"an indication|disagreed|justified|proportionate)\b",
    re.IGNORECASE,
)
# A story saying how the force took the learning ("Lancashire police accepted our recommendations…", "the force
# disagreed with the Lead Investigator's conclusion").
_STORY_TAKEN = re.compile(
    r"\b(accepted|(dis)?agreed (with|to)|did not accept|rejected)\b[^.]{0,40}\b(recommendations?|learning|findings|"
    r"conclusions?)\b",
    re.IGNORECASE,
)
# A story saying what learning there was, or that there was none ("the investigation has not identified any
# learning"): asked what was recommended of a case that publishes no recommendation, that is the answer, not the
# pages' standing line about why the IOPC makes recommendations.
_STATES_LEARNING = re.compile(
    r"\b(?:(?:not|no|did not|has not|have not) (?:identif\w+|f(?:i|ou)nd)\b[^.]{0,30}\blearning|"
    r"identified\b[^.]{0,60}\blearning|learning\b[^.]{0,40}\b(?:was|were) (?:identified|found)|"
    r"no (?:organisational |individual )?learning)\b",
    re.IGNORECASE,
)
_SECTIONS = {Intent.RECOMMENDED: ("recommendation",), Intent.RESPONSE: ("response",), Intent.HAPPENED: ("summary",)}


@dataclass
class Context:
    """What an answerer works from."""

    question: Question
    query: str  # the text retrieved with (a follow-up's includes the turn it follows)
    catalog: Catalog
    retriever: HybridRetriever
    sentence_vectors: SentenceVectors
    settings: AnswerSettings
    query_vector: object = None
    evidence: list[CaseEvidence] = field(default_factory=list)
    judgement: Judgement | None = None

    @property
    def asks_outcome(self) -> bool:
        """Whether the question asks what came of it for those involved ("were the officers disciplined?")."""
        return bool(_ASKS_OUTCOME.search(self.question.text))

    @property
    def n_cases(self) -> int:
        """Cases in the collection."""
        return len(self.catalog.cases)

    def spans(self, hits: list[Hit]) -> dict[str, tuple[int, int]]:
        """The quoted span of each hit: the sentence(s) that best answer the question."""
        s = self.settings
        # A passage shown as "Recommendation 1" is quoted by what it asks (its story or the guidance it cites read
        # as the recommendation), unless the question asks what happened.
        asked = self.question.intent is not Intent.HAPPENED
        outcome = self.asks_outcome

        def prefer(h: Hit) -> re.Pattern[str] | None:
            if asked and h.section == "recommendation":
                return _RECOMMENDS_THAT if _RECOMMENDS_THAT.search(h.text) else _RECOMMENDS
            if h.section != "summary":
                return None
            if outcome:
                return _STATES_OUTCOME
            if self.question.intent is Intent.RECOMMENDED:
                return _STATES_LEARNING
            return _STORY_TAKEN if self.question.intent is Intent.RESPONSE else None

        return dict(
            zip(
                (h.id for h in hits),
                best_spans(
                    [h.text for h in hits],
                    keyword_query(self.query),  # "sacked" shares words with "dismissed", as in the search
                    self.query_vector,
                    self.sentence_vectors,
                    s.quote_keyword_weight,
                    s.short_sentence,
                    [prefer(h) for h in hits],
                    [h.title for h in hits],
                ),
                strict=False,
            )
        )


class Answerer(Protocol):
    """Composes the answer of one kind."""

    def answer(self, ctx: Context) -> Answer:
        """The answer to ctx.question."""
        ...


def _abstain(ctx: Context) -> Answer:
    a = abstention(ctx.question.text, ctx.n_cases, ctx.question.filters, ctx.query)
    if hint := did_you_mean(ctx.question.topic, ctx.catalog):
        a.text += f" Did you mean: {hint}?"
    return a


def _applied(ctx: Context) -> str:
    """ " (filters: …)" naming the filters the question searched within, or nothing."""
    f = ctx.question.filters
    return f" (filters: {f.describe()})" if not f.is_empty() else ""


def _nearest(ctx: Context) -> str:
    """The first line of a low-confidence answer, with the filters it searched within."""
    return NEAREST.format(n=ctx.n_cases, scope=_applied(ctx))


def _scored(ctx: Context, a: Answer, confidence: Confidence) -> Answer:
    a.confidence = confidence.value
    if confidence is Confidence.LOW and (hint := did_you_mean(ctx.question.topic, ctx.catalog)):
        nearest = _nearest(ctx)
        a.text = a.text.replace(nearest, f"{nearest[:-1]} (did you mean: {hint}?):", 1)
    a.abstained = confidence is not Confidence.HIGH
    return a


def _distinct_quotes(hits: list[Hit], spans: dict[str, tuple[int, int]]) -> list[Hit]:
    """Without a passage that repeats another's quote: a case's twin sources carry the same paragraph, one
    often longer (the kept one, shown on its card) or spaced differently ("wasdetained"). Two recommendations
    of one source opening with the same sentence are both kept."""

    def flat(text: str) -> str:  # letters and digits only: twins differ in spacing, quotes and a cut-off mark
        return re.sub(r"[\W_]+", "", text).casefold()

    def repeats(h: Hit, quote: str, text: str, other: tuple[str, str, Hit]) -> bool:
        q, t, o = other
        if not (quote in q or q in quote):
            return False
        same_item = h.source != o.source and (h.section, h.rec_no) == (o.section, o.rec_no)
        return same_item or text in t or t in text

    kept: list[tuple[str, str, Hit]] = []  # (quote, text) flattened once, and the hit
    for h in hits:
        quote, text = flat(h.text[spans[h.id][0] : spans[h.id][1]]), flat(h.text)
        twin = next((i for i, other in enumerate(kept) if repeats(h, quote, text, other)), None)
        if twin is None:
            kept.append((quote, text, h))
        elif len(quote) > len(kept[twin][0]):
            kept[twin] = (quote, text, h)
    return [h for _, _, h in kept]


class LookupAnswerer:
    """The best case and any close to it, each with the passage the question asks about."""

    def answer(self, ctx: Context) -> Answer:
        """The most relevant cases, each with its quoted passages."""
        verdict = ctx.judgement.confidence if ctx.judgement else Confidence.HIGH
        if verdict is Confidence.NONE or not ctx.evidence:
            return _abstain(ctx)
        s = ctx.settings
        keep = shown_cases(ctx.evidence, ctx.question.intent, s)
        # One case shown (the only close one, or the one a follow-up asked about) is told more fully.
        per_case = s.passages_per_case if len(keep) > 1 else s.passages_one_case
        # One spare passage each: a twin's repeat of a quote gives way to the case's next passage.
        groups = [_passages_for(w, ctx.question.intent, per_case + 1, ctx.asks_outcome) for w in keep]
        spans = ctx.spans([h for g in groups for h in g])
        groups = [_distinct_quotes(g, spans)[:per_case] for g in groups]
        scope = (
            _nearest(ctx)
            if verdict is Confidence.LOW
            else f"The most relevant of the {ctx.n_cases} cases{_applied(ctx)}:"
        )
        lacks = [_lacks(w, ctx.question.intent) for w in keep]
        asked = ctx.question.intent in (Intent.RECOMMENDED, Intent.RESPONSE) and not lacks[0]
        lead = in_short(groups[0][0], len(groups) > 1) if verdict is Confidence.HIGH and asked else ""
        text, cites = lookup_text(groups, spans, scope, lacks, lead)
        return _scored(
            ctx,
            Answer(
                question=ctx.question.text,
                text=text,
                citations=cites,
                kind="lookup",
                filters=ctx.question.filters,
                searched=ctx.n_cases,
            ),
            verdict,
        )


def shown_cases(evidence: list[CaseEvidence], intent: Intent, s: AnswerSettings) -> list[CaseEvidence]:
    """The cases a lookup shows: the best and those close to it. Asked what a force was told or did, and none
    of them publishes it: the closest case that does and is about as close takes the last place."""

    def strength(w: CaseEvidence) -> float:
        return w.sentence + w.alignment

    top = strength(evidence[0])
    near = [w for w in evidence[: 2 * s.lookup_max_cases] if strength(w) >= top - s.lookup_margin]
    keep = near[: s.lookup_max_cases] or evidence[:1]
    publishing = [w for w in near if not _lacks(w, intent)]
    if publishing and all(_lacks(w, intent) for w in keep):
        keep[-1] = publishing[0]
    return keep


def _lacks(w: CaseEvidence, intent: Intent) -> str:
    """What a case lacks of the part asked about, said before the passages shown instead ("" when nothing)."""
    if intent is Intent.RECOMMENDED and w.best(("recommendation",)) is None:
        return "No recommendation is published for this case."
    if intent is Intent.RESPONSE and w.best(("response",)) is None:
        if _taken_in_story(w):
            return "No force response is published for this case; its story says how it was taken:"
        if w.best(("recommendation",)) is None:
            return "No recommendation or force response is published for this case."
        return "No force response is published for this case; its recommendation and status:"
    return ""


def _passages_for(w: CaseEvidence, intent: Intent, n: int, outcome: bool = False) -> list[Hit]:
    """The passage of the part the question asks about first, then (asked what came of it for those involved)
    the best one that says, then the case's best-matching ones."""
    wanted = w.best(_SECTIONS.get(intent))
    if intent is Intent.RESPONSE and wanted is None:
        # No response captured: the story, when it says how the force took it, or the recommendation's status.
        wanted = _taken_in_story(w) or w.best(("recommendation",))
    chosen = [wanted] if wanted else []
    if outcome:
        said = _story_saying(w, _STATES_OUTCOME)
        chosen += [said] if said and said not in chosen else []
    seen_text = {h.text for h in chosen}
    for h in w.passages:
        if len(chosen) >= n:
            break
        if h.text not in seen_text:  # a twin's copy of a passage already chosen adds nothing
            chosen.append(h)
            seen_text.add(h.text)
    return chosen


class ListAnswerer:
    """One line per case whose recommendation (or response, or story) is about the topic.

    For a follow-up about cases already chosen ("what did they do about it?"), `every_case` lists each of
    them: a case with no published response shows its recommendation and status instead."""

    def __init__(self, every_case: bool = False):
        self.every_case = every_case

    def _candidates(
        self, w: CaseEvidence, intent: Intent, sections: tuple[str, ...] | None, stories: bool, one_force: bool
    ) -> list[Hit]:
        """The passages of a case that may be its row: those of the part asked about; asked for cases that led
        to recommendations, the story of a case that has none apart; asked what forces did, never a response
        saying the force did not, and for a case with no response its accepted recommendations. `stories`: the
        list is of cases, so a story telling of its learning may stand for a recommendation; `one_force`: the
        list is of what one force was told, so a story stating its learning may."""
        hits = [h for h in w.passages if sections is None or h.section in sections]
        if intent is Intent.RECOMMENDED and not hits and not self.every_case and (stories or one_force):
            # Asked what one force was told, a story that states its learning ("We identified organisational
            # learning…": the page was captured before its recommendations) stands for them too.
            tells = _TELLS_LEARNING if stories else _STATES_LEARNING
            return [h for h in w.passages if h.section == "summary" and tells.search(h.text)]
        if intent is not Intent.RESPONSE or self.every_case:
            return hits
        return [h for h in hits if not _not_done(h)] or [h for h in w.passages if _did_something(h)]

    def rows(self, ctx: Context) -> tuple[list[tuple[CaseEvidence, Hit]], dict[str, float], dict[str, list[Hit]]]:
        """Each weighed case's candidate row (case, passage), with each candidate's topic score and the passages
        it stands for (by passage id)."""
        q = ctx.question
        sections = _SECTIONS.get(q.intent) if q.intent is not Intent.HAPPENED else None
        stories = lists_cases(ctx.query)  # the list's own question: a follow-up's words may not say
        one_force = len(q.filters.forces) == 1
        candidates = {w.case_id: self._candidates(w, q.intent, sections, stories, one_force) for w in ctx.evidence}
        # Asked for recommendations or responses, each case's row is the one that is itself most about the
        # topic, not the one nearest the whole question, whose frame ("which forces were told to…") fits them
        # all; asked what happened, it is the passage nearest the whole question (the story asked about).
        # A response is about what its recommendation is about ("Accepted: revised SOPs will…"): it is weighed
        # with it.
        items = {h.id: _item(w, h) for w in ctx.evidence for h in candidates[w.case_id]}
        passages = _topic_scores(ctx, list({i.id: i for item in items.values() for i in item}.values()))
        topic = {hid: max(passages[i.id] for i in item) for hid, item in items.items()}
        by_topic = sections is not None and bool(row_topic(q))
        rows: list[tuple[CaseEvidence, Hit]] = []
        for w in ctx.evidence:
            hits = candidates[w.case_id]
            hit = max(hits, key=lambda h: topic[h.id]) if hits and by_topic else next(iter(hits), None)
            if hit is None and self.every_case:
                # Asked how it was taken, a case whose story says so ("Lancashire police accepted our
                # recommendations") is shown by that, not by a recommendation of unknown status.
                story = _taken_in_story(w) if q.intent is Intent.RESPONSE else None
                hit = story or w.best(("recommendation",)) or w.best()
            if hit is not None:
                rows.append((w, hit))
        return rows, topic, items

    def answer(self, ctx: Context) -> Answer:
        """One row per case whose row the list-membership rule keeps (assistant/list_rows.py)."""
        verdict = ctx.judgement.confidence if ctx.judgement else Confidence.HIGH
        if verdict is Confidence.NONE or not ctx.evidence:
            return _abstain(ctx)
        s, q = ctx.settings, ctx.question
        rows, topic, items = self.rows(ctx)
        if not rows:
            return _abstain(ctx)
        if self.every_case:
            kept = [h for _, h in rows]
        else:
            # In the order the cases were weighed (keyword evidence counts there: "ligature" named exactly).
            signals = list_row_signals(ctx, rows, topic, items)
            kept = [rows[i][1] for i in kept_rows(signals, s.list_weights, s.list_bar)]
            if not kept:
                # No row is about the topic (a year or force holding none of it): its nearest, shown as nearest.
                verdict = Confidence.LOW
                kept = [rows[nearest_row(signals, s.list_weights)][1]]
        kept = kept[: s.list_max_cases]
        spans = ctx.spans(kept)
        told = [h for h in kept if q.intent is Intent.RECOMMENDED and h.section == "summary"]
        for h in told:  # the story's own words about its learning, not its opening
            spans[h.id] = first_matching(h.text, [_STATES_LEARNING, _TELLS_LEARNING], h.title) or spans[h.id]
        what = {
            Intent.RECOMMENDED: "whose recommendations are about this"
            + (f" ({len(told)} told in the case's story: no recommendation is published apart)" if told else ""),
            Intent.RESPONSE: _what_was_done(kept),
        }.get(q.intent, "about this")
        if verdict is Confidence.LOW:
            scope = _nearest(ctx)
        elif self.every_case:
            # The cases were chosen by the conversation: how many were checked, and among how many, says nothing.
            rest = replace(q.filters, case_ids=[])
            notes = [f"filters: {rest.describe()}"] if not rest.is_empty() else []
            said = what if q.intent in (Intent.RECOMMENDED, Intent.RESPONSE) else ""
            notes += [said.strip("()")] if said.startswith("(") else []
            tail = f", {said}" if said and not said.startswith("(") else ""
            scope = f"{len(kept)} of the cases just given" + (f" ({'; '.join(notes)})" if notes else "") + f"{tail}:"
        else:
            scope = (
                f"{len(kept)} case{'s' if len(kept) != 1 else ''} {what}, of the {len(ctx.evidence)} closest "
                f"checked among the {ctx.n_cases} cases{_applied(ctx)}:"
            )
        # Asked how the cases just given were answered ("was it accepted?"), the answer says so first.
        asked = self.every_case and q.intent is Intent.RESPONSE and verdict is Confidence.HIGH
        lead = statuses_in_short(kept) if asked else ""
        text, cites = list_text([[h] for h in kept], spans, f"{lead}\n\n{scope}" if lead else scope)
        return _scored(
            ctx,
            Answer(question=q.text, text=text, citations=cites, kind="list", filters=q.filters, searched=ctx.n_cases),
            verdict,
        )


def _story_saying(w: CaseEvidence, pattern: re.Pattern[str]) -> Hit | None:
    """The first passage of a case's story that `pattern` matches, if one does."""
    return next((h for h in w.passages if h.section == "summary" and pattern.search(h.text)), None)


def _taken_in_story(w: CaseEvidence) -> Hit | None:
    """For a case with no response captured and no status known, the passage of its story that says how the
    force took the learning, if one does."""
    if w.best(("response",)) is not None:
        return None
    rec = w.best(("recommendation",))
    return _story_saying(w, _STORY_TAKEN) if rec is None or rec.status in ("", "unknown") else None


def _what_was_done(rows: list[Hit]) -> str:
    """What the rows of a list of force responses are: a case with no published response is shown by its
    recommendation and status, or by its story when it has neither, and the answer says so."""
    responses = sum(h.section == "response" for h in rows)
    recommendations = sum(h.section == "recommendation" for h in rows)
    stories = sum(h.section == "summary" and bool(_STORY_TAKEN.search(h.text)) for h in rows)
    neither = len(rows) - responses - recommendations - stories
    if not recommendations and not neither and not stories:
        return "whose force responses say what was done"
    parts = [
        f"{responses} with a published force response" if responses else "",
        f"{recommendations} with none published, shown by the recommendation and its status" if recommendations else "",
        f"{stories} whose story says how it was taken" if stories else "",
        f"{neither} with no recommendation or response published" if neither else "",
    ]
    return "(" + "; ".join(p for p in parts if p) + ")"


def _did_something(hit: Hit) -> bool:
    """Whether a recommendation's status says the force took it on (asked what forces changed, a case with no
    published response is listed by its accepted recommendation, its status beside it)."""
    return hit.section == "recommendation" and hit.status in _TAKEN_ON and not _not_done(hit)


def _item(w: CaseEvidence, hit: Hit) -> list[Hit]:
    """The passages a row stands for: a response with its recommendation's, any other passage alone."""
    if hit.section != "response":
        return [hit]
    return [hit] + [h for h in w.passages if h.section == "recommendation" and h.rec_no == hit.rec_no]


def list_row_signals(
    ctx: Context, rows: list[tuple[CaseEvidence, Hit]], topic: dict[str, float], items: dict[str, list[Hit]]
) -> list[RowSignals]:
    """The list-membership signals of each row, in the order the cases were weighed. The topic score and the
    term coverage are the row's own passages': a case whose other parts mention the topic is not listed for
    them."""
    terms = index_terms(ctx.catalog, row_topic(ctx.question))
    coverage = [ctx.catalog.keyword.coverage(terms, [i.id for i in items[h.id]]) if terms else 1.0 for _, h in rows]
    return row_signals([topic.get(h.id, 0.0) for _, h in rows], [w.alignment for w, _ in rows], coverage)


def _topic_scores(ctx: Context, hits: list[Hit]) -> dict[str, float]:
    """Each passage's best sentence cosine with the question's topic words alone: the frame of a list
    question ("which forces were told to…") matches every recommendation alike, and would blur the topic."""
    if not (topic_words := row_topic(ctx.question)):
        return {h.id: 0.0 for h in hits}
    # In the cases' terms: "chases" alone is near nothing a recommendation says, "pursuit" is what they say.
    words = " ".join(in_case_terms(topic_words))
    topic = ctx.sentence_vectors.embedder.embed_cached([words])[0]
    ids = [h.id for h in hits]
    vectors, counts = sentence_vectors_of(ctx.catalog, ids, ctx.sentence_vectors)
    return best_of_each(vectors @ topic, ids, counts)


def _not_done(hit: Hit) -> bool:
    return hit.status == "not accepted" or bool(_NOT_DONE.search(hit.text))


class TableAnswerer:
    """Every recommendation (or case, when it has none) that passes the filters, as a table."""

    def answer(self, ctx: Context) -> Answer:
        """A table of the filtered recommendations and responses, newest first."""
        q, catalog, retriever = ctx.question, ctx.catalog, ctx.retriever
        by_case: dict[str, list[Hit]] = {}
        for pid in catalog.allowed(q.filters) or []:
            if catalog.meta(pid).part == 0:
                h = retriever.hit(pid)
                by_case.setdefault(h.case_id, []).append(h)
        rows: list[tuple[Hit, Hit | None]] = []
        for hits in by_case.values():
            # Twins: one version of each item, preferring one that knows its status.
            hits.sort(key=lambda h: (h.status not in ("", "unknown"), h.source), reverse=True)
            recs = {h.rec_no: h for h in reversed(hits) if h.section == "recommendation"}
            responses = {h.rec_no: h for h in reversed(hits) if h.section == "response"}
            items = [(recs[n], responses.get(n)) for n in sorted(recs, key=lambda n: n or 0)]
            items += [(responses[n], None) for n in sorted(responses, key=lambda n: n or 0) if n not in recs]
            if q.intent is Intent.HAPPENED:  # "what happened in Kent's cases?": each case's story, not its items
                items = []
            rows += items or [(h, None) for h in hits if h.section == "summary"][:1]
        rows.sort(key=lambda r: (r[0].date, r[0].title, -(r[0].rec_no or 0)), reverse=True)
        if not rows:
            return _abstain(ctx)
        shown = rows[: ctx.settings.table_max_rows]
        spans = {
            h.id: first_sentence(h.text, ctx.settings.short_sentence, h.title)
            for row in shown
            for h in row
            if h is not None
        }
        n_shown_cases = len({h.case_id for h, _ in shown})
        # Asked how they were answered ("were they all accepted?"), the statuses are counted first.
        asked = q.intent is Intent.RESPONSE and not q.filters.statuses
        counted = statuses_counted([h for h, _ in rows]) if asked else ""
        scope = (
            f"{len(rows)} item{'s' if len(rows) != 1 else ''} in {n_shown_cases} of the {ctx.n_cases} cases"
            f" (filters: {q.filters.describe()})"
            + (f"; {counted}" if counted else "")
            + (f"; the first {len(shown)} are shown." if len(shown) < len(rows) else ":")
        )
        text, cites = table_text(shown, spans, scope)
        # Asked who the recommendations of the cases just given went to, the answer says so first.
        if q.intent is Intent.SENT_TO and (lead := addressees_in_short(cites)):
            text = f"{lead}\n\n{text}"
        return Answer(
            question=q.text, text=text, citations=cites, kind="filter", filters=q.filters, searched=ctx.n_cases
        )
