"""Answers, cases and reports as text for people: the chat UI's formatting, with no UI toolkit in it.

Everything here is a pure function of the Assistant's typed results (Answer, Citation, CaseSummary,
IngestReport); app.py wires these into Gradio components and `iopc` prints some of them.

Case text is data, never markup: everything that comes from a case is escaped before it reaches
HTML or markdown (``html.escape`` plus neutralised link brackets), so a case containing
``<script>``, ``<img onerror>`` or ``[x](javascript:...)`` shows as text and runs nothing.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.limits import cut
from assistant.themes import theme_labels
from assistant.types import Answer, CaseSummary, Citation, Filters, Stats
from ingest.passages import case_date

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from assistant.writing import Draft
    from ingest.pipeline import IngestReport

CASE_COLUMNS = ["Title", "Force", "Date", "Recommendations", "Statuses", "Sources", "Themes"]
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MARKER_RE = re.compile(r"&#91;(\d+)&#93;(?!:)")
CONTEXT_CHARS = 320  # passage text shown either side of a quote on a card
DRAFT_INTERVAL = 0.1  # seconds between two redraws of a model's draft (a fast model writes 100 tokens a second)
UNKNOWN = "unknown"


# -- escaping ------------------------------------------------------------------------------------
def escape_text(text: str | None) -> str:
    """Case text made inert for HTML and markdown: tags escaped, link brackets neutralised.

    ``&#91;``/``&#93;`` render as ``[``/``]`` but cannot open a markdown link or image, and
    html.escape turns ``<`` into ``&lt;`` so no tag (nor autolink) survives.
    """
    out = html.escape(text or "", quote=True)
    return out.replace("[", "&#91;").replace("]", "&#93;")


def safe_url(url: str | None) -> str | None:
    """The URL, escaped for an href, when it is http(s); None otherwise (javascript:, data:, …)."""
    if not url or not re.match(r"^https?://[^\s\"'<>]+$", url.strip(), re.IGNORECASE):
        return None
    return html.escape(url.strip(), quote=True)


def markdown_escape(text: str | None) -> str:
    """Text for a Markdown file: no HTML tag, link or image can form (backslash escapes)."""
    return re.sub(r"([\\<>\[\]`])", r"\\\1", text or "")


# -- dates ---------------------------------------------------------------------------------------
def month_year(iso_date: str | None) -> str:
    """ "June 2018" from "2018-06-01" or "2018-06"; the year alone when that is all there is; "" when none."""
    date = iso_date or ""
    if len(date) >= 7 and date[5:7].isdigit() and 1 <= int(date[5:7]) <= 12:
        return f"{MONTHS[int(date[5:7]) - 1]} {date[:4]}"
    return date[:4]


def day_month_year(iso_date: str) -> str:
    """ "7 Jul 2025" from "2025-07-07", as the published pages write a response's due date; as given otherwise."""
    if len(iso_date) == 10 and iso_date[5:7].isdigit() and 1 <= int(iso_date[5:7]) <= 12:
        return f"{int(iso_date[8:10])} {MONTHS[int(iso_date[5:7]) - 1][:3]} {iso_date[:4]}"
    return iso_date


# -- answers -------------------------------------------------------------------------------------
def cite_id(turn: int, n: int) -> str:
    """The HTML id of citation [n] of the turn-th answer (1-based), shared by marker and card."""
    return f"cite-{turn}-{n}"


def answer_markdown(answer: Answer, turn: int = 1) -> str:
    """The answer as chat markdown: case text escaped; each [n] a link to its card."""
    known = {c.n for c in answer.citations}
    text = escape_text(answer.text)

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a href="#{cite_id(turn, n)}" class="cite-link" title="Show source {n}">&#91;{n}&#93;</a>'

    # How the answer was made: "written by MODEL, checked against N sources", or "quotes only: why".
    from assistant.writing import badge

    made = badge(answer)
    removed = removed_html(answer)
    return (
        MARKER_RE.sub(link, text)
        + (f"\n\n{removed}" if removed else "")
        + (f"\n\n*{escape_text(made)}*" if made else "")
    )


def removed_html(answer: Answer) -> str:
    """The sentences the citation check removed, and why each, folded under their count ("" when none).

    One line of HTML: a blank line would end the HTML block and let markdown read the rest."""
    if not answer.dropped:
        return ""
    reasons = answer.dropped_reasons + [""] * (len(answer.dropped) - len(answer.dropped_reasons))
    items = "".join(
        f"<li>“{escape_text(sentence)}”" + (f" <em>({escape_text(why)})</em>" if why else "") + "</li>"
        for sentence, why in zip(answer.dropped, reasons, strict=True)
    )
    n = len(answer.dropped)
    return (
        f'<details class="removed"><summary>{n} sentence{"s" if n != 1 else ""} removed by the citation check'
        f"</summary><ul>{items}</ul></details>"
    )


def draft_markdown(draft: Draft) -> str:
    """A model's output while it writes: marked as an unchecked draft; escaped, its [n] not links."""
    if draft.complete:
        state = "checking each sentence against its source…"
    else:
        state = "writing; unchecked draft, each sentence is checked against its source when it is done"
    body = escape_text(draft.text).replace("\n", "<br>")
    return (
        f'<div class="draft-state">{escape_text(draft.model)}: {state}</div>\n\n'
        f'<div class="draft">{body}{"" if draft.complete else "▍"}</div>'
    )


def stream_chunks(markdown: str) -> Iterator[str]:
    """The answer revealed line by line (what the chat streams)."""
    lines = markdown.split("\n")
    for i in range(1, len(lines) + 1):
        yield "\n".join(lines[:i])


def status_class(status: str) -> str:
    """The CSS class of a status badge: "status-partially-accepted"."""
    return "status-" + (re.sub(r"[^a-z]+", "-", (status or UNKNOWN).lower()).strip("-") or UNKNOWN)


def highlighted_passage(quote: str, passage: str, context: int = CONTEXT_CHARS) -> str:
    """The passage (around the quote) as HTML, with the quote in <mark>; all of it escaped."""
    at = passage.find(quote) if quote else -1
    if at < 0:
        body = escape_text(passage[: 2 * context]) + ("…" if len(passage) > 2 * context else "")
        return f"<mark>{escape_text(quote)}</mark><br>{body}" if quote else body
    start, end = max(0, at - context), min(len(passage), at + len(quote) + context)
    return (
        ("…" if start else "")
        + escape_text(passage[start:at])
        + f"<mark>{escape_text(quote)}</mark>"
        + escape_text(passage[at + len(quote) : end])
        + ("…" if end < len(passage) else "")
    )


def citation_card(c: Citation, turn: int = 1) -> str:
    """One source card: [n], title, force, date, section, status badge, highlighted quote, link."""
    meta = [escape_text(x) for x in (c.force, month_year(c.date), c.section) if x]
    badge = f'<span class="badge {status_class(c.status)}">{escape_text(c.status)}</span>' if c.status else ""
    url = safe_url(c.url)
    link = (
        f'<a class="case-link" href="{url}" target="_blank" rel="noopener noreferrer nofollow">'
        "Case page on the IOPC website ↗</a>"
        if url
        else ""
    )
    return (
        f'<div class="card" id="{cite_id(turn, c.n)}">'
        f'<div class="card-head"><span class="num">&#91;{c.n}&#93;</span> '
        f'<span class="title">{escape_text(c.title)}</span></div>'
        f'<div class="meta">{" · ".join(meta)} {badge}</div>'
        f'<blockquote class="passage">{highlighted_passage(c.quote, c.passage)}</blockquote>'
        f'<div class="foot">{link}<span class="source">source: {escape_text(c.source)}</span></div>'
        "</div>"
    )


def sources_html(asked: list[str], answers: list[Answer]) -> str:
    """The sources panel: the latest answer's cards open, earlier answers folded."""
    if not answers:
        return '<div class="empty">Sources of the answer appear here, one card per [n].</div>'
    parts = []
    for turn in range(len(answers), 0, -1):
        answer = answers[turn - 1]
        question = asked[turn - 1] if turn - 1 < len(asked) else answer.question
        cards = (
            "".join(citation_card(c, turn) for c in answer.citations)
            or '<div class="empty">No sources: nothing in the collection answers this.</div>'
        )
        head = f'Q{turn}: {escape_text(question)} <span class="count">({len(answer.citations)})</span>'
        parts.append(
            f'<details class="turn" data-turn="{turn}"{" open" if turn == len(answers) else ""}>'
            f"<summary>{head}</summary>{cards}</details>"
        )
    return "".join(parts)


def chat_messages(asked: list[str], answers: list[Answer]) -> list[dict]:
    """The chat history as Gradio messages; both sides escaped."""
    out = []
    for turn, (q, a) in enumerate(zip(asked, answers, strict=False), 1):
        out += [{"role": "user", "content": escape_text(q)}, {"role": "assistant", "content": answer_markdown(a, turn)}]
    return out


def export_markdown(asked: list[str], answers: list[Answer]) -> str:
    """The conversation, with each answer's citations and sources, as a Markdown document."""
    lines = ["# IOPC assistant conversation", ""]
    for turn, (q, a) in enumerate(zip(asked, answers, strict=False), 1):
        lines += [f"## Q{turn}: {markdown_escape(q)}", ""]
        if a.filters and not a.filters.is_empty():
            lines += [f"*Filters: {markdown_escape(a.filters.describe())}*", ""]
        text = markdown_escape(a.text)
        text = re.sub(r"\\\[(\d+)\\\](?!:)", r"[\1]", text)  # the [n] markers stay readable
        lines += [text, ""]
        if a.citations:
            lines += ["### Sources", ""]
            for c in a.citations:
                bits = [x for x in (c.force, month_year(c.date), c.section, c.status) if x]
                lines.append(f"[{c.n}] **{markdown_escape(c.title)}** — {markdown_escape(' — '.join(bits))}")
                lines.append(f"> {markdown_escape(' '.join(c.quote.split()))}")
                lines.append(f"- source: {markdown_escape(c.source)}")
                if c.url and safe_url(c.url):
                    lines.append(f"- case page: <{c.url.strip()}>")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- a chat turn ---------------------------------------------------------------------------------
class Chats(Protocol):
    """What a chat turn needs of the Assistant (the Assistant itself)."""

    def chat_stream(
        self, message: str, history: list[Answer] | None = None, filters: Filters | None = None, written: bool = True
    ) -> Iterator[Draft | Answer]:
        """Answer `message`, reading follow-ups against `history`: a model's drafts, then the Answer."""
        ...


Turn = tuple[list[dict], list[str], list[Answer], bool]


def respond(
    assistant: Chats,
    message: str,
    asked: list[str],
    answers: list[Answer],
    filters: Filters | None = None,
    delay: float = 0.03,
    written: bool = True,
) -> Iterator[Turn]:
    """One chat turn, streamed: yields (chat messages, asked, answers, done).

    The answer is the Assistant's (`chat_stream`, with the previous answers as history; `written` False
    asks for quotes only). A model's draft is shown, marked unchecked, while it writes, then replaced by
    the final answer, whose markdown is revealed line by line. The last item has done=True and the new state.
    """
    message = (message or "").strip()
    msgs = chat_messages(asked, answers) + [
        {"role": "user", "content": escape_text(message)},
        {"role": "assistant", "content": "Searching the cases…"},
    ]
    yield list(msgs), asked, answers, False
    answer: Answer | None = None
    shown = 0.0
    for item in assistant.chat_stream(message, list(answers), filters, written):
        if isinstance(item, Answer):
            answer = item
            continue
        if item.complete or not item.text or time.monotonic() - shown >= DRAFT_INTERVAL:
            shown = time.monotonic()
            msgs[-1] = {"role": "assistant", "content": draft_markdown(item)}
            yield list(msgs), asked, answers, False
    if answer is None:
        raise RuntimeError(f"no answer to {message!r}")  # chat_stream always ends with one
    asked, answers = asked + [message], answers + [answer]
    for partial in stream_chunks(answer_markdown(answer, len(answers))):
        msgs[-1] = {"role": "assistant", "content": partial}
        yield list(msgs), asked, answers, False
        if delay:
            time.sleep(delay)
    yield chat_messages(asked, answers), asked, answers, True


def listed(v: list[str] | str | None) -> list[str]:
    """A widget's value as a list of its non-empty values (a dropdown gives a string or a list)."""
    return [v] if isinstance(v, str) and v else [x for x in (v or []) if x]


def make_filters(
    forces: list[str] | str | None = None,
    themes: list[str] | str | None = None,
    since: str | None = None,
    until: str | None = None,
    statuses: list[str] | str | None = None,
) -> Filters:
    """Filters from the widgets; ValueError naming the field when a date is not YYYY[-MM[-DD]]."""

    since, until = (since or "").strip() or None, (until or "").strip() or None
    for name, value in (("since", since), ("until", until)):
        if value and not DATE_RE.match(value):
            # The value is echoed cut: it may be a megabyte, and the message is shown on the page.
            raise ValueError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD (got {cut(value, 40)!r})")
    return Filters(forces=listed(forces), themes=listed(themes), since=since, until=until, statuses=listed(statuses))


# -- cases ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseRow:
    """A case and its row of the cases table (CASE_COLUMNS), with the lower-cased text a search reads."""

    case: CaseSummary
    cells: list[Any]
    text: str

    def matches(self, terms: list[str]) -> bool:
        """True when every (lower-case) term occurs in the row's text."""
        return all(t in self.text for t in terms)


def case_row(c: CaseSummary) -> CaseRow:
    """The table row of one case; cells are plain text (the table renders them as text, not markup)."""
    statuses = Counter(r.get("status") or UNKNOWN for r in c.recommendations)
    cells = [
        c.title,
        c.force or ", ".join(c.bodies) or UNKNOWN,
        month_year(case_date(c)),
        len(c.recommendations),
        ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in statuses.most_common()),
        ", ".join(Path(s).name if "://" not in s else s for s in c.sources),
        ", ".join(theme_labels(c)),
    ]
    return CaseRow(c, cells, " ".join(map(str, cells)).lower())


def case_table(cases: list[CaseSummary]) -> list[CaseRow]:
    """Every case's row, in the order given."""
    return [case_row(c) for c in cases]


def filter_cases(rows: list[CaseRow], query: str = "") -> list[CaseRow]:
    """The rows whose text contains every word of `query` (all of them when it is blank)."""
    terms = query.lower().split()
    return [r for r in rows if r.matches(terms)] if terms else list(rows)


def case_rows(cases: list[CaseSummary], query: str = "") -> list[list[Any]]:
    """The cells of the cases table, keeping the cases whose row contains every word of `query`."""
    return [r.cells for r in filter_cases(case_table(cases), query)]


def cases_summary(shown: list[CaseSummary], total: int, query: str = "") -> str:
    """ "3 of 12 cases, 7 recommendations" (or "12 cases, …" when nothing is searched)."""
    n_recs = sum(len(c.recommendations) for c in shown)
    return (
        f"{len(shown)} of {total} cases, {n_recs} recommendations"
        if query.strip()
        else f"{total} cases, {n_recs} recommendations"
    )


def chart_data(cases: list[CaseSummary]) -> dict[str, list[tuple[str, int]]]:
    """Recommendations counted by force, theme, year and status, biggest first (years in order)."""
    by: dict[str, Counter] = {k: Counter() for k in ("force", "theme", "year", "status")}
    for c in cases:
        year = case_date(c)[:4] or UNKNOWN
        for r in c.recommendations:
            by["force"][c.force or UNKNOWN] += 1
            by["year"][year] += 1
            by["status"][r.get("status") or UNKNOWN] += 1
            for t in theme_labels(c) or [UNKNOWN]:
                by["theme"][t] += 1
    return {k: (sorted(v.items()) if k == "year" else v.most_common()) for k, v in by.items()}


def chart_frames(cases: list[CaseSummary]) -> dict[str, pd.DataFrame]:
    """chart_data as one two-column DataFrame per chart (what a bar plot takes)."""
    import pandas as pd

    return {k: pd.DataFrame(v, columns=[k, "recommendations"]) for k, v in chart_data(cases).items()}


def plural(n: int, noun: str) -> str:
    """ "1 case", "3 cases"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# -- ingest --------------------------------------------------------------------------------------
def report_lines(report: IngestReport) -> list[str]:
    """What an ingest did, one line each: notes, errors, then the totals line (always last).

    Names and reasons are escaped: a file name may hold a newline or a terminal escape sequence."""
    from ingest.readers import printable

    lines = [f"note: {printable(f.source)}: {printable(f.reason)}" for f in report.notes]
    lines += [f"error: {printable(f.source)}: {printable(f.reason)}" for f in report.failed]
    lines.append(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed"
    )
    return lines


def startup_lines(
    stats: Stats, url: str, ingested: IngestReport | None = None, sample_only: bool = False, llm: str | None = None
) -> list[str]:
    """What the server prints once it listens: the index and its size, who writes the answers (`llm`, the
    model's name, when one is configured), what was ingested at start, the address."""
    lines = [
        f"Index: {stats.location} — {plural(stats.cases, 'case')}, {plural(stats.recommendations, 'recommendation')}"
    ]
    if llm:
        lines.append(f"Answers: written by {llm}, every sentence checked against its sources (a switch turns it off)")
    if ingested is not None:
        *problems, totals = report_lines(ingested)
        names = [Path(s).name for s in ingested.added + ingested.updated]
        lines.append(f"Ingested at start: {', '.join(names) or 'nothing new'} ({totals})")
        lines += problems
    if sample_only:
        lines.append(
            "The index holds only the bundled sample case: add cases with `iopc ingest PATH` or in the Add cases tab."
        )
    lines.append(f"Open {url} in a browser (Ctrl+C stops the server).")
    return lines
