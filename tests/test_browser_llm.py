"""Written answers in the real chat UI, in headless Chromium, with a real model: llama-cpp-python's server
serving Gemma 3 270M (the fixture of tests/test_llm_server.py), reached through `--llm openai-like:…`.

Whatever the tiny model writes, the chat shows its draft marked unchecked while it writes and, at the end,
only the checked answer (badge "written by MODEL, checked against N sources") or the quotes with their
note; removed sentences are counted and can be opened; the switch gives quotes only. Run by `make test-llm`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.writing import SWITCHED_OFF, split_sentences
from tests.conftest import ROOT, SEED
from tests.test_browser import CHROMIUM, Page, browser, free_port  # noqa: F401  browser: the fixture
from tests.test_llm_server import LIST, LOOKUP, assert_checked_or_fallen_back
from tests.test_llm_server import server as llm_server  # noqa: F401  the llama.cpp server fixture

pytestmark = [
    pytest.mark.llm,
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"),
]
# A turn waits for the model: one CPU thread writes a few tokens a second on a busy machine.
TURN_TIMEOUT = 420_000

# Every state the answer's message passes through, recorded in the page as it happens.
WATCH_JS = """
() => {
  window.__seen = [];
  const chat = document.querySelector('#chat');
  new MutationObserver(() => {
    const bot = [...chat.querySelectorAll('.message.bot')].pop();
    const state = bot && bot.querySelector('.draft-state');
    const draft = bot && bot.querySelector('.draft');
    if (state) window.__seen.push({state: state.innerText, draft: draft ? draft.innerText : ''});
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}
"""


class Recording:
    """The Assistant as the app drives it, keeping each final Answer it gives (to compare with the page)."""

    def __init__(self, assistant):
        self.assistant, self.finals = assistant, []

    def __getattr__(self, name):
        return getattr(self.assistant, name)

    def chat_stream(self, *args, **kw):
        from assistant.types import Answer

        for item in self.assistant.chat_stream(*args, **kw):
            if isinstance(item, Answer):
                self.finals.append(item)
            yield item


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, embedder, llm_server):  # noqa: F811
    import app
    from assistant import Assistant

    assistant = Assistant(data_dir=tmp_path_factory.mktemp("ui-llm-index"), embedder=embedder, llm=llm_server)
    assert assistant.ingest([str(SEED)]).ok
    recording = Recording(assistant)
    demo = app.build(recording)  # type: ignore[arg-type]
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_port=port, server_name="127.0.0.1", quiet=True)
    yield f"http://127.0.0.1:{port}/", recording
    demo.close()


def plain(text: str) -> str:
    """Text as the page shows it: markdown emphasis gone, whitespace collapsed."""
    return " ".join(re.sub(r"[*_`]", "", text).split())


def ask_and_check(ui: Page, recording: Recording, question: str, turn: int) -> dict:
    """Ask in the page; check that what stays on screen is the final Answer, checked or fallen back."""
    ui.page.evaluate("window.__seen = []")
    ui.ask(question)
    answer = recording.finals[-1]
    name = recording.writer.name
    assert_checked_or_fallen_back(answer, name)
    shown = ui.last_answer()
    message = ui.page.locator("#chat .message.bot").last
    assert message.locator(".draft, .draft-state").count() == 0, shown  # no unchecked text stays
    seen = ui.page.evaluate("window.__seen")
    cards = ui.cards(turn)
    assert cards.count() == len(answer.citations)
    for i, c in enumerate(answer.citations):
        assert c.quote in c.passage  # every citation's quote is verbatim in its passage
        assert plain(cards.nth(i).locator("mark").inner_text()) == plain(c.quote)
    if answer.abstained:
        return {"question": question, "outcome": "abstained", "note": answer.note}
    # While the model wrote, its text was shown marked as an unchecked draft.
    assert seen and "unchecked draft" in seen[0]["state"], seen[:3]
    if answer.mode == "generated":
        n = len(answer.citations)
        assert f"written by {name}, checked against {n} source{'s' if n != 1 else ''}" in shown
        written = answer.text.split("\n\n", 1)[0] if answer.kind in ("list", "filter") else answer.text
        for sentence in split_sentences(written):
            assert plain(sentence) in plain(shown), (sentence, shown)
    else:
        assert f"quotes only: {answer.note}" in shown
    removed = message.locator("details.removed")
    if answer.dropped:
        k = len(answer.dropped)
        assert removed.locator("summary").inner_text() == (
            f"{k} sentence{'s' if k != 1 else ''} removed by the citation check"
        )
        removed.locator("summary").click()
        items = removed.locator("li")
        assert items.count() == k
        for item, sentence, why in zip(items.all(), answer.dropped, answer.dropped_reasons, strict=True):
            assert plain(sentence) in plain(item.inner_text()) and plain(why) in plain(item.inner_text())
    else:
        assert removed.count() == 0
    return {
        "question": question,
        "outcome": answer.mode,
        "kept": len(split_sentences(answer.text.split("\n\n", 1)[0])) if answer.mode == "generated" else 0,
        "dropped": len(answer.dropped),
        "note": answer.note,
        "drafts_seen": len(seen),
    }


def test_the_chat_streams_a_checked_answer_and_the_switch_gives_quotes_only(browser, app_server):  # noqa: F811
    url, recording = app_server
    ui = Page(browser, url)
    ui.page.set_default_timeout(TURN_TIMEOUT)
    try:
        name = recording.writer.name
        switch = ui.page.locator("#written-answers input[type=checkbox]")
        assert switch.is_checked() and switch.is_enabled()
        assert (
            f"By {name}; each sentence is checked against its source"
            in ui.page.locator("#written-answers").inner_text()
        )
        ui.page.evaluate(WATCH_JS)
        outcomes = [ask_and_check(ui, recording, LOOKUP, 1)]
        ui.page.locator("#new-conversation").click()
        ui.page.wait_for_function("document.querySelectorAll('#sources details.turn').length === 0")
        outcomes.append(ask_and_check(ui, recording, LIST, 1))
        print(outcomes, recording.writer.tally)  # what the tiny model managed, for the log (-s)

        # The switch: quotes only for this session, the model not asked.
        asked = recording.writer.tally.asked
        switch.uncheck()
        ui.page.evaluate("window.__seen = []")
        ui.ask(LOOKUP)  # a follow-up in the same conversation, now quotes only
        answer = recording.finals[-1]
        assert recording.writer.tally.asked == asked
        assert answer.mode == "extractive" and answer.note == SWITCHED_OFF and answer.citations
        assert ui.last_answer().rstrip().endswith(f"quotes only: {SWITCHED_OFF}")
        assert ui.page.evaluate("window.__seen") == []  # no draft was shown
        assert ui.cards(2).count() == len(answer.citations)
        assert ui.dialogs == []
    finally:
        ui.context.close()


def test_iopc_serve_names_the_model_on_start_and_in_the_switch(browser, llm_server, tmp_path):  # noqa: F811
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(tmp_path / "index"), "--llm", llm_server]
        + ["serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 300
        while not any(line.startswith("Open http") for line in lines):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            lines.append(proc.stdout.readline())  # type: ignore[union-attr]
        model = re.escape(llm_server.split("#")[1]) + r" \(openai-like at http://127\.0\.0\.1:\d+/v1\)"
        assert any(re.fullmatch(rf"Answers: written by {model}, every sentence checked.*\n", x) for x in lines), lines
        ui = Page(browser, f"http://127.0.0.1:{port}/")
        try:
            switch = ui.page.locator("#written-answers")
            assert re.search(rf"By {model}; each sentence is checked", switch.inner_text())
            assert switch.locator("input[type=checkbox]").is_checked()
        finally:
            ui.context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
