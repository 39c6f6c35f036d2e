"""Twins merge by one rule (ingest.grouping): the case index groups stored records by case key and merges each group."""

from assistant.case_index import CaseIndex
from ingest.bodies import body
from ingest.grouping import CaseKeys, merge_twins, twins
from ingest.model import Case, Recommendation
from ingest.source_records import source_record

REC = (
    "The IOPC recommends that Kent Police review how detainees are roused in custody at night, and that "
    "custody officers record each rousing check on the detention log."
)


def _titled() -> Case:
    return Case(
        title="Rousing detainees - Kent Police, March 2025",
        layout="test",
        force=body("Kent Police"),
        bodies=[body("Kent Police")],
        references=["2025/000001"],
        incident_month="2025-03",
        themes=["custody"],
        narrative="Short.",
        recommendations=[Recommendation(number=2, text="Second."), Recommendation(number=1, text=REC)],
    )


def _excerpt() -> Case:
    """A mirror's excerpt of the same case: no title line, but what the titled page lacks."""
    return Case(
        title="Recommendation 1",
        layout="test",
        bodies=[body("Kent Police"), body("College of Policing")],
        references=["2025/000001", "IX/1/25"],
        published="2025-05-01",
        url="https://mirror.example/learning/rousing-detainees",
        themes=["custody", "detention"],
        narrative="A longer account of the night in custody.",
        recommendations=[Recommendation(number=1, text=REC, status="accepted", response="Accepted action: done.")],
    )


def test_an_excerpt_first_takes_the_titled_twins_title_and_fields():
    merged = merge_twins([_excerpt(), _titled()])
    assert merged.title == "Rousing detainees - Kent Police, March 2025"
    assert merged.force and merged.force.name == "Kent Police"
    assert (merged.incident_month, merged.published) == ("2025-03", "2025-05-01")
    assert merged.url == "https://mirror.example/learning/rousing-detainees"  # the first twin's, kept
    assert [b.name for b in merged.bodies] == ["Kent Police", "College of Policing"]
    assert merged.references == ["2025/000001", "IX/1/25"]
    assert merged.themes == ["custody", "detention"]
    assert merged.narrative == "A longer account of the night in custody."
    # by number; the row that knows a status and a response wins over the one that does not
    assert [(r.number, r.status) for r in merged.recommendations] == [(1, "accepted"), (2, "unknown")]


def test_a_titled_case_first_keeps_its_title_and_gains_what_the_excerpt_knows():
    titled, excerpt = _titled(), _excerpt()
    merged = merge_twins([titled, excerpt])
    assert merged.title == titled.title and merged.published == "2025-05-01"
    assert [(r.number, r.status, r.response) for r in merged.recommendations] == [
        (1, "accepted", "Accepted action: done."),
        (2, "unknown", None),
    ]
    # the twins themselves are not changed by merging
    assert titled.published is None and [r.number for r in titled.recommendations] == [2, 1]
    assert excerpt.title == "Recommendation 1"


def test_a_case_without_twins_is_its_own_view():
    case = _titled()
    assert merge_twins([case]) == case


def test_the_case_index_merges_the_records_ingest_filed_under_one_key():
    keys = CaseKeys()
    titled, excerpt, other = _titled(), _excerpt(), Case(title="Another case - Essex Police, May 2024", layout="t")
    k1, k2 = keys.key_for(titled, "a.txt#0"), keys.key_for(excerpt, "b.txt#0")
    k3 = keys.key_for(other, "b.txt#1")
    assert k1 == k2 != k3  # ingest's rule: the recommendation's text makes them twins
    records = [
        source_record("a.txt", "h1", [titled], [k1], 3),
        source_record("b.txt", "h2", [excerpt, other], [k2, k3], 4),
    ]
    assert [(key, [s for _, s in group]) for key, group in twins(records).items()] == [
        (k1, ["a.txt", "b.txt"]),
        (k3, ["b.txt"]),
    ]
    index = CaseIndex(records)
    assert list(index.cases) == [k1, k3]
    case = index.cases[k1]
    assert case.sources == ["a.txt", "b.txt"] and case.title == titled.title
    assert case.bodies == ["Kent Police", "College of Policing"] and case.force == "Kent Police"
    assert [(r["number"], r["status"], r["addressed_to"]) for r in case.recommendations] == [
        (1, "accepted", None),
        (2, "unknown", None),
    ]
    assert index.forces() == ["College of Policing", "Kent Police"]
    assert index.themes() == ["custody", "detention"]
