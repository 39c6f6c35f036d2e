"""The chat's side of written answers, with a scripted llama-index LLM (the streaming and its display are what
is tested): Assistant.chat_stream's drafts and final answer, the quotes-only switch, a model silent past its
deadline, the draft and removed-sentence markup, the lock held only for retrieval, and the switch's state."""

from __future__ import annotations

from assistant import presentation
from assistant.presentation import answer_markdown, draft_markdown, removed_html, respond
from assistant.types import Answer, Filters
from assistant.writing import SWITCHED_OFF, Draft
from tests.conftest import SEED
from tests.test_llm_checker import Scripted, write

LOOKUP = "What did the woman report when she made the 999 call?"
WRITTEN = 'The caller said "{p1}" [1]. A solicitor was mentioned [1]. Nothing else [5].'


def seeded(make_assistant, **kw):
    a = make_assistant(**kw)
    a.ingest([str(SEED)])
    return a


def test_chat_stream_shows_drafts_then_the_answer_ask_gives(make_assistant):
    a = seeded(make_assistant, llm=Scripted(text=WRITTEN))
    items = list(a.chat_stream(LOOKUP))
    *drafts, final = items
    assert all(isinstance(d, Draft) for d in drafts) and isinstance(final, Answer)
    assert drafts[0] == Draft("", "scripted")  # before the model is asked: the lock can go
    assert [d.complete for d in drafts] == [False] * (len(drafts) - 1) + [True]
    texts = [d.text for d in drafts]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:], strict=False))
    assert texts[-1].endswith("Nothing else [5].")  # the draft is the raw output, unchecked
    assert final.mode == "generated" and final.dropped == ["Nothing else [5]."]
    assert final.dropped_reasons == ["cites [5], which was not given"]
    assert final.text == a.ask(LOOKUP).text and "[5]" not in final.text


def test_the_switch_gives_quotes_only_without_asking_the_model(make_assistant):
    llm = Scripted(text=WRITTEN)
    a = seeded(make_assistant, llm=llm)
    (answer,) = a.chat_stream(LOOKUP, written=False)
    assert answer.mode == "extractive" and answer.note == SWITCHED_OFF and answer.citations and not llm.prompts
    assert answer_markdown(answer).endswith(f"\n\n*quotes only: {SWITCHED_OFF}*")
    plain = seeded(make_assistant)  # no model: the answer alone, no note
    (only,) = plain.chat_stream(LOOKUP)
    assert only.mode == "extractive" and only.note == "" and only.text == answer.text


def test_a_model_silent_past_its_deadline_falls_back_in_time(make_assistant):
    a = seeded(make_assistant, llm=Scripted(text=WRITTEN, delay=5))
    a.writer.timeout = 0.5
    items = list(a.chat_stream(LOOKUP))
    assert items[0] == Draft("", "scripted") and len(items) == 2
    assert (
        items[1].mode == "extractive" and items[1].note == "scripted did not answer within 0.5 s; showing the quotes."
    )


def test_a_model_error_mid_stream_falls_back(make_assistant):
    a = seeded(make_assistant, llm=Scripted(error="connection reset"))
    *_, final = a.chat_stream(LOOKUP)
    assert final.mode == "extractive" and final.note.startswith("scripted failed (ConnectionError: connection reset)")


def test_the_chat_turn_shows_the_draft_marked_then_only_the_checked_answer(make_assistant):
    a = seeded(make_assistant, llm=Scripted(text=WRITTEN + " <b>x</b>"))
    steps = list(respond(a, LOOKUP, [], [], Filters(), delay=0))
    contents = [s[0][-1]["content"] for s in steps]
    assert contents[0] == "Searching the cases…"
    drafts = [c for c in contents if 'class="draft-state"' in c]
    assert "scripted: writing; unchecked draft" in drafts[0]
    assert "checking each sentence against its source…" in drafts[-1]
    assert "&#91;5&#93;" in drafts[-1] and "&lt;b&gt;" in drafts[-1] and "<b>" not in drafts[-1]
    assert "cite-link" not in "".join(drafts)  # a draft's markers are not links: nothing in it is checked yet
    msgs, asked, answers, done = steps[-1]
    final = msgs[-1]["content"]
    assert done and "draft" not in final and answers[0].mode == "generated"
    assert final.endswith("*written by scripted, checked against 1 source; 2 unsupported sentences removed*")
    assert '<details class="removed"><summary>2 sentences removed by the citation check</summary>' in final
    assert "<li>“Nothing else &#91;5&#93;.” <em>(cites &#91;5&#93;, which was not given)</em></li>" in final


def test_removed_sentences_are_escaped_and_absent_when_none():
    answer = write('Hello <script>alert(1)</script> [9]. The woman called 999 [1]. "Invented words" [1].')
    html = removed_html(answer)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<li>") == 2 and "\n" not in html
    assert "which is not in the passage it cites" in html
    assert removed_html(write("The woman called 999 [1].")) == ""


def test_a_draft_is_escaped_and_not_linked():
    md = draft_markdown(Draft("Text [1] <img src=x onerror=alert(1)> [x](javascript:alert(1))\n\nmore", "m"))
    assert "<img" not in md and "](javascript:" not in md and "cite-link" not in md
    assert md.count("\n\n") == 1 and "<br><br>more▍" in md  # the body stays one HTML block


def switch_of(demo):
    (switch,) = [c for c in demo.config["components"] if c.get("props", {}).get("elem_id") == "written-answers"]
    return switch["props"]


def test_the_switch_names_the_model_or_says_why_it_is_off(make_assistant):
    import app

    with_model = switch_of(app.build(seeded(make_assistant, llm=Scripted(text=WRITTEN)), examples=[]))
    assert with_model["value"] is True and with_model["interactive"] is True
    assert with_model["info"] == "By scripted; each sentence is checked against its source. Off: quotes only."
    without = switch_of(app.build(seeded(make_assistant), examples=[]))
    assert without["value"] is False and without["interactive"] is False
    assert without["info"] == "Quotes only: no model is configured (start the server with --llm)."


def test_the_start_up_lines_name_the_model(make_assistant):
    stats = seeded(make_assistant).stats()
    lines = presentation.startup_lines(stats, "http://x/", llm="gemma (openai-like at http://h/v1)")
    assert lines[1] == (
        "Answers: written by gemma (openai-like at http://h/v1), every sentence checked against its sources "
        "(a switch turns it off)"
    )
    assert not any(line.startswith("Answers:") for line in presentation.startup_lines(stats, "http://x/"))
