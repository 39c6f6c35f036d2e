"""Parsers for the layouts a case page comes in, and the detection that picks one.

accountability      A  accountabilityindex.uk export (header and block renderings)
iopc_summary        B1 policeconduct.gov.uk investigation summary
iopc_recommendation B2 policeconduct.gov.uk "Recommendation(s) - <Force>, <Month YYYY>" page
ipcc_legacy         C  legacy ipcc.gov.uk page (narrative only)
met_foi             D  the Met's FOI publication of a recommendation
govuk_annex         E  gov.uk annex of recommendations with "MPS response:" paragraphs
unknown                anything else: text kept as narrative
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.layouts import accountability, govuk_annex, iopc_page, ipcc_legacy, met_foi, plain
from ingest.model import Case

Parser = Callable[[str, "str | None"], Case]

PARSERS: dict[str, Parser] = {
    "accountability": accountability.parse,
    iopc_page.SUMMARY: iopc_page.parse,
    iopc_page.RECOMMENDATION: iopc_page.parse,
    ipcc_legacy.LAYOUT: ipcc_legacy.parse,
    met_foi.LAYOUT: met_foi.parse,
    govuk_annex.LAYOUT: govuk_annex.parse,
    plain.LAYOUT: plain.parse,
}

# Used only when the text itself says nothing: the same site can serve several layouts.
_HOSTS = (
    ("accountabilityindex.uk", "accountability"),
    ("ipcc.gov.uk", ipcc_legacy.LAYOUT),
    ("met.police.uk", met_foi.LAYOUT),
    ("gov.uk/government", govuk_annex.LAYOUT),
)


def detect(text: str, url: str | None = None) -> str:
    """The layout of a page's text (the URL decides only when the text has no layout marks)."""
    if accountability.matches(text):
        return "accountability"
    if met_foi.matches(text):
        return met_foi.LAYOUT
    if govuk_annex.matches(text):
        return govuk_annex.LAYOUT
    if iopc_page.matches(text):
        return iopc_page.layout_of(text)
    for host, layout in _HOSTS:
        if url and host in url:
            return layout
    return plain.LAYOUT
