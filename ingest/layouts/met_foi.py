"""Layout D: the Met's FOI publication of an IOPC paragraph 28A learning recommendation."""

from __future__ import annotations

import re

from ingest.bodies import body
from ingest.layouts.common import references, unique_bodies
from ingest.layouts.recommends import RECOMMENDS_LINE_RE, flat_recommendations
from ingest.model import Case

LAYOUT = "met_foi"

TITLE_FIELD_RE = re.compile(r"^[ \t]*Title:[ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE)
TITLE_LINE_RE = re.compile(
    r"^[ \t]*(?P<title>I[OP][PO]C Learning Recommendation Made Under .+?)[ \t]*$", re.MULTILINE | re.IGNORECASE
)
# Header fields; the narrative starts after the last of them (the cookie banner comes before).
FIELD_RE = re.compile(
    r"^[ \t]*(?:Title|Branch / OCU|MPS reference|Our Reference|Author):.*$"
    r"|^[ \t]*I[OP][PO]C Learning Recommendation Made Under .*$",
    re.MULTILINE | re.IGNORECASE,
)
REFERENCE_FIELD_RE = re.compile(r"^[ \t]*(?:MPS reference|Our Reference):", re.MULTILINE | re.IGNORECASE)


def matches(text: str) -> bool:
    """True when the Met's reference field or its 28A heading is present."""
    return bool(
        REFERENCE_FIELD_RE.search(text)
        or TITLE_LINE_RE.search(text)
        or re.search(r"^[ \t]*Title:[ \t]*IOPC learning recommendation", text, re.MULTILINE | re.IGNORECASE)
    )


def parse(text: str, url: str | None = None) -> Case:
    """Parse a Met FOI page: the header fields, the narrative, then the recommendation."""
    title_m = TITLE_FIELD_RE.search(text) or TITLE_LINE_RE.search(text)
    fields = list(FIELD_RE.finditer(text))
    start = fields[-1].end() if fields else 0
    first_rec = RECOMMENDS_LINE_RE.search(text, start)
    end = first_rec.start() if first_rec else len(text)
    force = body("Metropolitan Police Service")  # the Met publishes only its own recommendations
    recs = flat_recommendations(text[end:], force)
    return Case(
        title=title_m.group("title") if title_m else "",
        layout=LAYOUT,
        force=force,
        bodies=unique_bodies(force, *[[r.addressed_to, *r.linked_bodies] for r in recs]),
        references=references("\n".join(m.group(0) for m in fields)),
        narrative=text[start:end].strip(),
        recommendations=recs,
        url=url,
    )
