"""Structured JSON records -> Case. The accepted fields are listed in the README."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingest.bodies import body, find_bodies, is_national
from ingest.model import STATUSES, Case, Recommendation

RESPONSE_PERIOD = timedelta(days=56)  # para 28A: a response is due 56 days after the recommendation


def _list(value, field: str = "value", where: str = "") -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()] if "|" in value else [value.strip()]
    # Why: a number or object here used to surface as "'int' object is not iterable", naming no field.
    if not isinstance(value, list):
        raise ValueError(f"{where}'{field}' must be a string or a list of strings, got {value!r}")
    # Why: str() of an object or null item stored "{'a': 1}" or "None" as a tag the record never named.
    if any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in value):
        raise ValueError(f"{where}'{field}' must be a string or a list of strings, got {value!r}")
    return [str(v).strip() for v in value if str(v).strip()]


def _text(value, field: str, where: str = "") -> str | None:
    """A string field (None when absent); why: a number here used to fail deep inside the body lookup."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}'{field}' must be a string, got {value!r}")
    return value


def _month(value) -> str | None:
    """'YYYY-MM' (a full ISO date is cut to its month); why: any value used to be stored as is, and a
    non-string month broke passage dates with an "unexpected error"."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4}-\d{2})(-\d{2})?", str(value).strip())
    if not m or not 1 <= int(m.group(1)[5:]) <= 12:
        raise ValueError(f"'incident_month' must be YYYY-MM, got {value!r}")
    return m.group(1)


def _iso(value, field: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"'{field}' must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _number(value, default: int, where: str) -> int:
    """A recommendation number: a whole number (or its digits as a string); its position when absent or 0."""
    if value is None or value == "" or value is False or value == 0:
        return default
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError(f"{where}'number' must be a whole number, got {value!r}")


def _recommendation(r: dict, i: int, case_force) -> Recommendation:
    if not isinstance(r, dict):
        raise TypeError(f"recommendation {i} is not an object")
    status = str(r.get("status") or "unknown").strip().lower()
    if status not in STATUSES:
        raise ValueError(f"recommendation {i}: status {r['status']!r} is not one of {', '.join(STATUSES)}")
    addressed_name = _text(r.get("addressed_to"), "addressed_to", f"recommendation {i}: ")
    addressed = body(addressed_name) if addressed_name else case_force
    where = f"recommendation {i}: "
    # Why typed: str() of a list or object put "[None, True]" into the text as if the record said it,
    # a non-string response failed later inside the passage builder, and int(1e999) raised OverflowError.
    return Recommendation(
        number=_number(r.get("number"), i, where), text=_text(r.get("text"), "text", where) or "",
        addressed_to=addressed,
        linked_bodies=[body(b) for b in _list(r.get("linked_bodies"), "linked_bodies", where)],
        status=status,
        response=_text(r.get("response"), "response", where),
        national=bool(r.get("national", bool(addressed and is_national(addressed.name)))))


def case_from_record(record: dict) -> Case:
    """Build a Case from a record with at least a 'title'; raises ValueError/TypeError with the reason."""
    # Why ValueError, not KeyError: str(KeyError(...)) is the repr, so the report read "record 1: \"missing 'title'\"".
    if not (_text(record.get("title"), "title") or "").strip():
        raise ValueError("missing 'title'")
    force_name = _text(record.get("force"), "force")
    force = body(force_name) if force_name else None
    recs = [_recommendation(r, i, force) for i, r in enumerate(record.get("recommendations") or [], 1)]
    recommended = _iso(record.get("recommended"), "recommended")
    due = _iso(record.get("response_due"), "response_due")
    inferred = False
    if recommended and not due:
        due, inferred = (date.fromisoformat(recommended) + RESPONSE_PERIOD).isoformat(), True
    bodies = {b.name: b for b in ([force] if force else []) + find_bodies(record["title"])}
    for r in recs:
        for b in ([r.addressed_to] if r.addressed_to else []) + r.linked_bodies:
            bodies.setdefault(b.name, b)
    return Case(
        title=str(record["title"]).strip(), layout="json", force=force, bodies=list(bodies.values()),
        references=_list(record.get("references") or record.get("reference"), "references"),
        incident_month=_month(record.get("incident_month")),
        published=_iso(record.get("published"), "published"), recommended=recommended,
        response_due=due, response_due_inferred=inferred, themes=_list(record.get("themes"), "themes"),
        narrative=_text(record.get("narrative"), "narrative") or _text(record.get("summary"), "summary") or "",
        recommendations=recs,
        url=_text(record.get("url"), "url"))
