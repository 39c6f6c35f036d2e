"""Layout C: the legacy ipcc.gov.uk recommendation page, captured as narrative only (no title line)."""

from __future__ import annotations

from ingest.layouts.common import first_line
from ingest.model import Case

LAYOUT = "ipcc_legacy"


def parse(text: str, url: str | None = None) -> Case:
    """The text is the narrative and its first line the title; forces named only in the story are not the case's."""
    return Case(title=first_line(text), layout=LAYOUT, narrative=text.strip(), url=url)
