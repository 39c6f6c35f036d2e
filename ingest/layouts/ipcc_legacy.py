"""Layout C: the legacy ipcc.gov.uk recommendation page, captured as narrative only (no title line)."""

from __future__ import annotations

from ingest.bodies import find_bodies
from ingest.layouts.common import first_line, month_of, slug_title
from ingest.model import Case

LAYOUT = "ipcc_legacy"


def parse(text: str, url: str | None = None) -> Case:
    """The text is the narrative and its first line the title. The page's address is the missing title line's
    words ("…/man-dies-way-custody-thames-valley-police-november-2017"), so it names the case's force and month;
    forces named only in the story are not the case's."""
    slug = slug_title(url)
    month = month_of(" ".join(slug.split()[-2:])) if slug else None
    named = find_bodies(slug) if month else []
    return Case(
        title=first_line(text),
        layout=LAYOUT,
        force=named[0] if len(named) == 1 else None,
        bodies=named if len(named) == 1 else [],
        incident_month=month,
        narrative=text.strip(),
        url=url,
    )
