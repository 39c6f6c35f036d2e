"""Which cases a lookup shows and in which order a case's passages are read (assistant/answerers.py, evidence.py)."""

from assistant.answerers import shown_cases
from assistant.evidence import CaseEvidence, reorder_passages
from assistant.question import Intent
from assistant.settings import DEFAULT
from assistant.types import Hit


def _case(case_id: str, strength: float, sections: tuple[str, ...]) -> CaseEvidence:
    hits = [
        Hit(f"{case_id}-{s}", case_id, case_id, "Kent Police", s, None, "", "x", "x", None, 0, 0, 0) for s in sections
    ]
    return CaseEvidence(case_id, hits, sentence=strength / 2, alignment=strength / 2)


STORIES = [_case(c, 1.2 - i * 0.05, ("summary",)) for i, c in enumerate(["a", "b", "c", "d"])]
TOLD = _case("told", 1.0, ("summary", "recommendation"))
FAR = _case("far", 0.5, ("summary", "recommendation"))


def test_a_close_case_that_publishes_what_the_force_was_told_takes_the_last_place():
    shown = shown_cases([*STORIES, TOLD], Intent.RECOMMENDED, DEFAULT)
    assert [w.case_id for w in shown] == ["a", "b", "told"]


def test_the_cases_are_left_as_they_are_when_one_shown_publishes_it_or_nothing_close_does():
    assert [w.case_id for w in shown_cases([*STORIES[:2], TOLD, STORIES[2]], Intent.RECOMMENDED, DEFAULT)] == [
        "a",
        "b",
        "told",
    ]
    assert [w.case_id for w in shown_cases([*STORIES, FAR], Intent.RECOMMENDED, DEFAULT)] == ["a", "b", "c"]
    assert [w.case_id for w in shown_cases([*STORIES, TOLD], Intent.ANY, DEFAULT)] == ["a", "b", "c"]


def test_of_passages_about_as_close_the_one_naming_the_questions_words_comes_first():
    def case() -> CaseEvidence:
        w = _case("met", 1.0, ("response", "response", "response"))
        w.passage_score = {"met-response": 0.50, "met-response-2": 0.46, "met-response-3": 0.20}
        for h, pid in zip(w.passages, w.passage_score, strict=True):
            h.id = pid
        return w

    names_the_words = {"met-response-2": 1.0, "met-response-3": 1.0}
    plain, weighed = case(), case()
    reorder_passages([plain], names_the_words, 0.0)
    reorder_passages([weighed], names_the_words, DEFAULT.passage_keyword_weight)
    assert [h.id for h in plain.passages] == ["met-response", "met-response-2", "met-response-3"]
    # a close passage that names the words moves up; a far one does not
    assert [h.id for h in weighed.passages] == ["met-response-2", "met-response", "met-response-3"]
