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
