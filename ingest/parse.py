"""Public entry point: the text of one case page -> Case."""

from __future__ import annotations

import re

from ingest.layouts import PARSERS, detect
from ingest.layouts.common import short_title
from ingest.model import Case
from ingest.normalise import normalise

_URL_LINE = re.compile(r"\A\s*URL:[ \t]*(?P<url>\S+)[ \t]*(?:\n|\Z)")


def split_url(text: str) -> tuple[str | None, str]:
    """The leading "URL: <url>" line's URL (or None) and the text after it."""
    m = _URL_LINE.match(text)
    return (m.group("url"), text[m.end() :]) if m else (None, text)


def parse_text(text: str) -> Case:
    """Parse one case page; raises ValueError("no text") when there is nothing to parse."""
    text = normalise(text or "")
    if not text or not text.strip():
        raise ValueError("no text")
    url, body = split_url(text)
    if not body.strip():
        raise ValueError("no text")
    case = PARSERS[detect(body, url)](body, url)
    case.title = short_title(case.title)
    return case
