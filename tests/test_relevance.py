"""The relevance judge over the development corpus: a key concept the nearest cases lack, or no case uses (runs
when ../shared/corpus exists)."""

import pytest

from assistant.question import read_question
from assistant.relevance import signals

pytestmark = pytest.mark.corpus


def _signals(assistant, text: str):
    q = read_question(text)
    evidence = assistant.weigh(q, text).evidence
    return signals(q, evidence, assistant.catalog, assistant.embedder.embed_cached)


def _unsupported(assistant, text: str) -> float:
    return _signals(assistant, text).unsupported


@pytest.mark.parametrize(
    "text",
    [
        "What did the IOPC say about officers using drones at a football match?",
        "Has the IOPC said anything about police horses injuring people at a protest?",
    ],
)
def test_a_near_miss_made_of_familiar_words_lacks_its_concept_and_is_not_answered(corpus_assistant, text):
    """No case speaks of drones or horses: leaving the word out brings the question closer to the nearest
    cases, and the answer does not claim to answer."""
    assert _unsupported(corpus_assistant, text) > 0.03
    assert corpus_assistant.ask(text).abstained


@pytest.mark.parametrize(
    "text",
    [
        "What did the IOPC say about metal detectors in custody?",
        "A man in the cells hanged himself with his shoelaces. What was the force told?",
    ],
)
def test_a_question_whose_concepts_a_case_holds_is_answered(corpus_assistant, text):
    """Every key word is in a near case, or the question is a retold scenario whose everyday words move it
    little: nothing is unsupported, and the answer stands."""
    assert _unsupported(corpus_assistant, text) < 0.02
    answer = corpus_assistant.ask(text)
    assert not answer.abstained and answer.confidence == "high"


@pytest.mark.parametrize(
    "text",
    [
        "What has the IOPC recommended about vetting officers before they join?",
        "Has the IOPC told forces to give officers naloxone kits?",
        "Were officers told to stop using WhatsApp's disappearing messages?",  # left out with its "'s"
        "Vetting: were forces told to tighten up vetting?",  # in either case
    ],
)
def test_a_question_resting_on_a_word_no_case_uses_is_not_answered(corpus_assistant, text):
    """No case uses "vetting" or "naloxone", and the question means little without it: the answer abstains."""
    assert _signals(corpus_assistant, text).foreign > 0.05
    assert corpus_assistant.ask(text).abstained


def test_everyday_words_no_case_uses_do_not_veto_a_retold_scenario(corpus_assistant):
    """No case uses "started" as written ("bloke" counts as "man"); leaving it out moves a retold story little,
    and the story is answered."""
    text = "Drunk bloke started having fits in the cells and the nurse took ages to come. What was the learning?"
    assert 0.0 < _signals(corpus_assistant, text).foreign < 0.03
    answer = corpus_assistant.ask(text)
    assert not answer.abstained and answer.confidence == "high"


def test_a_word_of_an_everyday_phrase_is_not_foreign(corpus_assistant):
    """No case says "forks", but "knives and forks" stands for the cases' cutlery and Sporks."""
    assert (
        _signals(corpus_assistant, "Were forces told about prisoners keeping knives and forks after meals?").foreign
        == 0
    )


def test_without_an_embedder_the_concept_signals_are_zero(corpus_assistant):
    q = read_question("What did the IOPC say about officers using drones at a football match?")
    evidence = corpus_assistant.weigh(q, q.text).evidence
    s = signals(q, evidence, corpus_assistant.catalog)
    assert s.unsupported == 0.0 and s.foreign == 0.0


def test_an_everyday_word_counts_as_the_cases_word_in_the_coverage(corpus_assistant):
    """ "bloke" is in no case, "man" is in most: the case found for a retold story covers as much of it in
    either wording, and the story in everyday words is answered."""
    story = "a {} was found dead in his cell after officers didn't rouse him properly - what was the learning?"

    def coverage(text: str) -> float:
        q = read_question(text)
        return signals(q, corpus_assistant.weigh(q, text).evidence, corpus_assistant.catalog).coverage

    assert coverage(story.format("bloke")) == pytest.approx(coverage(story.format("man")))
    assert not corpus_assistant.ask(story.format("bloke")).abstained
