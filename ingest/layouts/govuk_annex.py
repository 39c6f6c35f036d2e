"""Layout E: a gov.uk annex listing numbered IOPC recommendations to the MPS, each with an "MPS response:"."""

from __future__ import annotations

import re

from ingest.bodies import body, find_bodies
from ingest.layouts.common import PUBLISHED_RE, iso_date, unique_bodies
from ingest.model import Case, Recommendation

LAYOUT = "govuk_annex"

RESPONSE_RE = re.compile(r"^[ \t]*MPS response:", re.MULTILINE)
ITEM_RE = re.compile(r"^[ \t]*(?P<n>\d+)\.[ \t]+", re.MULTILINE)
TITLE_RE = re.compile(r"^[ \t]*(?P<title>Annex\b.+?)[ \t]*$", re.MULTILINE)
# Recommendations of other bodies (HMICFRS) follow under their own heading: they are not this case's.
OTHER_SECTION_RE = re.compile(r"^[ \t]*(?:HMICFRS|HM Inspectorate)\b.*recommendations.*$", re.MULTILINE | re.IGNORECASE)
DATED_RE = re.compile(r"\s*(?:Published|Updated)[ \t]+\d{1,2} \w+ \d{4}[ \t]*(?=\n|$)")
SECTION_RE = re.compile(r"^[ \t]*IOPC recommendations\b.*$", re.MULTILINE)


def matches(text: str) -> bool:
    """True when numbered items are answered by "MPS response:" paragraphs."""
    return bool(RESPONSE_RE.search(text) and ITEM_RE.search(text))


def _recommendations(section: str, force) -> list[Recommendation]:
    items = list(ITEM_RE.finditer(section))
    recs = []
    for i, m in enumerate(items):
        block = section[m.end() : items[i + 1].start() if i + 1 < len(items) else len(section)]
        response = RESPONSE_RE.search(block)
        recs.append(
            Recommendation(
                number=int(m.group("n")),
                text=block[: response.start() if response else len(block)].strip(),
                # each answer reports the action the MPS took on the recommendation, which is acceptance
                addressed_to=force,
                status="accepted" if response else "unknown",
                response=block[response.start() :].strip() if response else None,
            )
        )
    return recs


def parse(text: str, url: str | None = None) -> Case:
    """Parse the annex: its title, the introduction, and one recommendation per numbered item."""
    title_m = TITLE_RE.search(text)
    start_m = SECTION_RE.search(text) or ITEM_RE.search(text)
    start = start_m.end() if start_m and start_m.re is SECTION_RE else (start_m.start() if start_m else len(text))
    other = OTHER_SECTION_RE.search(text, start)
    force = body("Metropolitan Police Service")
    intro_from = title_m.end() if title_m else 0
    dated = DATED_RE.match(text, intro_from)  # the page's date line opens the intro: it is not narrative
    intro_from = dated.end() if dated else intro_from
    published = PUBLISHED_RE.search(text)
    return Case(
        title=title_m.group("title") if title_m else "",
        layout=LAYOUT,
        force=force,
        bodies=unique_bodies(force, find_bodies(title_m.group("title")) if title_m else []),
        published=iso_date(published.group("date")) if published else None,
        narrative=text[intro_from : start_m.start() if start_m else len(text)].strip(),
        recommendations=_recommendations(text[start : other.start() if other else len(text)], force),
        url=url,
    )
