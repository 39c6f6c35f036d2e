"""Everyday words reach the cases' terms in the keyword search (assistant/vernacular.py)."""

import pytest

from assistant.vernacular import in_case_terms, is_everyday, keyword_query, phrased_words


def test_everyday_words_add_the_cases_terms():
    query = keyword_query("A drunk lad was locked up and started having fits; the medic did nothing")
    assert query.startswith("A drunk lad was locked up")  # the question itself is kept whole
    assert {"custody", "seizure", "intoxicated", "healthcare", "man"} <= set(query.split())


def test_a_question_in_the_cases_terms_is_left_as_it_is():
    question = "What was recommended about Taser training and handcuffing in custody?"
    assert keyword_query(question) == question
    assert keyword_query("Was a ladder used to reach the loft?") == "Was a ladder used to reach the loft?"


@pytest.mark.corpus
def test_a_case_retold_in_everyday_words_comes_first_in_the_keyword_ranking(corpus_assistant):
    question = (
        "A drunk bloke locked up for causing damage started having fits in the cell, and the medic's treatment "
        "didn't stop them. What did the IOPC find?"
    )
    wanted = "Man becomes unwell in custody - Devon and Cornwall"
    assert not corpus_assistant.search(question, k=1, mode="bm25")[0].title.startswith(wanted)
    assert corpus_assistant.search(keyword_query(question), k=1, mode="bm25")[0].title.startswith(wanted)


def test_everyday_words_are_known_as_such():
    assert is_everyday("bloke") and is_everyday("tasered") and not is_everyday("custody")


def test_everyday_words_are_put_in_the_cases_terms():
    assert in_case_terms(["bloke", "cell", "tasered"]) == ["man", "cell", "Taser", "discharged"]
    # "body" is no topic word of its own ("national bodies"), so "body cams" reaches here as "cams"
    assert in_case_terms(["cams", "domestic"]) == ["camera", "cameras", "domestic"]
    # the cases' own word stays among them: "teenager" is how several cases are titled
    assert "teenager" in in_case_terms(["teenagers"]) and "child" in in_case_terms(["teenagers"])


def test_more_everyday_words_reach_the_keyword_search():
    assert "roused rousing" in keyword_query("nobody tried to wake him up")
    assert "ambulance paramedic" in keyword_query("the paramedics took ages")
    assert "police officers" in keyword_query("a cop pushed him")
    assert "observations" not in keyword_query("jobs")  # "obs" only as a word of its own
    assert "pursuit" in keyword_query("which police chases led to learning?")  # a plural too
    assert "collision" in keyword_query("a driver who had a prang")
    assert "self-harm" in keyword_query("tore his top up to hurt himself")
    assert "baton launcher" in keyword_query("shot with a rubber-bullet gun") and "genital" in keyword_query(
        "in the groin"
    )
    assert "firearms officers" in keyword_query("armed response shot a knifeman")
    assert "Joint Operating Protocol" in keyword_query("told to get a proper written working agreement with the NHS")
    assert "abandoned silent" in keyword_query("999 calls where the caller hung up")
    assert "abandoned" not in keyword_query("he hung himself in the cell")
    assert "MOSOVO" in keyword_query("a registered sex offender's home checks") and "Home Risk Review" in (
        keyword_query("his home checks")
    )


@pytest.mark.parametrize("phrase", ["the door-breaking kit", "a battering ram", "the big red key"])
def test_door_breaking_kit_is_method_of_entry_equipment(phrase):
    assert "method of entry equipment" in keyword_query(f"officers waited for {phrase} to get in")


def test_everyday_phrases_among_the_topic_words_are_put_in_the_cases_terms():
    assert in_case_terms(["body", "cameras", "switched"]) == ["body-worn", "video", "BWV", "switched"]
    assert in_case_terms(["waited", "door-breaking", "kit"]) == [
        "waited",
        "method",
        "of",
        "entry",
        "equipment",
        "forced",
        "entry",
    ]


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("searches where the person's clothes come off", "strip search removal of clothing"),
        ("prisoners getting hold of the knife and fork from their meal", "cutlery Spork"),
        ("999 calls where the line drops or nobody says anything", "abandoned silent call"),
        ("999 calls where the line goes dead or nobody speaks", "abandoned silent call"),
        ("jobs pushed up to a supervisor when nobody is free to send", "escalate escalation"),
        ("he was booked in at 2am", "custody booking"),
        ("officers applying to the magistrates to get into people's houses", "search warrant premises"),
        ("the level of watch on prisoners and who's watching the camera", "observation level CCTV monitored"),
        ("he had a long-term illness and asked for his meds", "chronic health condition medication"),
        ("a suspect at risk of killing themselves", "suicide suicidal"),
        ("they had to wait for someone with the kit", "equipment"),
        ("someone tried to hang themselves in the cells", "ligature"),
        ("an old lady on a mobility scooter", "woman"),
        ("a drunk guy in the cells", "man"),
        ("she was staying at a women's shelter", "refuge"),
        ("a pensioner hit by a response car", "older man woman"),
        ("seized gear went missing in the nick", "equipment police station"),
        ("cop car chasing a motor and it ended up crashing", "vehicle car"),
        ("the car ended up crashing", "collision"),
        ("couldnt get the door in, no enforcer with them", "method of entry equipment forced entry"),
    ],
)
def test_everyday_phrases_reach_the_cases_terms(question, terms):
    assert keyword_query(question).endswith(terms) or f" {terms} " in keyword_query(question) + " "


def test_a_phrase_of_another_sense_adds_nothing():
    # Property is booked in too, and a log is sat on: neither is custody or a restraint.
    for question in ("stuff the team had seized was never booked in", "jobs sat on the log for hours"):
        assert "custody" not in keyword_query(question) and "restraint" not in keyword_query(question)


def test_a_young_girl_is_not_an_old_girl():
    for text in ("a 14 year old girl", "a 14-year-old girl", "an 18 month old boy", "a 16yr old girl"):
        assert "older" not in keyword_query(text)


def test_kit_in_a_longer_phrase_keeps_that_phrase():
    assert in_case_terms(["video", "kit"]) == ["body-worn", "video", "BWV"]
    assert in_case_terms(["kit"]) == ["equipment"]


def test_the_nick_is_a_station_only_as_a_place():
    assert "police station" in keyword_query("seized gear went missing in the nick")
    for text in ("he got nicked", "they arrived in the nick of time"):
        assert "police station" not in keyword_query(text)


def test_a_shelter_is_a_refuge_only_as_one():
    assert "refuge" in keyword_query("a women's shelter") and "refuge" not in keyword_query("asleep in a bus shelter")


def test_a_phrase_is_found_among_a_questions_topic_words_too():
    # Topic words have lost "of" and "the": "level of watch" reaches the judge and list rows as "level watch".
    assert in_case_terms(["level", "watch", "prisoners"]) == ["observation", "level", "prisoners"]


def test_a_word_is_read_as_the_cases_term_only_in_the_sense_it_has_there():
    def terms(text: str) -> list[str]:
        return in_case_terms([text])

    assert terms("he smashed a light fitting") == ["he", "smashed", "a", "light", "fitting"]
    assert "collision" in terms("the car smashed into a wall")
    assert "seizure" in terms("he was fitting in the cell")
    assert terms("his worried mum") == ["his", "concern", "concerns", "concerned", "mother"]


def test_the_words_of_an_everyday_phrase_are_known_as_such():
    words = phrased_words("Who's been told about knives and forks being left with a bloke in the cells?")
    assert {"knives", "and", "forks", "bloke", "cells"} <= words and "left" not in words
