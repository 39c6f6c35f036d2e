"""How a message is read against the previous answer (assistant/conversation.py): by what it refers to."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.conversation import past_the_end, resolve
from assistant.question import Intent
from assistant.types import Answer, Citation, Filters


def _answer(question: str, cases: list[tuple[str, str]] = (), abstained: bool = False, **kw) -> Answer:
    cites = [
        Citation(n, cid, f"Case {cid}", force, "summary", None, "q", "q", f"{cid}.txt", None, 1.0)
        for n, (cid, force) in enumerate(cases, 1)
    ]
    return Answer(question=question, text="", citations=cites, abstained=abstained, query=question, **kw)


REFUSED = _answer("Any IOPC cases where a police dog bit someone during an arrest?", abstained=True)


@pytest.mark.parametrize(
    "message",
    [
        "What did the force change afterwards?",
        "Was that recommendation accepted?",
        "Which force was that?",
        "What happened to the officer who fired it?",
        "Did they go along with it?",
    ],
)
def test_a_message_that_refers_back_after_a_refusal_has_nothing_to_follow_up(message):
    assert resolve(message, [REFUSED]).kind == "nothing"


@pytest.mark.parametrize(
    "message",
    [
        "Which forces were told to rewrite their domestic abuse policy?",
        "What happened when the railway police arrested a 17-year-old in Croydon?",
        "What went wrong when a man on police bail in Essex went on to attack a woman?",
    ],
)
def test_a_message_that_stands_alone_after_a_refusal_is_read_on_its_own(message):
    follow = resolve(message, [REFUSED])
    assert follow.kind == "fresh" and follow.query == message


def test_a_new_force_replaces_the_force_the_previous_question_named():
    previous = _answer(
        "Any welfare-check cases from West Yorkshire where the man was found dead?",
        [("wy", "West Yorkshire Police")],
        filters=Filters(forces=["West Yorkshire Police"]),
    )
    follow = resolve("What about south yorks?", [previous])
    assert follow.kind == "scope"
    assert follow.question.filters.forces == ["South Yorkshire Police"]
    assert follow.query == "Any welfare-check cases from South Yorkshire Police where the man was found dead?"


def test_a_new_year_replaces_the_year_and_keeps_the_force():
    previous = _answer(
        "Which Sussex recommendations from 2020 were about body-worn video?",
        [("sx", "Sussex Police")],
        filters=Filters(forces=["Sussex Police"], since="2020", until="2020"),
    )
    follow = resolve("Same for 2021?", [previous])
    assert follow.kind == "scope"
    assert follow.question.filters.since == "2021" and follow.question.filters.forces == ["Sussex Police"]
    assert follow.query == "Which Sussex recommendations from 2021 were about body-worn video?"


def test_responses_and_items_point_at_the_cases_just_cited():
    previous = _answer(
        "Which forces were told to write guidance on abusers who threaten to kill themselves?",
        [("kent", "Kent Police"), ("hum", "Humberside Police")],
        kind="list",
    )
    responses = resolve("What did they actually do about it?", [previous])
    assert responses.kind == "responses" and responses.cases == ["kent", "hum"]
    assert resolve("Was that recommendation accepted?", [previous]).kind == "responses"
    item = resolve("Tell me more about the Humberside one.", [previous])
    assert item.kind == "item" and item.cases == ["hum"]
    assert resolve("the second one", [previous]).cases == ["hum"]


@pytest.mark.parametrize(
    "message",
    ["Did they go along with it?", "How did Sussex take that?", "How did they react?", "Did the force act on it?"],
)
def test_asking_how_the_force_took_a_recommendation_asks_for_its_responses(message):
    """Asking how a force took it ("go along with it", "react"): the force's response, not a new scope nor another look at the
    same cases, even when the message names the force already asked about."""
    previous = _answer(
        "What did the IOPC say to Sussex about officers filming arrest enquiries?",
        [("sx1", "Sussex Police"), ("sx2", "Sussex Police")],
        filters=Filters(forces=["Sussex Police"]),
    )
    follow = resolve(message, [previous])
    assert follow.kind == "responses" and follow.cases == ["sx1", "sx2"]


def test_a_force_named_in_a_question_about_responses_filters_the_cases_just_cited():
    previous = _answer(
        "What did the IOPC ask the government to do about strip searching children?",
        [("ho", "Home Office"), ("npcc", "National Police Chiefs' Council")],
    )
    follow = resolve("Did the Home Office accept it?", [previous])
    assert follow.kind == "responses" and follow.cases == ["ho", "npcc"]
    assert follow.question.filters.forces == ["Home Office"]
    assert follow.question.filters.case_ids == ["ho", "npcc"]


def test_a_status_selects_among_the_cases_just_cited_only_when_the_question_selects_by_it():
    previous = _answer(
        "Which forces were told to review their body worn video policy?",
        [("mer", "Merseyside Police"), ("cle", "Cleveland Police")],
        kind="list",
    )
    for message in [
        "Which of those were accepted?",
        "just the ones that were accepted",
        "only those accepted",
        "just the accepted ones",
    ]:
        selected = resolve(message, [previous])
        assert selected.kind == "responses" and selected.question.filters.statuses == ["accepted"], message
    asked = resolve("Have they agreed to it yet?", [previous])
    assert asked.kind == "responses" and asked.question.filters.statuses == []


def test_a_message_that_leans_back_after_an_answer_asks_about_its_cases():
    """The same message that has nothing to follow up after a refusal is about the cases just cited after an
    answer: a word or two of its own ("the officer who fired it") does not make it a question on its own."""
    previous = _answer("What happened when a man was Tasered on a bridge?", [("bridge", "Metropolitan Police Service")])
    follow = resolve("What happened to the officer who fired it?", [previous])
    assert follow.kind == "item" and follow.cases == ["bridge"]
    assert resolve("What happened to the officer who fired it?", [REFUSED]).kind == "nothing"


LISTED = _answer(
    "Which forces were told to review their body worn video policy?",
    [("mer", "Merseyside Police"), ("kent", "Kent Police"), ("sx", "Sussex Police")],
    kind="list",
)


@pytest.mark.parametrize(
    "message",
    [
        "Did anything change as a result?",
        "Has the force acted on it?",
        "Did they implement it?",
        "Did they put it into practice?",
        "Was the recommendation taken on board?",
        "Did they say yes?",
        "Is it still outstanding?",
        "Did the forces follow the advice?",
    ],
)
def test_everyday_ways_of_asking_what_was_done_ask_for_the_responses(message):
    follow = resolve(message, [LISTED])
    assert follow.kind == "responses" and follow.cases == ["mer", "kent", "sx"]


def test_a_long_message_with_nothing_of_its_own_still_follows_up():
    follow = resolve("Have Sussex got back to them on that yet, or is it still outstanding?", [LISTED])
    assert follow.kind == "responses" and follow.question.filters.forces == ["Sussex Police"]
    assert follow.question.filters.statuses == []  # asked about, not selected by


def test_what_a_named_force_did_is_its_response_among_the_cases_just_cited():
    follow = resolve("What did Sussex do?", [LISTED])
    assert follow.kind == "responses" and follow.question.filters.forces == ["Sussex Police"]


@pytest.mark.parametrize(
    "message, force",
    [
        ("Any in Devon?", "Devon and Cornwall Police"),
        ("Anything similar in Devon?", "Devon and Cornwall Police"),
        ("Same question for Essex", "Essex Police"),
    ],
)
def test_everyday_ways_of_asking_about_another_force_are_a_new_scope(message, force):
    follow = resolve(message, [LISTED])
    assert follow.kind == "scope" and follow.question.filters.forces == [force]


@pytest.mark.parametrize(
    "message, case",
    [
        ("Expand on the Kent case", "kent"),
        ("What happened in case 2?", "kent"),
        ("Can you say more about number 3?", "sx"),
    ],
)
def test_everyday_ways_of_pointing_at_one_case_are_that_case(message, case):
    follow = resolve(message, [LISTED])
    assert follow.kind == "item" and follow.cases == [case]


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("Tell me more about the Kent one", Intent.HAPPENED),
        ("Tell me more about the Kent one - what did Kent change?", Intent.RESPONSE),
        ("The second one: what was the force told to do?", Intent.RECOMMENDED),
    ],
)
def test_a_case_picked_by_its_place_or_force_is_asked_what_the_message_asks(message, intent):
    follow = resolve(message, [LISTED])
    assert follow.kind == "item" and follow.cases == ["kent"] and follow.question.intent is intent


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("What happened to the officer?", "item"),
        ("Who was the officer?", "item"),
        ("Which forces were involved?", "item"),
        ("Any others?", "more"),
    ],
)
def test_a_thing_named_before_with_nothing_else_leans_back(message, kind):
    """After a refusal there is nothing to follow up; after an answer it asks about the cases just cited (or
    for others than them)."""
    assert resolve(message, [REFUSED]).kind == "nothing"
    assert resolve(message, [LISTED]).kind == kind


@pytest.mark.parametrize("message", ["Any cases about the Taser?", "What about the Taser?"])
def test_a_new_subject_with_the_is_read_on_its_own(message):
    assert resolve(message, [LISTED]).kind == "fresh"


def test_a_scope_chosen_in_the_filters_since_the_last_answer_asks_again_in_it():
    previous = _answer("What did the force do about checks?", [("kent", "Kent Police"), ("dur", "Durham Constabulary")])
    kent = Filters(forces=["Kent Police"])
    again = resolve("What did the force do about checks?", [previous], kent)
    assert again.kind == "fresh" and again.question.filters.forces == ["Kent Police"]
    # with the filter already chosen for the last answer, a message that leans on it still follows it up
    before = _answer("Which forces were told about custody checks?", [("kent", "Kent Police")], filters=kent)
    assert resolve("What did they do about it?", [before], kent).kind == "responses"


LIST = _answer(
    "Which forces were told to improve how they check on people in cells?",
    [("kent", "Kent Police"), ("sussex", "Sussex Police"), ("gmp", "Greater Manchester Police")],
)


@pytest.mark.parametrize(
    ("message", "forces", "since", "until"),
    [
        ("just the ones from 2021", [], "2021", "2021"),
        ("which of those were from Kent?", ["Kent Police"], None, None),
        ("only the ones since 2020", [], "2020", None),
    ],
)
def test_a_scope_that_picks_among_the_cases_just_given_narrows_them(message, forces, since, until):
    follow = resolve(message, [LIST])
    assert follow.kind == "narrow" and follow.query == LIST.question
    f = follow.question.filters
    assert (f.case_ids, f.forces, f.since, f.until) == (["kent", "sussex", "gmp"], forces, since, until)
    assert follow.question.kind == "list"


def test_a_new_scope_without_picking_among_the_cases_asks_the_topic_again():
    follow = resolve("and in 2021?", [LIST])
    assert follow.kind == "scope" and not follow.question.filters.case_ids


@pytest.mark.parametrize(
    "message", ["any others like that?", "anything else?", "are there any more?", "more like this"]
)
def test_asking_for_more_asks_the_topic_again_without_the_cases_given(message):
    follow = resolve(message, [LIST])
    assert follow.kind == "more" and follow.query == LIST.question
    assert follow.question.filters.other_than == ["kent", "sussex", "gmp"] and not follow.question.filters.case_ids


def test_a_question_with_a_topic_of_its_own_is_not_asking_for_more():
    assert resolve("any other cases about drones?", [LIST]).kind == "fresh"


def test_asking_for_more_again_leaves_out_every_case_given_so_far():
    first = resolve("any others like that?", [LIST])
    second = _answer(LIST.question, [("essex", "Essex Police")], filters=first.question.filters)
    again = resolve("any more?", [LIST, second])
    assert again.kind == "more" and again.question.filters.other_than == ["kent", "sussex", "gmp", "essex"]


NEAREST = _answer(
    "A prisoner turned a plastic spork into a weapon: what was each force told?",
    [("hants-2017", "Hampshire Constabulary"), ("hants-2020", "Hampshire Constabulary")],
    abstained=True,
    confidence="low",
)


@pytest.mark.parametrize(
    ("message", "case"),
    [("Tell me more about the second one.", "hants-2020"), ("What happened in case 1?", "hants-2017")],
)
def test_a_case_picked_from_the_nearest_shown_is_that_case(message, case):
    follow = resolve(message, [NEAREST])
    assert follow.kind == "item" and follow.cases == [case]


@pytest.mark.parametrize("message", ["What did they do about it?", "Tell me more about that case.", "Was it accepted?"])
def test_what_leans_on_nearest_cases_without_picking_one_has_nothing_to_follow_up(message):
    assert resolve(message, [NEAREST]).kind == "nothing"


def test_a_new_scope_asks_for_the_part_of_a_case_the_message_names():
    """After "what was recommended?", "and what did North Yorkshire actually do about it?" wants the response."""
    previous = _answer(
        "A prisoner with a long-term illness wasn't seen by a medic for hours in North Yorkshire: what was recommended?",
        [("ny", "North Yorkshire Police")],
        abstained=True,
        filters=Filters(forces=["North Yorkshire Police"]),
    )
    follow = resolve("And what did North Yorkshire actually do about it?", [previous])
    assert follow.kind == "scope" and follow.question.intent is Intent.RESPONSE
    assert resolve("And in Kent?", [previous]).question.intent is Intent.RECOMMENDED


@pytest.mark.parametrize(
    "message, since, until",
    [
        ("Anything similar from the West Midlands a few years earlier?", None, "2022"),
        ("Any similar ones in West Midlands more recently?", "2024", None),
        ("And in the West Midlands in 2019?", "2019", "2019"),
    ],
)
def test_years_relative_to_the_previous_answer_are_read_from_its_years(message, since, until):
    previous = _answer(
        "What went wrong when the Met closed a missing report on a man from sheltered housing in 2023?",
        [("met", "Metropolitan Police Service")],
        filters=Filters(forces=["Metropolitan Police Service"], since="2023", until="2023"),
    )
    follow = resolve(message, [previous])
    assert follow.kind == "scope" and follow.question.filters.forces == ["West Midlands Police"]
    assert (follow.question.filters.since, follow.question.filters.until) == (since, until)


def test_a_topic_of_its_own_about_what_found_nothing_is_judged_with_it():
    """ "After that" points at the refused question: the message is not asked as if alone."""
    refused = _answer("Any learning about police horses injuring people at a march?", abstained=True)
    message = "What about the Met specifically: did they change anything for mounted officers after that?"
    follow = resolve(message, [refused])
    assert follow.kind == "fresh" and follow.query.startswith(refused.question) and follow.question.text == message
    assert follow.question.filters.forces == ["Metropolitan Police Service"]
    assert resolve("Which forces were told to rewrite their domestic abuse policy?", [refused]).query == (
        "Which forces were told to rewrite their domestic abuse policy?"
    )


@pytest.mark.parametrize("message", ["Did anyone get disciplined?", "Was the officer sacked?"])
def test_a_short_question_about_people_in_the_case_just_given_asks_about_that_case(message):
    previous = _answer(
        "What happened when a Devon man had seizures in the cells after being arrested drunk?",
        [("dc", "Devon and Cornwall Police")],
    )
    follow = resolve(message, [previous])
    assert follow.kind == "item" and follow.cases == ["dc"]
    assert follow.query == message  # searched by what it asks: the finding, not the story again
    assert resolve("Why?", [previous]).query.endswith(previous.question)


def test_the_one_that_went_to_every_force_is_the_national_case_just_given():
    from assistant.conversation import resolve
    from assistant.types import Answer, Citation

    def cite(n, case_id, force, to):
        return Citation(n, case_id, "t", force, "recommendation 1", 1, "q", "q", "s", None, 0.0, addressed_to=to)

    listed = Answer(
        question="Which forces have been warned about plastic cutlery in cells?",
        text="",
        citations=[
            cite(1, "hants", "Hampshire Constabulary", "Hampshire Constabulary"),
            cite(2, "npcc", "National Police Chiefs' Council", "National Police Chiefs' Council"),
        ],
        kind="list",
    )
    follow = resolve("Tell me more about the one that went out to every force, not just the one force.", [listed])
    assert follow.kind == "item" and follow.question.filters.case_ids == ["npcc"]


@pytest.mark.parametrize(
    "message", ["Did the same thing go out to all forces as well?", "Was that sent out nationally too?"]
)
def test_the_same_to_every_force_after_an_answer_with_no_national_case_asks_the_topic_nationally(message):
    previous = _answer(
        "What was Hampshire told about leaving plastic cutlery in the cell?",
        [("hants", "Hampshire and Isle of Wight Constabulary")],
        filters=Filters(forces=["Hampshire and Isle of Wight Constabulary"]),
    )
    follow = resolve(message, [previous])
    assert follow.kind == "scope" and follow.question.filters.national is True
    assert follow.question.filters.forces == [] and "plastic cutlery" in follow.query
    assert "Hampshire" not in follow.query


def test_the_force_already_asked_of_named_again_asks_how_the_cases_just_given_were_answered():
    previous = _answer(
        "Sussex again: man took his own life during a rape investigation. What did the IOPC recommend?",
        [("sx", "Sussex Police")],
        filters=Filters(forces=["Sussex Police"]),
    )
    follow = resolve("Have Sussex signed up to it yet?", [previous])
    assert follow.kind == "responses" and follow.cases == ["sx"] and follow.question.intent is Intent.RESPONSE
    # Another force named is a filter on those cases, as "did the Home Office accept it?" is.
    assert resolve("Have Kent signed up to it yet?", [previous]).question.filters.forces == ["Kent Police"]


def test_any_others_after_an_answer_limited_to_the_cases_given_looks_beyond_them():
    previous = _answer(
        "What was recommended about cutlery in custody? Did the NPCC accept it?",
        [("npcc", "National Police Chiefs' Council")],
        filters=Filters(case_ids=["hants", "npcc"], forces=["National Police Chiefs' Council"]),
    )
    follow = resolve("Any others like that?", [previous])
    assert follow.kind == "more" and follow.question.filters.case_ids == []
    assert follow.question.filters.other_than == ["npcc"]


def test_what_a_force_named_did_about_theirs_asks_for_its_responses_among_the_cases_given():
    previous = _answer(
        "Which forces were told about custody in 2021?",
        [("wm", "West Midlands Police"), ("kent", "Kent Police")],
        kind="list",
    )
    follow = resolve("What did West Midlands do about theirs?", [previous])
    assert follow.kind == "responses" and follow.question.filters.forces == ["West Midlands Police"]


@pytest.mark.parametrize(
    "message",
    [
        "who was that sent to?",
        "Who were the recs sent to?",
        "which forces was it sent to?",
        "who did it go to?",
        "who got the recommendation?",
        "and who was that aimed at?",
    ],
)
def test_asking_who_it_was_sent_to_is_a_table_of_the_recommendations_of_the_cases_just_given(message):
    follow = resolve(message, [LISTED])
    assert follow.kind == "sent to" and follow.cases == ["mer", "kent", "sx"]
    assert follow.question.kind == "filter" and follow.question.intent is Intent.SENT_TO
    assert follow.question.filters.case_ids == follow.cases


def test_who_the_second_one_was_sent_to_is_about_that_case_alone():
    assert resolve("who was the second one sent to?", [LISTED]).cases == ["kent"]


@pytest.mark.parametrize(
    "message",
    [
        "who else got the same rec?",
        "who was involved?",
        "who made the decision to stop the pursuit?",
        "who was the medication given to?",
        "who was the complaint sent to?",
    ],
)
def test_other_questions_about_who_are_not_about_where_it_was_sent(message):
    assert resolve(message, [LISTED]).kind != "sent to"


def test_how_many_cases_a_new_force_has_is_the_table_of_its_cases():
    previous = _answer(
        "how many cases are from cleveland", [("cl", "Cleveland Police")], filters=Filters(forces=["Cleveland Police"])
    )
    follow = resolve("how many cases involve GMP?", [previous])
    assert follow.kind == "scope" and follow.question.kind == "filter"
    assert follow.question.filters.forces == ["Greater Manchester Police"]


def test_who_else_got_the_same_recommendation_is_searched_by_what_it_recommends():
    previous = _answer("humberside domestic abuse rec", [("hum", "Humberside Police")])
    rec = previous.citations[0]
    rec.section, rec.rec_no = "recommendation 1", 1
    rec.passage = "A woman was harassed. The IOPC recommends that Humberside Police reviews its domestic abuse policy."
    follow = resolve("who else got the same rec?", [previous])
    assert follow.kind == "same" and follow.question.filters.other_than == ["hum"]
    assert follow.query == "The IOPC recommends that reviews its domestic abuse policy."


@pytest.mark.parametrize("message", ["did any other forces get that?", "which other bodies got it?"])
def test_asking_who_else_asks_the_topic_again_without_the_forces_it_named(message):
    previous = _answer(
        "humberside rec about domestic abuse suspects threatening suicide",
        [("hum", "Humberside Police")],
        filters=Filters(forces=["Humberside Police"]),
    )
    follow = resolve(message, [previous])
    assert follow.kind == "more" and follow.question.filters.forces == []
    assert follow.question.filters.other_than == ["hum"]
    assert "humberside" not in follow.query.lower()


@pytest.mark.parametrize("message", ["who else was there?", "who else was involved?"])
def test_asking_who_else_was_at_the_incident_is_not_asking_for_other_forces(message):
    assert resolve(message, [LISTED]).kind != "more"


def test_a_case_picked_by_its_year_is_that_case():
    previous = _answer("essex domestic violence cases", [("e15", "Essex Police"), ("e20", "Essex Police")])
    previous.citations[0].date, previous.citations[0].title = "2015-07-01", "Essex Police, July 2015 and March 2016"
    previous.citations[1].date = "2020-09-01"
    assert resolve("what about the 2020 one?", [previous]).cases == ["e20"]
    assert resolve("tell me more about the 2016 one", [previous]).cases == ["e15"]  # a year its title names


def test_asking_about_anywhere_else_drops_the_force():
    previous = _answer(
        "any recs about spit hoods in kent?", [("k1", "Kent Police")], filters=Filters(forces=["Kent Police"])
    )
    follow = resolve("ok what about anywhere?", [previous])
    assert follow.kind == "more" and follow.question.filters.forces == []
    assert follow.query == "any recs about spit hoods?"


def test_a_topic_asked_of_the_cases_of_a_scope_keeps_the_scope():
    hampshire = Filters(forces=["Hampshire and Isle of Wight Constabulary"])
    previous = _answer("hampshire custody cases", [("h1", hampshire.forces[0])], filters=hampshire, kind="list")
    within = resolve("any where the detainee self-harmed?", [previous])
    assert within.question.filters.forces == hampshire.forces and within.question.kind == "list"
    fresh = resolve("which forces were told to change their body worn video policy?", [previous])
    assert fresh.question.filters.forces == []


@pytest.mark.parametrize("message", ["how did the other forces respond?", "did the other forces accept it?"])
def test_how_the_other_forces_answered_asks_for_the_responses_of_the_cases_given(message):
    assert resolve(message, [LISTED]).kind == "responses"


def test_more_like_a_case_opened_from_a_table_is_searched_by_what_that_answer_quoted():
    previous = _answer(
        "the 2021 one merseyside cases", [("m21", "Merseyside Police")], filters=Filters(case_ids=["m21"])
    )
    previous.citations[0].quote = "Officers used force during an arrest and did not record it."
    follow = resolve("any others like that?", [previous])
    assert follow.kind == "more" and follow.question.kind == "lookup"
    assert follow.query == previous.citations[0].quote and follow.question.filters.other_than == ["m21"]


@pytest.mark.parametrize(
    ("message", "place"),
    [("tell me more about the fifth one", "fifth"), ("and the third?", "third"), ("what about the 12th case?", "12th")],
)
def test_a_place_past_the_last_case_given_is_said(message, place):
    previous = _answer("Which forces were told about metal detectors?", [("a", "Kent Police"), ("b", "Essex Police")])
    follow = resolve(message, [previous])
    assert follow.kind == "past the end"
    said = f"The last answer gave 2 cases, so there is no {place} one. Here it is again:"
    assert past_the_end(follow, "Two cases [1] [2]") == f"{said}\n\nTwo cases [1] [2]"
    # asked again of that reply, it says so once
    assert past_the_end(follow, f"{said}\n\nTwo cases [1] [2]") == f"{said}\n\nTwo cases [1] [2]"


def test_a_place_in_a_table_is_a_row_not_a_case():
    table = _answer(
        "Sussex recs", [("a", "Sussex Police"), ("a", "Sussex Police"), ("b", "Sussex Police")], kind="filter"
    )
    assert resolve("the third one", [table]).kind != "past the end"


def test_an_ordinal_that_names_no_place_is_no_pointer():
    cases = [(c, "Kent Police") for c in "abcde"]
    five = _answer("Which forces were told about metal detectors?", cases)
    two = _answer("Which forces were told about metal detectors?", cases[:2])
    message = "was a third party involved in those cases?"
    assert resolve(message, [five]).cases != ["c"] and resolve(message, [two]).kind != "past the end"
    assert resolve("tell me more about the second one", [two]).kind == "item"
    assert resolve("any similar case 10 years earlier?", [two]).kind != "past the end"


def test_the_forces_one_about_a_topic_is_the_one_its_words_describe():
    previous = _answer("list the Kent cases", [("probation", "Kent Police"), ("abuse", "Kent Police")])
    titles = {"probation": "Information passed to probation", "abuse": "Domestic abuse and suicide threats"}
    previous.citations = [replace(c, title=titles[c.case_id]) for c in previous.citations]
    assert resolve("the Kent one about domestic abuse", [previous]).cases == ["abuse"]
    assert resolve("the Kent one", [previous]).cases == ["probation"]  # no words of its own: the first


def test_the_cases_of_a_force_keep_it_when_selected_by_status():
    previous = _answer(
        "Merseyside cases?",
        [("a", "Merseyside Police"), ("b", "Merseyside Police")],
        filters=Filters(forces=["Merseyside Police"]),
    )
    follow = resolve("just the accepted ones", [previous])
    assert follow.question.filters.forces == ["Merseyside Police"] and follow.question.filters.case_ids == ["a", "b"]


def test_anywhere_else_after_a_scope_that_held_nothing_asks_the_topic_beyond_it():
    kent = _answer(
        "Were officers told to use metal detectors? in Kent", abstained=True, filters=Filters(forces=["Kent Police"])
    )
    follow = resolve("anywhere else?", [kent])
    assert follow.kind == "more" and follow.question.filters.forces == []
    assert resolve("anywhere else?", [REFUSED]).kind == "nothing"  # no scope: nothing to go beyond


@pytest.mark.parametrize(
    "message", ["how many is that?", "How many cases was that in total?", "so how many were there?", "how many?"]
)
def test_how_many_counts_what_the_last_answer_gave(message):
    from assistant.compose import counted

    cites = [("a", "Kent Police"), ("b", "Sussex Police"), ("a", "Kent Police")]
    given = _answer("Which forces were told to fix their custody records?", cites, kind="list")
    given.citations[1] = replace(given.citations[1], rec_no=1, section="recommendation 1")
    follow = resolve(message, [given])
    assert follow.kind == "count"
    answer = counted(given, message)
    assert answer.text.splitlines()[0] == "That is 2 cases, with 1 recommendation:"
    assert [(c.n, c.case_id) for c in answer.citations] == [(1, "a"), (2, "b")]
    assert "**Sussex Police** — Case b [2]" in answer.text
    assert resolve("how many were accepted?", [given]).kind != "count"
    assert resolve(message, [REFUSED]).kind == "nothing"


@pytest.mark.parametrize(
    "message", ["which were about custody?", "any of those about custody?", "Which ones were in custody?"]
)
def test_which_of_the_cases_given_were_about_a_topic_is_judged_among_them(message):
    given = _answer("list all the recommendations from 2021", [("a", "Kent Police"), ("b", "Sussex Police")])
    given.filters = Filters(since="2021", until="2021")
    follow = resolve(message, [given])
    assert follow.kind == "within" and follow.question.kind == "list"
    assert follow.question.filters.case_ids == ["a", "b"]
    assert (follow.question.filters.since, follow.question.filters.until) == ("2021", "2021")  # the year kept
    assert "custody" in follow.question.topic


def test_other_forces_asked_of_a_topic_of_its_own_search_it_beyond_the_force_and_the_cases_given():
    given = _answer("what about the North Yorkshire one about a chronic condition?", [("a", "North Yorkshire Police")])
    given.filters = Filters(forces=["North Yorkshire Police"])
    follow = resolve("any other forces told the same about chronic conditions?", [given])
    assert follow.kind == "more"
    assert follow.question.filters.forces == [] and follow.question.filters.other_than == ["a"]
    assert "chronic" in follow.query


def test_a_message_leaning_back_after_a_follow_up_that_found_nothing_reads_the_answer_before_it():
    given = _answer("wasnt there a case where a detainee sharpened a spork?", [("a", "Hampshire Constabulary")])
    nothing_more = _answer("who else got the same recommendation?", [("b", "Kent Police")], abstained=True)
    follow = resolve("which force was that?", [given, nothing_more])
    assert follow.kind != "nothing" and follow.cases == ["a"]
    assert resolve("which force was that?", [REFUSED]).kind == "nothing"  # a refusal with nothing before it


@pytest.mark.parametrize(
    "message", ["which force was that?", "What force was the original incident in?", "and which forces were they?"]
)
def test_which_force_gives_the_force_of_each_case_just_given(message):
    from assistant.compose import forces_given

    given = _answer(
        "the detainee who could not be roused", [("a", "Greater Manchester Police"), ("b", "Cleveland Police")]
    )
    given.citations[0] = replace(given.citations[0], addressed_to="College of Policing", section="recommendation 1")
    assert resolve(message, [given]).kind == "which force"
    answer = forces_given(given, message)
    assert answer.text.splitlines()[0] == "The 2 cases just given, by force:"
    assert "- **Greater Manchester Police** — Case a [1]; its recommendation went to College of Policing" in answer.text
    one = forces_given(_answer("q", [("b", "Cleveland Police")]), message)
    assert one.text.startswith("That was Cleveland Police's case:")
    assert resolve(message, [REFUSED]).kind in ("nothing", "fresh")  # never the forces of a refusal's nearest
