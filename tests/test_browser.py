"""The real app in headless Chromium: chat with sources, filters, follow-ups, uploads, export, safety.

One app per module (launched in-process on a free port) over real Chroma and the real model,
with the sample case plus two small cases (tests/fixtures/ui): a Kent Police case, and a hostile
case whose text carries <script>, <img onerror> and javascript: link payloads.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED, corpus_dir

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]
UI = ROOT / "tests" / "fixtures" / "ui"
TIMEOUT = 60_000
UPLOADED_CASE = """Source · IOPC Learning Case

Firearms licence checks - Surrey Police, February 2022

Surrey Police Ref: 2022/130517 Recommended 5 Sep 2022 Response due 31 Oct 2022
Firearms

In February 2022, Surrey Police renewed a shotgun certificate without checking the holder's medical records, although his family doctor had flagged a history of depression. The certificate holder later threatened a neighbour with the shotgun.

Recommendations

1 total
Recommendation 1

It is recommended that Surrey Police should ensure that firearms licensing staff request and review the medical records of every applicant before a shotgun certificate is renewed. Do you accept the recommendation? Yes

Addressed to: Surrey Police
Linked bodies: Surrey Police
Accepted
Force response

Accepted action: Surrey Police firearms licensing now refuses to renew a certificate until the applicant's medical records have been reviewed by a licensing officer.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder):
    import app
    from assistant import Assistant

    assistant = Assistant(data_dir=tmp_path_factory.mktemp("ui-index"), embedder=embedder)
    report = assistant.ingest([str(SEED), str(UI / "kent-custody-case.txt"), str(UI / "hostile-case.txt")])
    assert report.ok and len(report.added) == 3
    demo = app.build(assistant)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_port=port, server_name="127.0.0.1")
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


class Page:
    """One browser page on the app, recording every dialog (alert, confirm…) that fires."""

    def __init__(self, browser, url, width: int = 1400, height: int = 1000):
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def ask(self, question: str) -> None:
        turns = self.page.locator("#sources details.turn").count()
        box = self.page.locator("#question textarea")
        box.fill(question)
        box.press("Enter")
        self.page.wait_for_selector(f'#sources details.turn[data-turn="{turns + 1}"]')

    def last_answer(self) -> str:
        return self.page.locator("#chat .message.bot").last.inner_text()

    def cards(self, turn: int):
        return self.page.locator(f'#sources details.turn[data-turn="{turn}"] .card')

    def choose(self, elem_id: str, option: str) -> None:
        self.page.locator(f"#{elem_id} input").click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.page.keyboard.press("Escape")


@pytest.fixture
def ui(browser, server):
    p = Page(browser, server)
    yield p
    p.context.close()


# Each table cell's width, and the words of the table that the browser broke across two lines (a word,
# as Intl.Segmenter finds words, whose text spans more than one line box).
TABLE_LAYOUT_JS = """
(table) => {
  const cells = [...table.querySelectorAll('th, td')].map(c => Math.round(c.getBoundingClientRect().width));
  const words = new Intl.Segmenter('en', {granularity: 'word'});
  const broken = [];
  const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const w of words.segment(node.data)) {
      if (!w.isWordLike) continue;
      const range = document.createRange();
      range.setStart(node, w.index);
      range.setEnd(node, w.index + w.segment.length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(w.segment);
    }
  }
  return {cells, broken, scrolls: table.scrollWidth > table.clientWidth,
          overflowX: getComputedStyle(table).overflowX,
          pageScrolls: document.documentElement.scrollWidth > window.innerWidth};
}
"""


def test_answer_with_cards_and_marker_links(ui):
    ui.ask("What changed in the special scheme marker policy?")
    answer = ui.last_answer()
    assert "Response to calls for assistance - Metropolitan Police Service" in answer
    assert "[1]" in answer
    cards = ui.cards(1)
    assert cards.count() >= 1
    first = cards.first
    assert first.get_attribute("id") == "cite-1-1"
    text = first.inner_text()
    assert "[1]" in text and "Metropolitan Police Service" in text and "June 2018" in text
    assert re.search(r"recommendation 1", text)
    assert first.locator(".badge").inner_text() == "accepted"
    assert first.locator("mark").inner_text().strip() in first.locator("blockquote").inner_text()
    # the [n] marker in the answer is a link to its card; clicking it shows (flashes) the card
    ui.page.locator("#sources").evaluate("e => e.querySelector('.html-container, div').scrollTop = 9999")
    # the written first line and the quote both cite [1]: each marker links to the one card
    marker = ui.page.locator('#chat a.cite-link[href="#cite-1-1"]')
    assert marker.count() == 2
    before = ui.page.url
    marker.first.click()
    ui.page.wait_for_selector("#cite-1-1.flash", timeout=5000)
    assert ui.page.url == before and len(ui.context.pages) == 1  # no navigation, no new tab
    assert first.is_visible()
    assert ui.dialogs == []


def test_filter_changes_the_answer(ui):
    q = "What did the force do about checks?"
    ui.ask(q)
    everyone = ui.cards(1).all_inner_texts()
    assert any("Kent Police" in t for t in everyone) and any("Durham Constabulary" in t for t in everyone)
    ui.choose("filter-force", "Kent Police")
    ui.ask(q)
    kent = ui.cards(2).all_inner_texts()
    assert kent and all("Kent Police" in t for t in kent)
    assert not any("Durham" in t for t in kent)
    assert "force: Kent Police" in ui.last_answer()
    # a malformed date is refused with a message, not sent to the Assistant
    ui.page.locator("#filter-since input, #filter-since textarea").first.fill("last year")
    ui.page.locator("#question textarea").fill(q)
    ui.page.locator("#question textarea").press("Enter")
    ui.page.get_by_text("since must be YYYY").first.wait_for()
    assert ui.page.locator("#sources details.turn").count() == 2


def test_follow_up_then_new_conversation(ui):
    ui.ask("rousing checks in custody")
    assert "Kent Police" in ui.last_answer()
    ui.ask("what was the force response to it?")
    follow = ui.cards(2).all_inner_texts()
    assert follow and all("Kent Police" in t for t in follow)
    assert "of the cases just given" in ui.last_answer()
    assert ui.page.locator("#chat .message.bot").count() == 2
    # the first answer's markers still lead to the first answer's (folded) cards
    ui.page.locator('#chat a.cite-link[href="#cite-1-1"]').click()
    ui.page.wait_for_selector("#cite-1-1.flash", timeout=5000)
    assert ui.page.locator('#sources details.turn[data-turn="1"]').get_attribute("open") is not None
    ui.page.locator("#new-conversation").click()
    ui.page.wait_for_function("document.querySelectorAll('#sources details.turn').length === 0")
    assert ui.page.locator("#chat .message").count() == 0
    # and the state is gone: a "follow-up" now has no previous answer to lean on
    ui.ask("rousing checks in custody")
    assert ui.page.locator('#sources details.turn[data-turn="2"]').count() == 0


def test_export_downloads_markdown_with_citations(ui, tmp_path):
    ui.ask("rousing checks in custody")
    cards = ui.cards(1).all_inner_texts()
    with ui.page.expect_download() as info:
        ui.page.locator("#export").click()
    download = info.value
    assert download.suggested_filename.endswith(".md")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    md = target.read_text(encoding="utf-8")
    assert "## Q1: rousing checks in custody" in md and "### Sources" in md
    assert "[1] **Custody observation checks - Kent Police, March 2021**" in md
    assert len(re.findall(r"^\[\d+\] \*\*", md, re.M)) == len(cards)


def test_hostile_case_runs_nothing(ui):
    ui.page.evaluate("window.__pwned = 0")
    ui.ask("pursuit log review")
    answer = ui.last_answer()
    assert "<script>alert(1)</script>" in answer
    assert "<img src=x onerror=alert(1)>" in answer
    assert "[click here](javascript:alert(1))" in answer
    cards = " ".join(ui.cards(1).all_inner_texts())
    assert "<script>alert(1)</script>" in cards and "<img src=x onerror=alert(1)>" in cards
    assert ui.page.locator("#chat a[href^='javascript'], #sources a[href^='javascript']").count() == 0
    # clicking the quoted "link" navigates nowhere
    ui.page.get_by_text("[click here](javascript:alert(1))").first.click()
    # the cases table shows the title as text too
    ui.page.get_by_role("tab", name="Cases", exact=True).click()
    table = ui.page.locator("#cases-table")
    table.get_by_text("Hostile markup <script>alert(1)</script> test").filter(visible=True).first.wait_for()
    ui.page.wait_for_timeout(500)
    assert ui.dialogs == []
    assert ui.page.locator("img[onerror]").count() == 0
    assert ui.page.locator("img[src='x']").count() == 0
    assert ui.page.locator("#chat script, #sources script, #cases-table script").count() == 0


def test_cases_tab_table_search_and_charts(ui):
    from playwright.sync_api import expect

    ui.page.get_by_role("tab", name="Cases", exact=True).click()
    table = ui.page.locator("#cases-table")
    table.get_by_text("Custody observation checks - Kent Police, March 2021").filter(visible=True).first.wait_for()
    assert table.get_by_text("Response to calls for assistance - Metropolitan Police Service, June 2018").count()
    assert "cases" in ui.page.locator("#case-summary").inner_text()
    for chart in ("force", "theme", "year", "status"):
        ui.page.locator(f"#chart-{chart} canvas, #chart-{chart} svg").first.wait_for()
    search = ui.page.locator("#case-search textarea, #case-search input").first
    search.fill("awaiting")
    ui.page.wait_for_function("document.querySelector('#case-summary').innerText.startsWith('1 of')")
    # The summary and the table are two outputs of one event: wait for the table too, not only the summary.
    expect(table.get_by_text("Response to calls for assistance")).to_have_count(0, timeout=TIMEOUT)
    assert table.get_by_text("Custody observation checks - Kent Police").count() >= 1


def test_upload_a_case_and_ask_about_it(ui, tmp_path):
    surrey = tmp_path / "Surrey firearms (final).txt"
    surrey.write_text(UPLOADED_CASE, encoding="utf-8")
    empty = tmp_path / "empty notes.md"
    empty.write_bytes(b"")
    ui.page.get_by_role("tab", name="Add cases").click()
    ui.page.locator("#upload input[type=file]").set_input_files([str(surrey), str(empty)])
    ui.page.locator("#add-cases").click()
    result = ui.page.locator("#ingest-result textarea")
    ui.page.wait_for_function("document.querySelector('#ingest-result textarea').value.includes('added')")
    text = result.input_value()
    assert "1 added, 0 updated, 0 unchanged, 1 failed" in text
    assert "error: empty notes.md: empty file" in text  # reported by its original name
    ui.page.get_by_role("tab", name="Chat", exact=True).click()
    ui.ask("Were medical records checked before renewing a shotgun certificate?")
    assert "Firearms licence checks - Surrey Police" in ui.last_answer()
    # the new force is offered as a filter, and the cases tab lists the new case
    ui.page.locator("#filter-force input").click()
    ui.page.get_by_role("option", name="Surrey Police", exact=True).wait_for()
    ui.page.keyboard.press("Escape")
    ui.page.get_by_role("tab", name="Cases", exact=True).click()
    ui.page.locator("#cases-table").get_by_text("Firearms licence checks - Surrey Police").filter(
        visible=True
    ).first.wait_for()


def test_serve_refuses_public_host_without_auth(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "IOPC_AUTH"}
    env["IOPC_DATA_DIR"] = str(tmp_path / "index")
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "0.0.0.0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "--auth" in out.stderr and "0.0.0.0" in out.stderr


def test_table_answer_is_readable_at_1280(browser, server):
    """A filter answer's table in the chat column at 1280x800: no cell squeezed, no word broken letter by
    letter; what does not fit scrolls sideways inside the message, not the page."""
    p = Page(browser, server, 1280, 800)
    try:
        p.ask("List the accepted recommendations")
        table = p.page.locator("#chat .message.bot table").last
        table.wait_for()
        assert table.locator("tr").count() >= 6  # the header and the five accepted recommendations
        layout = table.evaluate(TABLE_LAYOUT_JS)
        assert min(layout["cells"]) >= 60, layout["cells"]
        assert layout["broken"] == [], layout["broken"]
        assert layout["overflowX"] == "auto" and not layout["pageScrolls"]
    finally:
        p.context.close()


def test_examples_are_answered_by_the_collection(ui):
    """The example questions are the collection's own (made from its cases, each answered when built)."""
    examples = ui.page.locator("#examples")
    examples.locator("button").first.wait_for()  # the column can show before its buttons on a loaded machine
    offered = [t.strip() for t in examples.locator("button").all_inner_texts() if t.strip()]
    assert 2 <= len(offered) <= 4, offered
    assert any("Kent Police" in q or "Metropolitan Police Service" in q for q in offered), offered
    from playwright.sync_api import expect

    examples.get_by_text(offered[0], exact=True).click()
    expect(ui.page.locator("#question textarea")).to_have_value(offered[0])


@pytest.fixture(scope="module")
def corpus_server(corpus_assistant):
    import app

    demo = app.build(corpus_assistant)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_port=port, server_name="127.0.0.1", quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.mark.skipif(corpus_dir() is None, reason="../shared/corpus is not here (set IOPC_CORPUS_DIR)")
def test_every_example_is_answered_on_the_full_corpus(browser, corpus_server):
    """Served over the whole corpus, each example question, clicked and sent, gets an answer with sources."""
    from playwright.sync_api import expect

    p = Page(browser, corpus_server)
    try:
        examples = p.page.locator("#examples")
        examples.locator("button").first.wait_for()
        offered = [t.strip() for t in examples.locator("button").all_inner_texts() if t.strip()]
        assert len(offered) == 4, offered
        assert not any("special-scheme marker" in q or "diverted units" in q for q in offered), offered
        for question in offered:
            examples.get_by_text(question, exact=True).click()
            box = p.page.locator("#question textarea")
            expect(box).to_have_value(question)
            box.press("Enter")
            p.page.wait_for_selector('#sources details.turn[data-turn="1"]')
            assert p.cards(1).count() >= 1, (question, p.last_answer())
            assert "I found nothing" not in p.last_answer(), question
            p.page.locator("#new-conversation").click()  # each example on its own, not as a follow-up
            p.page.wait_for_function("document.querySelectorAll('#sources details.turn').length === 0")
    finally:
        p.context.close()
