"""Recommendations written as unheaded "The IOPC recommends that …" paragraphs (policeconduct, Met FOI)."""

from __future__ import annotations

import re

from ingest.bodies import is_national
from ingest.layouts.common import addressees
from ingest.layouts.responses import split_response
from ingest.model import Body, Recommendation

RECOMMENDS_LINE_RE = re.compile(r"^[ \t]*The IOPC recommends", re.MULTILINE)


def chunks(section: str) -> list[str]:
    """One chunk per recommendation: each starts at a line opening "The IOPC recommends"."""
    starts = [m.start() for m in RECOMMENDS_LINE_RE.finditer(section)]
    if not starts:
        return [section] if section.strip() else []
    return [section[a:b] for a, b in zip(starts, starts[1:] + [len(section)], strict=True)]


def flat_recommendations(section: str, force: Body | None, national: bool = False) -> list[Recommendation]:
    """Recommendations numbered in page order; the addressee is the body the sentence names, else the force."""
    recs = []
    for number, chunk in enumerate(chunks(section), 1):
        split = split_response(chunk)
        named = addressees(split.text)
        to = next(iter(named), None) or force
        recs.append(
            Recommendation(
                number=number,
                text=split.text,
                addressed_to=to,
                linked_bodies=named,
                status=split.status,
                response=split.response,
                national=national or bool(to and is_national(to.name)),
            )
        )
    return recs
