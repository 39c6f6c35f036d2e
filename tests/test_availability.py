"""One user must not freeze everyone: limits per request, answers during writes, the Since box's message.

The server tests run the real app (in-process, real Chroma, hash embedder) and talk to it with
gradio_client; the Since box is checked in headless Chromium when it is installed.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

from assistant.limits import MAX_QUESTION_CHARS, LimitError

CHROMIUM = "/usr/bin/chromium"
UPLOADED = """Source · IOPC Learning Case

Retention of drone footage - Dorset Police, March 2023

Dorset Police Ref: 2023/200417 Recommended 4 Jul 2023 Response due 29 Aug 2023
Use of force

In March 2023, Dorset Police deleted drone footage of an arrest after thirty-one days.

Recommendations

1 total
Recommendation 1

It is recommended that Dorset Police should ensure that drone footage of any arrest is kept until every complaint is resolved. Do you accept the recommendation? Yes

Addressed to: Dorset Police
Accepted
"""


def made_up_words(n_chars: int) -> str:
    words, i = [], 0
    while sum(len(w) + 1 for w in words) < n_chars:
        words.append("zq" + "".join(chr(97 + (i * 7 + k * 3) % 26) for k in range(6)))
        i += 1
    return " ".join(words)[:n_chars]


def write_lock(a):
    from vectorstore import WriteLock

    return WriteLock(a.location, on_wait=lambda message: None)


# -- the question limit and the work of one question ----------------------------------------------
def test_a_question_over_the_limit_is_refused_everywhere(seeded):
    over = "a" * (MAX_QUESTION_CHARS + 1)
    for call in (seeded.ask, seeded.chat, seeded.search):
        with pytest.raises(LimitError, match=f"the limit is {MAX_QUESTION_CHARS:,}"):
            call(over)
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(seeded.location.path), "ask", over],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and f"the limit is {MAX_QUESTION_CHARS:,}" in out.stderr


def test_eval_scores_a_question_over_the_limit_as_an_abstention(seeded, tmp_path):
    from assistant.evaluation import evaluate, evaluate_conversations

    over = "a" * (MAX_QUESTION_CHARS + 1)
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "long", "question": over, "kind": "lookup", "expected_cases": ["x"]}) + "\n")
    [report] = evaluate(seeded, str(questions))
    assert report.false_abstention == 1.0 and report.details[0].abstained
    conversations = tmp_path / "c.jsonl"
    conversations.write_text(json.dumps({"turns": ["a question", over], "expected_cases": ["x"]}) + "\n")
    assert evaluate_conversations(seeded, str(conversations)).details[0].abstained


def test_a_question_at_the_limit_is_answered_briefly(seeded):
    from assistant.evidence import clauses
    from assistant.limits import ECHO_CHARS, MAX_CLAUSES

    question = made_up_words(MAX_QUESTION_CHARS)
    started = time.monotonic()
    answer = seeded.ask(question)
    assert time.monotonic() - started < 30
    assert answer.abstained and len(answer.text) < 2 * ECHO_CHARS + 300  # the question is not echoed whole
    assert len(clauses(". ".join(["one two three"] * 100))) == MAX_CLAUSES


def test_chat_problems_name_their_field():
    from assistant.requests import chat_problems

    assert chat_problems("rousing checks", 0) == {}
    problems = chat_problems("x" * 2000, 0, ["Kent"] * 60, None, "<img src=x>" * 1000, "2020", None)
    assert set(problems) == {"question", "force", "since"}
    assert len(problems["since"]) < 120  # the value is echoed cut
    assert "Start a new conversation" in chat_problems("and then?", 50)["question"]


def test_chat_problems_name_filter_values_the_index_lacks():
    """An API client is not held to the dropdowns: an unknown force, theme or status is named with the
    nearest known ones."""
    from assistant.requests import chat_problems

    known = (["Kent Police", "Sussex Police"], ["Custody"])
    assert chat_problems("custody checks", 0, ["Kent Police"], ["custody"], None, None, ["accepted"], known=known) == {}
    problems = chat_problems("custody checks", 0, ["Kemt Police"], ["Drones"], None, None, ["acepted"], known=known)
    assert problems["force"] == "no force or body 'Kemt Police' in the index; nearest: Kent Police, Sussex Police"
    assert problems["theme"].startswith("no theme 'Drones' in the index; nearest: Custody")
    assert problems["status"].startswith("no status 'acepted'; nearest: accepted")


# -- while the index is being written -------------------------------------------------------------
def test_an_answer_during_an_ingest_says_the_index_is_being_built(make_assistant, seeded):
    empty = make_assistant(data_dir=seeded.location.path.parent / "empty")
    assert not empty.catalog.cases  # opened before the first ingest starts, as a server is
    with write_lock(empty):
        assert "being built" in empty.ask("custody checks").text
    assert "being built" not in empty.ask("custody checks").text
    with write_lock(seeded):
        text = seeded.ask("What is the rainfall on Mars in January?").text
    assert "The index is being built: 1 case is in so far" in text


# -- a real server: uploads do not hold answers -----------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(seeded):
    import app

    demo = app.build(seeded, examples=[])
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_port=port, server_name="127.0.0.1", quiet=True)
    yield seeded, f"http://127.0.0.1:{port}/"
    demo.close()


def client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


@pytest.mark.integration
def test_questions_are_answered_while_an_upload_waits_for_the_write_lock(served, tmp_path):
    from gradio_client import handle_file

    a, url = served
    upload = tmp_path / "Dorset drone footage.txt"
    upload.write_text(UPLOADED, encoding="utf-8")
    uploaded: list = []
    with write_lock(a):  # a slow `iopc ingest` in another process, as far as the app can tell
        t = threading.Thread(
            target=lambda: uploaded.append(client(url).predict([handle_file(str(upload))], api_name="/add_cases"))
        )
        t.start()
        time.sleep(2)
        # Waiting for the upload would mean waiting for this lock, for ever: bounded, so that fails.
        result = client(url).submit("special scheme marker", [], [], "", "", [], api_name="/chat").result(timeout=30)
        assert not uploaded, "the upload finished while the write lock was held"
        assert "Metropolitan Police" in str(result[0][-1])
    t.join(timeout=120)
    assert uploaded and "1 added" in uploaded[0][0]
    assert any("Dorset" in c.title for c in a.cases())


@pytest.mark.integration
def test_the_server_refuses_past_the_limits(served, tmp_path):
    from gradio_client import handle_file

    _, url = served
    c = client(url)
    with pytest.raises(Exception, match=f"the limit is {MAX_QUESTION_CHARS:,}"):
        c.predict("a" * (MAX_QUESTION_CHARS + 1), [], [], "", "", [], api_name="/chat")
    with pytest.raises(Exception, match="since must be YYYY"):
        c.predict("custody", [], [], "<img src=x onerror=alert(1)>", "", [], api_name="/chat")
    files = []
    for i in range(21):
        f = tmp_path / f"case-{i}.txt"
        f.write_text(f"case {i}", encoding="utf-8")
        files.append(handle_file(str(f)))
    assert "at most 20 can be added at once" in c.predict(files, api_name="/add_cases")[0]


@pytest.mark.integration
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing")
def test_a_bad_since_value_is_shown_once_as_text_and_the_page_stays_usable(served):
    from playwright.sync_api import sync_playwright

    _, url = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector("#question textarea")
            page.evaluate("window.__pwned = 0")
            payload = "<img src=x onerror=window.__pwned=1>"
            page.locator("#filter-since input, #filter-since textarea").first.fill(payload)
            page.locator("#question textarea").fill("special scheme marker")
            page.locator("#question textarea").press("Enter")
            page.get_by_text("since must be YYYY").first.wait_for()
            page.wait_for_timeout(1000)
            assert page.get_by_text("since must be YYYY").count() == 1
            assert page.locator("img[src='x']").count() == 0 and page.evaluate("window.__pwned") == 0
            assert page.locator(".toast-body").count() == 0  # no toast
            assert page.locator("#chat .message").count() == 0  # nothing was sent
            # the page stays usable: with the date fixed, the question is answered
            page.locator("#filter-since input, #filter-since textarea").first.fill("2010")
            page.locator("#question textarea").fill("special scheme marker")
            page.locator("#question textarea").press("Enter")
            page.wait_for_selector("#chat .message.bot")
            page.wait_for_function("document.querySelectorAll('#sources details.turn').length === 1")
        finally:
            browser.close()


def test_upload_events_fill_every_output_and_show_progress(seeded, tmp_path):
    import app

    events = app.Events(seeded)
    (empty,) = list(events.add_cases(None))
    assert empty[0] == "No files chosen." and len(empty) == 10  # one value per output of the event
    many = [str(tmp_path / f"{i}.txt") for i in range(21)]
    (refused,) = list(events.add_cases(many))
    assert "at most 20 can be added at once" in refused[0] and len(refused) == 10
    case = tmp_path / "gradio" / "Dorset drone footage.txt"
    case.parent.mkdir()
    case.write_text(UPLOADED, encoding="utf-8")
    with write_lock(seeded):
        job = events.uploads.submit({str(case): case.name})
        assert not job.done.wait(1.5)
        assert any("Waiting for another ingest" in line for line in job.progress)
    assert job.done.wait(60) and job.report.added == [case.name]
    assert any("Dorset" in c.title for c in seeded.cases())
