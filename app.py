"""The chat UI: Gradio components and events over the Assistant.

The app formats, it does not decide: every answer, filter and ingest decision is the Assistant's,
and every piece of text shown is made by assistant.presentation (where escaping is explained);
this module only places components and connects their events.

Gradio is imported inside functions only, so ``import app`` (for SAMPLE_CASE) stays cheap.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.presentation import (
    CASE_COLUMNS,
    answer_markdown,  # noqa: F401  bench/hostile.py imports it from here
    case_table,
    cases_summary,
    chart_frames,
    export_markdown,
    filter_cases,
    make_filters,
    report_lines,
    respond,
    sources_html,
    startup_lines,
)
from ingest.model import STATUSES

if TYPE_CHECKING:  # pragma: no cover
    import gradio as gr

    from assistant.api import Assistant
    from assistant.types import Answer
    from ingest.pipeline import IngestReport

SAMPLE_CASE = Path(__file__).parent / "assistant" / "data" / "sample-case.txt"
# Chat events in flight at once (Gradio's default is 1). Each answers from an immutable View of the
# collection (Assistant.view), so they need no lock between them, and uploads take none either.
CHAT_CONCURRENCY = 4
UPLOAD_POLL = 0.5  # seconds between the uploader's progress updates


# -- uploads -------------------------------------------------------------------------------------
def upload_name(path: str) -> str:
    """The name an upload is recorded under: its file's base name, never a path."""
    return re.split(r"[\\/]", str(path))[-1] or "upload"


def ingest_uploads(assistant: Assistant, files: list) -> tuple[IngestReport, list[str]]:
    """Ingest uploaded files, each read from Gradio's temporary copy and recorded under its own name.

    Type, size and content checks are the library's (the same messages as `iopc ingest`).
    """
    names = upload_names(files)
    report = assistant.ingest(list(names), names=names)
    return report, report_lines(report)


def upload_names(files: list) -> dict[str, str]:
    """Each upload's temporary path -> the name it is recorded under (see ingest_uploads)."""
    from ingest.readers import safe_name

    # Why safe_name: the name is the source's identity and is printed one per line; an upload named
    # "evil\n.txt", with a NUL, an escape sequence or 5,000 characters must not break either.
    paths = [str(f if isinstance(f, str) else getattr(f, "name", f)) for f in files or []]
    return {path: safe_name(upload_name(path)) for path in paths}


# -- look ----------------------------------------------------------------------------------------
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

# A table answer in the chat column: too wide for it at 1280 px, it scrolls sideways inside its message
# instead of being squeezed (Gradio breaks words anywhere, so a squeezed cell read "Ser/vi/ce").
CHAT_CSS = """
#chat .message table { display: block; max-width: 100%; overflow-x: auto; word-break: normal;
                       overflow-wrap: normal; }
#chat .message th, #chat .message td { min-width: 6em; word-break: normal; overflow-wrap: normal;
                                       hyphens: none; vertical-align: top; }
#chat .message td:first-child { min-width: 10em; }
#chat .message td:nth-child(n+6) { min-width: 16em; }  /* the quotes */
#chat .draft-state { font-size: .85em; font-weight: 600; color: #92400e; }
#chat .draft { color: var(--body-text-color-subdued); font-style: italic; border-left: 3px dashed #f59e0b;
               padding-left: 8px; }
#chat details.removed { font-size: .85em; color: var(--body-text-color-subdued); }
#chat details.removed summary { cursor: pointer; }
"""

INTRO = (
    "## IOPC learning cases assistant\nAnswers quote the cases; every claim cites its passage. "
    "Click a [n] marker to see its source."
)


# -- events --------------------------------------------------------------------------------------
class Events:
    """The app's event handlers over one Assistant; uploads are ingested by a worker, off the answering path."""

    def __init__(self, assistant: Assistant):
        from assistant.uploads import UploadQueue

        self.assistant = assistant
        self.uploads = UploadQueue(assistant)

    def choices(self) -> tuple[list[str], list[str]]:
        """The forces and themes the filters offer: those of the cases held now."""
        return self.assistant.catalog.forces(), self.assistant.catalog.themes()

    def filter_choices(self) -> tuple[Any, Any]:
        """Dropdown updates with the current forces and themes."""
        import gradio as gr

        forces, themes = self.choices()
        return gr.Dropdown(choices=forces), gr.Dropdown(choices=themes)

    def cases_view(self, query: str = "") -> tuple:
        """(table, summary, force, theme, year and status charts) of the cases matching `query`."""
        import pandas as pd

        rows = case_table(self.assistant.cases())
        shown = filter_cases(rows, query)
        cases = [r.case for r in shown]
        frames = chart_frames(cases)
        table = pd.DataFrame([r.cells for r in shown], columns=CASE_COLUMNS)
        return (
            table,
            cases_summary(cases, len(rows), query),
            frames["force"],
            frames["theme"],
            frames["year"],
            frames["status"],
        )

    def validate_chat(self, message: str, asked: list[str], answers: list[Answer], *values: Any) -> list:
        """A chat request's limits and dates, checked before it is queued: each problem is shown once, on its
        field (Gradio escapes it), and nothing else on the page changes. `values` as for submit."""
        import gradio as gr

        from assistant.requests import chat_problems

        filter_values = values[:-1]
        # The index's forces and themes are gathered only when a force or theme is chosen (most questions).
        known = self.choices() if any(filter_values[:2]) else None
        problems = chat_problems(message, len(asked or []), *filter_values, known=known)
        names = ["question", "asked", "answers", "force", "theme", "since", "until", "status", "written"]
        return [gr.validate(name not in problems, problems.get(name, "")) for name in names]

    def submit(self, message: str, asked: list[str], answers: list[Answer], *values: Any) -> Iterator[tuple]:
        """A chat turn: (chat, asked, answers, box, sources, export) streamed as the answer is revealed.

        `values`: the filters' (in make_filters' order), then the written-answers switch (quotes only when off;
        Gradio gives an API client that leaves it out the switch's own value)."""
        import gradio as gr

        if not (message or "").strip():
            yield gr.skip(), asked, answers, gr.skip(), gr.skip(), gr.skip()
            return
        filter_values, written = values[:-1], values[-1]
        try:
            filters = make_filters(*filter_values)
        except ValueError as e:  # validate_chat refuses these first; a toast renders HTML, hence the escape
            raise gr.Error(html.escape(str(e))) from None
        turns = respond(self.assistant, message, asked, answers, filters, written=bool(written))
        for msgs, asked_now, answers_now, done in turns:
            if not done:
                yield msgs, asked_now, answers_now, "", gr.skip(), gr.skip()
        yield (
            msgs,
            asked_now,
            answers_now,
            "",
            sources_html(asked_now, answers_now),
            gr.DownloadButton(value=write_export(asked_now, answers_now), interactive=True),
        )

    def new_conversation(self) -> tuple:
        """(chat, asked, answers, sources, export, box) emptied."""
        import gradio as gr

        return [], [], [], sources_html([], []), gr.DownloadButton(value=None, interactive=False), ""

    def add_cases(self, files: list | None) -> Iterator[tuple]:
        """(result, force, theme, *cases view, files): the upload's progress, then what it did.

        The files are ingested by the upload worker; chat answers go on meanwhile."""
        import gradio as gr

        from assistant.limits import uploads_problem

        unchanged = (gr.skip(),) * 9  # every output but the result
        if not files:
            yield ("No files chosen.", *unchanged)
            return
        if problem := uploads_problem(len(files)):
            yield (problem, *unchanged)
            return
        job = self.uploads.submit(upload_names(files))
        shown = 0
        while not job.done.wait(UPLOAD_POLL):
            if len(job.progress) != shown:
                shown = len(job.progress)
                yield ("\n".join(job.progress[-6:]), *unchanged)
        lines = (report_lines(job.report) if job.report else []) + ([f"error: {job.error}"] if job.error else [])
        yield ("\n".join(lines), *self.filter_choices(), *self.cases_view(""), None)


def writer_name(assistant: Assistant) -> str | None:
    """The name of the model that writes the Assistant's answers, None when it gives quotes only."""
    return getattr(assistant.writer, "name", None) if assistant.writer is not None else None


def write_export(asked: list[str], answers: list[Answer]) -> str:
    """The conversation's Markdown export, written to a fresh temporary file; its path."""
    path = Path(tempfile.mkdtemp(prefix="iopc-export-")) / "iopc-conversation.md"
    path.write_text(export_markdown(asked, answers), encoding="utf-8")
    return str(path)


# -- layout --------------------------------------------------------------------------------------
@dataclass
class FilterWidgets:
    force: Any
    theme: Any
    since: Any
    until: Any
    status: Any

    @property
    def inputs(self) -> list:
        """In make_filters' argument order."""
        return [self.force, self.theme, self.since, self.until, self.status]


@dataclass
class ChatWidgets:
    chatbot: Any
    box: Any
    clear: Any
    export: Any
    sources: Any
    examples: list[tuple[Any, str]]  # (button, its question)
    written: Any  # the switch: written answers, or quotes only


@dataclass
class CasesWidgets:
    tab: Any
    search: Any
    summary: Any
    table: Any
    charts: list  # by force, theme, year, status

    @property
    def outputs(self) -> list:
        """In Events.cases_view's order."""
        return [self.table, self.summary, *self.charts]


@dataclass
class UploadWidgets:
    files: Any
    add: Any
    result: Any


def filter_widgets(forces: list[str], themes: list[str]) -> FilterWidgets:
    """The row of filters above the chat."""
    import gradio as gr

    with gr.Row():
        return FilterWidgets(
            force=gr.Dropdown(forces, multiselect=True, label="Force", elem_id="filter-force"),
            theme=gr.Dropdown(themes, multiselect=True, label="Theme", elem_id="filter-theme"),
            since=gr.Textbox(label="Since", placeholder="YYYY or YYYY-MM-DD", elem_id="filter-since"),
            until=gr.Textbox(label="Until", placeholder="YYYY or YYYY-MM-DD", elem_id="filter-until"),
            status=gr.Dropdown(list(STATUSES), multiselect=True, label="Status", elem_id="filter-status"),
        )


def chat_widgets(examples: list[str], writer: str | None = None) -> ChatWidgets:
    """The conversation and question box (with examples) beside the sources panel; `writer`: the model that
    writes answers, if one is configured."""
    import gradio as gr

    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Conversation",
                height=520,
                elem_id="chat",
                sanitize_html=True,
                allow_tags=False,
                feedback_options=None,
                buttons=["copy"],
                # Case text is quoted, not typeset: a "$$…$$" in a case is shown as typed (SECURITY.md).
                latex_delimiters=[],
                placeholder="Ask about IOPC learning cases, e.g. the examples below.",
            )
            with gr.Row():
                box = gr.Textbox(
                    show_label=False, placeholder="Ask a question…", scale=5, elem_id="question", submit_btn=True
                )
            example_buttons = example_widgets(examples)
            written = written_switch(writer)
            with gr.Row():
                clear = gr.Button("New conversation", elem_id="new-conversation")
                export = gr.DownloadButton("Export as Markdown", interactive=False, elem_id="export")
        with gr.Column(scale=2):
            gr.Markdown("### Sources")
            # The chat's own CSS rides on this component's `head` (Gradio 6 takes page CSS only in launch(),
            # and every launcher would have to pass it); css_template is scoped to the sources panel.
            sources = gr.HTML(
                sources_html([], []),
                elem_id="sources",
                css_template=CARDS_CSS,
                js_on_load=CARDS_JS,
                head=f"<style>{CHAT_CSS}</style>",
                max_height=720,
                autoscroll=False,
            )
    return ChatWidgets(chatbot, box, clear, export, sources, example_buttons, written)


def written_switch(writer: str | None) -> Any:
    """The switch between written answers (on when a model is configured) and quotes only; off and disabled,
    with the reason, when no model is. Its value is each browser session's own."""
    import gradio as gr

    if writer:
        info = f"By {writer}; each sentence is checked against its source. Off: quotes only."
    else:
        info = "Quotes only: no model is configured (start the server with --llm)."
    return gr.Checkbox(
        value=bool(writer), label="Written answers", info=info, interactive=bool(writer), elem_id="written-answers"
    )


def example_widgets(examples: list[str]) -> list[tuple[Any, str]]:
    """One button per example question, its whole text shown (gr.Examples cuts it at 60 characters)."""
    import gradio as gr

    if not examples:
        return []
    with gr.Column(elem_id="examples"):
        gr.Markdown("Example questions", elem_classes=["examples-label"])
        with gr.Row():
            return [(gr.Button(q, size="sm", variant="secondary", elem_classes=["example"]), q) for q in examples]


def cases_widgets(tab: Any, view: tuple) -> CasesWidgets:
    """The cases table (with search) and four charts in `tab`, showing `view` (an Events.cases_view result)."""
    import gradio as gr

    table0, summary0, *charts0 = view
    search = gr.Textbox(label="Search cases", placeholder="title, force, status…", elem_id="case-search")
    summary = gr.Markdown(summary0, elem_id="case-summary")
    table = gr.Dataframe(
        table0,
        headers=CASE_COLUMNS,
        interactive=False,
        wrap=True,
        datatype=["str", "str", "str", "number", "str", "str", "str"],
        column_widths=["26%", "13%", "9%", "10%", "14%", "12%", "16%"],
        elem_id="cases-table",
        max_height=420,
    )

    def bars(frame, x: str, **kw):
        return gr.BarPlot(
            frame,
            x=x,
            y="recommendations",
            title=f"Recommendations by {x}",
            y_lim=[0, None],
            elem_id=f"chart-{x}",
            **kw,
        )

    with gr.Row():
        by_force = bars(charts0[0], "force", x_label_angle=-30, sort="-y")
        by_theme = bars(charts0[1], "theme", x_label_angle=-30, sort="-y")
    with gr.Row():
        by_year = bars(charts0[2], "year")
        by_status = bars(charts0[3], "status", sort="-y")
    return CasesWidgets(tab, search, summary, table, [by_force, by_theme, by_year, by_status])


def upload_widgets(max_bytes: int) -> UploadWidgets:
    """The upload form: accepted types and the size limit are the reader's."""
    import gradio as gr

    from assistant.limits import MAX_UPLOAD_FILES
    from ingest.readers import KINDS, size_text

    gr.Markdown(
        f"Upload case files ({', '.join(sorted(KINDS))}), up to {MAX_UPLOAD_FILES} at once and "
        f"{size_text(max_bytes)} each. New cases are answerable as soon as the upload is done; "
        "questions are answered meanwhile."
    )
    files = gr.File(
        file_count="multiple", file_types=sorted(KINDS), type="filepath", label="Case files", elem_id="upload"
    )
    add = gr.Button("Add to the collection", variant="primary", elem_id="add-cases")
    result = gr.Textbox(label="Result", lines=4, interactive=False, elem_id="ingest-result")
    return UploadWidgets(files, add, result)


def connect(
    demo: gr.Blocks,
    events: Events,
    asked: Any,
    answers: Any,
    filters: FilterWidgets,
    chat: ChatWidgets,
    cases: CasesWidgets,
    upload: UploadWidgets,
    concurrency: int,
) -> None:
    """Every event of the app, to its handler."""
    # api_name: a stable endpoint for API clients (bench/load.py): /chat
    chat.box.submit(
        events.submit,
        [chat.box, asked, answers, *filters.inputs, chat.written],
        [chat.chatbot, asked, answers, chat.box, chat.sources, chat.export],
        api_name="chat",
        concurrency_limit=concurrency,
        validator=events.validate_chat,
    )
    for button, question in chat.examples:
        button.click(lambda q=question: q, None, chat.box, queue=False)  # fills the box; Enter sends it
    emptied = [chat.chatbot, asked, answers, chat.sources, chat.export, chat.box]
    chat.clear.click(events.new_conversation, None, emptied)
    chat.chatbot.clear(events.new_conversation, None, emptied)
    cases.search.change(events.cases_view, [cases.search], cases.outputs)
    cases.tab.select(events.cases_view, [cases.search], cases.outputs)
    # Its own queue (one upload at a time, as the worker takes them), apart from the chat's.
    upload.add.click(
        events.add_cases,
        [upload.files],
        [upload.result, filters.force, filters.theme, *cases.outputs, upload.files],
        concurrency_id="uploads",
    )
    demo.load(events.filter_choices, None, [filters.force, filters.theme])


def build(assistant: Assistant, concurrency: int = CHAT_CONCURRENCY, examples: list[str] | None = None) -> gr.Blocks:
    """The Gradio app over `assistant`: Chat, Cases and Add cases tabs; `concurrency` chat events at once.

    `examples`: the example questions offered (default: ones the collection answers, see assistant.examples).
    """
    import gradio as gr

    from assistant.examples import example_questions

    events = Events(assistant)
    if examples is None:
        examples = example_questions(assistant)
    # Uploads and exports (questions and answers) sit in Gradio's cache folder: swept hourly of
    # anything older than a day, so they do not pile up on a long-running server.
    with gr.Blocks(title="IOPC learning cases assistant", delete_cache=(3600, 86400)) as demo:
        gr.Markdown(INTRO)
        asked, answers = gr.State([]), gr.State([])
        with gr.Tab("Chat", id="chat"):
            filters = filter_widgets(*events.choices())
            chat = chat_widgets(examples, writer_name(assistant))
        with gr.Tab("Cases", id="cases") as cases_tab:
            cases = cases_widgets(cases_tab, events.cases_view(""))
        with gr.Tab("Add cases", id="add"):
            upload = upload_widgets(assistant.max_bytes)
        connect(demo, events, asked, answers, filters, chat, cases, upload, concurrency)
    return demo


def serve(
    assistant: Assistant,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    concurrency: int = CHAT_CONCURRENCY,
    ingested: IngestReport | None = None,
) -> None:
    """Launch the app with the options SECURITY.md describes (used by `iopc serve` and `python app.py`).

    Prints one line per fact a user needs (the index, what `ingested` added at start, the address)
    instead of Gradio's banner.
    """
    demo = build(assistant, concurrency=concurrency)
    # Gradio serves only its own assets and the files the app made or received (uploads, exports);
    # blocking the index directory as well keeps it unservable even if it sits under a served folder.
    # The monitoring page would show event timings to any visitor, and print a dashboard link; run
    # history would keep questions and answers in the browser and offer to copy them to a HF bucket.
    demo.launch(
        server_name=host,
        server_port=port,
        max_file_size=assistant.max_bytes,
        auth=auth,
        blocked_paths=[str(assistant.location.path)] if assistant.location.path else None,
        enable_monitoring=False,
        run_history=False,
        quiet=True,
        prevent_thread_lock=True,
    )
    sample_only = ingested is None and [c.sources for c in assistant.cases()] == [[str(SAMPLE_CASE)]]
    url = demo.local_url or f"http://{host}:{port}/"
    for line in startup_lines(assistant.stats(), url, ingested, sample_only, writer_name(assistant)):
        print(line, flush=True)
    demo.block_thread()


def main() -> None:
    """`python app.py`: serve on 127.0.0.1:7860 over the default index (sample case if empty)."""
    from assistant.api import Assistant

    assistant = Assistant()
    ingested = None if assistant.catalog.passages else assistant.ingest([str(SAMPLE_CASE)])
    serve(assistant, ingested=ingested)


if __name__ == "__main__":
    main()
