"""List answers over the development corpus: each row is a recommendation or response that is itself about
the topic (runs when ../shared/corpus exists; the real model)."""

import pytest

pytestmark = pytest.mark.corpus


def test_a_response_is_weighed_with_the_recommendation_it_answers(corpus_assistant):
    """North Yorkshire's response names people and "these actions", not custody: it is listed for what its
    recommendation is about (guidance for custody staff)."""
    answer = corpus_assistant.ask(
        "Which forces have said what they are changing in custody since the IOPC's recommendation?"
    )
    assert answer.kind == "list" and not answer.abstained
    assert {c.section.split(" ")[0] for c in answer.citations} == {"force"}  # "force response to recommendation n"
    assert {"Bedfordshire Police", "North Yorkshire Police", "Sussex Police"} <= {c.force for c in answer.citations}


def test_a_case_with_no_response_is_listed_as_a_change_by_its_accepted_recommendation(corpus_assistant):
    answer = corpus_assistant.ask("Which forces changed how they handle domestic abuse after an IOPC recommendation?")
    hampshire = [c for c in answer.citations if c.force == "Hampshire and Isle of Wight Constabulary"]
    assert hampshire and all(c.section.startswith("recommendation") and c.status == "accepted" for c in hampshire)
    assert "accepted" in next(line for line in answer.text.splitlines() if "Hampshire" in line)
    assert "with none published, shown by the recommendation and its status" in answer.text.splitlines()[0]


def test_a_case_with_several_recommendations_is_listed_for_the_one_about_the_topic(corpus_assistant):
    """Sussex, August 2025 has one recommendation on suicide risk assessments and one on postal requisitions."""
    answer = corpus_assistant.ask("Which forces were told to review how they serve postal requisitions?")
    sussex = [c for c in answer.citations if c.force == "Sussex Police"]
    assert sussex and all(c.rec_no == 2 for c in sussex)


def test_what_a_force_was_told_to_do_is_read_as_a_recommendation_whatever_its_verbs(corpus_assistant):
    """Told "to get a joint agreement on how they respond together": "respond" is what the agreement is about."""
    answer = corpus_assistant.ask(
        "Which forces were told to get a joint agreement in place with the ambulance service or the NHS mental "
        "health trusts on how they respond together?"
    )
    assert answer.kind == "list" and not answer.abstained
    assert {c.section.split(" ")[0] for c in answer.citations} == {"recommendation"}
    assert {"Metropolitan Police Service", "Greater Manchester Police"} <= {c.force for c in answer.citations}
    assert "Memorandum of Understanding" in answer.text


def test_a_list_of_cases_by_an_everyday_word_for_them_finds_them(corpus_assistant):
    """Everyday "chases" are the cases' pursuits; "led to" frames the question and names no topic."""
    answer = corpus_assistant.ask("Which police chases led to learning recommendations for the force?")
    assert answer.citations and all("pursuit" in c.passage.lower() for c in answer.citations)
    assert {c.force for c in answer.citations} == {"Metropolitan Police Service"}
    # Their learning is told in the story (no recommendation is published apart): that is what is quoted.
    assert "learning" in answer.citations[0].quote and "told in the case's story" in answer.text.splitlines()[0]
