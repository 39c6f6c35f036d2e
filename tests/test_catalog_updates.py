"""A catalog made from the previous one after writes is the catalog read afresh (real Chroma)."""

from __future__ import annotations

import gc
import json
import weakref

from assistant.catalog import Catalog
from assistant.types import Filters
from tests.support import synth

QUERIES = ["custody officer welfare check", "Taser discharged", "recommendation accepted", "SYNTHETIC", "training"]


def _same(updated: Catalog, fresh: Catalog) -> None:
    assert set(updated.passages) == set(fresh.passages)
    assert {pid: p.text for pid, p in updated.passages.items()} == {pid: p.text for pid, p in fresh.passages.items()}
    assert [r.source for r in updated.snapshot.records] == [r.source for r in fresh.snapshot.records]
    assert {c: (s.title, s.themes, s.inferred_themes, s.sources) for c, s in updated.cases.items()} == {
        c: (s.title, s.themes, s.inferred_themes, s.sources) for c, s in fresh.cases.items()
    }
    assert updated.words == fresh.words
    for q in QUERIES:
        assert dict(updated.keyword.search(q, 40)) == dict(fresh.keyword.search(q, 40)), q
    for filters in (Filters(forces=["Kent Police"]), Filters(since="2020-01-01"), Filters(themes=["custody"])):
        assert sorted(updated.allowed(filters) or []) == sorted(fresh.allowed(filters) or [])
    assert _sentence_vectors(updated) == _sentence_vectors(fresh)


def _sentence_vectors(catalog: Catalog) -> dict[str, bytes]:
    """Every passage's sentence vectors as the catalog's table holds them (each passage has them)."""
    table = catalog.sentences
    rows = {pid: table.rows(pid) for pid in catalog.passages}
    assert all(r is not None and len(r) for r in rows.values())
    return {pid: table.vectors(r).tobytes() for pid, r in rows.items()}


def test_an_updated_catalog_equals_one_read_afresh(tmp_path, make_assistant):
    files = synth.write(tmp_path / "synth", 5, 48, per_file=8)
    for f in files[2:4]:  # untagged cases, whose themes are inferred from the tagged ones
        f.write_text(
            "".join(json.dumps({**json.loads(line), "themes": []}) + "\n" for line in f.read_text().splitlines())
        )
    a = make_assistant()
    assert a.ingest([str(f) for f in files[:4]]).ok
    first = a.catalog
    assert len(first.cases) == 32 and any(c.inferred_themes for c in first.cases.values())
    first_themes = {c: list(s.inferred_themes) for c, s in first.cases.items()}

    changed = files[1].read_text().splitlines()[:5]  # a source that now holds fewer cases
    files[1].write_text("\n".join(changed) + "\n")
    assert a.ingest([str(f) for f in files[1:]]).ok
    assert a.remove(str(files[0]))

    first_vectors = _sentence_vectors(first)
    updated = a.catalog
    assert updated is not first and len(updated.cases) == 8 + 5 + 8 + 8 + 8
    _same(updated, Catalog(a.store).prepare())
    # the first catalog is as it was: a reader still holding it sees no change
    assert len(first.cases) == 32 and len(first.keyword.search("SYNTHETIC", 10_000)) == len(first.passages)
    assert _sentence_vectors(first) == first_vectors
    assert {c: s.inferred_themes for c, s in first.cases.items()} == first_themes


def test_a_catalog_follows_another_process_writes(tmp_path, make_assistant):
    files = synth.write(tmp_path / "synth", 6, 12, per_file=4)
    reader, writer = make_assistant(), make_assistant()
    assert writer.ingest([str(files[0])]).ok
    assert len(reader.catalog.cases) == 4
    assert writer.ingest([str(f) for f in files[1:]]).ok
    reader.refresh()
    assert len(reader.catalog.cases) == 12
    _same(reader.catalog, Catalog(reader.store).prepare())
    titles = {json.loads(line)["title"] for line in files[2].read_text().splitlines()}
    assert titles <= {c.title for c in reader.catalog.cases.values()}


def test_a_replaced_catalog_is_freed_without_the_cycle_collector(tmp_path, make_assistant):
    # Catalogs are frozen out of the collector's sight (assistant.catalog.collector_paused): one that is
    # replaced must then be freed by reference counting alone, so nothing in it may form a cycle.
    files = synth.write(tmp_path / "synth", 7, 8, per_file=4)
    a = make_assistant()
    assert a.ingest([str(files[0])]).ok
    a.ask("custody officer welfare check in Kent")
    first = a.catalog
    held = [weakref.ref(o) for o in (first, first.keyword, first.filter_index, first.case_index, a.view, a.retriever)]
    del first
    gc.disable()
    try:
        assert a.ingest([str(files[1])]).ok
        a.ask("Taser discharged")
        assert [ref() is None for ref in held] == [True] * len(held)
    finally:
        gc.enable()
