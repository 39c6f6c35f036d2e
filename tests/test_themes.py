"""Themes inferred for untagged cases (assistant/themes.py): the rule on hand-made vectors, then the real
model on short case texts written for these tests."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.themes import FLOOR, CaseText, case_text, case_vectors, infer, vocabulary


def _case(cid, themes, text=""):
    return CaseText(cid, themes, text, [text] if text else [])


def _unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_untagged_case_near_a_theme_with_its_cue_gets_it_and_tagged_cases_are_left_alone():
    cases = [
        _case("a", ["Custody and detention"]),
        _case("b", ["Domestic abuse"]),
        _case("c", [], "He was held in a cell at the custody suite."),
    ]
    vectors = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(1, 0.05, 0.02)])
    got = infer(cases, vectors)
    assert set(got) == {"c"}  # published themes are never touched
    assert got["c"].themes == ["Custody and detention"]
    assert got["c"].margins["Custody and detention"] > 0 > got["c"].margins["Domestic abuse"]


def test_a_second_theme_needs_two_cue_words_and_no_theme_is_given_under_the_floor():
    cases = [
        _case("a", ["Custody and detention"]),
        _case("b", ["Domestic abuse"]),
        _case("d", ["Death and serious injury"]),
        _case("c", [], "He died in a cell in custody; his partner was told."),
    ]
    vectors = np.stack([_unit(1, 0, 0, 2), _unit(0, 1, 0, 2), _unit(0, 0, 1, 2), _unit(0.5, 0, 0.6, 2)])
    got = infer(cases, vectors)["c"]
    # Death leans most (one cue word), custody has two cue words; domestic abuse has a cue but is under FLOOR.
    assert got.themes == ["Custody and detention", "Death and serious injury"]
    assert got.margins["Domestic abuse"] < FLOOR <= got.margins["Custody and detention"]


def test_a_case_near_a_theme_without_any_cue_gets_nothing():
    cases = [
        _case("a", ["Custody and detention"]),
        _case("b", ["Domestic abuse"]),
        _case("c", [], "The officer drove to the address."),  # no custody word
    ]
    vectors = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0.75, 0.66, 0.05)])
    assert infer(cases, vectors)["c"].themes == []


def test_a_cue_alone_does_not_give_a_theme_the_vector_leans_away_from():
    cases = [
        _case("a", ["Custody and detention"]),
        _case("b", ["Domestic abuse"]),
        _case("c", [], "A partner reported abuse; he was later arrested."),
    ]
    vectors = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0.1, 1, 0)])
    assert infer(cases, vectors)["c"].themes == ["Domestic abuse"]


def test_nothing_is_inferred_without_tagged_cases_or_without_text():
    cases = [_case("a", [], "died in custody"), _case("b", [])]
    vectors = np.stack([_unit(1, 0), np.zeros(2, np.float32)])
    got = infer(cases, vectors)
    assert got["a"].themes == [] and got["b"].themes == []
    tagged = [_case("t", ["Custody and detention"]), _case("b", [])]
    assert infer(tagged, np.stack([_unit(1, 0), np.zeros(2, np.float32)]))["b"].themes == []


def test_train_limits_what_is_learnt_from():
    cases = [_case("a", ["Custody and detention"]), _case("b", ["Domestic abuse"]), _case("c", [], "in a cell")]
    vectors = np.stack([_unit(1, 0), _unit(0, 1), _unit(1, 0.1)])
    # Learning from "b" only: the vocabulary is Domestic abuse alone, and "c" leans nowhere new.
    assert infer(cases, vectors, train=[1])["c"].themes == []


def test_vocabulary_is_the_published_tags_once_each():
    cases = [_case("a", ["Domestic abuse"]), _case("b", ["domestic abuse", "Custody and detention"])]
    assert vocabulary(cases) == ["Custody and detention", "Domestic abuse"]


def test_case_text_cuts_passages_into_the_sentences_the_store_keeps():
    c = case_text("x", [], ["He was arrested. He was taken to custody.", "Recommendation 1"])
    assert c.sentences == ["He was arrested.", "He was taken to custody.", "Recommendation 1"]
    assert "custody" in c.text


def test_case_vectors_are_unit_means_of_sentence_vectors():
    cases = [_case("a", [], "one"), CaseText("b", [], "two three", ["two", "three"]), CaseText("c", [], "", [])]
    table = {"one": [1.0, 0.0], "two": [1.0, 0.0], "three": [0.0, 1.0]}
    v = case_vectors(cases, lambda texts: np.array([table[t] for t in texts], dtype=np.float32))
    assert np.allclose(v[0], [1, 0]) and np.allclose(v[1], _unit(1, 1)) and not v[2].any()


@pytest.mark.model
def test_the_model_places_untagged_case_texts_under_the_right_theme(model_embedder):
    # Short case texts written for this test (not corpus passages).
    texts = {
        "da1": (
            ["Domestic abuse"],
            [
                "A woman reported that her ex-partner had threatened her.",
                "Officers did not complete a risk assessment of the domestic abuse.",
            ],
        ),
        "da2": (
            ["Domestic abuse"],
            [
                "A man called 999 to say his partner had assaulted him at home.",
                "The force was told to review its domestic abuse policy.",
            ],
        ),
        "cu1": (
            ["Custody and detention"],
            [
                "A detainee was booked into the custody suite and placed in a cell.",
                "Cell checks were not carried out at the required intervals.",
            ],
        ),
        "cu2": (
            ["Custody and detention"],
            [
                "The custody sergeant did not review the detention of a man in a cell.",
                "Custody records were not updated.",
            ],
        ),
        "new-da": (
            [],
            [
                "Police attended a domestic incident where a woman said her partner had hit her.",
                "No risk assessment was completed before officers left the address.",
            ],
        ),
        "new-cu": (
            [],
            [
                "A man arrested for theft was held in a cell overnight at the custody suite.",
                "Detention officers did not rouse him during the checks.",
            ],
        ),
    }
    cases = [case_text(cid, themes, sentences) for cid, (themes, sentences) in texts.items()]
    got = infer(cases, case_vectors(cases, model_embedder.embed))
    assert got["new-da"].themes == ["Domestic abuse"]
    assert got["new-cu"].themes == ["Custody and detention"]


def _summary(cid, title, themes=(), inferred=()):
    from assistant.types import CaseSummary

    return CaseSummary(
        case_id=cid,
        title=title,
        force=None,
        bodies=[],
        references=[],
        incident_month=None,
        published=None,
        recommended=None,
        response_due=None,
        response_due_inferred=False,
        themes=list(themes),
        url=None,
        sources=[f"{cid}.txt"],
        recommendations=[],
        layout="plain",
        inferred_themes=list(inferred),
    )


def test_inferred_themes_are_marked_for_people_and_named_when_a_filter_matched_them():
    from assistant.presentation import CASE_COLUMNS, case_row
    from assistant.themes import inferred_note, inferred_only, theme_labels

    tagged = _summary("t", "Tagged case", themes=["Domestic abuse"])
    guessed = _summary("g", "Guessed case", inferred=["Domestic abuse", "Custody and detention"])
    assert theme_labels(guessed) == ["Domestic abuse (inferred)", "Custody and detention (inferred)"]
    assert case_row(guessed).cells[CASE_COLUMNS.index("Themes")] == (
        "Domestic abuse (inferred), Custody and detention (inferred)"
    )
    assert case_row(tagged).cells[CASE_COLUMNS.index("Themes")] == "Domestic abuse"
    assert inferred_only(guessed, ["domestic"]) and not inferred_only(tagged, ["domestic"])
    note = inferred_note({"t": tagged, "g": guessed}, ["t", "g", "g"], ["domestic"])
    assert note.startswith("Theme inferred from the text, not published, for 1 of these cases") and "Guessed" in note
    assert inferred_note({"t": tagged}, ["t"], ["domestic"]) == ""


def _page(slug: str, title: str, body: str, tags: list[str]) -> str:
    bullets = "".join(f"\n  • {t}" for t in ["Kent Police", *tags])
    return (
        f"URL: https://www.policeconduct.gov.uk/our-work/learning/{slug}\n\n{title} – Kent Police, March 2021\n\n"
        f"Published 05 Mar 2022\nInvestigation\n\n{body}\n\nIOPC reference\n\n2021/0{len(slug):05d}\nTags{bullets}\n"
    )


@pytest.mark.model
def test_the_catalog_gives_untagged_cases_inferred_themes_that_the_theme_filter_matches(make_assistant, tmp_path):
    # Case pages written for this test, in the policeconduct layout (tags as bullets).
    pages = {
        "da-one": _page(
            "da-one",
            "Response to a domestic abuse report",
            "A woman told officers that her ex-partner "
            "had threatened her. No domestic abuse risk assessment was completed.",
            ["Domestic abuse"],
        ),
        "da-two": _page(
            "da-two",
            "Call from a domestic abuse victim",
            "A man reported that his partner had assaulted him at home. Officers did not record the domestic incident.",
            ["Domestic abuse"],
        ),
        "cu-one": _page(
            "cu-one",
            "Man unwell in custody",
            "A detainee was booked into the custody suite and placed in a cell. Cell checks were missed.",
            ["Custody and detention"],
        ),
        "cu-two": _page(
            "cu-two",
            "Detention review missed",
            "The custody sergeant did not review the detention of a man held in a cell overnight.",
            ["Custody and detention"],
        ),
        "untagged": _page(
            "untagged",
            "Checks on a detainee",
            "A man arrested for theft was held in a cell at the "
            "custody suite. Detention officers did not rouse him during the checks.",
            [],
        ),
    }
    for name, text in pages.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    a = make_assistant(tmp_path / "index")
    a.ingest([str(tmp_path / f"{name}.txt") for name in pages])
    by_title = {c.title: c for c in a.cases()}
    untagged = next(c for t, c in by_title.items() if t.startswith("Checks on a detainee"))
    assert untagged.themes == [] and untagged.inferred_themes == ["Custody and detention"]
    assert all(c.inferred_themes == [] for c in by_title.values() if c.themes)  # published ones stay
    from assistant.types import Filters

    allowed = a.catalog.allowed(Filters(themes=["custody"]))
    assert untagged.case_id in {a.catalog.meta(pid).case_id for pid in allowed}


def test_a_case_whose_sentence_vectors_are_not_found_joins_the_remembered_ones():
    from assistant.themes import assign
    from vectorstore.sentence_vectors import sentence_key

    texts = {"t": ["The detainee was found in the cell."], "u": ["Officers attended a domestic abuse call."]}
    vectors = {sentence_key(s): np.eye(4, dtype=np.float32)[n] for n, s in enumerate(texts["t"] + texts["u"])}
    cases = {"t": _summary("t", "Tagged", themes=["Custody and detention"]), "u": _summary("u", "Untagged")}
    memo = assign(cases, texts, lambda keys: {k: vectors[k] for k in keys if k in vectors}, 4)
    cases["n"] = _summary("n", "New, its vectors not stored yet")
    texts["n"] = ["A detainee in the cell was not roused."]
    again = assign(cases, texts, lambda keys: {k: vectors[k] for k in keys if k in vectors}, 4, memo)
    assert again["t"] is memo["t"] and len(again["n"][1].vector) == 4 and not again["n"][1].vector.any()
    assert cases["n"].inferred_themes == []
