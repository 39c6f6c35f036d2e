"""Pages in no known layout: kept whole as narrative, nothing inferred."""

from __future__ import annotations

from ingest.bodies import find_bodies
from ingest.layouts.common import first_line, short_title
from ingest.model import Case

LAYOUT = "unknown"


def parse(text: str, url: str | None = None) -> Case:
    """The first non-empty line is the title, the whole text the narrative.

    Forces named in the title are recorded as the case's bodies (so a force filter finds the case);
    none is promoted to the force it is filed under, which the page does not say.
    """
    title = short_title(first_line(text))
    return Case(title=title, layout=LAYOUT, narrative=text.strip(), url=url, bodies=find_bodies(title))
