"""The cases of a snapshot: each case key's twins merged into one CaseSummary (ingest.grouping's rule).

A CaseSummary here is never changed once made (a catalog made later may share it): what changes is
replaced (see assistant.themes.assign)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from assistant.types import CaseSummary
from ingest.grouping import merge_twins, twin_cases, twin_slots
from ingest.model import Case
from vectorstore import SourceRecord


class CaseIndex:
    """Every case of some source records, by case id, in order of first appearance."""

    def __init__(self, records: Iterable[SourceRecord], previous: CaseIndex | None = None):
        # The record versions each case was merged from: a case whose twins' records are the same as in
        # the previous index is taken from it, not parsed and merged again (seconds at 10,000 cases).
        self._versions: dict[str, tuple] = {}
        known = previous._versions if previous else {}
        parsed: dict[str, list[Case]] = {}
        self.cases: dict[str, CaseSummary] = {}
        for key, slots in twin_slots(records).items():
            version = tuple((r.source, r.content_hash, r.ingested_at, n) for r, n in slots)
            self._versions[key] = version
            if previous is not None and known.get(key) == version and key in previous.cases:
                self.cases[key] = previous.cases[key]
                continue
            group = twin_cases(slots, parsed)
            if group:
                self.cases[key] = case_summary(key, merge_twins([c for c, _ in group]), [s for _, s in group])

    def forces(self) -> list[str]:
        """Every force or body named by some case, sorted."""
        return sorted({b for c in self.cases.values() for b in c.bodies})

    def themes(self) -> list[str]:
        """Every theme tag, sorted."""
        return sorted({t for c in self.cases.values() for t in c.themes})


def case_summary(case_id: str, case: Case, sources: list[str]) -> CaseSummary:
    """The summary of a (merged) case read from `sources`, bodies by canonical name."""
    return CaseSummary(
        case_id=case_id,
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
        sources=sources,
        recommendations=[
            {
                **asdict(r),
                "addressed_to": r.addressed_to.name if r.addressed_to else None,
                "linked_bodies": [b.name for b in r.linked_bodies],
            }
            for r in case.recommendations
        ],
        layout=case.layout,
        narrative=case.narrative,
    )
