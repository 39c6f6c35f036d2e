"""A source's cases as kept in its store record: the key holds their case keys, the payload their JSON,
and the lookup their identity digests (ingest.grouping), read without the payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ingest.model import Case
from vectorstore import SourceRecord


def source_record(
    source: str,
    content_hash: str,
    cases: list[Case],
    case_keys: list[str],
    n_passages: int,
    detail: str = "",
    digests: list[list[str]] | None = None,
) -> SourceRecord:
    """The record of a source just parsed into `cases` (with their identity digests), stamped with the time now."""
    return SourceRecord(
        source=source,
        content_hash=content_hash,
        n_passages=n_passages,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
        detail=detail,
        key="|".join(case_keys),
        payload=json.dumps([c.to_dict() for c in cases], ensure_ascii=False),
        lookup=digests_lookup(digests) if digests is not None else "",
    )


def cases_of(record: SourceRecord) -> list[Case]:
    """The parsed cases stored with a source record."""
    return [Case.from_dict(d) for d in json.loads(record.payload)]


def case_keys_of(record: SourceRecord) -> list[str]:
    """The case keys of a source record's cases, in the same order."""
    return record.key.split("|")


def digests_lookup(digests: list[list[str]]) -> str:
    """The lookup string a record keeps its cases' identity digests in."""
    return json.dumps(digests, separators=(",", ":"))


def digests_of(record: SourceRecord) -> list[list[str]] | None:
    """The identity digests of each of a record's cases, in order; None when the record keeps none."""
    return json.loads(record.lookup) if record.lookup else None
