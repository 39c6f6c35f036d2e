"""Property-based tests of the parser (hypothesis, fixed seed, bounded examples); the properties and
strategies live in tests/support/fuzz.py, which the reliability report (bench/fuzz.py) runs with many more examples."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import SourceError
from ingest.readers import load
from tests.support.fuzz import (
    JSON_VALUES,
    MUTATION_KINDS,
    MUTATION_NAMES,
    MUTATIONS,
    RANDOM_PAGES,
    check_document,
    corpus_pages,
    lost_recommendations,
    random_json_problem,
    random_page_problem,
    to_document,
)

CI = settings(max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
PAGES = corpus_pages(per_layout=2)


@CI
@given(args=RANDOM_PAGES)
def test_random_pages_raise_only_source_errors_and_invent_nothing(args, embedder):
    text, kind, window = args
    assert random_page_problem(text, kind, window, embedder.count_tokens) is None


@CI
@given(JSON_VALUES)
def test_random_json_records_raise_only_source_errors(value):
    assert random_json_problem(value) is None


@CI
@given(st.sampled_from(PAGES), MUTATION_NAMES, MUTATION_KINDS)
def test_meaning_preserving_mutations_keep_every_recommendation(page, names, kind):
    assert lost_recommendations(page[1], names, kind) is None, page[0]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_mutation_on_every_page(name):
    """Every mutation alone, on the seed and (when present) every corpus layout, through every format."""
    for label, text in PAGES:
        for kind in ("text", "html", "json"):
            assert lost_recommendations(text, [name], kind) is None, label


def test_the_properties_can_fail(embedder, monkeypatch):
    """A passage builder that invents text and a parser that loses a heading are both caught."""
    import ingest.passages

    seed = PAGES[0][1]
    real = ingest.passages.case_parts
    monkeypatch.setattr(
        ingest.passages, "case_parts", lambda case: [(s, n, "Invented. " + t, md) for s, n, t, md in real(case)]
    )
    assert "invented text" in random_page_problem(seed, "text", 256, embedder.count_tokens)
    monkeypatch.undo()
    import ingest.parse

    monkeypatch.setattr(ingest.parse, "normalise", lambda t: t)
    assert "recommendation 1" in lost_recommendations(seed, ["crlf"], "text")


@pytest.mark.parametrize("kind", ["text", "html", "json", "jsonl"])
def test_files_on_disk_go_the_same_way(kind, tmp_path, embedder):
    """The whole format path from a file: load() then the same checks."""
    from tests.support.fuzz import EXTENSION

    for i, text in enumerate(["Recommendation 1\r\n\x00\u2028Force response", "\ufeff\t", PAGES[0][1]]):
        path = tmp_path / f"page{i}{EXTENSION[kind]}"
        path.write_bytes(to_document(text, kind))
        try:
            loaded = load(str(path))
        except SourceError as e:
            assert e.source == str(path)
            continue
        assert check_document(loaded.content, kind, embedder.count_tokens) is None
