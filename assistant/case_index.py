"""The cases of a snapshot: each case key's twins merged into one CaseSummary (ingest.grouping's rule)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from assistant.types import CaseSummary
from ingest.grouping import merge_twins, twins
from ingest.model import Case
from ingest.source_records import keyed_cases
from vectorstore import SourceRecord


class CaseIndex:
    """Every case of some source records, by case id, in order of first appearance."""

    def __init__(self, records: Iterable[SourceRecord], previous: CaseIndex | None = None):
        # Each record's cases, parsed from its payload: kept for the next index while the record is the
        # same object (a snapshot made from an earlier one reuses the records that did not change).
        self._parsed: dict[str, tuple[SourceRecord, list[tuple[Case, str]]]] = {}
        known = previous._parsed if previous else {}

        def cases_of(record: SourceRecord) -> list[tuple[Case, str]]:
            seen = known.get(record.source)
            parsed = seen[1] if seen and seen[0] is record else keyed_cases(record)
            self._parsed[record.source] = (record, parsed)
            return parsed

        self.cases: dict[str, CaseSummary] = {
            key: case_summary(key, merge_twins([case for case, _ in group]), [source for _, source in group])
            for key, group in twins(records, cases_of).items()
        }

    def __getstate__(self) -> dict:
        """Only the parsed records: the merged cases are made again by the next index (with new themes)."""
        return {"_parsed": self._parsed, "cases": {}}

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
