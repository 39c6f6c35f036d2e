"""Regressions: excerpts without identifying fields stay apart; force filters keep undated cases."""

from assistant import Filters

BLOCK = """Recommendation 1

The IOPC recommends that {force} reviews its {topic} guidance for officers. Do you accept the recommendation? Yes

Addressed to: {force}
Linked bodies: {force}
Accepted
Force response

Accepted action: {force} has rewritten its {topic} guidance and briefed every response officer.
"""

UNDATED = """URL: https://example.org/undated

Learning note on {topic} for {force}
The IOPC found that officers of {force} did not follow the {topic} guidance when they attended.
"""


def test_block_excerpts_of_different_cases_are_not_merged(make_assistant, tmp_path):
    a = make_assistant()
    for name, force, topic in [("a.txt", "Kent Police", "cell search"), ("b.txt", "Essex Police", "pursuit")]:
        (tmp_path / name).write_text(BLOCK.format(force=force, topic=topic), encoding="utf-8")
    assert a.ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]).ok
    cases = a.cases()
    assert len(cases) == 2, [c.case_id for c in cases]
    assert all(len(c.sources) == 1 for c in cases)


def test_force_filter_keeps_cases_without_dates(make_assistant, tmp_path):
    a = make_assistant()
    (tmp_path / "u.txt").write_text(UNDATED.format(force="Kent Police", topic="spit guard"), encoding="utf-8")
    assert a.ingest([str(tmp_path / "u.txt")]).ok
    assert a.catalog.allowed(Filters(forces=["Kent Police"]))
    answer = a.ask("What did Kent Police officers not follow about spit guards?")
    assert not answer.abstained and "Kent Police" in answer.citations[0].title


def _case(title, force, month="2023-02", url=None, recs=(), narrative=""):
    from ingest.bodies import body
    from ingest.model import Case, Recommendation

    return Case(
        title=title,
        layout="test",
        force=body(force) if force else None,
        incident_month=month,
        url=url,
        narrative=narrative,
        recommendations=[Recommendation(number=i, text=t) for i, t in enumerate(recs, 1)],
    )


def test_twins_by_slug_and_by_recommendation_text():
    from ingest.grouping import CaseKeys

    keys = CaseKeys()
    rec = (
        "The IOPC recommends that Kent Police update their call handling policy so that silent or abandoned "
        "999 calls from a number with a domestic abuse warning marker are graded for an emergency response."
    )
    a = keys.key_for(
        _case(
            "Recommendation - Kent Police, February 2023",
            "Kent Police",
            url="https://policeconduct.gov.uk/our-work/learning/recommendation-kent-police-february-2023",
            recs=[rec],
        ),
        "a.txt",
    )
    mirror = _case(
        "Recommendation 1",
        None,
        month=None,
        url="https://mirror.example/sources/iopc/learning/recommendation-kent-police-february-2023/",
    )
    assert keys.key_for(mirror, "b.txt") == a
    excerpt = _case("Recommendation 1", None, month=None, recs=[rec])  # no title, no URL: the text tells
    assert keys.key_for(excerpt, "c.txt") == a


def test_same_story_to_different_bodies_stays_apart():
    from ingest.grouping import CaseKeys

    keys = CaseKeys()
    story = "This recommendation follows an IOPC review of a local investigation where a force received silent calls."
    force = keys.key_for(_case("Recommendation - Kent Police, February 2023", "Kent Police", narrative=story), "a")
    npcc = keys.key_for(
        _case("Recommendation - National Police Chiefs' Council, February 2023", "NPCC", narrative=story), "b"
    )
    both = keys.key_for(
        _case("Recommendation - Kent Police and National Police Chiefs' Council, February 2023", "Kent Police"), "c"
    )
    assert len({force, npcc, both}) == 3


def test_twins_show_the_status_one_of_them_knows(make_assistant, tmp_path):
    import json

    a = make_assistant()
    rec = {"number": 1, "text": "The IOPC recommends that Kent Police review how detainees are roused in custody."}
    for name, status in [("a.json", "unknown"), ("b.json", "awaiting response")]:
        (tmp_path / name).write_text(
            json.dumps(
                {
                    "title": "Recommendation - Kent Police, March 2025",
                    "force": "Kent Police",
                    "incident_month": "2025-03",
                    "recommendations": [{**rec, "status": status}],
                }
            ),
            encoding="utf-8",
        )
    assert a.ingest([str(tmp_path / "a.json"), str(tmp_path / "b.json")]).ok
    (case,) = a.cases()
    assert [r["status"] for r in case.recommendations] == ["awaiting response"]
    table = a.ask("Show me the recommendations to Kent Police and whether each was accepted")
    assert table.kind == "filter" and "| awaiting response |" in table.text and "| unknown |" not in table.text


def test_what_happened_in_a_forces_cases_is_each_cases_story(make_assistant, tmp_path):
    import json

    a = make_assistant()
    story = "Officers were called to a house in Dover. A man was detained under the Mental Health Act."
    (tmp_path / "k.json").write_text(
        json.dumps(
            {
                "title": "Recommendation - Kent Police, March 2025",
                "force": "Kent Police",
                "incident_month": "2025-03",
                "narrative": story,
                "recommendations": [{"number": 1, "text": "The IOPC recommends that Kent Police review rousing."}],
            }
        ),
        encoding="utf-8",
    )
    assert a.ingest([str(tmp_path / "k.json")]).ok
    table = a.ask("What happened in cases involving Kent Police?")
    assert table.kind == "filter" and not table.abstained
    assert [c.section for c in table.citations] == ["summary"]
    assert table.citations[0].quote.startswith("Officers were called")  # the story, not its title line


def test_twins_by_the_words_of_a_title_and_of_an_address():
    """A mirror's page with no title line is titled from its address, whose slug leaves out "with"."""
    from ingest.grouping import CaseKeys

    keys = CaseKeys()
    titled = _case(
        "Complaints raised after police contact with man - Greater Manchester Police, January 2022",
        "Greater Manchester Police",
        month="2022-01",
        url="https://policeconduct.gov.uk/node/7682",
    )
    from_address = _case(
        "Complaints raised after police contact man greater manchester police january 2022",
        None,
        month=None,
        url="https://mirror.example/sources/iopc/learning/complaints-raised-after-police-contact-man-greater-manchester-police-january-2022/",
    )
    assert keys.key_for(from_address, "b.txt") == keys.key_for(titled, "a.txt")
    other = _case("Complaints raised after police contact man greater manchester police january 2023", None, month=None)
    assert keys.key_for(other, "c.txt") != keys.key_for(titled, "a.txt")
