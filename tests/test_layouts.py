"""Layout parsers: every layout and variant, the seven response forms, and the seed case, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.layouts import detect
from ingest.layouts.common import due_date, iso_date, month_of, references, slug_title, split_tags
from ingest.parse import parse_text

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return parse_text((FIXTURES / "layouts" / name).read_text(encoding="utf-8"))


def names(bodies) -> list[str]:
    return [b.name for b in bodies]


# --- the seed case (layout A, header rendering) -------------------------------------------------------------


def test_seed_case_every_field():
    case = parse_text((FIXTURES / "seed.txt").read_text(encoding="utf-8"))
    assert case.layout == "accountability"
    assert case.url is None
    assert case.title == "Response to calls for assistance - Metropolitan Police Service, June 2018"
    assert case.force.name == "Metropolitan Police Service"
    assert names(case.bodies) == ["Metropolitan Police Service"]
    assert case.references == ["2018/104370"]
    assert case.incident_month == "2018-06"
    assert case.published is None
    assert case.recommended == "2019-07-18"
    assert case.response_due == "2019-09-12"
    assert case.response_due_inferred is False
    assert case.themes == ["Death and serious injury", "Domestic abuse"]
    assert case.narrative.startswith("In the week preceding 31 May 2018, a woman contacted")
    assert case.narrative.endswith("reported someone banging on …")
    assert [r.number for r in case.recommendations] == [1, 2, 3]
    assert [r.status for r in case.recommendations] == ["accepted"] * 3
    r1, r2, r3 = case.recommendations
    assert r1.text.startswith("To safeguard the victim during domestic abuse investigations")
    assert r1.text.endswith("should be recorded by the officer concerned.")
    assert "Do you accept" not in r1.text and "Accepted action" not in r1.text
    assert r1.response.startswith("Accepted action: The Special Scheme Policy has been amended")
    assert "“Once a scheme has been implemented" in r1.response  # curly quotes kept
    assert r1.addressed_to.name == "Metropolitan Police Service"
    assert names(r1.linked_bodies) == ["Metropolitan Police Service"]
    # rec 2's "Addressed to:" holds a sentence, not a body: the case force stands in
    assert r2.addressed_to.name == "Metropolitan Police Service"
    assert r2.linked_bodies == []
    assert r2.text.endswith("the original incident is still attended.")
    assert r2.response.startswith("Accepted action: MetCC have written a Standard Operating Procedure")
    assert r3.text == (
        "It is recommended that the MPS should consider developing a countdown or flagging system "
        "to highlight when attendance at an incident is delayed."
    )
    assert r3.response == "Accepted action: As per the above response."
    assert not any(r.national for r in case.recommendations)


# --- layout A variants -------------------------------------------------------------------------------------


def test_a_header_rendering():
    case = load("a_header.txt")
    assert case.layout == "accountability"
    assert case.url == (
        "https://www.accountabilityindex.uk/sources/iopc/learning/handling-of-lost-property-kent-police-march-2021/"
    )
    assert case.title == "Handling of lost property – Kent Police, Sept 2021"
    assert case.force.name == "Kent Police"
    assert names(case.bodies) == ["Kent Police", "National Police Chiefs' Council"]
    assert case.references == ["2021/123456", "2022/000789"]
    assert case.incident_month == "2021-09"
    assert (case.recommended, case.response_due, case.response_due_inferred) == ("2022-02-04", "2022-04-01", False)
    # an unknown tag between two known ones survives as one theme
    assert case.themes == ["Custody and detention", "Property handling", "Use of force and armed policing"]
    assert case.narrative == (
        "In September 2021 a man’s belongings were mislaid after he was taken tocustody. "
        "The force could not say where the bag had gone …"
    )
    r1, r2 = case.recommendations
    assert (r1.number, r1.status, r1.national) == (1, "accepted", False)
    assert r1.text == (
        "The IOPC recommends that Kent Police should keep a signed log of every item taken from a "
        "detainee. The log was missing in this case and “nobody could say” who held the bag."
    )
    assert r1.response == "Accepted action: A signed property log is now mandatory in every custody suite."
    assert r1.addressed_to.name == "Kent Police" and names(r1.linked_bodies) == ["Kent Police"]
    assert (r2.number, r2.status, r2.national, r2.response) == (2, "awaiting response", True, None)
    assert r2.addressed_to.name == "National Police Chiefs' Council"
    # the status line stays with a recommendation awaiting its response: a claim that it awaits one cites it
    assert r2.text == (
        "The IOPC recommends that the National Police Chiefs' Council reminds forces of the property guidance."
        "\nAwaiting response"
    )


def test_a_block_rendering_with_header_in_second_excerpt():
    case = load("a_block.txt")
    assert case.layout == "accountability"
    assert case.title == "Recommendation - Hampshire Constabulary, June 2022"
    assert case.force.name == "Hampshire and Isle of Wight Constabulary"
    assert case.references == ["2022/004455"]
    assert case.incident_month == "2022-06"
    # only "Recommended" is given: due is inferred as 56 days later
    assert (case.recommended, case.response_due, case.response_due_inferred) == ("2022-08-09", "2022-10-04", True)
    assert case.themes == ["Welfare and vulnerable people"]
    assert case.narrative == "We identified learning about house-to-house enquiries."
    [rec] = case.recommendations
    assert rec.number == 1
    assert rec.text == (
        "The IOPC recommends that Hampshire police review its guidance on door-to-door enquiries.\n"
        "This follows a review where the enquiries were not recorded."
    )
    assert rec.addressed_to.name == "Hampshire and Isle of Wight Constabulary"
    assert rec.addressed_to.as_written == "Hampshire police"
    assert names(rec.linked_bodies) == ["Hampshire and Isle of Wight Constabulary"]
    assert rec.status == "accepted"
    assert rec.response == "Recommendation accepted:\nThe guidance has been rewritten."


def test_a_without_header_glued_total():
    case = load("a_glued.txt")
    assert case.layout == "accountability"
    assert case.title == "Woman injured in a cell – Durham Constabulary, May 2019"
    assert case.force.name == "Durham Constabulary"
    assert case.references == [] and case.recommended is None and case.response_due is None
    assert case.themes == []
    assert case.narrative == (
        "On 3 May 2019 a woman was placed in acell where she fell. Officers took her tohospital. Following a …"
    )
    [rec] = case.recommendations
    assert rec.number == 1
    assert rec.text == (
        "The IOPC recommends that Durham Constabulary should inspect cell benches every week. "
        "The bench was loose and had not been checked for a month."
    )
    assert (rec.status, rec.response) == ("accepted", "Accepted action: Weekly checks now take pl")
    assert rec.addressed_to.name == "Durham Constabulary"


def test_a_orphan_force_response_joins_the_only_recommendation():
    case = load("a_orphan.txt")
    assert case.title == "Arrest by another force - Essex Police, April 2021"
    assert (case.recommended, case.response_due) == ("2022-03-02", "2022-04-27")
    assert case.themes == ["Custody and detention"]
    [rec] = case.recommendations
    assert rec.number == 1
    assert rec.text.endswith("This follows a case where no form was compl")
    assert rec.response == "Accepted action:\nEssex Police accepts this and has updated its custody policy."
    assert rec.status == "accepted"


def test_a_block_without_header_is_titled_from_its_address_and_filed_under_its_addressee():
    text = (
        "URL: https://www.accountabilityindex.uk/sources/iopc/learning/recommendation-kent-police-june-2023/\n\n"
        "Recommendation 1\nThe IOPC recommends that Kent Police trains its call handlers.\n"
        "Addressed to: Kent Police\nLinked bodies:\nKent Police\nAwaiting response\n"
    )
    case = parse_text(text)
    assert case.title == "Recommendation kent police june 2023"  # not "Recommendation 1"
    assert names([case.force]) == ["Kent Police"] and case.incident_month is None  # no month from the address
    assert names(case.bodies) == ["Kent Police"]
    [rec] = case.recommendations
    assert (rec.status, rec.response, names(rec.linked_bodies)) == ("awaiting response", None, ["Kent Police"])
    assert rec.text == "The IOPC recommends that Kent Police trains its call handlers.\nAwaiting response"


# --- layout B ----------------------------------------------------------------------------------------------


def test_b1_summary_with_tags():
    case = load("b1_summary.txt")
    assert case.layout == "iopc_summary"
    assert case.title == "Response to a burglary report – West Mercia Police, October 2018"
    assert case.force.name == "West Mercia Police"
    assert names(case.bodies) == ["West Mercia Police"]
    assert case.references == ["2018/101010", "2019/020202"]
    assert case.incident_month == "2018-10"
    assert case.published == "2019-03-05"
    assert case.recommended is None and case.response_due is None
    assert case.themes == ["Call handling", "Welfare and vulnerable people"]
    assert case.narrative.startswith("On 2 October 2018 a woman called West Mercia Police")
    assert "  • the grading of the call" in case.narrative  # narrative bullets are not tags
    assert case.narrative.endswith("West Mercia Police agreed with our findings.")
    assert case.recommendations == []


def test_b1_two_excerpts_with_recommendation_and_cut_tag():
    case = load("b1_with_recommendation.txt")
    assert case.layout == "iopc_summary"
    assert case.url == "https://policeconduct.gov.uk/node/9999"
    assert case.force.name == "Dorset Police"
    assert case.published == "2022-02-14"
    assert case.narrative == (
        "In January 2021 a call to Dorset Police was not answered. The caller rang back twice. "
        "We identified organisational learning."
    )
    assert case.themes == ["Call handling"]  # "Welf" was cut off by the capture
    assert names(case.bodies) == ["Dorset Police", "College of Policing"]
    [rec] = case.recommendations
    assert rec.text == (
        "The IOPC recommends that Dorset Police and the College of Policing review call answering "
        "targets.\nThis follows an investigation into a call that was never answered."
    )
    assert rec.addressed_to.name == "Dorset Police"
    assert names(rec.linked_bodies) == ["Dorset Police", "College of Policing"]
    assert (rec.status, rec.response, rec.national) == ("unknown", None, False)


def test_b2_stub_has_labels_but_no_values():
    case = load("b2_stub.txt")
    assert case.layout == "iopc_recommendation"
    assert case.title == "Recommendations - Norfolk Constabulary, May 2023"
    assert case.force.name == "Norfolk Constabulary"
    assert case.published == "2023-07-20"
    assert (case.references, case.recommended, case.response_due) == ([], None, None)
    assert case.themes == ["Custody and detention"]
    assert names(case.bodies) == ["Norfolk Constabulary"]
    assert case.narrative == (
        "We identified organisational learning after a detainee’s medication was not given on time."
    )
    assert case.recommendations == []


def test_b2_national_two_bodies_two_recommendations():
    case = load("b2_national.txt")
    assert case.layout == "iopc_recommendation"
    assert case.force.name == "College of Policing"
    assert names(case.bodies) == ["College of Policing", "National Police Chiefs' Council"]
    assert case.references == ["2022/333444"]
    assert case.incident_month == "2022-09"
    assert (case.recommended, case.response_due, case.response_due_inferred) == ("2022-10-12", "2022-12-07", True)
    assert case.narrative == "We identified national learning about spit guards."
    r1, r2 = case.recommendations
    assert (r1.number, r2.number) == (1, 2)
    assert r1.text == (
        "The IOPC recommends that the College of Policing updates its guidance on spit guards.\n"
        "The guidance does not say when a spit guard must be removed."
    )
    assert r1.status == "accepted"
    assert r1.response == "Accepted action:\nThe guidance will be updated in the next review."
    assert r1.addressed_to.name == "College of Policing" and r1.national
    assert r2.addressed_to.name == "National Police Chiefs' Council" and r2.addressed_to.as_written == "NPCC"
    assert (r2.status, r2.response, r2.national) == ("unknown", None, True)


B2_PAGE = """Recommendation - Surrey Police, March 2022
We identified learning about vehicle checks.
IOPC reference
Recommendations
The IOPC recommends that Surrey Police checks its vehicles daily.
A vehicle was used with a flat tyre.
{response}"""
REC_TEXT = "The IOPC recommends that Surrey Police checks its vehicles daily.\nA vehicle was used with a flat tyre."


@pytest.mark.parametrize(
    "block, status, response",
    [
        (
            "Do you accept the recommendation?\nYes\nAccepted action:\nDaily checks started.",
            "accepted",
            "Accepted action:\nDaily checks started.",
        ),
        (
            "Do you accept the recommendation?\nAccepted action:\nDaily checks started.",
            "accepted",
            "Accepted action:\nDaily checks started.",
        ),
        ("Accepted\nDaily checks started.", "accepted", "Accepted\nDaily checks started."),
        (
            "Accepted:\nDaily checks started.\n03/04/24\nAn update follows.",
            "accepted",
            "Accepted:\nDaily checks started.\n03/04/24\nAn update follows.",
        ),
        (
            "Recommendation accepted:\nDaily checks started.",
            "accepted",
            "Recommendation accepted:\nDaily checks started.",
        ),
        ("Do you accept the recommendation?\nYes\nDaily checks started.", "accepted", "Daily checks started."),
        (
            "Surrey Police are in agreement with your findings. Daily checks started.",
            "accepted",
            "Surrey Police are in agreement with your findings. Daily checks started.",
        ),
        ("Do you accept the recommendation?\nNo\nWe already check weekly.", "not accepted", "We already check weekly."),
        (
            "Partially accepted:\nChecks will be weekly.",
            "partially accepted",
            "Partially accepted:\nChecks will be weekly.",
        ),
        ("", "unknown", None),
    ],
    ids=[
        "yes+label",
        "label-no-answer",
        "bare-accepted",
        "accepted-colon-dated",
        "recommendation-accepted",
        "yes-unlabelled",
        "force-voice",
        "no",
        "partially",
        "none",
    ],
)
def test_response_forms(block, status, response):
    case = parse_text(B2_PAGE.format(response=block))
    assert case.layout == "iopc_recommendation"
    [rec] = case.recommendations
    assert rec.text == REC_TEXT
    assert (rec.status, rec.response) == (status, response)
    assert rec.addressed_to.name == "Surrey Police"


# --- layouts C, D, E and unknown ---------------------------------------------------------------------------


def test_c_legacy_narrative_only():
    case = load("c_legacy.txt")
    assert case.layout == "ipcc_legacy"
    # no title line: the first line stands in; the address's words name the force and month as a title line would
    assert case.title == "On 8 March 2016 North Wales Police officers went to a flat after a report of a disturbance."
    assert names([case.force]) == ["North Wales Police"] and names(case.bodies) == ["North Wales Police"]
    assert case.incident_month == "2016-03"
    assert case.narrative.startswith("On 8 March 2016 North Wales Police officers went to a flat")
    assert case.narrative.endswith("We examined the officers’ actions.")
    assert case.recommendations == [] and case.references == []


def test_c_legacy_without_a_worded_address_is_titled_by_its_first_line():
    text = (
        "URL: https://ipcc.gov.uk/recommendations/node/4321\n\n"
        "On 8 March 2016 North Wales Police officers went to a flat after a report of a disturbance.\n"
        "We examined the officers’ actions.\n"
    )
    case = parse_text(text)
    assert case.layout == "ipcc_legacy"
    # the force named only in the story is not the case's
    assert case.title == "On 8 March 2016 North Wales Police officers went to a flat after a report of a disturbance."
    assert case.force is None and case.bodies == [] and case.incident_month is None


def test_d_met_foi_title_field():
    case = load("d_met_title.txt")
    assert case.layout == "met_foi"
    assert case.title == "IOPC learning recommendation under paragraph 28A of schedule 3 to the Police Reform Act 2002"
    assert case.force.name == "Metropolitan Police Service"
    assert case.references == ["IX/1234/20"]
    assert case.narrative == (
        "On 5 May 2020 officers handcuffed a man in Camden. The handcuffs were left on for three hours."
    )
    [rec] = case.recommendations
    assert rec.text == "The IOPC recommends that the MPS reminds officers to check handcuffs every thirty minutes."
    assert (rec.status, rec.response) == ("accepted", "Accepted:\nA reminder was sent to all officers.")
    assert rec.addressed_to.name == "Metropolitan Police Service" and rec.addressed_to.as_written == "MPS"


def test_d_met_foi_reference_field():
    case = load("d_met_reference.txt")
    assert case.layout == "met_foi"
    assert case.title == (
        "IOPC Learning Recommendation Made Under Paragraph 28A of Schedule 3 to the Police Reform Act 2002."
    )
    assert case.references == ["PC/1111/21"]
    assert case.narrative == "A complaint was made that no interpreter was offered at a station."
    [rec] = case.recommendations
    assert rec.text.startswith("The IOPC recommends that the Metropolitan Police Service (MPS) publishes")
    assert (rec.status, rec.response) == ("unknown", None)


def test_e_govuk_annex_keeps_non_sequential_numbers():
    case = load("e_govuk_annex.txt")
    assert case.layout == "govuk_annex"
    assert case.title == "Annex B: Summary of the MPS response to IOPC recommendations (accessible version)"
    assert case.force.name == "Metropolitan Police Service"
    assert case.published == "2021-06-03"
    assert case.narrative == "Numbers are not sequential because some recommendations went to other bodies."
    assert [r.number for r in case.recommendations] == [2, 6, 11]
    r2, r6, r11 = case.recommendations
    assert r2.text == "The MPS should review how it briefs officers on warrant applications."
    assert r2.response == "MPS response: A new briefing pack has been issued."
    assert r6.response == "MPS response: The first audit is under way."
    assert (r11.text, r11.response) == ("The MPS should publish the audit resul", None)
    assert names(case.bodies) == ["Metropolitan Police Service"]
    # an "MPS response:" reports the action taken: accepted; the cut-off item has no response
    assert [r.status for r in case.recommendations] == ["accepted", "accepted", "unknown"]
    assert all(r.addressed_to.name == "Metropolitan Police Service" for r in case.recommendations)


def test_unknown_layout_keeps_text_and_invents_nothing():
    case = load("unknown.txt")
    assert case.layout == "unknown"
    assert case.title == "Minutes of the regional meeting"
    assert case.narrative == ("Minutes of the regional meeting\nMembers discussed the budget – no decisions were made.")
    assert case.force is None and case.bodies == [] and case.references == [] and case.recommendations == []
    assert case.incident_month is None and case.themes == []


@pytest.mark.parametrize("text", ["", "   \n\t", "URL: https://example.org/x\n\n  \n"])
def test_empty_input_is_refused(text):
    with pytest.raises(ValueError, match="no text"):
        parse_text(text)


# --- detection and helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixture, layout",
    [
        ("a_header.txt", "accountability"),
        ("a_block.txt", "accountability"),
        ("a_glued.txt", "accountability"),
        ("b1_summary.txt", "iopc_summary"),
        ("b2_stub.txt", "iopc_recommendation"),
        ("c_legacy.txt", "ipcc_legacy"),
        ("d_met_title.txt", "met_foi"),
        ("e_govuk_annex.txt", "govuk_annex"),
        ("unknown.txt", "unknown"),
    ],
)
def test_detection(fixture, layout):
    assert load(fixture).layout == layout


def test_detection_without_url_uses_the_text():
    assert detect("Recommendation 1\nThe IOPC recommends that X.\nAddressed to: Kent Police\n") == "accountability"
    assert detect("Use of Taser - Kent Police, May 2020\nSome text.") == "iopc_summary"
    assert detect("Just a paragraph.") == "unknown"


def test_helpers():
    assert split_tags("Death and serious injury Domestic abuse Welfare and vulnerable people") == [
        "Death and serious injury",
        "Domestic abuse",
        "Welfare and vulnerable people",
    ]
    assert references("2019/127918 and 2020/000123; MPS reference: IX/1909/19, PC/2334/19") == [
        "2019/127918",
        "2020/000123",
        "IX/1909/19",
        "PC/2334/19",
    ]
    assert iso_date("Published 03 Oct 2018") == "2018-10-03"
    assert iso_date("on 12th July 2019") == "2019-07-12"
    assert month_of("Essex Police, July 2015 and March 2016") == "2015-07"
    assert month_of("Sussex Police, Sept 2020") == "2020-09"
    assert due_date("2020-09-29", None) == ("2020-11-24", True)
    assert due_date("2025-08-29", "2025-10-24") == ("2025-10-24", False)
    assert due_date(None, None) == (None, False)


def test_a_block_addressed_to_several_bodies_is_filed_under_none():
    text = (
        "URL: https://www.accountabilityindex.uk/sources/iopc/learning/two-bodies/\n\n"
        "Recommendation 1\nThe IOPC recommends that Kent Police trains its call handlers.\nAddressed to: Kent Police\n"
        "Recommendation 2\nThe IOPC recommends that Essex Police trains its call handlers.\nAddressed to: Essex Police\n"
    )
    case = parse_text(text)
    assert case.force is None and case.title == "Two bodies"


def test_slug_title():
    assert slug_title("https://x.uk/learning/complaints-raised-after-police-contact-man-gmp-january-2022/") == (
        "Complaints raised after police contact man gmp january 2022"
    )
    assert slug_title("https://policeconduct.gov.uk/node/7682") == ""
    assert slug_title(None) == ""
