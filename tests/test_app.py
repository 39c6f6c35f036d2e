"""The chat UI's formatting and answer functions, over the real model and real Chroma.

The app only formats what the Assistant decides; these tests check the formatting (escaping
above all: case text is data, never markup), the streamed chat turn, uploads and export.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEED

import app
from assistant import presentation
from assistant.types import Citation, Filters

UI = ROOT / "tests" / "fixtures" / "ui"
KENT = UI / "kent-custody-case.txt"
HOSTILE = UI / "hostile-case.txt"
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click here](javascript:alert(1))"]


@pytest.fixture
def three(make_assistant):
    a = make_assistant()
    report = a.ingest([str(SEED), str(KENT), str(HOSTILE)])
    assert report.ok and len(report.added) == 3
    return a


def _inert(markup: str) -> None:
    """No payload survives as markup: no tag, no handler, no markdown link to javascript:."""
    assert "<script" not in markup.lower()
    assert "<img" not in markup.lower()
    assert "](javascript:" not in markup
    assert not re.search(r"<a[^>]+href=[\"']?javascript:", markup, re.I)


def test_import_app_is_cheap():
    code = "import sys, app; print('gradio' in sys.modules, app.SAMPLE_CASE.is_file())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_iopc_help_does_not_import_gradio():
    code = (
        "import sys; from assistant.cli import main; main(['--help'], standalone_mode=False); "
        "print('GRADIO', 'gradio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "serve" in out.stdout and "GRADIO False" in out.stdout


def test_escape_text_neutralises_markup_and_links():
    out = presentation.escape_text(" ".join(PAYLOADS))
    _inert(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&#91;click here&#93;(javascript:alert(1))" in out
    assert presentation.escape_text(None) == ""


def test_safe_url_keeps_only_http():
    assert (
        presentation.safe_url("https://www.policeconduct.gov.uk/x?a=1&b=2")
        == "https://www.policeconduct.gov.uk/x?a=1&amp;b=2"
    )
    for bad in ["javascript:alert(1)", "data:text/html,<script>", 'https://x/"onmouseover=alert(1)', None, ""]:
        assert presentation.safe_url(bad) is None


def test_answer_markdown_links_markers_to_cards(three):
    answer = three.ask("What changed in the special scheme marker policy?")
    assert not answer.abstained and answer.citations
    md = presentation.answer_markdown(answer, turn=2)
    for c in answer.citations:
        assert f'<a href="#cite-2-{c.n}" class="cite-link"' in md
    assert "[1]" not in md  # every marker became a link
    assert "**Response to calls for assistance - Metropolitan Police Service, June 2018**" in md
    chunks = list(presentation.stream_chunks(md))
    assert len(chunks) > 2 and chunks[-1] == md and all(md.startswith(c) for c in chunks)


def test_hostile_case_is_text_in_answer_card_table_and_export(three):
    answer = three.ask("pursuit log review")
    assert any("Durham" in c.force for c in answer.citations), answer.text
    assert "<script>alert(1)</script>" in answer.text  # the Assistant quotes it verbatim …
    md = presentation.answer_markdown(answer)
    _inert(md)  # … and the app shows it as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    cards = presentation.sources_html(["pursuit log review"], [answer])
    _inert(cards)
    assert "&lt;img src=x onerror=alert(1)&gt;" in cards
    export = presentation.export_markdown(["pursuit <b>log</b>"], [answer])
    assert "\\<script\\>alert(1)\\</script\\>" in export
    # rendered by a CommonMark renderer with raw HTML on, the export is still inert
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).render(export)
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<b>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[click here](javascript:alert(1))" in rendered
    rows = presentation.case_rows(three.cases(), "durham")
    assert len(rows) == 1 and rows[0][0].startswith("Hostile markup <script>")  # plain cell text


def test_citation_card_fields():
    passage = "Before the quote. The quote <b>itself</b> is here. After the quote."
    c = Citation(
        n=3,
        case_id="c1",
        title="A <i>case</i>",
        force="Kent Police",
        section="force response to recommendation 2",
        rec_no=2,
        quote="The quote <b>itself</b> is here.",
        passage=passage,
        source="/tmp/x.txt",
        url="https://www.policeconduct.gov.uk/case/1",
        score=0.5,
        status="awaiting response",
        date="2021-03-01",
    )
    card = presentation.citation_card(c, turn=4)
    assert 'id="cite-4-3"' in card and "&#91;3&#93;" in card
    assert "A &lt;i&gt;case&lt;/i&gt;" in card and "Kent Police" in card and "March 2021" in card
    assert "force response to recommendation 2" in card
    assert '<span class="badge status-awaiting-response">awaiting response</span>' in card
    assert "Before the quote. <mark>The quote &lt;b&gt;itself&lt;/b&gt; is here.</mark> After the quote." in card
    assert 'href="https://www.policeconduct.gov.uk/case/1"' in card
    c.url = "javascript:alert(1)"
    assert "href=" not in presentation.citation_card(c)
    # a quote not found in its passage is still shown, marked
    c.quote = "elsewhere"
    assert "<mark>elsewhere</mark>" in presentation.citation_card(c)


def test_long_passage_is_trimmed_around_the_quote():
    passage = "a" * 2000 + " THE QUOTE " + "b" * 2000
    out = presentation.highlighted_passage("THE QUOTE", passage)
    assert out.startswith("…") and out.endswith("…") and "<mark>THE QUOTE</mark>" in out
    assert len(out) < 2 * presentation.CONTEXT_CHARS + 100


def test_respond_streams_then_follow_up(three):
    steps = list(presentation.respond(three, "rousing checks in custody", [], [], Filters(), delay=0))
    assert steps[0][0][-1]["content"] == "Searching the cases…" and not steps[0][3]
    assert len(steps) > 3
    msgs, asked, answers, done = steps[-1]
    assert done and asked == ["rousing checks in custody"] and len(answers) == 1
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert "Kent Police" in msgs[1]["content"] and 'href="#cite-1-1"' in msgs[1]["content"]
    # streamed prefixes grow to the final text
    contents = [s[0][-1]["content"] for s in steps[1:-1]]
    assert contents == sorted(contents, key=len) and contents[-1] == msgs[1]["content"]
    # the follow-up is read against the previous answer
    *_, (msgs2, asked2, answers2, done2) = presentation.respond(
        three, "what was the force response to it?", asked, answers, Filters(), delay=0
    )
    assert done2 and len(answers2) == 2 and len(msgs2) == 4
    assert answers2[1].citations and all(c.force == "Kent Police" for c in answers2[1].citations)
    assert "cite-2-1" in msgs2[3]["content"]
    html = presentation.sources_html(asked2, answers2)
    assert html.index('data-turn="2"') < html.index('data-turn="1"')  # newest first
    assert re.search(r'<details class="turn" data-turn="2" open>', html)
    assert not re.search(r'<details class="turn" data-turn="1" open>', html)


def test_filters_change_the_answer(three):
    q = "What did the force do about checks?"
    everyone = three.ask(q, presentation.make_filters())
    kent = three.ask(q, presentation.make_filters(forces=["Kent Police"]))
    assert {c.force for c in everyone.citations} > {"Kent Police"}
    assert {c.force for c in kent.citations} == {"Kent Police"}


def test_make_filters():
    f = presentation.make_filters(["Kent Police"], "Custody", " 2020 ", "2021-06-30", ["accepted"])
    assert f == Filters(
        forces=["Kent Police"], themes=["Custody"], since="2020", until="2021-06-30", statuses=["accepted"]
    )
    assert presentation.make_filters().is_empty()
    with pytest.raises(ValueError, match="since must be YYYY"):
        presentation.make_filters(since="last year")
    with pytest.raises(ValueError, match="until"):
        presentation.make_filters(until="2021/01/01")


def test_export_markdown_has_citations(three):
    *_, (_, asked, answers, _) = presentation.respond(three, "rousing checks in custody", [], [], Filters(), delay=0)
    md = presentation.export_markdown(asked, answers)
    assert md.startswith("# IOPC assistant conversation")
    assert "## Q1: rousing checks in custody" in md and "### Sources" in md
    for c in answers[0].citations:
        assert f"[{c.n}] **{c.title}**" in md
        assert " ".join(c.quote.split())[:60] in md
    assert re.search(r"\[1\]", answers[0].text) and "[1]" in md


def test_cases_rows_and_charts(three):
    cases = three.cases()
    rows = presentation.case_rows(cases)
    assert len(rows) == 3 and all(len(r) == len(presentation.CASE_COLUMNS) for r in rows)
    kent = next(r for r in rows if r[1] == "Kent Police")
    # the case's date is its incident month (ingest.passages.case_date), as its answers show it
    assert kent[2] == "March 2021" and kent[3] == 2 and "accepted" in kent[4] and "awaiting response" in kent[4]
    assert kent[5] == "kent-custody-case.txt"
    met = next(r for r in rows if r[1] == "Metropolitan Police Service")
    assert met[3] == 3 and met[4] == "accepted ×3"
    assert [r[1] for r in presentation.case_rows(cases, "awaiting")] == ["Kent Police"]
    assert presentation.case_rows(cases, "no such words") == []
    data = presentation.chart_data(cases)
    assert dict(data["force"]) == {"Metropolitan Police Service": 3, "Kent Police": 2, "Durham Constabulary": 1}
    assert dict(data["status"]) == {"accepted": 5, "awaiting response": 1}
    assert data["year"] == [("2018", 3), ("2020", 1), ("2021", 2)]
    assert dict(data["theme"])["Custody"] == 2 and dict(data["theme"])["Domestic abuse"] == 3
    frames = presentation.chart_frames(cases)
    assert list(frames["force"].columns) == ["force", "recommendations"]
    assert frames["status"]["recommendations"].sum() == 6


def test_cases_tab_dates_a_case_as_its_answers_do(three):
    rows = {r.case.title: r for r in presentation.case_table(three.cases())}
    for question in ("special scheme marker policy", "rousing checks in custody", "pursuit log review"):
        answer = three.ask(question)
        assert answer.citations, question
        for c in answer.citations:
            assert rows[c.title].cells[2] == presentation.month_year(c.date) != "", (question, c.title)
            assert rows[c.title].cells[2] in presentation.citation_card(c)
    # the Met case titled June 2018 was recommended in July 2019: the title's month wins, as in answers
    met = next(r for r in rows.values() if r.case.force == "Metropolitan Police Service")
    assert met.case.recommended == "2019-07-18" and met.cells[2] == "June 2018"


def test_month_year():
    assert presentation.month_year("2018-06-01") == "June 2018"
    assert presentation.month_year("2024-11") == "November 2024"
    assert presentation.month_year("2019") == "2019"
    assert presentation.month_year("2019-13-01") == "2019"
    assert presentation.month_year("") == presentation.month_year(None) == ""


def test_case_filter_keeps_cases_with_their_rows(three):
    rows = presentation.case_table(three.cases())
    assert [r.case.title for r in rows] == [c.title for c in three.cases()]
    shown = presentation.filter_cases(rows, "Kent  ACCEPTED")
    assert [r.case.force for r in shown] == ["Kent Police"] and shown[0].cells == presentation.case_rows(
        three.cases(), "kent accepted"
    )[0]
    assert presentation.filter_cases(rows, "  ") == rows
    assert presentation.cases_summary([r.case for r in shown], len(rows), "kent") == "1 of 3 cases, 2 recommendations"
    assert presentation.cases_summary([r.case for r in rows], len(rows)) == "3 cases, 6 recommendations"


def test_case_filter_reads_each_row_once(monkeypatch):
    """Filtering n cases checks each row once: the Cases tab's cost grows linearly with the collection."""
    from assistant.types import CaseSummary

    cases = [
        CaseSummary(
            case_id=f"c{i}",
            title=f"Case {i} - Kent Police, March 2021",
            force="Kent Police",
            bodies=["Kent Police"],
            references=[],
            incident_month="2021-03",
            published=None,
            recommended=None,
            response_due=None,
            response_due_inferred=False,
            themes=[],
            url=None,
            sources=[f"c{i}.txt"],
            recommendations=[{"status": "accepted"}],
            layout="text",
        )
        for i in range(2_000)
    ]
    rows = presentation.case_table(cases)
    checked = []
    matches = presentation.CaseRow.matches
    monkeypatch.setattr(presentation.CaseRow, "matches", lambda row, terms: checked.append(row) or matches(row, terms))
    assert len(presentation.filter_cases(rows, "kent case")) == 2_000
    assert len(checked) == 2_000 and len({id(r) for r in checked}) == 2_000


def test_report_lines_are_what_iopc_ingest_prints(tmp_path):
    from assistant.cli import main
    from ingest.pipeline import Failure, IngestReport

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "index"), "ingest", "-q", str(SEED), str(empty)])
    assert result.exit_code == 1
    lines = presentation.report_lines(IngestReport(added=[str(SEED)], failed=[Failure(str(empty), "empty file")]))
    assert lines == [f"error: {empty}: empty file", "1 added, 0 updated, 0 unchanged, 1 failed"]
    assert result.stderr.splitlines() == lines[:-1] and result.stdout.splitlines() == lines[-1:]


def test_upload_name_is_a_base_name():
    assert app.upload_name("/tmp/gradio/abc/../../etc/passwd.txt") == "passwd.txt"
    assert app.upload_name("C:\\Users\\me\\case.txt") == "case.txt"
    assert app.upload_name("") == "upload"


def test_ingest_uploads(make_assistant, tmp_path):
    a = make_assistant(max_bytes=20_000)
    assert not a.cases()
    uploads = tmp_path / "gradio" / "abc"
    uploads.mkdir(parents=True)
    kent = uploads / "Kent case (final) <b>.txt"
    kent.write_bytes(KENT.read_bytes())
    exe = uploads / "tool.exe"
    exe.write_bytes(b"MZ")
    big = uploads / "big.txt"
    big.write_bytes(b"x " * 20_000)
    empty = uploads / "empty.md"
    empty.write_bytes(b"")
    report, lines = app.ingest_uploads(a, [str(kent), str(exe), str(big), str(empty)])
    assert report.added == ["Kent case (final) <b>.txt"]
    assert {f.source for f in report.failed} == {"tool.exe", "big.txt", "empty.md"}
    assert (
        "error: tool.exe: unsupported file type '.exe' (accepted: .htm, .html, .json, .jsonl, .md, .pdf, .txt)" in lines
    )
    assert "error: big.txt: 40,000 bytes is over the size limit of 20,000 bytes (raise it with --max-size)" in lines
    assert "error: empty.md: empty file" in lines
    assert lines[-1] == "1 added, 0 updated, 0 unchanged, 3 failed"
    # the upload is recorded under its own file name, not the temporary path it was read from
    (case,) = a.cases()
    assert case.sources == ["Kent case (final) <b>.txt"]
    # and is answerable at once
    answer = a.ask("rousing checks in custody")
    assert not answer.abstained and answer.citations[0].force == "Kent Police"
    # uploading it again (from another temporary copy) is recognised as unchanged
    other = tmp_path / "gradio" / "def"
    other.mkdir()
    (other / kent.name).write_bytes(KENT.read_bytes())
    again, lines = app.ingest_uploads(a, [str(other / kent.name)])
    assert again.unchanged == [kent.name] and not again.added and len(a.cases()) == 1


def test_startup_lines():
    from assistant.types import Stats
    from ingest.pipeline import Failure, IngestReport

    stats = Stats(
        cases=113,
        sources=120,
        passages=2000,
        recommendations=300,
        by_status={},
        forces={},
        model="m",
        location="/data/iopc",
    )
    assert presentation.startup_lines(stats, "http://127.0.0.1:7860/") == [
        "Index: /data/iopc — 113 cases, 300 recommendations",
        "Open http://127.0.0.1:7860/ in a browser (Ctrl+C stops the server).",
    ]
    report = IngestReport(added=["/x/assistant/data/sample-case.txt"], failed=[Failure("b.txt", "empty file")])
    lines = presentation.startup_lines(stats, "http://h:1/", report, sample_only=True)
    assert lines[1:3] == [
        "Ingested at start: sample-case.txt (1 added, 0 updated, 0 unchanged, 1 failed)",
        "error: b.txt: empty file",
    ]
    assert "only the bundled sample case" in lines[3] and len(lines) == 5


def test_serve_prints_what_a_user_needs(tmp_path):
    """`iopc serve` (what `make run` runs) prints the index, its size, the sample it holds and the URL:
    not Gradio's banner about share=True."""
    import os
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("IOPC_AUTH", "IOPC_CHROMA_URL")}
    env["IOPC_DATA_DIR"] = str(tmp_path / "index")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Open "):
                break
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=30)[0]
    out = "\n".join(lines) + rest
    assert f"Open http://127.0.0.1:{port}/ in a browser" in out, out
    assert f"Index: {tmp_path / 'index'} — 1 case, 3 recommendations" in out
    assert "Ingested at start: " in out and "sample-case.txt (1 added, 0 updated, 0 unchanged, 0 failed)" in out
    assert "share=True" not in out and "public link" not in out


def test_serve_refuses_public_host_without_auth(monkeypatch):
    from assistant.cli import main

    monkeypatch.delenv("IOPC_AUTH", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "--auth" in result.output and "0.0.0.0" in result.output
