"""Hostile inputs (written by tests/support/hostile.py): each ingests as inert text or fails with one clear line naming
it, and nothing else in the store changes (compared before and after). Time and memory per input are
bounded by `python -m bench.reliability`, not here."""

from __future__ import annotations

import pytest
from test_ingest import SEED

from ingest.errors import SourceError
from tests.support.fuzz import pieces
from tests.support.hostile import check, http_pages, inputs, page, web_server

QUICK = {h.name: h for h in inputs(quick=True)}


@pytest.fixture(scope="module")
def server():
    with web_server(http_pages(quick=True)) as url:
        yield url


@pytest.fixture(scope="module")
def stocked(tmp_path_factory, embedder):
    """An index holding the seed and one more case; the hostile inputs are thrown at it."""
    from assistant import Assistant

    root = tmp_path_factory.mktemp("hostile")
    other = root / "other.txt"
    other.write_text(page("Other case - Kent Police, May 2022", "Another case entirely."))
    a = Assistant(data_dir=root / "index", embedder=embedder)
    assert a.ingest([str(SEED), str(other)]).ok
    return a


@pytest.mark.parametrize("name", list(QUICK))
def test_hostile_input(name, stocked, server, tmp_path, embedder):
    from app import answer_markdown, ingest_uploads
    from assistant import Assistant

    hostile = QUICK[name]
    a = stocked
    if hostile.max_bytes:  # the same index, opened with a smaller size limit
        a = Assistant(data_dir=stocked.location.path, embedder=embedder, max_bytes=hostile.max_bytes)
    outcome = check(a, hostile, tmp_path, server, ingest_uploads, answer_markdown)
    assert outcome.problems == []


# Lines of megabytes built to make a backtracking regex or a quadratic loop take hours: each one
# read, parsed and cut into passages with the real tokenizer (a regression hangs the suite; the
# time each takes is measured by `python -m bench.reliability`, not asserted here).
TRAPS = {
    "header labels": "Kent Police Ref: " * 100_000,
    "title dashes": "a - b " * 300_000 + ", May 2020",
    "abbreviations": "Title\n" + "Mr. A " * 300_000,
    "one word": "Title\n" + "x" * 2_000_000,
    "headings glued": "Recommendation 1 " * 100_000,
}


@pytest.mark.parametrize("name", list(TRAPS))
def test_megabyte_line_parses_in_bounded_time(name, embedder):
    from ingest.formats import cases_from
    from ingest.passages import case_passages
    from ingest.readers import Loaded

    try:
        cases, _ = cases_from(Loaded("trap.txt", TRAPS[name].encode(), "text"))
    except SourceError:
        cases = []
    for case in cases:
        assert len(case.title) <= 300
        passages = case_passages(case, "k", "trap.txt", "p", embedder.count_tokens)
        assert all(
            piece in TRAPS[name]
            for p in passages
            for piece in pieces(p.text, p.metadata["section"], p.metadata["part"], case.title)
        )
