"""Reading a question: its kind, intent, the filters it states and its topic words (no model, no store)."""

import pytest

from assistant.question import Intent, lists_cases, read_question, search_text, stated_filters
from assistant.vernacular import in_case_terms


@pytest.mark.parametrize(
    "text, force",
    [
        ("what did the met do about strip searches?", "Metropolitan Police Service"),
        ("What did the Met do about strip searches?", "Metropolitan Police Service"),
        ("any gmp cases on restraint?", "Greater Manchester Police"),
        ("custody deaths in south yorks", "South Yorkshire Police"),
        ("Did the Square Mile force get slated?", "City of London Police"),
        ("a knifeman shot on Teesside", "Cleveland Police"),
        ("what did the chief constables' council tell forces?", "National Police Chiefs' Council"),
        ("bloke self harmed in a cell in the city of london", "City of London Police"),
        ("a man died after a chase in london", "Metropolitan Police Service"),
        ("lincs welfare reports case", "Lincolnshire Police"),
        ("what cases do we have for WMP?", "West Midlands Police"),
        ("devon and cornwall cases", "Devon and Cornwall Police"),
        ("met stop and search cases in 2020", "Metropolitan Police Service"),
        ("which met cases involved a taser?", "Metropolitan Police Service"),
    ],
)
def test_forces_are_read_in_any_case_and_by_what_trainers_call_them(text, force):
    assert read_question(text).filters.forces == [force]


@pytest.mark.parametrize(
    "text",
    [
        "how many cases involve west midlands police?",
        "how many cases involve GMP?",
        "what cases do we have for WMP?",
        "devon and cornwall cases",
        "what recs did kent get?",
    ],
)
def test_counting_or_listing_a_forces_cases_is_the_table_of_them(text):
    """Words such as "involve" and "recs", and a force's own name, are no topic: nothing narrows the scope."""
    q = read_question(text)
    assert q.kind == "filter" and q.filters.forces


@pytest.mark.parametrize(
    "text",
    [
        "Which recommendations went to the NPCC rather than to one force (not counting the College or the Home Office)?",
        "What was the NPCC told, other than what the Home Office was told?",
        "Any NPCC recommendations apart from those to the College of Policing?",
    ],
)
def test_a_force_the_question_leaves_out_is_no_filter(text):
    assert read_question(text).filters.forces == ["National Police Chiefs' Council"]


def test_a_force_named_further_on_after_rather_than_is_still_a_filter():
    assert read_question("Which forces were told to use Tasers rather than batons in Kent?").filters.forces == [
        "Kent Police"
    ]
    assert read_question("Forces other than the Met and Kent told to change?").filters.forces == []


def test_what_went_to_a_body_enumerates_its_recommendations():
    q = read_question("Which recommendations went to the chief constables' council rather than to one force?")
    assert q.kind == "filter" and q.filters.forces == ["National Police Chiefs' Council"]


@pytest.mark.parametrize(
    "text, status",
    [
        ("which recommendations to Sussex Police were accepted?", "accepted"),
        ("which recommendations are still waiting for a reply?", "awaiting response"),
        ("which recommendations did forces turn down?", "not accepted"),
        ("in which cases did the force push back and disagree with the IOPC?", "not accepted"),
        ("Are there any recommendations where the force still hasn't come back with an answer?", "awaiting response"),
        ("Which forces haven't got back to the IOPC yet?", "awaiting response"),
        ("which recs are still waiting on a response?", "awaiting response"),
        ("which forces have recommendations with no published response yet", "awaiting response"),
        ("which recs are still sitting there waiting for the force to reply?", "awaiting response"),
        ("Which recommendations did forces refuse to accept?", "not accepted"),
        ("who hasnt replied yet to their recommendations?", "awaiting response"),
        ("which forces never replied to the IOPC?", "awaiting response"),
    ],
)
def test_status_phrasing_is_a_filter(text, status):
    assert read_question(text).filters.statuses == [status]


def test_no_further_action_is_no_status():
    q = read_question(
        "Her ex, a serving copper, hit her and the force said no further action - what did the IOPC find?"
    )
    assert q.filters.statuses == []
    assert read_question("which forces said no to the recommendation?").filters.statuses == ["not accepted"]


def test_sitting_there_waiting_is_the_status_alone():
    q = read_question("Which IOPC recommendations are still sitting there waiting for the force to reply?")
    assert q.kind == "filter" and q.topic == []


def test_whether_each_was_accepted_asks_for_statuses_not_a_filter():
    q = read_question("which forces were told to change strip search policy, and whether each was accepted?")
    assert q.filters.statuses == []
    assert q.kind == "list"


@pytest.mark.parametrize(
    "text",
    [
        "Which recommendations did forces turn down?",
        "In which cases did the force push back and disagree with what the IOPC concluded?",
        "Which national bodies, rather than individual forces, have been handed IOPC recommendations?",
        "Summarise the IOPC recommendations made to Cleveland Police.",
        "Briefly outline the recommendations to Kent Police",
        "Apart from individual forces, which national bodies have had IOPC recommendations?",
    ],
)
def test_a_question_made_only_of_filters_is_a_filter_table(text):
    """The words that state the filter are not also its topic."""
    q = read_question(text)
    assert q.topic == []
    assert q.kind == "filter"


@pytest.mark.parametrize(
    "text",
    ["what happened in cases with the met since 2019?", "What happened in cases involving Kent Police?"],
)
def test_what_happened_in_a_scope_asks_for_the_cases_in_it(text):
    q = read_question(text)
    assert q.kind == "filter" and q.intent is Intent.HAPPENED and q.filters.has_scope()


def test_what_happened_with_a_topic_is_still_a_lookup():
    assert read_question("What happened when Kent officers restrained a man?").kind == "lookup"


def test_a_topic_next_to_a_status_stays_the_topic():
    q = read_question("Which strip search recommendations were not accepted?")
    assert q.filters.statuses == ["not accepted"]
    assert {"strip", "search"} <= {w.lower() for w in q.topic}
    assert q.kind == "list"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("Which forces changed their special scheme marker policy?", Intent.RESPONSE),
        ("Which forces were told to review their body worn video policy?", Intent.RECOMMENDED),
        ("Which forces were told to change their handcuffing training?", Intent.RECOMMENDED),
        ("which forces got told off about their custody record keeping?", Intent.RECOMMENDED),
        ("Which forces were told to agree with the NHS how they respond together?", Intent.RECOMMENDED),
        ("What did the IOPC tell Suffolk to change after the stabbing?", Intent.RECOMMENDED),
        ("Which forces were told to update their policy, and did they accept?", Intent.RESPONSE),
        ("Which forces changed what they were told to?", Intent.RESPONSE),
        ("Which forces got pulled up on how they use spit hoods?", Intent.RECOMMENDED),
        ("What happened to the man who died in the cell?", Intent.HAPPENED),
        ("What did the IOPC tell the NPCC about metal detectors?", Intent.RECOMMENDED),
        ("What did the Met say it had done about search warrants?", Intent.RESPONSE),
        ("What did the IOPC ask the government to do about it?", Intent.RECOMMENDED),
        ("What did the IOPC want the force to do about it?", Intent.RECOMMENDED),
        ("Which forces have been warned about leaving prisoners with plastic cutlery?", Intent.RECOMMENDED),
        ("What did the force say they'd change?", Intent.RESPONSE),
        ("Prisoner hid a bit of razor and cut his wrist - what did the IOPC say?", Intent.RECOMMENDED),
        ("What recommendations did the Met get about keeping victims updated?", Intent.RECOMMENDED),
        ("Which forces updated their strip search policy?", Intent.RESPONSE),
        ("Has Kent updated its guidance?", Intent.RESPONSE),
        ("teenager welfare concerns in devon - any recs?", Intent.RECOMMENDED),
        ("Was there any learning from it?", Intent.RECOMMENDED),
        ("and what did BTP say?", Intent.RESPONSE),
        ("what did the force say back?", Intent.RESPONSE),
    ],
)
def test_intent_picks_the_part_of_a_case_asked_about(text, intent):
    assert read_question(text).intent is intent


def test_what_someone_in_the_story_said_is_no_response():
    assert read_question("what did the officer say?").intent is Intent.ANY


def test_since_a_year_is_a_date_filter():
    f = read_question("custody deaths since 2019").filters
    assert (f.since, f.until) == ("2019", None)


def test_what_a_body_was_asked_to_change_is_its_recommendations():
    q = read_question("Anything the IOPC asked the College of Policing to change?")
    assert q.kind == "filter" and q.intent is Intent.RECOMMENDED and q.filters.forces == ["College of Policing"]


def test_how_many_recommendations_a_force_had_is_the_table_of_them():
    q = read_question("How many recommendations has Sussex had and were they all accepted?")
    assert q.kind == "filter" and q.intent is Intent.RESPONSE and q.filters.forces == ["Sussex Police"]
    assert read_question("How many cases involved a Taser?").kind == "list"  # a topic of its own: a list


@pytest.mark.parametrize(
    "text",
    [
        "An officer knocked, got no answer and left. When they went back he was dead. What was the force told?",
        "Her report sat in a tray waiting to be handed out, and he killed her. What was the force told to fix?",
        "Was a man awaiting trial ever left alone in a cell?",
        "He went missing and still hasn't come back. What was the force told?",
    ],
)
def test_a_status_word_in_the_story_is_no_filter(text):
    """Only the sentence that asks states a status, and only about a reply."""
    assert read_question(text).filters.statuses == []


def test_a_year_told_in_the_story_is_no_filter_and_one_asked_about_is():
    told = read_question("Exhibits were never logged before a trial in 2019. What did the IOPC tell the force?")
    assert (told.filters.since, told.filters.until) == (None, None)
    asked = read_question("A man hid a spoon in his cell. What did the IOPC say about that in 2022?")
    assert (asked.filters.since, asked.filters.until) == ("2022", "2022")


def test_a_status_in_the_asking_sentence_after_a_story_is_a_filter():
    q = read_question("We had a custody death last year. Which custody recommendations are still awaiting a response?")
    assert q.filters.statuses == ["awaiting response"]


def test_what_forces_as_a_whole_were_told_is_a_list():
    assert read_question("What have forces been told about spit guards?").kind == "list"
    assert read_question("What has the force been told about spit guards?").kind == "lookup"


def test_a_list_asked_after_a_fronted_clause_is_a_list():
    q = read_question("When the IOPC raised problems with spit guards, which forces actually did something about it?")
    assert q.kind == "list"
    assert q.intent is Intent.RESPONSE


def test_a_which_clause_inside_a_story_is_no_list():
    assert read_question("A man was held in a cell, which had no camera. What was the force told?").kind == "lookup"
    assert read_question("Has the IOPC said anything about putting a spit hood on a child?").kind == "lookup"


@pytest.mark.parametrize(
    "text",
    [
        "Which forces have told the IOPC what they are changing in their handcuffing training?",
        "Which forces are updating their missing person policy after a recommendation?",
        "What did the force do about it?",
    ],
)
def test_what_a_force_is_doing_or_did_asks_for_its_response(text):
    assert read_question(text).intent is Intent.RESPONSE


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("GMP cases from 2022?", "2022", "2022"),
        ("Which custody incidents from 2017 does the collection cover?", "2017", "2017"),
        ("cases from 2019 onwards", "2019", None),
        ("anything from 2019 on?", "2019", None),
        ("since 2019", "2019", None),
        ("from 2018 to 2020", "2018", "2020"),
        ("What about 2022 — anything on dropped 999 calls that year?", "2022", "2022"),
        ("how about 2019?", "2019", "2019"),
    ],
)
def test_from_a_year_is_that_year_unless_it_says_onwards(text, since, until):
    f = stated_filters(text)
    assert (f.since, f.until) == (since, until)


def test_the_word_asking_for_more_is_not_searched():
    assert search_text("any other cases about drones?") == "any cases about drones?"
    assert search_text("Were there any similar incidents in Kent?") == "Were there any incidents in Kent?"
    assert (
        search_text("Other similar incidents where metal was hidden")
        == "Other similar incidents where metal was hidden"
    )


def test_how_many_cases_asks_for_a_list_and_how_many_times_does_not():
    assert read_question("how many cases involve tasers?").kind == "list"
    assert read_question("How many forces were told to review their body worn video policy?").kind == "list"
    assert read_question("How many times was the man Tasered in the Met case?").kind == "lookup"


def test_the_joining_words_of_a_list_question_are_no_part_of_its_topic():
    q = read_question("Which police chases led to learning recommendations for the force?")
    assert q.topic == ["chases"] and q.intent is Intent.RECOMMENDED
    q = read_question("Which forces were pulled up because custody staff weren't recording observation levels?")
    assert q.intent is Intent.RECOMMENDED and "because" not in q.topic and "pulled" not in q.topic
    assert read_question("which forces were told to make sure officers can force entry quickly?").topic == [
        "officers",
        "entry",
        "quickly",
    ]


@pytest.mark.parametrize(
    "text, cases",
    [
        ("Which police chases led to learning recommendations?", True),
        ("In which cases did the force push back?", True),
        ("Which forces has the IOPC told to sort out body-cam policy?", False),
        ("What recommendations have been made about strip searches?", False),
        ("Who got told to do something about strip searches?", False),
        ("Which national bodies were told to act?", False),
    ],
)
def test_a_list_asks_for_cases_or_for_who_was_told(text, cases):
    assert lists_cases(text) is cases


@pytest.mark.parametrize(
    "text",
    [
        "Who's been told to do something about cutlery in cells?",
        "Who has been told to fix the cell CCTV?",
        "Has anyone been told to sort out the level of watch on prisoners in the cells?",
        "Was anyone told to improve how they record hate crime?",
        "Were any forces told to tighten up on body cams?",
        "Who got told to do something about strip searches?",
        "Has the IOPC told any force to sort out how custody set obs levels?",
        "Has the IOPC recommended anything about strip searches?",
        "Has the IOPC said anywhere that call handlers need better training on silent 999 calls? Which forces?",
    ],
)
def test_whether_anyone_was_told_is_a_list(text):
    assert read_question(text).kind == "list"


def test_whether_anyone_had_something_done_to_them_is_a_lookup():
    assert read_question("Has anyone been Tasered while pregnant?").kind == "lookup"


def test_a_month_named_with_its_year_is_when_it_happened():
    from ingest.layouts.common import months_of  # the rule a case's title month is read with

    text = "He stabbed her in January 2020; the review was in Sept 2021, not in 2019."
    assert months_of(text) == ["2020-01", "2021-09"]
    assert months_of("Any cases from 2019?") == []


@pytest.mark.parametrize(
    "text",
    ["officers met him at the station", "the criteria were met", "what met the threshold?", "were they all met?"],
)
def test_met_the_verb_is_no_force(text):
    assert read_question(text).filters.forces == []


@pytest.mark.parametrize(
    "text",
    [
        "how many concern for welfare cases are there?",
        "taser cases - list them please",
        "custody cases from cleveland",
        "stop and search cases involving the metropolitan police",
    ],
)
def test_cases_asked_for_as_such_are_a_list(text):
    assert read_question(text).kind == "list"


def test_whether_there_is_a_case_is_a_lookup():
    assert read_question("Any cases where a man died after a chase?").kind == "lookup"


@pytest.mark.parametrize(
    "text",
    [
        "were there any cases where a taser was used?",
        "why do investigations take so long?",
        "In the cases you showed, what happened next?",
        "how many officers were involved in cases about restraint?",
    ],
)
def test_cases_mentioned_in_passing_do_not_make_a_list(text):
    assert read_question(text).kind == "lookup"


@pytest.mark.parametrize(
    "text", ["which recommendations were only accepted in part?", "were any non-accepted ones challenged?"]
)
def test_accepted_in_passing_selects_nothing(text):
    assert read_question(text).filters.statuses != ["accepted"]


@pytest.mark.parametrize(
    "text, force",
    [
        ("cleaveland cases", "Cleveland Police"),
        ("cleavland custody recomendations", "Cleveland Police"),
        ("merseside police cases", "Merseyside Police"),
        ("greater manchster cases from 2022", "Greater Manchester Police"),
        ("any humbreside cases?", "Humberside Police"),
    ],
)
def test_an_area_written_with_a_slip_of_the_keys_is_its_force(text, force):
    q = read_question(text)
    assert q.filters.forces == [force] and q.topic in ([], ["custody"])


@pytest.mark.parametrize("text", ["a man in a corset", "a prisoner was sorry", "the officers were cleaver"])
def test_words_near_an_area_name_are_no_force(text):
    assert read_question(text).filters.forces == []


def test_body_before_a_camera_names_body_worn_video():
    """ "body" is generic ("national bodies"), but "body cams" is the cases' body-worn video."""
    topic = read_question("which forces were told to get officers to switch their body cams on?").topic
    assert topic[-2:] == ["body", "cams"]
    assert "body" not in read_question("which national bodies were told about strip searches?").topic
    assert "BWV" in in_case_terms(read_question("who was told about body cameras?").topic)
    assert "BWV" in in_case_terms(read_question("who was told about body worn cameras?").topic)
    assert "body" not in read_question("which body came up with it?").topic


def test_national_recs_are_the_national_recommendations():
    q = read_question("national recs")
    assert q.kind == "filter" and q.filters.national
