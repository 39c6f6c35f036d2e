"""List answers over the development corpus: each row is a recommendation or response that is itself about
the topic (runs when ../shared/corpus exists; the real model)."""

import pytest

pytestmark = pytest.mark.corpus


def test_a_list_of_what_forces_are_changing_lists_their_responses(corpus_assistant):
    """Each row is weighed on its own response: Bedfordshire's (a revised custody operating procedure) is listed
    although its case names custody less often than the cases whose responses name "custody suites"."""
    answer = corpus_assistant.ask("Which forces have told the IOPC what they are changing in their custody suites?")
    assert answer.kind == "list" and not answer.abstained
    assert {c.section.split(" ")[0] for c in answer.citations} == {"force"}  # "force response to recommendation n"
    assert {"Bedfordshire Police", "Lancashire Constabulary"} <= {c.force for c in answer.citations}


def test_a_case_with_several_recommendations_is_listed_for_the_one_about_the_topic(corpus_assistant):
    """Sussex, August 2025 has one recommendation on suicide risk assessments and one on postal requisitions."""
    answer = corpus_assistant.ask("Which forces were told to review how they serve postal requisitions?")
    sussex = [c for c in answer.citations if c.force == "Sussex Police"]
    assert sussex and all(c.rec_no == 2 for c in sussex)
