"""Typed results of the API; the CLI's --json prints these same objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass
class Filters:
    """Restrictions on what is searched. Empty fields restrict nothing."""

    forces: list[str] = field(default_factory=list)  # canonical names (aliases are accepted and resolved)
    themes: list[str] = field(default_factory=list)  # tag names, matched case-insensitively by substring
    since: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD", inclusive
    until: str | None = None
    statuses: list[str] = field(default_factory=list)  # recommendation statuses
    sections: list[str] = field(default_factory=list)  # summary | recommendation | response
    case_ids: list[str] = field(default_factory=list)
    national: bool | None = None  # True: only recommendations to national bodies; False: only local ones
    other_than: list[str] = field(default_factory=list)  # case ids left out ("any others like that?")
    naming: list[str] = field(default_factory=list)  # forces no case is filed under, named in `case_ids`' stories

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not any(v for k, v in asdict(self).items() if k != "national") and self.national is None

    def has_scope(self) -> bool:
        """True when forces, themes, dates, statuses or national/local restrict what is searched."""
        return bool(
            self.forces or self.themes or self.since or self.until or self.statuses or self.national is not None
        )

    def describe(self) -> str:
        """One line for people: "force: Sussex Police; year: 2021"."""
        parts = []
        if self.forces:
            parts.append("force: " + ", ".join(self.forces))
        if self.themes:
            parts.append("theme: " + ", ".join(self.themes))
        if self.since or self.until:
            # A case's date is its incident month, else its recommendation date, else its publication date
            # (ingest.passages.case_date): the one date filters, answers and the Cases tab use.
            if self.since and self.until and self.since[:4] == self.until[:4] and len(self.since) == 4:
                parts.append(f"incident dates in {self.since}")
            elif self.since and self.until:
                parts.append(f"incident dates from {self.since} to {self.until}")
            else:
                parts.append(
                    f"incident dates from {self.since}" if self.since else f"incident dates up to {self.until}"
                )
        if self.statuses:
            parts.append("status: " + ", ".join(self.statuses))
        if self.sections:
            parts.append("section: " + ", ".join(self.sections))
        if self.naming:
            parts.append("cases naming " + ", ".join(self.naming))
        elif self.case_ids:
            parts.append(f"cases: {len(self.case_ids)} from the previous answer")
        if self.other_than:
            n = len(self.other_than)
            parts.append(f"other than the {n} case{'s' if n != 1 else ''} already given")
        if self.national is not None:
            parts.append("national recommendations" if self.national else "local recommendations")
        return "; ".join(parts)

    def canonical(self) -> Filters:
        """The same filters with force aliases ("Met", "Hampshire police") resolved to canonical names."""
        from ingest.bodies import canonical_name

        return replace(self, forces=[canonical_name(f) or f for f in self.forces])

    def merged(self, other: Filters) -> Filters:
        """These filters with every non-empty field of `other` taking precedence."""
        mine, theirs = asdict(self), asdict(other)
        return Filters(
            **{k: theirs[k] if theirs[k] or (k == "national" and theirs[k] is not None) else mine[k] for k in mine}
        )


@dataclass
class Hit:
    """A retrieved passage with its scores."""

    id: str
    case_id: str
    title: str
    force: str
    section: str  # summary | recommendation | response
    rec_no: int | None
    status: str
    text: str
    source: str
    url: str | None
    score: float  # fused (reciprocal rank) score
    dense: float  # cosine similarity to the question (0 when not among the dense results)
    keyword: float  # BM25 score (0 when no term matched)
    date: str = ""
    addressed_to: str = ""  # the recommendation's addressee, when the passage belongs to one
    response_due: str = ""  # ISO date the force's response is due by ("" when not known)
    response_due_inferred: bool = False  # worked out as 56 days after the recommendation


@dataclass
class Citation:
    """Where a claim comes from: a verbatim quote inside a stored passage."""

    n: int
    case_id: str
    title: str
    force: str
    section: str  # "summary", "recommendation 2", "force response to recommendation 2"
    rec_no: int | None
    quote: str  # verbatim substring of `passage`
    passage: str
    source: str  # the path or URL the passage was ingested from, exactly as given
    url: str | None
    score: float
    status: str = ""  # the recommendation's status, when the passage belongs to one
    date: str = ""
    addressed_to: str = ""


@dataclass
class Answer:
    """An answer in markdown with [n] markers, each referring to one citation."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    kind: str = "lookup"  # lookup | list | filter
    filters: Filters = field(default_factory=Filters)  # what was applied (explicit and from the question)
    searched: int = 0  # how many cases were searched
    confidence: str = "high"  # high | low | none: how clearly the cases answer the question
    query: str = ""  # what was searched for: a follow-up's includes the question it follows
    mode: str = "extractive"  # extractive (quotes) | generated (written by `model`, every sentence checked)
    model: str | None = None  # the LLM that wrote the text, when generated
    dropped: list[str] = field(default_factory=list)  # written sentences removed by the citation check
    dropped_reasons: list[str] = field(default_factory=list)  # why each of `dropped` was removed, in order
    note: str = ""  # one line on how the answer was made, when not as usual (e.g. why quotes are shown)


@dataclass(slots=True)
class CaseSummary:
    """One case in the collection, for `iopc cases` and the cases table."""

    case_id: str
    title: str
    force: str | None
    bodies: list[str]
    references: list[str]
    incident_month: str | None
    published: str | None
    recommended: str | None
    response_due: str | None
    response_due_inferred: bool
    themes: list[str]
    url: str | None
    sources: list[str]
    recommendations: list[dict]  # number, text, addressed_to, linked_bodies, status, response, national
    layout: str
    narrative: str = ""
    # Themes inferred from the text when none is published (assistant.themes); `themes` stays as published.
    inferred_themes: list[str] = field(default_factory=list)


@dataclass
class Stats:
    """The shape of the collection."""

    cases: int
    sources: int
    passages: int
    recommendations: int
    by_status: dict[str, int]
    forces: dict[str, int]  # cases per force or body
    model: str
    location: str
    encoder: str = "torch"  # how this process runs the model (the vectors are the same model's)
