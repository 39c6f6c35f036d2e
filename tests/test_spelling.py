"""Typo hints: a question word the cases lack, near in spelling to one they use."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.spelling import did_you_mean

_WORDS = {"custody", "deaths", "done", "detainee", "restraint", "looked", "police"}


def _catalog(words: set[str]) -> SimpleNamespace:
    by_initial: dict[str, list[str]] = {}
    for w in sorted(words):
        by_initial.setdefault(w[0], []).append(w)
    return SimpleNamespace(words=words, words_by_initial=by_initial)


def test_misspelt_words_are_fixed_and_the_rest_kept():
    assert did_you_mean(["custdy", "deths"], _catalog(_WORDS)) == "custody deaths"
    assert did_you_mean(["restrant", "of", "a", "detaine"], _catalog(_WORDS)) == "restraint of a detainee"


def test_a_word_the_cases_lack_is_no_typo_of_a_shorter_one():
    assert did_you_mean(["looked", "drones"], _catalog(_WORDS)) == ""  # not "done"
    assert did_you_mean(["custody"], _catalog(_WORDS)) == ""  # nothing misspelt


def test_an_english_word_the_cases_do_not_use_is_no_typo():
    assert did_you_mean(["know", "kids"], _catalog(_WORDS | {"known", "kits"})) == ""
    assert did_you_mean(["know", "custdy"], _catalog(_WORDS | {"known"})) == "know custody"


def test_an_everyday_word_is_no_typo():
    assert did_you_mean(["bloke", "cell"], _catalog(_WORDS | {"broke", "cell"})) == ""


def test_the_plural_of_a_word_the_cases_use_is_no_typo():
    assert did_you_mean(["sporks", "custody"], _catalog(_WORDS | {"spork", "sports"})) == ""


def test_a_contraction_without_its_apostrophe_is_no_typo():
    assert did_you_mean(["didnt", "custody"], _catalog(_WORDS | {"didn"})) == ""


def test_a_long_question_is_hinted_by_its_corrected_words_alone():
    topic = ["refuge", "staff", "rang", "resident", "seen", "rowing", "custdy", "deths"]
    assert did_you_mean(topic, _catalog(_WORDS)) == "custody deaths"
