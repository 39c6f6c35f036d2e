"""JSON records -> Case, through one typed schema: the fields, their types and their readers (see README).

Every reader takes (value, where) and returns the typed value or raises ValueError naming the field and
what it got; `where` is the path to the field ("recommendation 2: 'national'"), and the caller adds the
record's number. A record is read whole before a case is built, so a wrong field never half-builds one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ingest.bodies import body, find_bodies, is_national
from ingest.layouts.common import short_title
from ingest.model import STATUSES, Case, Recommendation, due_date

_SHOWN = 60  # characters of a wrong value quoted back in the message


def _got(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "…"


def _text(value, where: str) -> str | None:
    """A string (None when absent or empty)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string, got {_got(value)}")
    return value


def _list(value, where: str) -> list[str]:
    """A list of strings (whole numbers accepted), or one string ("a|b" splits)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()] if "|" in value else [value.strip()]
    # Why strict: str() of an object or null item stored "{'a': 1}" or "None" as a tag the record never named.
    if not isinstance(value, list) or any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in value):
        raise ValueError(f"{where} must be a string or a list of strings, got {_got(value)}")
    return [str(v).strip() for v in value if str(v).strip()]


def _month(value, where: str) -> str | None:
    """'YYYY-MM' (a full ISO date is cut to its month)."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4}-\d{2})(-\d{2})?", str(value).strip()) if isinstance(value, str) else None
    if not m or not 1 <= int(m.group(1)[5:]) <= 12:
        raise ValueError(f"{where} must be YYYY-MM, got {_got(value)}")
    return m.group(1)


def _iso(value, where: str) -> str | None:
    """An ISO date 'YYYY-MM-DD'."""
    if not value:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{where} must be an ISO date (YYYY-MM-DD), got {_got(value)}") from None


def _bool(value, where: str) -> bool | None:
    """true or false (JSON booleans only); None when absent."""
    # Why only booleans: bool("false") and bool("no") are True, so such a string was stored as true;
    # guessing which strings mean no is worse than saying what is accepted.
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"{where} must be true or false (a JSON boolean, not a string), got {_got(value)}")


def _number(value, where: str) -> int | None:
    """A whole number (or its digits as a string); None when absent or 0."""
    if value is None or value == "" or value is False or value == 0:
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError(f"{where} must be a whole number, got {_got(value)}")


def _status(value, where: str) -> str:
    """One of STATUSES, in any case; 'unknown' when absent."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where} must be a string, got {_got(value)}")
    status = (value or "unknown").strip().lower()
    if status not in STATUSES:
        prefix = where[: where.rindex("'")].rsplit("'", 1)[0]  # "recommendation 2: " of "recommendation 2: 'status'"
        raise ValueError(f"{prefix}status {_got(value)} is not one of {', '.join(STATUSES)}")
    return status


def _title(value, where: str) -> str:
    """The required title, cut at a word to TITLE_MAX characters."""
    title = (_text(value, where) or "").strip()
    if not title:
        raise ValueError(f"missing {where}")
    return short_title(title)


def _objects(value, where: str) -> list[dict]:
    """A list of objects (recommendations)."""
    if value is None or value == []:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list of objects, got {_got(value)}")
    return value


@dataclass(frozen=True)
class Field:
    """One field of a record: its name, other names it may go by, and the reader of its value."""

    name: str
    read: Callable[[Any, str], Any]
    aliases: tuple[str, ...] = ()

    def value(self, record: dict, where: str = ""):
        """The typed value of this field in `record`, under the first of its names given a value."""
        name = next((n for n in (self.name, *self.aliases) if record.get(n) not in (None, "", [])), self.name)
        return self.read(record.get(name), f"{where}'{name}'")


# The schema. Unknown fields are ignored (the README's table lists these).
CASE_FIELDS = (
    Field("title", _title),
    Field("force", _text),
    Field("references", _list, ("reference",)),
    Field("incident_month", _month),
    Field("published", _iso),
    Field("recommended", _iso),
    Field("response_due", _iso),
    Field("themes", _list),
    Field("narrative", _text, ("summary",)),
    Field("url", _text),
    Field("recommendations", _objects),
)
RECOMMENDATION_FIELDS = (
    Field("number", _number),
    Field("text", _text),
    Field("addressed_to", _text),
    Field("linked_bodies", _list),
    Field("status", _status),
    Field("response", _text),
    Field("national", _bool),
)
PAGE_FIELDS = (Field("text", _text), Field("url", _text))  # a page record: {"text": page, "url": ...}


def read_record(record: dict, fields: tuple[Field, ...], where: str = "") -> dict[str, Any]:
    """Every field of `record` typed by its schema; ValueError naming the first wrong field."""
    return {f.name: f.value(record, where) for f in fields}


def is_page_record(record: dict) -> bool:
    """True for a page record: text to parse like a .txt file, and no title."""
    return "title" not in record and isinstance(record.get("text"), str)


def _recommendation(r, i: int, case_force) -> Recommendation:
    if not isinstance(r, dict):
        raise ValueError(f"recommendation {i} is not an object")
    f = read_record(r, RECOMMENDATION_FIELDS, f"recommendation {i}: ")
    addressed = body(f["addressed_to"]) if f["addressed_to"] else case_force
    national = f["national"]
    if national is None:
        national = bool(addressed and is_national(addressed.name))
    return Recommendation(
        number=f["number"] or i,
        text=f["text"] or "",
        addressed_to=addressed,
        linked_bodies=[body(b) for b in f["linked_bodies"]],
        status=f["status"],
        response=f["response"],
        national=national,
    )


def case_from_record(record: dict) -> Case:
    """Build a Case from a structured record (at least a 'title'); ValueError naming the wrong field."""
    f = read_record(record, CASE_FIELDS)
    force = body(f["force"]) if f["force"] else None
    recs = [_recommendation(r, i, force) for i, r in enumerate(f["recommendations"], 1)]
    recommended = f["recommended"]
    due, inferred = due_date(recommended, f["response_due"])
    bodies = {b.name: b for b in ([force] if force else []) + find_bodies(f["title"])}
    for r in recs:
        for b in ([r.addressed_to] if r.addressed_to else []) + r.linked_bodies:
            bodies.setdefault(b.name, b)
    return Case(
        title=f["title"],
        layout="json",
        force=force,
        bodies=list(bodies.values()),
        references=f["references"],
        incident_month=f["incident_month"],
        published=f["published"],
        recommended=recommended,
        response_due=due,
        response_due_inferred=inferred,
        themes=f["themes"],
        narrative=f["narrative"] or "",
        recommendations=recs,
        url=f["url"],
    )
