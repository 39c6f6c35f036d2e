"""A case dated in the month a question names comes first among the closest (assistant.evidence.dated_first)."""

from assistant.evidence import CaseEvidence, dated_first


def test_the_case_of_the_month_named_comes_first_among_the_closest_only():
    evidence = [CaseEvidence(c, []) for c in ("essex", "suffolk", "staffs", "kent")]
    dates = {"essex": "2020-09-01", "suffolk": "2020-01-01", "staffs": "2020-01-01", "kent": "2020-01-01"}
    dated_first(evidence, ["2020-01"], dates, among=3)
    # Suffolk and Staffordshire keep their order ahead of Essex; Kent, beyond the first three, stays last.
    assert [w.case_id for w in evidence] == ["suffolk", "staffs", "essex", "kent"]
    dated_first(evidence, ["2018-05"], dates, among=3)
    assert [w.case_id for w in evidence] == ["suffolk", "staffs", "essex", "kent"]  # no case that month
