"""The API end to end over the seed case: ingest, search, cited answers, abstention, filters, follow-ups."""

import re
import threading

from assistant import Answer, Filters
from tests.conftest import SEED

QUESTION = "Which forces changed special-scheme marker policy?"


def assert_well_cited(answer: Answer):
    """Every [n] refers to a citation, every citation is referred to, every quote is in its passage."""
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert c.quote and c.quote in c.passage
    if answer.abstained and answer.citations:
        # Only a low-confidence answer abstains with citations: the nearest cases, said to be only that.
        assert answer.confidence == "low" and answer.text.startswith("No case clearly matches")


def test_special_scheme_answer_cites_the_met(seeded):
    answer = seeded.ask(QUESTION)
    assert_well_cited(answer)
    assert not answer.abstained
    assert "Metropolitan Police Service" in answer.text
    c = next(c for c in answer.citations if "Special Scheme Policy" in c.passage)
    assert c.force == "Metropolitan Police Service"
    assert c.title == "Response to calls for assistance - Metropolitan Police Service, June 2018"
    assert c.section in ("force response to recommendation 1", "recommendation 1")
    assert c.source == str(SEED)
    assert c.rec_no == 1


def test_search_ranks_the_amended_policy_first(seeded):
    hits = seeded.search("special scheme marker", k=10)
    assert hits, "the seed case has passages on special scheme markers"
    assert "special scheme" in hits[0].text.lower()
    assert len({h.id for h in hits}) == len(hits)


def test_abstains_on_an_unrelated_question(seeded):
    answer = seeded.ask("Which forces bought new helicopters for road policing?")
    # Nothing answers it: the answer abstains, and any case it shows is marked as only the nearest.
    assert answer.abstained and answer.confidence in ("low", "none")
    assert not answer.citations or answer.text.startswith("No case clearly matches")
    assert "nothing" in answer.text and "1 cases" in answer.text


def test_filters_restrict_and_are_reported(seeded):
    none = seeded.ask(QUESTION, filters=Filters(forces=["Kent Police"]))
    assert none.abstained and "Kent Police" in none.text
    met = seeded.ask(QUESTION, filters=Filters(forces=["Met"], since="2018", until="2019"))
    assert not met.abstained and "force: Metropolitan Police Service" in met.text
    assert_well_cited(met)


def test_filter_question_lists_every_recommendation_with_status(seeded):
    answer = seeded.ask(
        "Show me the recommendations made to the Metropolitan Police Service and whether each was accepted"
    )
    assert answer.kind == "filter"
    assert_well_cited(answer)
    assert {c.rec_no for c in answer.citations} == {1, 2, 3}
    assert answer.text.count("| accepted |") == 3


def test_follow_up_keeps_the_cases_of_the_previous_turn(seeded):
    first = seeded.chat(QUESTION, [])
    follow = seeded.chat("What did they do about it?", [first])
    assert_well_cited(follow)
    assert not follow.abstained
    assert follow.filters.case_ids == sorted({c.case_id for c in first.citations})
    scoped = seeded.chat("and in Kent?", [first])
    assert scoped.abstained and scoped.filters.forces == ["Kent Police"]


def test_reingest_is_unchanged_and_stats_count(seeded):
    report = seeded.ingest([str(SEED)])
    assert report.unchanged == [str(SEED)] and not report.added
    stats = seeded.stats()
    assert (stats.cases, stats.sources, stats.recommendations) == (1, 1, 3)
    assert stats.by_status == {"accepted": 3}


def test_warm_reads_what_an_answer_reads_and_writes_nothing(make_assistant):
    empty = make_assistant()
    empty.warm()  # nothing to load: no sample is ingested behind the user's back
    assert empty.stats().passages == 0
    assert empty.ingest([str(SEED)]).ok
    fresh = make_assistant()  # a new process's Assistant on the same store
    generation = fresh.store.generation()
    fresh.warm()
    assert fresh.catalog.passages and fresh.store.generation() == generation


def test_a_start_loads_indexes_beside_the_catalog_and_leaves_no_thread(make_assistant):
    assert make_assistant().ingest([str(SEED)]).ok
    fresh = make_assistant()
    assert fresh.catalog.passages
    # The loading thread is joined before the first View is used: nothing reads the store behind it.
    assert not [t for t in threading.enumerate() if t.name == "index-load"]
