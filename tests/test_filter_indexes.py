"""The catalog's force, year, theme and case indexes narrow filtering without changing what passes, or its order."""

from assistant import Filters
from ingest.bodies import canonical_name
from ingest.passages import case_date
from tests.support import synth


def _bounds(since: str | None, until: str | None) -> tuple[str, str]:
    """Filters.since/until ("YYYY", "YYYY-MM" or "YYYY-MM-DD", inclusive) as ISO strings to compare dates with."""
    return ((since or "0000") + "-01-01"[len(since or "0000") - 4 :])[:10], (
        (until or "9999") + "-12-31"[len(until or "9999") - 4 :]
    )[:10]


def full_scan(a, filters: Filters) -> list[str]:
    """What passes `filters`, by the rules of `Filters` checked on every passage in collection order, from
    public data only: each passage's metadata and its case as `Assistant.cases()` shows it (twins merged)."""
    cases = {c.case_id: c for c in a.cases()}
    forces = {canonical_name(f) or f for f in filters.forces}
    themes = [t.lower() for t in filters.themes]
    since, until = _bounds(filters.since, filters.until)
    out = []
    stored = {p.id: p.metadata for p in a.store.all_passages()}  # as Chroma holds it, not as the catalog reads it
    for pid in a.catalog.passages:
        md = stored[pid]
        case = cases[md["case_id"]]
        its_forces = {*case.bodies, case.force, *md["forces"].split("|"), md["addressed_to"]} - {None, ""}
        its_themes = [t.lower() for t in case.themes + md["themes"].split("|") if t]
        # A date filter checks the case's one date: incident month, else recommended, else published.
        its_dates = [d for d in (case_date(case),) if d]
        if (
            (not forces or forces & its_forces)
            and (not filters.case_ids or md["case_id"] in filters.case_ids)
            and (not themes or any(t in theme for t in themes for theme in its_themes))
            and (not (filters.since or filters.until) or any(since <= d <= until for d in its_dates))
            and (not filters.statuses or md["status"] in filters.statuses)
            and (not filters.sections or md["section"] in filters.sections)
            and (filters.national is None or (md["section"] != "summary" and bool(md["national"]) == filters.national))
        ):
            out.append(pid)
    return out


def test_indexed_filters_give_what_a_full_scan_gives(make_assistant, tmp_path):
    a = make_assistant()
    assert a.ingest([str(p) for p in synth.write(tmp_path / "cases", 7, 8)]).ok
    cases = a.cases()
    years = sorted({d[:4] for c in cases for d in (c.incident_month, c.recommended, c.published) if d})
    some_case = cases[0].case_id
    by_size = sorted(a.catalog.forces(), key=lambda name: len(full_scan(a, Filters(forces=[name]))))
    small, large = by_size[0], by_size[-1]
    theme = max(
        {t for c in cases for t in c.themes} - {"synthetic"}, key=lambda t: (sum(t in c.themes for c in cases), t)
    )
    word = theme.split()[0].upper()  # a part of a tag, in other letter case
    grid = [
        Filters(since=years[1], until=years[1]),
        Filters(since=years[2]),
        Filters(until=years[1]),
        Filters(since=f"{years[1]}-06", until=f"{years[2]}-03"),
        Filters(since="1990", until="1991"),
        Filters(themes=[theme]),
        Filters(themes=[word, "firearms"]),
        Filters(themes=["no such theme"]),
        Filters(themes=[theme], since=years[1], statuses=["accepted"]),
        Filters(case_ids=[some_case, "no-such-case"]),
        Filters(case_ids=[some_case], sections=["summary"]),
        Filters(forces=[large, small]),
        Filters(forces=[small], since=years[1]),
        Filters(forces=[large], case_ids=[some_case]),
        Filters(forces=["No Such Constabulary"]),
        Filters(national=True),
        Filters(national=False),
        Filters(national=True, statuses=["accepted"]),
        Filters(national=False, forces=[large], sections=["response"]),
    ]
    for filters in grid:
        assert a.catalog.allowed(filters) == full_scan(a, filters), filters
    # the grid is not vacuous: the filters built from the cases' own values find passages
    for filters in (
        Filters(since=years[1], until=years[1]),
        Filters(forces=[large, small]),
        Filters(themes=[theme]),
        Filters(themes=[word, "firearms"]),
        Filters(case_ids=[some_case]),
        Filters(national=True),
        Filters(national=False),
    ):
        assert a.catalog.allowed(filters), filters
    assert a.catalog.allowed(Filters(themes=["no such theme"])) == []
    assert a.catalog.case_passages(some_case) == full_scan(a, Filters(case_ids=[some_case]))


def test_a_filter_sees_each_passages_case_with_its_twins_merged():
    from assistant.case_index import case_summary
    from assistant.filter_index import FilterIndex
    from ingest.bodies import body
    from ingest.model import Case
    from ingest.passages import PassageMeta

    kent = case_summary(
        "kent",
        Case(
            title="Rousing - Kent Police, March 2025",
            layout="t",
            force=body("Kent Police"),
            bodies=[body("Kent Police"), body("College of Policing")],
            incident_month="2025-03",
            themes=["Custody"],
        ),
        ["a.txt", "b.txt"],
    )
    essex = case_summary("essex", Case(title="Pursuit", layout="t", published="2019-07-01"), ["c.txt"])
    metas = {
        "a-0": PassageMeta(case_id="kent", forces=("Kent Police",), date="2025-03-01"),
        "c-0": PassageMeta(case_id="essex", date="2019-07-01"),
        # the excerpt's own metadata names neither the force nor a date: its twin does
        "b-0": PassageMeta(case_id="kent", section="recommendation", rec_no=1, status="accepted", national=True),
        "c-1": PassageMeta(case_id="essex", section="recommendation", rec_no=1, addressed_to="Essex Police"),
    }
    index = FilterIndex(metas, {"kent": kent, "essex": essex})
    assert index.allowed(Filters()) is None
    assert index.allowed(Filters(forces=["Kent Police"])) == ["a-0", "b-0"]
    assert index.allowed(Filters(forces=["Essex Police", "Kent Police"])) == ["a-0", "b-0", "c-1"]  # collection order
    assert index.allowed(Filters(since="2025", themes=["custody"])) == ["a-0", "b-0"]
    assert index.allowed(Filters(until="2019-07")) == ["c-0", "c-1"]
    assert index.allowed(Filters(national=True)) == ["b-0"]
    assert index.allowed(Filters(national=False)) == ["c-1"]  # summaries are neither national nor local
    assert index.allowed(Filters(statuses=["accepted"], sections=["recommendation"])) == ["b-0"]
    assert index.allowed(Filters(case_ids=["essex", "nope"], sections=["summary"])) == ["c-0"]
    assert index.case_passages("kent") == ["a-0", "b-0"] and index.case_passages("nope") == []
