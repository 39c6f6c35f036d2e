"""Which passages pass a Filters: each passage's facets, and indexes by force, year, theme and case."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from assistant.types import CaseSummary, Filters
from ingest.bodies import canonical_name
from ingest.passages import PassageMeta, case_date


class Facets(NamedTuple):
    """What filters look at for one passage (its case's forces, themes and dates, twins merged).

    A named tuple for the reason PassageMeta is one (quick to read back from a kept catalog)."""

    case_id: str
    forces: frozenset[str]
    themes: tuple[str, ...]
    dates: tuple[str, ...]  # sorted, distinct
    status: str
    section: str
    national: bool


class FilterIndex:
    """Filters over passages (in collection order) and their merged cases; built once, then only read."""

    _by_force: Mapping[str, Sequence[int]]
    _by_year: Mapping[str, Sequence[int]]
    _by_theme: Mapping[str, Sequence[int]]
    _by_case_id: Mapping[str, Sequence[int]]

    def __init__(
        self, metas: Mapping[str, PassageMeta], cases: Mapping[str, CaseSummary], previous: FilterIndex | None = None
    ):
        # Kept so that a later index can tell which facets it may take from this one: a passage's facets
        # stay while its metadata and its case are the same objects (neither is changed once made).
        self._metas, self._cases = metas, cases
        self._facets = _facets(metas, cases, previous)
        self._ids = list(self._facets)
        # Positions, not ids: a union of several keys is then sorted back into collection order cheaply,
        # and collection order is what a full scan gives (tables break ties by it).
        start = 0
        lists: tuple[dict[str, list[int]], ...] = ({}, {}, {}, {})
        if previous is not None and _extends(self._ids, self._facets, previous):
            start = len(previous._ids)  # passages were only added: earlier positions stand
            if start == len(self._ids):
                self._by_force, self._by_year = previous._by_force, previous._by_year
                self._by_theme, self._by_case_id = previous._by_theme, previous._by_case_id
                return
            for mine, theirs in zip(lists, previous._indexes(), strict=True):
                mine.update((k, list(v)) for k, v in theirs.items())
        facets = list(self._facets.values())
        for n in range(start, len(facets)):
            f = facets[n]
            keys: tuple[Iterable[str], ...] = (f.forces, {d[:4] for d in f.dates}, set(f.themes), (f.case_id,))
            for index, of_passage in zip(lists, keys, strict=True):
                for key in of_passage:
                    index.setdefault(key, []).append(n)
        # Kept as arrays: a kept catalog then reads each position list as one block, not as an int object
        # per passage and key (at 10,000 cases, hundreds of thousands of objects fewer to make at a start).
        self._by_force, self._by_year, self._by_theme, self._by_case_id = (
            {k: array("l", v) for k, v in index.items()} for index in lists
        )

    def _indexes(self) -> tuple[Mapping[str, Sequence[int]], ...]:
        """The position indexes: by force, year, theme and case."""
        return self._by_force, self._by_year, self._by_theme, self._by_case_id

    def allowed(self, filters: Filters) -> list[str] | None:
        """Ids of the passages that pass `filters`, in collection order; None when nothing is restricted."""
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
            if f.case_id in filters.other_than:
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

    def case_passages(self, case_id: str) -> list[str]:
        """Ids of the passages of one case (all its sources), in collection order."""
        ids = self._ids
        return [ids[n] for n in self._by_case_id.get(case_id, ())]


def case_forces(case: CaseSummary | None, md: PassageMeta) -> list[str]:
    """Forces and bodies of the case a passage belongs to (twins merged)."""
    names = case.bodies + ([case.force] if case.force else []) if case else []
    return names + list(md.forces) + [md.addressed_to]


def case_themes(case: CaseSummary | None, md: PassageMeta) -> list[str]:
    """Theme tags of the case a passage belongs to (twins merged)."""
    return (case.themes + case.inferred_themes if case else []) + list(md.themes)


def case_dates(case: CaseSummary | None, md: PassageMeta) -> list[str]:
    """The one date a filter checks: the case's date (ingest.passages.case_date, twins merged)."""
    date = case_date(case) if case else md.date
    return [date] if date else []


def _facets(
    metas: Mapping[str, PassageMeta], cases: Mapping[str, CaseSummary], previous: FilterIndex | None
) -> dict[str, Facets]:
    # Worked out once: filtering then costs a few comparisons per passage, not case lookups and list
    # building on every filtered question.
    out = {}
    old, old_metas, old_cases = (previous._facets, previous._metas, previous._cases) if previous else ({}, {}, {})
    # The passages of a case mostly share what forces, themes and dates depend on: work those out
    # once per distinct combination, which is most of the cost of building the index.
    shared: dict[tuple, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]] = {}
    for pid, md in metas.items():
        if pid in old and old_metas.get(pid) is md and old_cases.get(md.case_id) is cases.get(md.case_id):
            out[pid] = old[pid]
            continue
        key = (md.case_id, md.forces, md.addressed_to, md.themes, md.date)
        if key not in shared:
            case = cases.get(md.case_id)
            shared[key] = (
                frozenset(case_forces(case, md)),
                tuple(t.lower() for t in case_themes(case, md)),
                tuple(sorted(set(case_dates(case, md)))),
            )
        forces, themes, dates = shared[key]
        out[pid] = Facets(
            case_id=md.case_id,
            forces=forces,
            themes=themes,
            dates=dates,
            status=md.status,
            section=md.section,
            national=md.national,
        )
    return out


def _extends(ids: list[str], facets: dict[str, Facets], previous: FilterIndex) -> bool:
    """Whether `ids` are the previous index's passages, with the same facets, followed by new ones."""
    n = len(previous._ids)
    return ids[:n] == previous._ids and all(facets[pid] is previous._facets[pid] for pid in previous._ids)


def _union(index: Mapping[str, Sequence[int]], keys: list[str]) -> Sequence[int]:
    """Positions under any of `keys` in `index`, in collection order."""
    lists = [index[k] for k in dict.fromkeys(keys) if k in index]
    return lists[0] if len(lists) == 1 else sorted(set().union(*lists))


def _any_between(dates: tuple[str, ...], lo: str, hi: str) -> bool:
    """Whether some date of the sorted `dates` is within [lo, hi]."""
    i = bisect_left(dates, lo)
    return i < len(dates) and dates[i] <= hi


def _bounds(since: str | None, until: str | None) -> tuple[str, str]:
    """Inclusive ISO bounds from "YYYY", "YYYY-MM" or full dates."""
    lo = (since or "0000") + "-01-01"[len(since or "0000") - 4 :] if since else "0000-01-01"
    hi = (until + "-12-31"[len(until) - 4 :]) if until else "9999-12-31"
    return lo[:10], hi[:10]
