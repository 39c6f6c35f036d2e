"""The case model: what one IOPC learning case says, independent of where it was read from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Literal

Status = Literal["accepted", "not accepted", "partially accepted", "awaiting response", "unknown"]
STATUSES: tuple[str, ...] = ("accepted", "not accepted", "partially accepted", "awaiting response", "unknown")
RESPONSE_PERIOD = timedelta(days=56)  # para 28A: a response is due 56 days after the recommendation


def due_date(recommended: str | None, due: str | None) -> tuple[str | None, bool]:
    """The response due date and whether it was inferred as recommended + 56 days."""
    if due or not recommended:
        return due, False
    return (date.fromisoformat(recommended) + RESPONSE_PERIOD).isoformat(), True


@dataclass
class Body:
    """A force or national body: its canonical name and the name as the source wrote it."""

    name: str  # canonical, e.g. "Metropolitan Police Service"; the as-written text when unknown
    as_written: str
    known: bool = True  # False when the name is not in the bodies table


@dataclass
class Recommendation:
    """One numbered learning recommendation and the addressee's response to it."""

    number: int
    text: str
    addressed_to: Body | None = None
    linked_bodies: list[Body] = field(default_factory=list)
    status: Status = "unknown"
    response: str | None = None  # the response text as published (label such as "Accepted action:" kept)
    national: bool = False  # addressed to a national body (NPCC, College of Policing, Home Office...)


@dataclass
class Case:
    """A parsed case page. Text fields keep the source's quirks (typos, glued words) untouched."""

    title: str
    layout: str  # which parser read it: see ingest.layouts
    force: Body | None = None  # the force or body the case is filed under (title or header)
    bodies: list[Body] = field(default_factory=list)  # every force/body named in title, header, addressees, tags
    references: list[str] = field(default_factory=list)  # "2019/127918", "IX/1909/19", "PC/2334/19"
    incident_month: str | None = None  # "YYYY-MM", from the title's "<Month YYYY>"
    published: str | None = None  # ISO date
    recommended: str | None = None  # ISO date
    response_due: str | None = None  # ISO date
    response_due_inferred: bool = False  # True when computed as recommended + 56 days
    themes: list[str] = field(default_factory=list)
    narrative: str = ""
    recommendations: list[Recommendation] = field(default_factory=list)
    url: str | None = None  # the case's public page (the corpus files' "URL:" line)

    def to_dict(self) -> dict:
        """Plain JSON-able dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Case:
        """Inverse of to_dict."""
        d = dict(d)
        d["force"] = Body(**d["force"]) if d.get("force") else None
        d["bodies"] = [Body(**b) for b in d.get("bodies") or []]
        recs = []
        for r in d.get("recommendations") or []:
            r = dict(r)
            r["addressed_to"] = Body(**r["addressed_to"]) if r.get("addressed_to") else None
            r["linked_bodies"] = [Body(**b) for b in r.get("linked_bodies") or []]
            recs.append(Recommendation(**r))
        d["recommendations"] = recs
        return cls(**d)
