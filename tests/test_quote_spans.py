"""What a lookup quotes: a paragraph twin sources repeat once, and no title line (assistant/answerers.py, quotes.py)."""

from assistant.answerers import _distinct_quotes
from assistant.types import Hit


def _hit(hid: str, source: str, section: str, rec_no: int | None, text: str) -> Hit:
    return Hit(hid, "case", "title", "Cleveland Police", section, rec_no, "", text, source, None, 0, 0, 0)


def _whole(*hits: Hit) -> dict[str, tuple[int, int]]:
    return {h.id: (0, len(h.text)) for h in hits}


def test_a_twins_copy_spaced_differently_is_dropped_for_the_longer_quote():
    short = _hit("b", "twin.txt", "summary", None, "The man was taken to a custody suite where he was detained.")
    long = _hit("a", "page.txt", "summary", None, "The man was taken to a custody suite where he wasdetained. He fell.")
    assert [h.id for h in _distinct_quotes([short, long], _whole(short, long))] == ["a"]


def test_a_twins_copy_of_the_same_recommendation_is_dropped_though_its_passage_is_cut_differently():
    a = _hit("a", "page.txt", "recommendation", 1, "The force should review its policy. It applies to all staff.")
    b = _hit("b", "twin.txt", "recommendation", 1, "The force should review its policy. Staff will be trained.")
    spans = {"a": (0, 35), "b": (0, 35)}
    assert [h.id for h in _distinct_quotes([a, b], spans)] == ["a"]


def test_two_recommendations_of_one_source_opening_alike_are_both_kept():
    a = _hit("a", "page.txt", "recommendation", 1, "The IOPC recommends that the force reviews A.")
    b = _hit("b", "page.txt", "recommendation", 2, "The IOPC recommends that the force reviews B.")
    spans = {"a": (0, 29), "b": (0, 29)}
    assert [h.id for h in _distinct_quotes([a, b], spans)] == ["a", "b"]


def test_different_quotes_of_twins_are_both_kept():
    a = _hit("a", "page.txt", "summary", None, "The man was arrested.")
    b = _hit("b", "twin.txt", "summary", None, "He was taken to hospital.")
    assert [h.id for h in _distinct_quotes([a, b], _whole(a, b))] == ["a", "b"]


def test_a_quote_leaves_out_the_title_line_its_first_sentence_runs_on_from():
    from assistant.quotes import after_title

    title = "Recommendations - Sussex Police, August 2025"
    text = f"{title} We identified organisational learning as a result of an investigation. More."
    first = (0, text.index("More.") - 1)
    start, end = after_title(text, first, title)
    assert text[start:end] == "We identified organisational learning as a result of an investigation."
    assert after_title(title, (0, len(title)), title) == (0, len(title))  # a title alone stays quoted
    assert after_title(text, (len(title) + 1, len(text)), title) == (len(title) + 1, len(text))


def test_a_title_that_reads_like_the_question_does_not_win_the_quote():
    from assistant.quotes import best_spans
    from tests.support.hash_embedder import HashEmbedder

    embedder = HashEmbedder()
    title = "Man injured after being Tasered - West Yorkshire Police, November 2017"
    text = f"{title}\nIn November 2017 a call came in from the city centre. After the Taser he fell and was injured."
    question = "Man injured after being Tasered in West Yorkshire: how was he injured?"
    ((start, end),) = best_spans([text], question, embedder.embed([question])[0], embedder, titles=[title])
    assert not text[start:end].startswith(title) and "injured" in text[start:end]
    ((start, _),) = best_spans([text], question, embedder.embed([question])[0], embedder)
    assert text[start:].startswith(title)  # without the title given, the title line wins: what this guards
