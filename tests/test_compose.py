"""How answers name their cases, and how a question is cut into clauses."""

from assistant.compose import case_heading
from assistant.types import Hit


def _hit(title: str, force: str, date: str) -> Hit:
    return Hit("p", "c", title, force, "summary", None, "", "text", "s", None, 0.0, 0.0, 0.0, date=date)


def test_a_heading_does_not_repeat_what_the_title_says():
    said = _hit("Recommendations - Sussex Police, April 2021", "Sussex Police", "2021-04-01")
    assert case_heading(said) == "**Recommendations - Sussex Police, April 2021**"


def test_a_heading_adds_the_force_and_month_the_title_lacks():
    assert case_heading(_hit("Death in custody", "Kent Police", "2019-03-01")) == (
        "**Death in custody** — Kent Police, March 2019"
    )
    assert case_heading(_hit("Kent Police, May 2020", "Kent Police", "2019-03-01")) == (
        "**Kent Police, May 2020** — March 2019"
    )
    assert case_heading(_hit("Untitled", "", "")) == "**Untitled** — force not stated"


def test_a_case_lacking_the_part_asked_about_says_so():
    from assistant.answerers import _lacks
    from assistant.evidence import CaseEvidence
    from assistant.question import Intent

    def case(*sections: str) -> CaseEvidence:
        hits = [Hit(f"p{n}", "c", "T", "F", s, n or None, "", "t", "s", None, 0, 0, 0) for n, s in enumerate(sections)]
        return CaseEvidence("c", hits)

    story = case("summary")
    assert _lacks(story, Intent.RECOMMENDED) == "No recommendation is published for this case."
    assert _lacks(story, Intent.RESPONSE).startswith("No recommendation or force response")
    assert _lacks(case("summary", "recommendation"), Intent.RESPONSE).startswith("No force response")
    assert _lacks(case("summary", "recommendation"), Intent.RECOMMENDED) == ""
    assert _lacks(story, Intent.HAPPENED) == ""


def test_a_row_names_the_addressee_when_the_case_names_no_force():
    from assistant.compose import who

    rec = Hit("p", "c", "T", "", "recommendation", 1, "", "t", "s", None, 0, 0, 0, addressed_to="Kent Police")
    assert who(rec) == "Kent Police"
    assert who(Hit("p", "c", "T", "", "summary", None, "", "t", "s", None, 0, 0, 0)) == "Force not stated"
    national = Hit("p", "c", "T", "Kent Police", "recommendation", 1, "", "t", "s", None, 0, 0, 0, addressed_to="NPCC")
    assert who(national) == "NPCC (a Kent Police case)"  # asked who was told, the addressee comes first


def test_a_story_then_its_question_after_a_dash_are_two_clauses():
    from assistant.evidence import clauses

    story = "a bloke was found dead in his cell after officers didn't rouse him properly"
    assert clauses(f"{story} - what was the learning?") == [story, "what was the learning?"]
    one = "Which forces were told to sort out how footage is handled - force-wide?"  # a qualifier, not a question
    assert clauses(one) == [one]


def test_a_recommendation_awaiting_a_response_says_when_it_is_due():
    from dataclasses import replace

    from assistant.compose import status_shown

    rec = Hit("p", "c", "T", "F", "recommendation", 1, "awaiting response", "t", "s", None, 0, 0, 0)
    assert status_shown(replace(rec, response_due="2025-07-07")) == "awaiting response, response due 7 Jul 2025"
    inferred = replace(rec, response_due="2025-07-07", response_due_inferred=True)
    assert status_shown(inferred) == "awaiting response, response due about 7 Jul 2025"
    assert status_shown(rec) == "awaiting response"  # no date known: none made up
    assert status_shown(replace(rec, status="accepted", response_due="2025-07-07")) == "accepted"


def _passage(section: str, status: str, addressed_to: str = "") -> Hit:
    return Hit(
        "p",
        "c",
        "Recommendation - Sussex Police, March 2023",
        "Sussex Police",
        section,
        1,
        status,
        "text",
        "s",
        None,
        0.0,
        0.0,
        0.0,
        date="2023-03-01",
        addressed_to=addressed_to,
        response_due="2023-04-26",
    )


def test_a_lookup_opens_with_a_written_sentence_of_the_part_asked_about():
    from assistant.compose import in_short

    assert in_short(_passage("response", "accepted"), more_cases=False) == (
        "In short: Sussex Police accepted recommendation 1 of the case below; the response is quoted below [1]."
    )
    assert in_short(_passage("response", "not accepted"), more_cases=True).startswith(
        "In short: Sussex Police did not accept recommendation 1 of the first case below"
    )
    assert "responded to recommendation 1 of the case below (no status is published)" in in_short(
        _passage("response", "unknown"), more_cases=False
    )
    told = in_short(_passage("recommendation", "awaiting response", "College of Policing"), more_cases=False)
    assert told == (
        "In short: the IOPC's recommendation 1 of the case below went to College of Policing, which has yet to "
        "respond (response due 26 Apr 2023) [1]."
    )
    assert in_short(_passage("summary", ""), more_cases=False) == ""  # a story is quoted, not summed up


def test_how_the_cases_just_given_were_answered_is_said_first_in_their_order():
    from assistant.compose import statuses_in_short

    accepted, waiting = _passage("response", "accepted"), _passage("recommendation", "awaiting response", "Home Office")
    story = _passage("summary", "")
    assert statuses_in_short([accepted, waiting]) == (
        "In short: Sussex Police accepted recommendation 1 [1]; Home Office has yet to respond to recommendation 1 "
        "(response due 26 Apr 2023) [2]."
    )
    # A row that is no recommendation ends the sentence, so its markers stay in the rows' order.
    assert statuses_in_short([accepted, story, waiting]) == (
        "In short: Sussex Police accepted recommendation 1 [1]; 2 more below."
    )
    assert statuses_in_short([story, accepted]) == ""


def test_how_cases_just_given_were_answered_names_each_case_when_there_are_several():
    from dataclasses import replace

    from assistant.compose import statuses_in_short

    spit_guard = replace(_passage("recommendation", "unknown"), case_id="a", date="2021-04-01")
    disclosure = replace(_passage("response", "accepted"), case_id="b", date="2021-02-01")
    assert statuses_in_short([spit_guard, disclosure]) == (
        "In short: Sussex Police's response to recommendation 1 of the April 2021 case is not published [1]; "
        "Sussex Police accepted recommendation 1 of the February 2021 case [2]."
    )


def test_a_quote_that_runs_to_where_its_page_breaks_off_mid_word_says_so():
    from assistant.compose import quoted
    from assistant.types import Citation

    def cite(quote: str, passage: str) -> Citation:
        return Citation(
            1, "c", "t", "Cleveland Police", "force response to recommendation 1", 1, quote, passage, "s", None, 0.0
        )

    assert quoted(cite("Accepted action: Cleve", "Accepted action: Cleve")) == (
        "“Accepted action: Cleve” (the page breaks off here)"
    )
    assert quoted(cite("Accepted action.", "Accepted action. The force agr")) == "“Accepted action.”"
    assert quoted(cite("It was reviewed.", "It was reviewed.")) == "“It was reviewed.”"
    assert quoted(cite("in January 2022", "Title in January 2022")) == "“in January 2022”"  # a year ends a title


def test_how_recommendations_stand_is_counted_by_status():
    from assistant.compose import statuses_counted

    rows = [
        _passage("recommendation", "accepted"),
        _passage("recommendation", "accepted"),
        _passage("recommendation", "unknown"),
        _passage("recommendation", "awaiting response"),
        _passage("summary", ""),
    ]
    assert statuses_counted(rows) == "of the 4 recommendations, 2 accepted, 1 awaiting response, 1 unknown"
    assert statuses_counted([_passage("summary", "")]) == ""


def test_a_case_with_no_response_whose_story_says_how_it_was_taken_is_shown_by_that():
    from assistant.answerers import _lacks, _passages_for
    from assistant.evidence import CaseEvidence
    from assistant.question import Intent

    story = Hit(
        "s", "c", "T", "F", "summary", None, "", "Lancashire police accepted our recommendations.", "s", None, 0, 0, 0
    )
    rec = Hit("r", "c", "T", "F", "recommendation", 1, "unknown", "The IOPC recommends that…", "s", None, 0, 0, 0)
    w = CaseEvidence("c", [rec, story])
    assert (
        _lacks(w, Intent.RESPONSE) == "No force response is published for this case; its story says how it was taken:"
    )
    assert _passages_for(w, Intent.RESPONSE, 1) == [story]
    accepted = CaseEvidence(
        "c", [Hit("r", "c", "T", "F", "recommendation", 1, "accepted", "x", "s", None, 0, 0, 0), story]
    )
    assert _lacks(accepted, Intent.RESPONSE).endswith("its recommendation and status:")  # the status says it


def test_who_recommendations_went_to_names_each_body_its_sentence_names_and_cites_its_row():
    from assistant.compose import addressees_in_short
    from assistant.types import Citation

    def rec(n: int, case: str, passage: str, addressed: str) -> Citation:
        return Citation(
            n,
            case,
            "t",
            "Kent Police",
            "recommendation 1",
            1,
            passage,
            passage,
            "s",
            None,
            1.0,
            date="2021-03-01" if case == "a" else "2022-05-01",
            addressed_to=addressed,
        )

    both = rec(
        1, "a", "The IOPC recommends that Kent Police and Essex Police should review their policy.", "Kent Police"
    )
    plain = rec(2, "b", "A review of the policy is recommended.", "College of Policing")
    assert addressees_in_short([both, plain]) == (
        "Recommendation 1 of the March 2021 case [1] went to Kent Police and Essex Police; "
        "recommendation 1 of the May 2022 case [2] to College of Policing."
    )
    assert addressees_in_short([]) == ""
    again = rec(3, "a", "The IOPC recommends that Kent Police and Essex Police should train officers.", "Kent Police")
    again.rec_no = 2
    assert addressees_in_short([both, again]) == "Recommendations 1 [1] and 2 [3] went to Kent Police and Essex Police."
