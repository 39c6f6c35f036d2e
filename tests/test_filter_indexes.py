"""The catalog's force, year, theme and case indexes narrow filtering without changing what passes, or its order."""

from assistant import Filters
from assistant.catalog import _bounds
from ingest.bodies import canonical_name
from bench import synth


def _scan(catalog, filters: Filters) -> list[str]:
    """What allowed() gave before the indexes: every passage's facets checked, in collection order."""
    forces = {canonical_name(f) or f for f in filters.forces}
    themes = [t.lower() for t in filters.themes]
    since, until = _bounds(filters.since, filters.until)
    return [pid for pid, f in catalog._facets.items()
            if (not forces or forces & f.forces)
            and (not filters.case_ids or f.case_id in filters.case_ids)
            and (not themes or any(t in theme for t in themes for theme in f.themes))
            and (not (filters.since or filters.until) or any(since <= d <= until for d in f.dates))
            and (not filters.statuses or f.status in filters.statuses)
            and (not filters.sections or f.section in filters.sections)]


def test_indexed_filters_give_what_a_full_scan_gives(make_assistant, tmp_path):
    a = make_assistant()
    assert a.ingest([str(p) for p in synth.write(tmp_path / "cases", 7, 8)]).ok
    catalog = a.catalog
    years = sorted({d[:4] for f in catalog._facets.values() for d in f.dates})
    some_case = next(iter(catalog.cases))
    by_size = sorted(catalog.forces(), key=lambda name: len(catalog._by_force[name]))
    small, large = by_size[0], by_size[-1]
    grid = [Filters(since=years[1], until=years[1]), Filters(since=years[2]), Filters(until=years[1]),
            Filters(since=f"{years[1]}-06", until=f"{years[2]}-03"), Filters(since="1990", until="1991"),
            Filters(themes=["custody"]), Filters(themes=["USE OF", "firearms"]), Filters(themes=["no such theme"]),
            Filters(themes=["custody"], since=years[1], statuses=["accepted"]),
            Filters(case_ids=[some_case, "no-such-case"]), Filters(case_ids=[some_case], sections=["summary"]),
            Filters(forces=[large, small]), Filters(forces=[small], since=years[1]),
            Filters(forces=[large], case_ids=[some_case]), Filters(forces=["No Such Constabulary"])]
    for filters in grid:
        assert catalog.allowed(filters) == _scan(catalog, filters), filters
    assert catalog.allowed(Filters(since=years[1], until=years[1])), "a year of the cases finds passages"
    assert catalog.allowed(Filters(forces=[large, small])), "the forces of the cases find passages"
    assert catalog.case_passages(some_case) == [pid for pid, f in catalog._facets.items() if f.case_id == some_case]
    assert catalog.allowed(Filters(themes=["custody"])) or catalog.allowed(Filters(themes=["firearms"]))
