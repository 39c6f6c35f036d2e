"""Pages in no known layout: kept whole as narrative, nothing inferred."""

from __future__ import annotations

from ingest.layouts.common import first_line
from ingest.model import Case

LAYOUT = "unknown"


def parse(text: str, url: str | None = None) -> Case:
    """The first non-empty line is the title, the whole text the narrative."""
    return Case(title=first_line(text), layout=LAYOUT, narrative=text.strip(), url=url)
