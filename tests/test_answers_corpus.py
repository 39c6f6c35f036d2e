"""Every answer over the development corpus keeps its citation promises (runs when ../shared/corpus exists)."""

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, corpus_dir
from tests.test_assistant import assert_well_cited

pytestmark = pytest.mark.corpus


def _questions():
    corpus = corpus_dir()
    files = [ROOT / "bench" / "questions-own.jsonl", ROOT / "bench" / "questions-holdout.jsonl"] + (
        [corpus / "questions-dev.jsonl"] if corpus else []
    )
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("q", _questions(), ids=lambda q: q["id"])
def test_every_answer_is_well_cited(corpus_assistant, q):
    answer = corpus_assistant.ask(q["question"])
    assert_well_cited(answer)
    if not answer.abstained:
        assert answer.citations, "an answer that does not abstain must cite"


def test_special_scheme_list_names_the_met(corpus_copy):
    assert corpus_copy.ingest([str(SEED)]).added == [str(SEED)]  # the sample case is the one that answers it
    answer = corpus_copy.ask("Which forces changed special-scheme marker policy?")
    assert not answer.abstained and answer.kind == "list"
    assert any(c.force == "Metropolitan Police Service" and "Special Scheme" in c.passage for c in answer.citations)


def test_twins_are_one_case(corpus_assistant):
    lancashire = [
        c for c in corpus_assistant.cases() if c.force == "Lancashire Constabulary" and c.incident_month == "2022-08"
    ]
    assert len(lancashire) == 1
    assert sorted(s.rsplit("/", 1)[-1] for s in lancashire[0].sources) == [
        "iopc-recommendation-lancashire-constabulary-august-2022.txt",
        "recommendation-lancashire-constabulary-august-2022.txt",
    ]


def test_a_status_one_twin_states_is_shown_whichever_twin_is_quoted(corpus_assistant):
    # Sussex, August 2025: the accountability page says "Awaiting response"; its policeconduct twin says nothing.
    answer = corpus_assistant.ask("What were Sussex told about suicide risk assessments in August 2025?")
    first = [c for c in answer.citations if c.rec_no == 1 and "august 2025" in c.title.casefold()]
    sources = {c.source.rsplit("/", 1)[-1] for c in first}
    assert first and all(c.status == "awaiting response" for c in first), sources


def test_a_status_no_recommendation_has_is_said_and_the_rest_of_the_question_answered(corpus_assistant):
    none = corpus_assistant.ask("Which recommendations did forces turn down?")
    assert none.text.startswith("No recommendation in the ") and none.text.endswith("is marked “not accepted”.")
    kent = corpus_assistant.ask("Which Kent recommendations are still awaiting a response?")
    assert kent.text.startswith("No recommendation in the ") and "(force: Kent Police) is marked" in kent.text
    assert not kent.abstained and kent.citations and {c.force for c in kent.citations} == {"Kent Police"}


def test_a_case_quoted_from_its_twins_never_shows_one_sentence_twice(corpus_assistant):
    answer = corpus_assistant.ask("What happened in the Cleveland case from December 2020?")
    quotes = [" ".join(c.quote.split()).casefold() for c in answer.citations]
    assert not answer.abstained and len(quotes) == len(set(quotes))
    assert "december 2020" in answer.citations[0].title.casefold()


def test_a_question_about_one_force_shows_its_nearest_cases_when_none_clearly_matches(corpus_assistant):
    answer = corpus_assistant.ask("What was Kent Police told about using drones?")  # no case covers drones
    assert answer.abstained and answer.confidence == "low"
    assert "(filters: force: Kent Police)" in answer.text.splitlines()[0]
    assert answer.citations and {c.force for c in answer.citations} == {"Kent Police"}


@pytest.mark.parametrize("qid", ["t14", "t36"])
def test_a_story_with_the_cases_own_rare_words_finds_that_case_first(corpus_assistant, qid):
    """Related stories read alike to MiniLM ("dropped 999 calls", "fits in the cell"); the words only one case
    uses ("abandoned", "seizures") decide which comes first."""
    lines = (ROOT / "bench" / "questions-tune.jsonl").read_text(encoding="utf-8").splitlines()
    q = next(json.loads(line) for line in lines if json.loads(line)["id"] == qid)
    answer = corpus_assistant.ask(q["question"])
    assert Path(answer.citations[0].source).stem in q["expected_cases"], [c.title for c in answer.citations]


def test_a_lookup_asked_how_a_force_answered_says_so_in_a_sentence_first(corpus_assistant):
    answer = corpus_assistant.ask("was the Sussex strip search recommendation accepted?")
    first = answer.text.splitlines()[0]
    assert first.startswith("In short: Sussex Police accepted recommendation 1") and first.endswith("[1].")
    assert answer.citations[0].title == "Recommendation - Sussex Police, March 2023"  # the strip-search case
    assert answer.citations[0].section == "force response to recommendation 1"


def test_national_bodies_apart_from_forces_are_every_national_recommendation(corpus_assistant):
    answer = corpus_assistant.ask("Apart from individual forces, which national bodies have had IOPC recommendations?")
    assert answer.kind == "filter" and not answer.abstained
    bodies = {c.addressed_to or c.force for c in answer.citations}
    assert {"Home Office", "College of Policing", "National Police Chiefs' Council"} <= bodies


def test_asked_what_was_recommended_a_recommendation_is_quoted_where_it_says_what(corpus_assistant):
    # Sussex, August 2025: each recommendation opens with the case it arose from, then says what it asks.
    answer = corpus_assistant.ask(
        "A man took his own life while he was being looked at for an old rape allegation. What did the IOPC recommend?"
    )
    quoted = [c.quote for c in answer.citations if c.section.startswith("recommendation") and "2025" in c.title]
    assert quoted and all("recommends that" in q for q in quoted), quoted


def test_what_one_force_was_told_includes_a_case_whose_page_states_its_learning_before_it_breaks_off(
    corpus_assistant,
):
    # Met, November 2024: the captured page ends before its recommendations; its story states the learning.
    answer = corpus_assistant.ask(
        "What recommendations did the Met get about keeping victims of sexual assault updated?"
    )
    assert not answer.abstained
    assert "Metropolitan Police Service, November 2024" in answer.citations[0].title


def test_asked_whether_officers_were_disciplined_the_story_is_quoted_where_it_says(corpus_assistant):
    answer = corpus_assistant.ask(
        "Tasered bloke in West Yorkshire - how did he get hurt and were the officers disciplined?"
    )
    quotes = " ".join(c.quote for c in answer.citations if "West Yorkshire" in c.title)
    assert "no performance issues" in quotes
    assert "Man injured after being Tasered" not in quotes  # the title line is no quote


def test_asked_what_the_investigation_found_the_story_is_quoted_where_it_says(corpus_assistant):
    answer = corpus_assistant.ask("the city of london self harm in custody with ligatures - what did they find?")
    quotes = " ".join(c.quote for c in answer.citations if "City of London" in c.title)
    assert "In our view, the evidence indicated" in quotes


def test_asked_whether_the_force_agreed_a_story_that_says_so_is_quoted(corpus_assistant):
    first = corpus_assistant.chat(
        "what was the outcome for the cop who pulled a guys hair and kneed him in Wembley?", []
    )
    follow = corpus_assistant.chat("did the force agree with IOPC?", [first])
    assert any("the force disagreed with the Lead Investigator" in c.quote for c in follow.citations)


def test_asked_for_the_recommendations_of_a_case_with_none_its_story_says_what_learning_there_was(corpus_assistant):
    answer = corpus_assistant.ask("teenager welfare concerns in devon - any recs?")
    assert "No recommendation is published for this case." in answer.text
    quotes = " ".join(c.quote for c in answer.citations if "Devon" in c.title)
    assert "the investigation has not identified any learning" in quotes


def test_a_passage_shown_as_a_recommendation_is_quoted_by_what_it_recommends(corpus_assistant):
    answer = corpus_assistant.ask(
        "detainee on level 2 obs couldnt be roused and nobody rang an ambulance, the nurse just had a look. what was that?"
    )
    first = next(c for c in answer.citations if c.section.startswith("recommendation"))
    assert first.quote.startswith("The IOPC recommends that")
