"""A source's cases as kept in its store record: the key holds their case keys, the payload their JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ingest.model import Case
from vectorstore import SourceRecord


def source_record(
    source: str, content_hash: str, cases: list[Case], case_keys: list[str], n_passages: int, detail: str = ""
) -> SourceRecord:
    """The record of a source just parsed into `cases`, stamped with the time now."""
    return SourceRecord(
        source=source,
        content_hash=content_hash,
        n_passages=n_passages,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        detail=detail,
        key="|".join(case_keys),
        payload=json.dumps([c.to_dict() for c in cases], ensure_ascii=False),
    )


def cases_of(record: SourceRecord) -> list[Case]:
    """The parsed cases stored with a source record."""
    return [Case.from_dict(d) for d in json.loads(record.payload)]


def case_keys_of(record: SourceRecord) -> list[str]:
    """The case keys of a source record's cases, in the same order."""
    return record.key.split("|")


def keyed_cases(record: SourceRecord) -> list[tuple[Case, str]]:
    """(case, case key) of each case stored with a source record."""
    return list(zip(cases_of(record), case_keys_of(record), strict=False))
