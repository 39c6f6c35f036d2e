"""The chat UI: Gradio components over the Assistant.

The app formats, it does not decide: every answer, filter and ingest decision is the Assistant's;
this module only turns Answer, Citation, CaseSummary and IngestReport objects into components.

Case text is data, never markup: everything that comes from a case is escaped before it reaches
HTML or markdown (``html.escape`` plus neutralised link brackets), so a case containing
``<script>``, ``<img onerror>`` or ``[x](javascript:...)`` shows as text and runs nothing.

Gradio is imported inside functions only, so ``import app`` (for SAMPLE_CASE) stays cheap.
"""

from __future__ import annotations

import html
import re
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import gradio as gr
    import pandas as pd

    from assistant.api import Assistant
    from assistant.types import Answer, CaseSummary, Citation, Filters
    from ingest.pipeline import IngestReport

SAMPLE_CASE = Path(__file__).parent / "assistant" / "data" / "sample-case.txt"

EXAMPLES = [
    "Which forces changed special-scheme marker policy?",
    "How long does a special scheme marker stay in place for domestic abuse victims?",
    "What was recommended about diverted units and the original incident?",
    "Which recommendations are awaiting a response?",
]
STATUSES = ["accepted", "partially accepted", "not accepted", "awaiting response", "unknown"]
CASE_COLUMNS = ["Title", "Force", "Date", "Recommendations", "Statuses", "Sources"]
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MARKER_RE = re.compile(r"&#91;(\d+)&#93;(?!:)")
CONTEXT_CHARS = 320  # passage text shown either side of a quote on a card
UNKNOWN = "unknown"
# Chat events in flight at once (Gradio's default is 1). Answers are computed one at a time (see
# Serialised); the others meanwhile stream their lines out, so 20 users wait less at the same CPU.
CHAT_CONCURRENCY = 4


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


# -- answers -------------------------------------------------------------------------------------
def cite_id(turn: int, n: int) -> str:
    """The HTML id of citation [n] of the turn-th answer (1-based), shared by marker and card."""
    return f"cite-{turn}-{n}"


def answer_markdown(answer: "Answer", turn: int = 1) -> str:
    """The answer as chat markdown: case text escaped; each [n] a link to its card."""
    known = {c.n for c in answer.citations}
    text = escape_text(answer.text)

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a href="#{cite_id(turn, n)}" class="cite-link" title="Show source {n}">&#91;{n}&#93;</a>'

    # --- how the answer was made (issue 13): "written by MODEL, checked against N sources" or "quotes only"
    from assistant.writing import badge

    made = badge(answer)
    return MARKER_RE.sub(link, text) + (f"\n\n*{escape_text(made)}*" if made else "")


def stream_chunks(markdown: str) -> Iterator[str]:
    """The answer revealed line by line (what the chat streams)."""
    lines = markdown.split("\n")
    for i in range(1, len(lines) + 1):
        yield "\n".join(lines[:i])


def status_class(status: str) -> str:
    return "status-" + (re.sub(r"[^a-z]+", "-", (status or UNKNOWN).lower()).strip("-") or UNKNOWN)


def nice_date(date: str | None) -> str:
    """"June 2018" from "2018-06-01"; the year alone when that is all there is."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    date = date or ""
    if len(date) >= 7 and date[5:7].isdigit() and 1 <= int(date[5:7]) <= 12:
        return f"{months[int(date[5:7]) - 1]} {date[:4]}"
    return date[:4]


def highlighted_passage(quote: str, passage: str, context: int = CONTEXT_CHARS) -> str:
    """The passage (around the quote) as HTML, with the quote in <mark>; all of it escaped."""
    at = passage.find(quote) if quote else -1
    if at < 0:
        body = escape_text(passage[:2 * context]) + ("…" if len(passage) > 2 * context else "")
        return (f"<mark>{escape_text(quote)}</mark><br>{body}" if quote else body)
    start, end = max(0, at - context), min(len(passage), at + len(quote) + context)
    return ("…" if start else "") + escape_text(passage[start:at]) + \
        f"<mark>{escape_text(quote)}</mark>" + escape_text(passage[at + len(quote):end]) + \
        ("…" if end < len(passage) else "")


def citation_card(c: "Citation", turn: int = 1) -> str:
    """One source card: [n], title, force, date, section, status badge, highlighted quote, link."""
    meta = [escape_text(x) for x in (c.force, nice_date(c.date), c.section) if x]
    badge = (f'<span class="badge {status_class(c.status)}">{escape_text(c.status)}</span>'
             if c.status else "")
    url = safe_url(c.url)
    link = (f'<a class="case-link" href="{url}" target="_blank" rel="noopener noreferrer nofollow">'
            "Case page on the IOPC website ↗</a>" if url else "")
    return (f'<div class="card" id="{cite_id(turn, c.n)}">'
            f'<div class="card-head"><span class="num">&#91;{c.n}&#93;</span> '
            f'<span class="title">{escape_text(c.title)}</span></div>'
            f'<div class="meta">{" · ".join(meta)} {badge}</div>'
            f'<blockquote class="passage">{highlighted_passage(c.quote, c.passage)}</blockquote>'
            f'<div class="foot">{link}<span class="source">source: {escape_text(c.source)}</span></div>'
            "</div>")


def sources_html(asked: list[str], answers: list["Answer"]) -> str:
    """The sources panel: the latest answer's cards open, earlier answers folded."""
    if not answers:
        return '<div class="empty">Sources of the answer appear here, one card per [n].</div>'
    parts = []
    for turn in range(len(answers), 0, -1):
        answer = answers[turn - 1]
        question = asked[turn - 1] if turn - 1 < len(asked) else answer.question
        cards = "".join(citation_card(c, turn) for c in answer.citations) or \
            '<div class="empty">No sources: nothing in the collection answers this.</div>'
        head = f'Q{turn}: {escape_text(question)} <span class="count">({len(answer.citations)})</span>'
        parts.append(f'<details class="turn" data-turn="{turn}"{" open" if turn == len(answers) else ""}>'
                     f"<summary>{head}</summary>{cards}</details>")
    return "".join(parts)


def chat_messages(asked: list[str], answers: list["Answer"]) -> list[dict]:
    """The chat history as Gradio messages; both sides escaped."""
    out = []
    for turn, (q, a) in enumerate(zip(asked, answers), 1):
        out += [{"role": "user", "content": escape_text(q)},
                {"role": "assistant", "content": answer_markdown(a, turn)}]
    return out


def export_markdown(asked: list[str], answers: list["Answer"]) -> str:
    """The conversation, with each answer's citations and sources, as a Markdown document."""
    lines = ["# IOPC assistant conversation", ""]
    for turn, (q, a) in enumerate(zip(asked, answers), 1):
        lines += [f"## Q{turn}: {markdown_escape(q)}", ""]
        if a.filters and not a.filters.is_empty():
            lines += [f"*Filters: {markdown_escape(a.filters.describe())}*", ""]
        text = markdown_escape(a.text)
        text = re.sub(r"\\\[(\d+)\\\](?!:)", r"[\1]", text)  # the [n] markers stay readable
        lines += [text, ""]
        if a.citations:
            lines += ["### Sources", ""]
            for c in a.citations:
                bits = [x for x in (c.force, nice_date(c.date), c.section, c.status) if x]
                lines.append(f"[{c.n}] **{markdown_escape(c.title)}** — {markdown_escape(' — '.join(bits))}")
                lines.append(f"> {markdown_escape(' '.join(c.quote.split()))}")
                lines.append(f"- source: {markdown_escape(c.source)}")
                url = safe_url(c.url)
                if url:
                    lines.append(f"- case page: <{c.url.strip()}>")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def respond(assistant: "Assistant", message: str, asked: list[str], answers: list["Answer"],
            filters: "Filters | None" = None, delay: float = 0.03) -> Iterator[tuple[list[dict], list[str], list["Answer"], bool]]:
    """One chat turn, streamed: yields (chat messages, asked, answers, done).

    The answer is the Assistant's (`chat`, with the previous answers as history); this only
    reveals its markdown line by line. The last item has done=True and the new state.
    """
    message = (message or "").strip()
    msgs = chat_messages(asked, answers) + [{"role": "user", "content": escape_text(message)},
                                            {"role": "assistant", "content": "Searching the cases…"}]
    yield list(msgs), asked, answers, False
    answer = assistant.chat(message, list(answers), filters)
    asked, answers = asked + [message], answers + [answer]
    for partial in stream_chunks(answer_markdown(answer, len(answers))):
        msgs[-1] = {"role": "assistant", "content": partial}
        yield list(msgs), asked, answers, False
        if delay:
            time.sleep(delay)
    yield chat_messages(asked, answers), asked, answers, True


def make_filters(forces: list[str] | str | None = None, themes: list[str] | str | None = None,
                 since: str | None = None, until: str | None = None,
                 statuses: list[str] | str | None = None) -> "Filters":
    """Filters from the widgets; ValueError naming the field when a date is not YYYY[-MM[-DD]]."""
    from assistant.types import Filters

    def listed(v):
        return [v] if isinstance(v, str) and v else [x for x in (v or []) if x]

    since, until = (since or "").strip() or None, (until or "").strip() or None
    for name, value in (("since", since), ("until", until)):
        if value and not DATE_RE.match(value):
            raise ValueError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD (got {value!r})")
    return Filters(forces=listed(forces), themes=listed(themes), since=since, until=until,
                   statuses=listed(statuses))


# -- cases ---------------------------------------------------------------------------------------
def case_date(c: "CaseSummary") -> str:
    return c.recommended or c.published or c.incident_month or ""


def case_rows(cases: list["CaseSummary"], query: str = "") -> list[list[Any]]:
    """Rows of the cases table (CASE_COLUMNS), keeping those whose text contains `query`.

    Cells are plain text: the table renders them as text, not markup.
    """
    rows = []
    for c in cases:
        statuses = Counter(r.get("status") or UNKNOWN for r in c.recommendations)
        row = [c.title, c.force or ", ".join(c.bodies) or UNKNOWN, case_date(c), len(c.recommendations),
               ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in statuses.most_common()),
               ", ".join(Path(s).name if "://" not in s else s for s in c.sources)]
        rows.append(row)
    terms = query.lower().split()
    if terms:
        rows = [r for r in rows if all(t in " ".join(map(str, r)).lower() for t in terms)]
    return rows


def chart_data(cases: list["CaseSummary"]) -> dict[str, list[tuple[str, int]]]:
    """Recommendations counted by force, theme, year and status, biggest first."""
    by: dict[str, Counter] = {k: Counter() for k in ("force", "theme", "year", "status")}
    for c in cases:
        year = (case_date(c) or "")[:4] or UNKNOWN
        for r in c.recommendations:
            by["force"][c.force or UNKNOWN] += 1
            by["year"][year] += 1
            by["status"][r.get("status") or UNKNOWN] += 1
            for t in c.themes or [UNKNOWN]:
                by["theme"][t] += 1
    return {k: (sorted(v.items()) if k == "year" else v.most_common()) for k, v in by.items()}


def chart_frames(cases: list["CaseSummary"]) -> dict[str, "pd.DataFrame"]:
    import pandas as pd

    return {k: pd.DataFrame(v, columns=[k, "recommendations"]) for k, v in chart_data(cases).items()}


# -- uploads -------------------------------------------------------------------------------------
def upload_name(path: str) -> str:
    """The name an upload is recorded under: its file's base name, never a path."""
    return re.split(r"[\\/]", str(path))[-1] or "upload"


def ingest_uploads(assistant: "Assistant", files: list) -> tuple["IngestReport", list[str]]:
    """Ingest uploaded files, each read from Gradio's temporary copy and recorded under its own name.

    Type, size and content checks are the library's (the same messages as `iopc ingest`).
    """
    from ingest.readers import safe_name

    names = {}
    for f in files or []:
        path = str(f if isinstance(f, str) else getattr(f, "name", f))
        # Why safe_name: the name is the source's identity and is printed one per line; an upload named
        # "evil\n.txt", with a NUL, an escape sequence or 5,000 characters must not break either.
        names[path] = safe_name(upload_name(path))
    report = assistant.ingest(list(names), names=names)
    return report, report_lines(report)


def report_lines(report: "IngestReport") -> list[str]:
    """The lines `iopc ingest` prints for a report."""
    lines = [f"note: {f.source}: {f.reason}" for f in report.notes]
    lines += [f"error: {f.source}: {f.reason}" for f in report.failed]
    lines.append(f"{len(report.added)} added, {len(report.updated)} updated, "
                 f"{len(report.unchanged)} unchanged, {len(report.failed)} failed")
    return lines


# -- the app -------------------------------------------------------------------------------------
class Serialised:
    """The Assistant's chat, one call at a time across the server's worker threads.

    Why: the catalog reload after a change, and the store's reconnect after another process wrote,
    are not made for two threads at once; torch and Chroma would cope. (Counting tokens during an
    upload used to disturb a concurrent encode; the embedder now counts with a tokenizer of its own.)
    """

    def __init__(self, assistant: "Assistant", lock: threading.Lock):
        self.assistant, self.lock = assistant, lock

    def chat(self, *args, **kwargs) -> "Answer":
        """Assistant.chat under the lock."""
        with self.lock:
            return self.assistant.chat(*args, **kwargs)


CARDS_CSS = """
.empty { color: var(--body-text-color-subdued); font-style: italic; padding: 8px; }
details.turn { margin-bottom: 10px; }
details.turn > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
details.turn .count { color: var(--body-text-color-subdued); font-weight: 400; }
.card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
        margin: 8px 0; background: var(--background-fill-secondary); transition: box-shadow .3s; }
.card.flash { box-shadow: 0 0 0 3px var(--color-accent); }
.card-head .num { font-weight: 700; color: var(--color-accent); }
.card-head .title { font-weight: 600; }
.meta { font-size: .85em; color: var(--body-text-color-subdued); margin: 4px 0; }
.badge { display: inline-block; font-size: .78em; padding: 1px 8px; border-radius: 10px;
         background: #e5e7eb; color: #111827; margin-left: 4px; }
.badge.status-accepted { background: #d1fae5; color: #065f46; }
.badge.status-partially-accepted { background: #fef3c7; color: #92400e; }
.badge.status-not-accepted { background: #fee2e2; color: #991b1b; }
.badge.status-awaiting-response { background: #dbeafe; color: #1e40af; }
blockquote.passage { margin: 6px 0; padding: 4px 10px; border-left: 3px solid var(--border-color-accent);
                     font-size: .9em; white-space: pre-wrap; }
blockquote.passage mark { background: #fde68a; color: inherit; padding: 0 1px; }
.foot { font-size: .8em; display: flex; gap: 12px; flex-wrap: wrap; }
.foot .source { color: var(--body-text-color-subdued); word-break: break-all; }
"""

# Clicking [n] in an answer opens and highlights its card (the chat's links are in-page anchors).
CARDS_JS = """
if (!window.__iopcCiteHandler) {
  window.__iopcCiteHandler = true;
  document.addEventListener('click', (event) => {
    const a = event.target.closest ? event.target.closest('a[href^="#cite-"]') : null;
    if (!a) return;
    event.preventDefault();
    event.stopPropagation();
    const id = a.getAttribute('href').slice(1);
    const card = document.getElementById(id);
    if (!card) return;
    const turn = card.closest('details');
    if (turn) turn.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    card.classList.add('flash');
    setTimeout(() => card.classList.remove('flash'), 1800);
  }, true);
}
"""


def build(assistant: "Assistant", concurrency: int = CHAT_CONCURRENCY) -> "gr.Blocks":
    """The Gradio app over `assistant`: Chat, Cases and Add cases tabs; `concurrency` chat events at once."""
    import gradio as gr

    from ingest.readers import KINDS, size_text

    busy = threading.Lock()  # held while the Assistant answers or ingests an upload
    serialised = Serialised(assistant, busy)

    def choices():
        return assistant.catalog.forces(), assistant.catalog.themes()

    def cases_view(query: str = ""):
        cases = assistant.cases()
        rows = case_rows(cases, query)
        shown = [c for c, r in zip(cases, case_rows(cases)) if r in rows] if query else cases
        frames = chart_frames(shown)
        n_recs = sum(len(c.recommendations) for c in shown)
        summary = (f"{len(shown)} of {len(cases)} cases, {n_recs} recommendations"
                   if query else f"{len(cases)} cases, {n_recs} recommendations")
        import pandas as pd
        table = pd.DataFrame(rows, columns=CASE_COLUMNS)
        return (table, summary, frames["force"], frames["theme"], frames["year"], frames["status"])

    def on_submit(message, asked, answers, forces, themes, since, until, statuses):
        if not (message or "").strip():
            yield gr.skip(), asked, answers, gr.skip(), gr.skip(), gr.skip()
            return
        try:
            filters = make_filters(forces, themes, since, until, statuses)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        for msgs, asked_now, answers_now, done in respond(serialised, message, asked, answers, filters):
            if not done:
                yield msgs, asked_now, answers_now, "", gr.skip(), gr.skip()
        yield (msgs, asked_now, answers_now, "", sources_html(asked_now, answers_now),
               gr.DownloadButton(value=write_export(asked_now, answers_now), interactive=True))

    def write_export(asked, answers) -> str:
        path = Path(tempfile.mkdtemp(prefix="iopc-export-")) / "iopc-conversation.md"
        path.write_text(export_markdown(asked, answers), encoding="utf-8")
        return str(path)

    def new_conversation():
        return [], [], [], sources_html([], []), gr.DownloadButton(value=None, interactive=False), ""

    def add_cases(files):
        if not files:
            return ("No files chosen.",) + (gr.skip(),) * 8
        with busy:
            _, lines = ingest_uploads(assistant, files)
        forces, themes = choices()
        return ("\n".join(lines), gr.Dropdown(choices=forces), gr.Dropdown(choices=themes),
                *cases_view(""), None)

    # Uploads and exports (questions and answers) sit in Gradio's cache folder: swept hourly of
    # anything older than a day, so they do not pile up on a long-running server.
    with gr.Blocks(title="IOPC learning cases assistant", delete_cache=(3600, 86400)) as demo:
        gr.Markdown("## IOPC learning cases assistant\nAnswers quote the cases; every claim cites "
                    "its passage. Click a [n] marker to see its source.")
        asked_state = gr.State([])
        answers_state = gr.State([])
        forces0, themes0 = choices()
        with gr.Tab("Chat", id="chat"):
            with gr.Row():
                force = gr.Dropdown(forces0, multiselect=True, label="Force", elem_id="filter-force")
                theme = gr.Dropdown(themes0, multiselect=True, label="Theme", elem_id="filter-theme")
                since = gr.Textbox(label="Since", placeholder="YYYY or YYYY-MM-DD", elem_id="filter-since")
                until = gr.Textbox(label="Until", placeholder="YYYY or YYYY-MM-DD", elem_id="filter-until")
                status = gr.Dropdown(STATUSES, multiselect=True, label="Status", elem_id="filter-status")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=520, elem_id="chat",
                                         sanitize_html=True, allow_tags=False, feedback_options=None,
                                         buttons=["copy"],
                                         placeholder="Ask about IOPC learning cases, e.g. the examples below.")
                    with gr.Row():
                        box = gr.Textbox(show_label=False, placeholder="Ask a question…", scale=5,
                                         elem_id="question", submit_btn=True)
                    gr.Examples(EXAMPLES, inputs=[box], label="Example questions")
                    with gr.Row():
                        clear = gr.Button("New conversation", elem_id="new-conversation")
                        export = gr.DownloadButton("Export as Markdown", interactive=False,
                                                   elem_id="export")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html([], []), elem_id="sources", css_template=CARDS_CSS,
                                      js_on_load=CARDS_JS, max_height=720, autoscroll=False)
        with gr.Tab("Cases", id="cases") as cases_tab:
            table0 = cases_view("")
            search = gr.Textbox(label="Search cases", placeholder="title, force, status…",
                                elem_id="case-search")
            summary = gr.Markdown(table0[1], elem_id="case-summary")
            table = gr.Dataframe(table0[0], headers=CASE_COLUMNS, interactive=False, wrap=True,
                                 datatype=["str", "str", "str", "number", "str", "str"],
                                 column_widths=["31%", "15%", "10%", "13%", "18%", "13%"],
                                 elem_id="cases-table", max_height=420)
            with gr.Row():
                by_force = gr.BarPlot(table0[2], x="force", y="recommendations", title="Recommendations by force", y_lim=[0, None],
                                      x_label_angle=-30, sort="-y", elem_id="chart-force")
                by_theme = gr.BarPlot(table0[3], x="theme", y="recommendations", title="Recommendations by theme", y_lim=[0, None],
                                      x_label_angle=-30, sort="-y", elem_id="chart-theme")
            with gr.Row():
                by_year = gr.BarPlot(table0[4], x="year", y="recommendations", title="Recommendations by year", y_lim=[0, None],
                                     elem_id="chart-year")
                by_status = gr.BarPlot(table0[5], x="status", y="recommendations",
                                       title="Recommendations by status", sort="-y", y_lim=[0, None], elem_id="chart-status")
        with gr.Tab("Add cases", id="add"):
            gr.Markdown(f"Upload case files ({', '.join(sorted(KINDS))}), up to "
                        f"{size_text(assistant.max_bytes)} each. New cases are answerable at once.")
            files = gr.File(file_count="multiple", file_types=sorted(KINDS), type="filepath",
                            label="Case files", elem_id="upload")
            add = gr.Button("Add to the collection", variant="primary", elem_id="add-cases")
            result = gr.Textbox(label="Result", lines=4, interactive=False, elem_id="ingest-result")

        case_outputs = [table, summary, by_force, by_theme, by_year, by_status]
        filters_in = [force, theme, since, until, status]
        # api_name: a stable endpoint for API clients (bench/load.py): /chat
        box.submit(on_submit, [box, asked_state, answers_state, *filters_in],
                   [chatbot, asked_state, answers_state, box, sources, export],
                   api_name="chat", concurrency_limit=concurrency)
        clear.click(new_conversation, None, [chatbot, asked_state, answers_state, sources, export, box])
        chatbot.clear(new_conversation, None, [chatbot, asked_state, answers_state, sources, export, box])
        search.change(cases_view, [search], case_outputs)
        cases_tab.select(cases_view, [search], case_outputs)
        add.click(add_cases, [files], [result, force, theme, *case_outputs, files])
        demo.load(lambda: (gr.Dropdown(choices=choices()[0]), gr.Dropdown(choices=choices()[1])),
                  None, [force, theme])
    return demo


def serve(assistant: "Assistant", host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
          concurrency: int = CHAT_CONCURRENCY) -> None:
    """Launch the app with the options SECURITY.md describes (used by `iopc serve` and `python app.py`)."""
    # Gradio serves only its own assets and the files the app made or received (uploads, exports);
    # blocking the index directory as well keeps it unservable even if it sits under a served folder.
    # The monitoring page would show event timings to any visitor, and print a dashboard link; run
    # history would keep questions and answers in the browser and offer to copy them to a HF bucket.
    build(assistant, concurrency=concurrency).launch(
        server_name=host, server_port=port, max_file_size=assistant.max_bytes, auth=auth,
        blocked_paths=[str(assistant.location.path)] if assistant.location.path else None,
        enable_monitoring=False, run_history=False)


def main() -> None:
    """`python app.py`: serve on 127.0.0.1:7860 over the default index (sample case if empty)."""
    from assistant.api import Assistant

    assistant = Assistant()
    if not assistant.catalog.passages:
        assistant.ingest([str(SAMPLE_CASE)])
    serve(assistant)


if __name__ == "__main__":
    main()
