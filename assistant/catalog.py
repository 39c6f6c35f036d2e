"""The in-memory view of the collection: consistent passages, cases, the keyword index, filtering.

Loaded once from the store and reloaded only after this process changes it, so queries never
rebuild anything.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass
from functools import cached_property

from assistant.types import CaseSummary, Filters
from ingest.bodies import canonical_name
from ingest.passages import PassageMeta, case_date, index_text
from ingest.source_records import keyed_cases
from vectorstore import ChromaStore, KeywordIndex

_WORDS = re.compile(r"[a-z]{4,}")


class Catalog:
    """Passages whose source record vouches for them, grouped into cases."""

    def __init__(self, store: ChromaStore):
        self.generation = store.seen  # the store's state this view was loaded from
        snapshot = store.snapshot()
        self.passages = snapshot.passages
        self.cases: dict[str, CaseSummary] = {}
        for record in snapshot.records:
            for case, key in keyed_cases(record):
                self._add_case(key, case, record.source)

    def _add_case(self, key: str, case, source: str) -> None:
        known = self.cases.get(key)
        if known is None:
            self.cases[key] = CaseSummary(
                case_id=key,
                title=case.title,
                force=case.force.name if case.force else None,
                bodies=[b.name for b in case.bodies],
                references=list(case.references),
                incident_month=case.incident_month,
                published=case.published,
                recommended=case.recommended,
                response_due=case.response_due,
                response_due_inferred=case.response_due_inferred,
                themes=list(case.themes),
                url=case.url,
                sources=[source],
                recommendations=_recommendation_rows(case),
                layout=case.layout,
                narrative=case.narrative,
            )
            return
        # A twin from another site: keep both sources, and fill what the first one lacked.
        known.sources.append(source)
        for name in [b.name for b in case.bodies]:
            if name not in known.bodies:
                known.bodies.append(name)
        for ref in case.references:
            if ref not in known.references:
                known.references.append(ref)
        if known.force is None and case.force is not None:
            # The twin with a title line ("… - Force, Month YYYY") names the case better than an
            # excerpt that starts mid-page ("Recommendation 1").
            known.title = case.title
        for attr in ("published", "recommended", "response_due", "url", "force", "incident_month"):
            if getattr(known, attr) is None:
                value = getattr(case, attr)
                setattr(known, attr, value.name if attr == "force" and value else value)
        known.themes += [t for t in case.themes if t not in known.themes]
        known.recommendations = _merge_recommendations(known.recommendations, _recommendation_rows(case))
        if len(case.narrative) > len(known.narrative):
            known.narrative = case.narrative

    @cached_property
    def keyword(self) -> KeywordIndex:
        """BM25 over the passages' index text."""
        ids = list(self.passages)
        return KeywordIndex(ids, [index_text(self.passages[i].text, self.passages[i].metadata) for i in ids])

    def meta(self, pid: str) -> PassageMeta:
        """The typed metadata of a passage (read once, then remembered)."""
        known = self._meta.get(pid)
        if known is None:
            known = self._meta[pid] = PassageMeta.from_metadata(self.passages[pid].metadata)
        return known

    @cached_property
    def _meta(self) -> dict[str, PassageMeta]:
        return {}

    @cached_property
    def words(self) -> frozenset[str]:
        """Every lower-case word of four letters or more in the passages (for spelling hints)."""
        return frozenset(w for p in self.passages.values() for w in _WORDS.findall(p.text.lower()))

    @cached_property
    def words_by_initial(self) -> dict[str, list[str]]:
        """The words, by first letter (a typo rarely changes the first letter; it keeps look-ups small)."""
        out: dict[str, list[str]] = {}
        for w in sorted(self.words):
            out.setdefault(w[0], []).append(w)
        return out

    def prepare(self) -> Catalog:
        """Build the keyword and filter indexes now (each once per catalog); returns the catalog."""
        # Why all at once: built lazily, the first filtered question after a load paid about 1 s at
        # 10,000 cases, the first by year or theme another 0.1 s, the first list 0.1 s. Answering the
        # first question after a load already means building BM25 (seconds there); these add a fraction.
        for index in ("keyword", "_facets", "_ids", "_by_force", "_by_year", "_by_theme", "_by_case_id"):
            getattr(self, index)
        return self

    def allowed(self, filters: Filters) -> list[str] | None:
        """Ids of the passages that pass `filters`; None when nothing is restricted."""
        if filters.is_empty():
            return None
        forces = {canonical_name(f) or f for f in filters.forces}
        themes = [t.lower() for t in filters.themes]
        since, until = _bounds(filters.since, filters.until)
        out = []
        facets = self._facets
        # Only the passages under the most selective index asked for (forces, cases, years, themes):
        # a few hundred, not the whole collection. Every filter is still checked on each of them.
        narrowed = []
        if forces:
            narrowed.append(_union(self._by_force, list(forces)))
        if filters.case_ids:
            narrowed.append(_union(self._by_case_id, filters.case_ids))
        if filters.since or filters.until:
            # As strings, since <= d <= until implies since[:4] <= d[:4] <= until[:4]: a superset.
            narrowed.append(_union(self._by_year, [y for y in self._by_year if since[:4] <= y <= until[:4]]))
        if themes:
            tags = [tag for tag in self._by_theme if any(t in tag for t in themes)]
            narrowed.append(_union(self._by_theme, tags))
        ids = self._ids
        candidates = [ids[n] for n in min(narrowed, key=len)] if narrowed else facets
        for pid in candidates:
            f = facets[pid]
            if forces and not forces & f.forces:
                continue
            if filters.case_ids and f.case_id not in filters.case_ids:
                continue
            if themes and not any(t in theme for t in themes for theme in f.themes):
                continue
            if (filters.since or filters.until) and not _any_between(f.dates, since, until):
                continue
            if filters.statuses and f.status not in filters.statuses:
                continue
            if filters.sections and f.section not in filters.sections:
                continue
            if filters.national is not None and (f.section == "summary" or f.national != filters.national):
                continue
            out.append(pid)
        return out

    @cached_property
    def _by_force(self) -> dict[str, list[int]]:
        return self._positions_by(lambda f: f.forces)

    @cached_property
    def _ids(self) -> list[str]:
        return list(self._facets)

    @cached_property
    def _by_year(self) -> dict[str, list[int]]:
        return self._positions_by(lambda f: {d[:4] for d in f.dates})

    @cached_property
    def _by_theme(self) -> dict[str, list[int]]:
        return self._positions_by(lambda f: set(f.themes))

    @cached_property
    def _by_case_id(self) -> dict[str, list[int]]:
        return self._positions_by(lambda f: (f.case_id,))

    def _positions_by(self, keys) -> dict[str, list[int]]:
        # Positions, not ids: a union of several keys is then sorted back into collection order cheaply,
        # and collection order is what a full scan gives (tables break ties by it).
        out: dict[str, list[int]] = {}
        for n, f in enumerate(self._facets.values()):
            for key in keys(f):
                out.setdefault(key, []).append(n)
        return out

    @cached_property
    def _facets(self) -> dict[str, _Facets]:
        # Worked out once per catalog: filtering then costs a few comparisons per passage, not the
        # case lookups and list building it took on every filtered question.
        out = {}
        # The passages of a case mostly share what forces, themes and dates depend on: work those out
        # once per distinct combination, which is most of the cost of the first filtered question.
        shared: dict[tuple, tuple] = {}
        for pid in self.passages:
            md = self.meta(pid)
            key = (md.case_id, md.forces, md.addressed_to, md.themes, md.date)
            if key not in shared:
                case = self.cases.get(md.case_id)
                shared[key] = (
                    frozenset(self.case_forces(case, md)),
                    tuple(t.lower() for t in self.case_themes(case, md)),
                    tuple(sorted(set(self.case_dates(case, md)))),
                )
            forces, themes, dates = shared[key]
            out[pid] = _Facets(
                case_id=md.case_id,
                forces=forces,
                themes=themes,
                dates=dates,
                status=md.status,
                section=md.section,
                national=md.national,
            )
        return out

    @staticmethod
    def case_forces(case: CaseSummary | None, md: PassageMeta) -> list[str]:
        """Forces and bodies of the case a passage belongs to (twins merged)."""
        names = case.bodies + ([case.force] if case.force else []) if case else []
        return names + list(md.forces) + [md.addressed_to]

    @staticmethod
    def case_themes(case: CaseSummary | None, md: PassageMeta) -> list[str]:
        """Theme tags of the case a passage belongs to (twins merged)."""
        return (case.themes if case else []) + list(md.themes)

    @staticmethod
    def case_dates(case: CaseSummary | None, md: PassageMeta) -> list[str]:
        """The one date a filter checks: the case's date (ingest.passages.case_date, twins merged)."""
        date = case_date(case) if case else md.date
        return [date] if date else []

    def case_passages(self, case_id: str) -> list[str]:
        """Ids of the passages of one case (all its sources)."""
        ids = self._ids
        return [ids[n] for n in self._by_case_id.get(case_id, ())]

    def forces(self) -> list[str]:
        """Every force or body named by some case, sorted."""
        return sorted({b for c in self.cases.values() for b in c.bodies})

    def themes(self) -> list[str]:
        """Every theme tag, sorted."""
        return sorted({t for c in self.cases.values() for t in c.themes})


@dataclass(frozen=True)
class _Facets:
    """What filters look at for one passage (its case's forces, themes and dates, twins merged)."""

    case_id: str
    forces: frozenset
    themes: tuple
    dates: tuple  # sorted, distinct
    status: str
    section: str
    national: bool


def _recommendation_rows(case) -> list[dict]:
    """A case's recommendations as plain rows, bodies by canonical name."""
    return [
        {
            **asdict(r),
            "addressed_to": r.addressed_to.name if r.addressed_to else None,
            "linked_bodies": [b.name for b in r.linked_bodies],
        }
        for r in case.recommendations
    ]


def _merge_recommendations(mine: list[dict], theirs: list[dict]) -> list[dict]:
    """Twins' recommendations by number: each twin may have captured what the other's excerpt lost
    (a response, a status), so the row that knows more wins."""

    def weight(row: dict) -> tuple:
        return (row["status"] != "unknown", bool(row.get("response")), len(row.get("text") or ""))

    by_number = {r["number"]: r for r in mine}
    for row in theirs:
        if row["number"] not in by_number or weight(row) > weight(by_number[row["number"]]):
            by_number[row["number"]] = row
    return [by_number[n] for n in sorted(by_number)]


def _union(index: dict[str, list[int]], keys: list[str]) -> list[int]:
    """Positions under any of `keys` in `index`, in collection order."""
    lists = [index[k] for k in dict.fromkeys(keys) if k in index]
    return lists[0] if len(lists) == 1 else sorted(set().union(*lists))


def _any_between(dates: tuple, lo: str, hi: str) -> bool:
    """Whether some date of the sorted `dates` is within [lo, hi]."""
    i = bisect_left(dates, lo)
    return i < len(dates) and dates[i] <= hi


def _bounds(since: str | None, until: str | None) -> tuple[str, str]:
    """Inclusive ISO bounds from "YYYY", "YYYY-MM" or full dates."""
    lo = (since or "0000") + "-01-01"[len(since or "0000") - 4 :] if since else "0000-01-01"
    hi = (until + "-12-31"[len(until) - 4 :]) if until else "9999-12-31"
    return lo[:10], hi[:10]
