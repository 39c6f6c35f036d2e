"""Follow-ups over the development corpus, with the real model (runs when ../shared/corpus exists)."""

import pytest

from ingest.passages import case_date

pytestmark = pytest.mark.corpus

METAL_DETECTOR = "What were forces told about searching detainees with a metal detector?"


def test_a_new_scope_that_holds_a_case_the_answer_gave_is_answered(corpus_assistant):
    """The first answer cites the national recommendation and Lancashire's: Lancashire's case, found less
    clearly than the national one, is one the answer gave."""
    first = corpus_assistant.chat(METAL_DETECTOR, [])
    assert "Lancashire Constabulary" in {c.force for c in first.citations}
    scoped = corpus_assistant.chat("And in Lancashire?", [first])
    assert not scoped.abstained
    assert {c.force for c in scoped.citations} == {"Lancashire Constabulary"}


@pytest.mark.parametrize(
    "question, force",
    [
        (METAL_DETECTOR, "Kent"),
        ("Which forces were told to review their body worn video policy?", "Essex"),
        ("Any cases where police chased a car and it crashed?", "Kent"),
        # Kent's cases read alike ("ended badly") but none holds a pursuit or a chase
        ("Any cases where police car chases ended badly in London?", "Kent"),
    ],
)
def test_a_new_scope_with_no_case_on_the_topic_is_not_answered(corpus_assistant, question, force):
    first = corpus_assistant.chat(question, [])
    assert corpus_assistant.chat(f"And in {force}?", [first]).abstained


def test_a_force_named_in_a_question_about_responses_narrows_the_cases_just_cited(corpus_assistant):
    first = corpus_assistant.chat("Have any forces been told to search detainees with a metal detector wand?", [])
    assert {"Lancashire Constabulary", "National Police Chiefs' Council"} <= {c.force for c in first.citations}
    follow = corpus_assistant.chat("Did the NPCC accept it?", [first])
    assert not follow.abstained
    assert {c.force for c in follow.citations} == {"National Police Chiefs' Council"}


def test_asking_for_more_gives_other_cases_on_the_topic(corpus_assistant):
    first = corpus_assistant.chat("What happened when a man died after being restrained by Met officers?", [])
    assert first.citations and not first.abstained
    more = corpus_assistant.chat("any others like that?", [first])
    assert more.citations
    assert not {c.case_id for c in more.citations} & {c.case_id for c in first.citations}
    assert {c.force for c in more.citations} == {"Metropolitan Police Service"}  # the scope holds


def test_a_year_picks_among_the_cases_just_listed(corpus_assistant):
    first = corpus_assistant.chat("Which forces were told to change their bodycam policy?", [])
    assert len({c.case_id for c in first.citations}) > 1
    narrowed = corpus_assistant.chat("just the ones from 2021", [first])
    cases = corpus_assistant.catalog.cases
    assert narrowed.citations and {c.case_id for c in narrowed.citations} <= {c.case_id for c in first.citations}
    assert all(case_date(cases[c.case_id]).startswith("2021") for c in narrowed.citations)


def test_a_question_about_a_forces_one_case_is_judged_among_all_the_cases(corpus_assistant):
    """Suffolk has one case: weighed against nothing it stood out from nothing and was only "nearest", so "what
    was the force told to do?" had nothing to follow up."""
    first = corpus_assistant.chat("What happened in the Suffolk case where a woman was killed by her ex?", [])
    assert first.confidence == "high" and {c.force for c in first.citations} == {"Suffolk Constabulary"}
    told = corpus_assistant.chat("What was the force told to do?", [first])
    assert not told.abstained and told.citations[0].section == "recommendation 1"
    # Among all the cases a near-miss stays one, whichever force it names.
    assert corpus_assistant.chat("Did Kent Police use a drone to search for a missing man?", []).abstained


def test_a_new_scope_of_a_list_of_forces_stays_a_list_of_what_they_were_told(corpus_assistant):
    first = corpus_assistant.chat("Which forces were told to improve how they use body-worn video?", [])
    earlier = corpus_assistant.chat("Any from before 2021?", [first])
    assert earlier.citations and all(c.section.startswith("recommendation") for c in earlier.citations)


def test_what_was_done_about_the_cases_just_given_says_so_in_its_first_line(corpus_assistant):
    first = corpus_assistant.chat("Which forces were told to rewrite their domestic abuse policy?", [])
    done = corpus_assistant.chat("What did they do about it?", [first])
    lead, head = done.text.split("\n\n")[:2]
    assert lead.startswith("In short: ") and "accepted recommendation" in lead  # how they answered, said first
    assert head.startswith(f"{len({c.case_id for c in done.citations})} of the cases just given")
    assert "closest checked" not in head  # the conversation chose the cases, not a search
    accepted = corpus_assistant.chat("Which of those were accepted?", [first, done])
    assert "(filters: status: accepted; " in accepted.text.split("\n\n")[1]


def test_what_about_a_year_asks_the_same_topic_in_that_year(corpus_assistant):
    first = corpus_assistant.chat("In 2023, was anyone told to change how call takers handle silent 999 calls?", [])
    assert first.citations and first.filters.since == "2023"
    other = corpus_assistant.chat("What about 2022 — anything on dropped 999 calls that year?", [first])
    assert other.filters.since == other.filters.until == "2022"
    cases = corpus_assistant.catalog.cases
    assert other.citations and all(case_date(cases[c.case_id]).startswith("2022") for c in other.citations)
    assert any("abandoned" in c.passage for c in other.citations)


def test_a_scope_none_of_the_cases_just_given_is_in_is_looked_for_among_all(corpus_assistant):
    first = corpus_assistant.chat("Which forces were told to change their bodycam policy since 2022?", [])
    cases = corpus_assistant.catalog.cases
    assert first.citations and not any(case_date(cases[c.case_id]).startswith("2021") for c in first.citations)
    narrowed = corpus_assistant.chat("Just the ones from 2021?", [first])
    given = len({c.case_id for c in first.citations})
    assert narrowed.text.startswith(
        "The case just given is not in this scope" if given == 1 else f"None of the {given} cases just given"
    )
    assert not narrowed.abstained and narrowed.citations
    assert all(case_date(cases[c.case_id]).startswith("2021") for c in narrowed.citations)
    assert any("body worn" in c.passage.lower() for c in narrowed.citations)


def test_asked_whether_it_was_accepted_a_case_whose_story_says_so_is_shown_by_that(corpus_assistant):
    first = corpus_assistant.chat(
        "There was one in Lancashire where two retired senior officers complained about how a senior officer had "
        "run a misconduct investigation into them. What did the IOPC find?",
        [],
    )
    taken = corpus_assistant.chat("And did Lancashire accept what they were told?", [first])
    assert "whose story says how it was taken" in taken.text
    assert any("accepted our recommendations" in c.quote for c in taken.citations if "June 2017" in c.title)


def test_the_same_to_every_force_is_asked_of_the_national_recommendations(corpus_assistant):
    first = corpus_assistant.chat(
        "Hampshire got told something about leaving plastic cutlery in the cell with a prisoner who's at risk - "
        "what was it?",
        [],
    )
    nationally = corpus_assistant.chat("Did the same thing go out to all forces as well?", [first])
    assert not nationally.abstained
    assert "National Police Chiefs" in nationally.citations[0].force


def test_who_a_recommendation_was_sent_to_names_every_body_its_sentence_names(corpus_assistant):
    first = corpus_assistant.chat("woman overdosed and the ambulance took hours to come, gmp", [])
    assert not first.abstained
    sent = corpus_assistant.chat("who was that sent to?", [first])
    lead = sent.text.split("\n\n")[0]
    assert lead.startswith("Recommendation 1") and "went to" in lead
    assert {"Cumbria Constabulary", "Lancashire Constabulary", "Greater Manchester Police"} <= {
        name for name in corpus_assistant.catalog.forces() if name in lead
    }
    assert {c.case_id for c in sent.citations} <= {c.case_id for c in first.citations}
    rows = [c for c in sent.citations if not c.section.startswith("force response")]
    assert all(f"[{c.n}]" in lead for c in rows)  # every row: who its recommendation went to, or that it has none


def test_more_of_the_same_that_the_force_has_none_of_is_looked_for_among_all_the_cases(corpus_assistant):
    first = corpus_assistant.chat("kent domestic abuse rec about the partner threatening suicide", [])
    assert {c.force for c in first.citations} == {"Kent Police"}
    more = corpus_assistant.chat("any others like that?", [first])
    assert more.text.startswith("No other case in this scope (force: Kent Police); among all the")
    assert not more.abstained and more.citations
    assert not {c.case_id for c in more.citations} & {c.case_id for c in first.citations}


def test_a_scope_that_holds_nothing_on_the_topic_shows_its_nearest_as_nearest(corpus_assistant):
    """Metal detectors were recommended in 2022 only: 2020's nearest (plastic cutlery in cells) is no answer."""
    first = corpus_assistant.chat("Which forces were told to search detainees with metal detectors?", [])
    assert not first.abstained
    narrowed = corpus_assistant.chat("just the ones from 2020", [first])
    assert narrowed.abstained and narrowed.confidence == "low"
    assert "No case clearly matches" in narrowed.text


def test_who_else_got_the_same_recommendation_finds_the_word_for_word_one_or_says_none(corpus_assistant):
    first = corpus_assistant.chat("humberside rec about domestic abuse suspects threatening suicide", [])
    same = corpus_assistant.chat("who else got the same rec?", [first])
    assert not same.abstained and same.citations[0].force == "Kent Police"
    sporks = corpus_assistant.chat("which forces got told to stop leaving sporks with detainees?", [])
    nobody = corpus_assistant.chat("who else got the same rec?", [sporks])
    assert nobody.abstained and nobody.confidence == "low"


def test_a_force_named_two_answers_back_is_looked_for_there(corpus_assistant):
    first = corpus_assistant.chat(
        "which forces were told to give officers guidance when a DA victim says the abuser is threatening suicide?", []
    )
    assert "Humberside Police" in {c.force for c in first.citations}
    others = corpus_assistant.chat("who else?", [first])
    assert "Humberside Police" not in {c.force for c in others.citations}
    follow = corpus_assistant.chat("what did humberside do?", [first, others])
    assert not follow.abstained
    assert {c.force for c in follow.citations} == {"Humberside Police"}
    assert any(c.section.startswith("force response") for c in follow.citations)


def test_the_national_recommendation_asked_of_is_the_one_of_the_cases_just_given(corpus_assistant):
    first = corpus_assistant.chat("what happened in the spork case?", [])
    follow = corpus_assistant.chat("what did the national recommendation say?", [first])
    assert not follow.abstained and follow.citations
    assert {c.case_id for c in follow.citations} <= {c.case_id for c in first.citations}
    assert {c.force for c in follow.citations} == {"National Police Chiefs' Council"}


def test_a_force_no_case_is_filed_under_is_looked_for_in_the_stories(corpus_assistant):
    answer = corpus_assistant.chat("case were woman rang derbyshire about her ex and then got murdered?", [])
    assert answer.text.startswith("No case is filed under Derbyshire Constabulary.")
    assert not answer.abstained and {c.force for c in answer.citations} == {"West Yorkshire Police"}
    assert "cases naming Derbyshire Constabulary" in answer.text
    # a force no story names either: nothing, as before
    assert corpus_assistant.chat("any Avon and Somerset cases about custody deaths?", []).abstained


def test_more_of_the_same_is_judged_against_the_answer_it_follows(corpus_assistant):
    first = corpus_assistant.chat("has anyone been told to use metal detectors when booking people in?", [])
    assert {"Lancashire Constabulary", "National Police Chiefs' Council"} <= {c.force for c in first.citations}
    # no other case is about metal detectors: the nearest custody recommendations are shown as nearest
    more = corpus_assistant.chat("any others?", [first])
    assert more.abstained and more.confidence == "low"


def test_which_of_a_table_were_about_a_topic_keeps_its_year(corpus_assistant):
    table = corpus_assistant.chat("list all the recommendations from 2021", [])
    follow = corpus_assistant.chat("which were about custody?", [table])
    assert not follow.abstained and follow.citations
    assert {c.case_id for c in follow.citations} <= {c.case_id for c in table.citations}
    assert all(c.date.startswith("2021") for c in follow.citations)


def test_a_follow_up_about_the_cases_just_given_keeps_their_order(corpus_assistant):
    first = corpus_assistant.chat(
        "bloke kept ringing 999 over 30 times saying the neighbours were gonna batter him", []
    )
    assert "West Midlands" in first.citations[0].title
    follow = corpus_assistant.chat("was anyone disciplined?", [first])
    assert follow.citations[0].case_id == first.citations[0].case_id
