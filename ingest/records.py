"""Structured JSON records -> Case. The accepted fields are listed in the README."""

from __future__ import annotations

from datetime import date, timedelta

from ingest.bodies import body, find_bodies, is_national
from ingest.model import STATUSES, Case, Recommendation

RESPONSE_PERIOD = timedelta(days=56)  # para 28A: a response is due 56 days after the recommendation


def _list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()] if "|" in value else [value.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def _iso(value, field: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"'{field}' must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _recommendation(r: dict, i: int, case_force) -> Recommendation:
    if not isinstance(r, dict):
        raise TypeError(f"recommendation {i} is not an object")
    status = str(r.get("status") or "unknown").strip().lower()
    if status not in STATUSES:
        raise ValueError(f"recommendation {i}: status {r['status']!r} is not one of {', '.join(STATUSES)}")
    addressed = body(r["addressed_to"]) if r.get("addressed_to") else case_force
    return Recommendation(
        number=int(r.get("number") or i), text=str(r.get("text") or ""), addressed_to=addressed,
        linked_bodies=[body(b) for b in _list(r.get("linked_bodies"))], status=status,
        response=r.get("response") or None,
        national=bool(r.get("national", bool(addressed and is_national(addressed.name)))))


def case_from_record(record: dict) -> Case:
    """Build a Case from a record with at least a 'title'; raises KeyError/ValueError with the reason."""
    if not str(record.get("title") or "").strip():
        raise KeyError("missing 'title'")
    force = body(record["force"]) if record.get("force") else None
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
        references=_list(record.get("references") or record.get("reference")),
        incident_month=record.get("incident_month") or None,
        published=_iso(record.get("published"), "published"), recommended=recommended,
        response_due=due, response_due_inferred=inferred, themes=_list(record.get("themes")),
        narrative=str(record.get("narrative") or record.get("summary") or ""), recommendations=recs,
        url=record.get("url") or None)
