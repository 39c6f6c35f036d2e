"""Layout A: the accountabilityindex.uk rendering of an IOPC learning case (header and block renderings)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.bodies import body, find_bodies, is_national
from ingest.layouts.common import (
    TitleLine,
    addressees,
    body_or_none,
    due_date,
    first_line,
    iso_date,
    merge_recommendations,
    parse_title_line,
    references,
    slug_title,
    split_parts,
    split_tags,
    title_bodies,
    unique_bodies,
)
from ingest.layouts.responses import AWAITING_RE, LABEL_RE, STATUS_LINE_RE, split_response, status_of_label
from ingest.model import Body, Case, Recommendation

LAYOUT = "accountability"

SOURCE_RE = re.compile(r"^[ \t]*Source · IOPC Learning Case[ \t]*$", re.MULTILINE)
HEADER_RE = re.compile(
    r"^[ \t]*(?P<force>.+?) Ref:[ \t]*(?P<refs>.*?)(?:[ \t]+Recommended (?P<rec>\d{1,2} \w+ \d{4}))?"
    r"(?:[ \t]+Response due (?P<due>\d{1,2} \w+ \d{4}))?[ \t]*$",
    re.MULTILINE,
)
HEADING_RE = re.compile(r"^[ \t]*(?P<national>National )?[Rr]ecommendation (?P<n>\d+)[ \t]*$", re.MULTILINE)
# "3 total" may have the first recommendation glued to it ("3 totalThe IOPC recommends…").
TOTAL_RE = re.compile(r"^[ \t]*(?P<n>\d+) total", re.MULTILINE)
NARRATIVE_END_RE = re.compile(
    r"^[ \t]*(?:View on IOPC website|Recommendations[ \t]*$|(?:National )?[Rr]ecommendation"
    r" \d+[ \t]*$|\d+ total)",
    re.MULTILINE,
)
ADDRESSED_RE = re.compile(r"^[ \t]*Addressed\b(?:[ \t]+to:[ \t]*(?P<value>.*))?", re.MULTILINE)
LINKED_RE = re.compile(r"^[ \t]*Linked bodies:[ \t]*(?P<value>.*)(?:\n[ \t]*(?P<next>.*))?", re.MULTILINE)
FORCE_RESPONSE_RE = re.compile(r"^[ \t]*Force response[ \t]*$", re.MULTILINE)

_MARKERS = (
    SOURCE_RE,
    HEADING_RE,
    TOTAL_RE,
    re.compile(r"^[ \t]*Addressed to:", re.MULTILINE),
    re.compile(r"^[ \t]*Linked bodies:", re.MULTILINE),
    FORCE_RESPONSE_RE,
)


def matches(text: str) -> bool:
    """True when the text carries layout A's labels (any rendering)."""
    return any(p.search(text) for p in _MARKERS)


@dataclass
class _Header:
    title: str = ""
    title_line: TitleLine | None = None
    header_force: Body | None = None
    references: list[str] = field(default_factory=list)
    recommended: str | None = None
    due: str | None = None
    themes: list[str] = field(default_factory=list)
    narrative: str = ""


def _header(part: str) -> _Header:
    """Title, Ref/dates line, tag line and summary of one part (empty when the part has no header)."""
    h = _Header()
    source = SOURCE_RE.search(part)
    start = source.end() if source else 0
    first_heading = NARRATIVE_END_RE.search(part, start)
    limit = first_heading.start() if first_heading else len(part)
    title_m = re.compile(r"^[ \t]*(\S.*)$", re.MULTILINE).search(part, start, limit)
    if not title_m or not (source or parse_title_line(title_m.group(1))):
        return h
    h.title, h.title_line = title_m.group(1).strip(), parse_title_line(title_m.group(1))
    pos = title_m.end()
    ref = HEADER_RE.search(part, pos, limit)
    if ref:
        h.header_force = body(ref.group("force"))
        h.references = references(ref.group("refs"))
        h.recommended, h.due = iso_date(ref.group("rec")), iso_date(ref.group("due"))
        pos = ref.end()
        tags = re.compile(r"^[ \t]*(\S.*?)[ \t]*$", re.MULTILINE).search(part, pos, limit)
        # The tag line is short and unpunctuated; a missing tag line leaves the summary next.
        if tags and len(tags.group(1)) < 150 and not tags.group(1).endswith((".", "…")):
            h.themes = split_tags(tags.group(1))
            pos = tags.end()
    h.narrative = part[pos:limit].strip()
    return h


def _blocks(part: str) -> list[tuple[int, bool, str]]:
    """(number, national heading?, block text) for each recommendation in a part; 0 = number not captured."""
    heads = list(HEADING_RE.finditer(part))
    blocks = [
        (
            int(m.group("n")),
            bool(m.group("national")),
            part[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(part)],
        )
        for i, m in enumerate(heads)
    ]
    lead = part[: heads[0].start()] if heads else part
    total = TOTAL_RE.search(lead)
    if not heads and total and lead[total.end() :].strip():
        blocks.append((1, False, lead[total.end() :]))  # "3 totalThe IOPC recommends…": headings lost
    elif first_line(lead) == "Force response":
        blocks.insert(0, (0, False, lead))  # an excerpt that starts inside a recommendation's response
    return blocks


def _linked(m: re.Match | None) -> list[Body]:
    if not m:
        return []
    value = m.group("value").strip()
    if not value:  # block rendering: the value is on the next line, which may be a status line instead
        return find_bodies(m.group("next") or "")
    one = body_or_none(value)
    return find_bodies(value) or ([one] if one else [])


def _recommendation(number: int, national: bool, block: str, force: Body | None) -> Recommendation:
    """One recommendation block: text, addressee, linked bodies, status line and force response."""
    addressed_m, linked_m = ADDRESSED_RE.search(block), LINKED_RE.search(block)
    response_m, status_m = FORCE_RESPONSE_RE.search(block), STATUS_LINE_RE.search(block)
    head_end = min((m.start() for m in (addressed_m, linked_m, status_m, response_m) if m), default=len(block))
    split = split_response(block[:head_end])
    response = block[response_m.end() :].strip() if response_m else None
    status = split.status
    late_status = STATUS_LINE_RE.search(block, head_end, response_m.start() if response_m else len(block))
    if late_status:
        status = status_of_label(late_status.group(1))
    elif status == "unknown" and response and (label := LABEL_RE.match(response)):
        status = status_of_label(label.group("label"))
    # The field sometimes holds a sentence of the recommendation instead of a body: fall back then.
    named = body_or_none(addressed_m.group("value")) if addressed_m and addressed_m.group("value") else None
    # An orphan response (number 0) lost its recommendation, so its addressee is not known either.
    to = named or next(iter(addressees(split.text)), None) or (force if number else None)
    # A recommendation still awaiting its response keeps the page's status line: a claim that it awaits one
    # then cites the words that say so.
    awaiting = AWAITING_RE.search(block) if status == "awaiting response" else None
    return Recommendation(
        number=number,
        text=f"{split.text}\n{awaiting.group(0).strip()}" if awaiting else split.text,
        addressed_to=to,
        linked_bodies=_linked(linked_m),
        status=status,
        response=response or split.response,
        national=national or bool(to and is_national(to.name)),
    )


def parse(text: str, url: str | None = None) -> Case:
    """Parse a layout A page (one or more excerpts)."""
    parts = split_parts(text)
    headers = [_header(p) for p in parts]
    h = next((x for x in headers if x.title), _Header())
    named = title_bodies(h.title_line.force_text) if h.title_line else []
    recs: dict[int, Recommendation] = {}
    force = next(iter(named), None) or h.header_force
    for part in parts:
        for number, national, block in _blocks(part):
            rec = _recommendation(number, national, block, force)
            recs[number] = merge_recommendations(recs[number], rec) if number in recs else rec
    waiting = [n for n, r in recs.items() if n and not r.response]
    if 0 in recs and len(waiting) == 1:  # the only recommendation still without a response owns the orphan
        recs[waiting[0]] = merge_recommendations(recs[waiting[0]], recs.pop(0))
    ordered = [recs[n] for n in sorted(recs)]
    if force is None and not h.title:
        # An excerpt that starts at "Recommendation 1" names no force but its recommendations' addressee:
        # the case is filed under it when there is one, and titled from its address, not "Recommendation 1".
        to = {r.addressed_to.name: r.addressed_to for r in ordered if r.addressed_to}
        force = next(iter(to.values())) if len(to) == 1 else None
    recommended = next((x.recommended for x in headers if x.recommended), None)
    due, inferred = due_date(recommended, next((x.due for x in headers if x.due), None))
    return Case(
        title=h.title or slug_title(url) or first_line(text),
        layout=LAYOUT,
        force=force,
        bodies=unique_bodies(force, named, h.header_force, *[[r.addressed_to, *r.linked_bodies] for r in ordered]),
        references=list(dict.fromkeys(ref for x in headers for ref in x.references)),
        incident_month=h.title_line.month if h.title_line else None,
        recommended=recommended,
        response_due=due,
        response_due_inferred=inferred,
        themes=h.themes,
        narrative=max((x.narrative for x in headers), key=len, default=""),
        recommendations=ordered,
        url=url,
    )
