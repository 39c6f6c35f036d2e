"""Layout B: policeconduct.gov.uk learning pages, investigation summaries (B1) and recommendations (B2)."""

from __future__ import annotations

import re

from ingest.layouts.common import (
    PUBLISHED_RE,
    due_date,
    first_line,
    iso_date,
    merge_recommendations,
    parse_title_line,
    references,
    split_parts,
    tags_to_bodies_and_themes,
    tail_bullets,
    title_bodies,
    unique_bodies,
)
from ingest.layouts.recommends import RECOMMENDS_LINE_RE, flat_recommendations
from ingest.model import Body, Case, Recommendation

SUMMARY = "iopc_summary"
RECOMMENDATION = "iopc_recommendation"

PAGE_LABEL_RE = re.compile(r"^[ \t]*(?:Investigation|Learning)[ \t]*$", re.MULTILINE)
NARRATIVE_END_RE = re.compile(
    r"^[ \t]*(?:IOPC reference|Recommendations|Tags|Date of rec\w*|Date response due)[ \t]*$"
    r"|^[ \t]*The IOPC recommends",
    re.MULTILINE,
)
RECS_HEADING_RE = re.compile(r"^[ \t]*Recommendations[ \t]*$", re.MULTILINE)
TAGS_RE = re.compile(r"^[ \t]*Tags[ \t]*$", re.MULTILINE)
# The date fields are usually empty labels; a value may follow on the same or the next line.
DATE_FIELD_RE = r"^[ \t]*{label}[ \t]*:?[ \t]*(?:\n[ \t]*)?(?P<date>\d{{1,2}} \w+ \d{{4}})"
RECOMMENDED_RE = re.compile(DATE_FIELD_RE.format(label="Date of recommendation"), re.MULTILINE)
DUE_RE = re.compile(DATE_FIELD_RE.format(label="Date response due"), re.MULTILINE)
RECOMMENDATION_TITLE_RE = re.compile(r"^(?:National )?[Rr]ecommendations?\b")


def matches(text: str) -> bool:
    """True when the first line is a "<Title> - <Force>, <Month YYYY>" line."""
    return parse_title_line(first_line(text)) is not None


def layout_of(text: str) -> str:
    """B2 when the title announces a recommendation, else B1."""
    return RECOMMENDATION if RECOMMENDATION_TITLE_RE.match(first_line(text)) else SUMMARY


def _narrative(part: str) -> str:
    """The summary between the title (with its "Published"/"Investigation" lines) and the first field."""
    pos = len(part) - len(part.lstrip())
    if parse_title_line(first_line(part)):  # a later excerpt may start without the title line
        pos += len(part.lstrip().splitlines(keepends=True)[0])
    while True:
        m = PUBLISHED_RE.match(part, pos) or PAGE_LABEL_RE.match(part, pos) or re.compile(r"[ \t]*\n").match(part, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    end = NARRATIVE_END_RE.search(part, pos)
    return part[pos : end.start() if end else len(part)].strip()


def _section(part: str, tags_at: int) -> str:
    """The recommendations of a part: after the "Recommendations" heading, or from "The IOPC recommends"."""
    end = min([m.start() for m in [TAGS_RE.search(part)] if m] + [tags_at])
    heading = RECS_HEADING_RE.search(part, 0, end)
    first = RECOMMENDS_LINE_RE.search(part, 0, end)
    start = heading.end() if heading else first.start() if first else end
    return part[start:end]


def parse(text: str, url: str | None = None) -> Case:
    """Parse a policeconduct.gov.uk learning page (one or more excerpts)."""
    parts = split_parts(text)
    title = first_line(parts[0]) if parts else ""
    title_line = parse_title_line(title)
    named = title_bodies(title_line.force_text) if title_line else []
    force = next(iter(named), None)
    national = title.lower().startswith("national recommendation")
    tag_bodies: list[Body] = []
    themes: list[str] = []
    recs: list[Recommendation] = []
    for part in parts:
        items, tags_at = tail_bullets(part)
        b, t = tags_to_bodies_and_themes(items)
        tag_bodies += b
        themes += [x for x in t if x not in themes]
        found = flat_recommendations(_section(part, tags_at), force, national)
        recs = (
            [merge_recommendations(a, b) for a, b in zip(recs, found, strict=False)]
            + recs[len(found) :]
            + found[len(recs) :]
        )
    recommended = next((iso_date(m.group("date")) for p in parts for m in [RECOMMENDED_RE.search(p)] if m), None)
    due = next((iso_date(m.group("date")) for p in parts for m in [DUE_RE.search(p)] if m), None)
    due, inferred = due_date(recommended, due)
    return Case(
        title=title,
        layout=layout_of(text),
        force=force,
        bodies=unique_bodies(named, tag_bodies, *[[r.addressed_to, *r.linked_bodies] for r in recs]),
        references=references(text),
        incident_month=title_line.month if title_line else None,
        published=next((iso_date(m.group("date")) for p in parts for m in [PUBLISHED_RE.search(p)] if m), None),
        recommended=recommended,
        response_due=due,
        response_due_inferred=inferred,
        themes=themes,
        narrative=max((_narrative(p) for p in parts), key=len, default=""),
        recommendations=recs,
        url=url,
    )
