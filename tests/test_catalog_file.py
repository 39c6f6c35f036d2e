"""The catalog kept on disk: a start reads it and then only what changed; anything doubtful is ignored."""

from __future__ import annotations

import os

import pytest

from assistant import catalog_file
from assistant.catalog import Catalog
from tests.support import synth
from vectorstore.embedder import ModelInfo


def _counting_passage_reads(assistant) -> list:
    """The sources each passage read of this assistant's store asked for (None: every passage)."""
    calls: list = []
    read = assistant.store.passages.all

    def all(sources=None):
        calls.append(None if sources is None else list(sources))
        return read(sources)

    assistant.store.passages.all = all
    return calls


def _kept(make_assistant, tmp_path, files):
    a = make_assistant()
    assert a.ingest([str(f) for f in files]).ok
    a.catalog  # noqa: B018  # made, then kept on disk in the background
    catalog_file.settle()
    path = catalog_file.catalog_path(a.location, a.embedder.info)
    assert path.exists() and path.stat().st_mode & 0o077 == 0
    return a, path


def test_a_start_reads_the_kept_catalog_and_only_the_sources_changed_since(tmp_path, make_assistant):
    files = synth.write(tmp_path / "synth", 8, 12, per_file=4)
    first, _ = _kept(make_assistant, tmp_path, files[:2])
    assert first.ingest([str(files[1])]).ok  # unchanged: skipped, and the kept catalog stays current
    assert make_assistant().ingest([str(files[2])]).ok  # another process, after the file was written

    later = make_assistant()
    reads = _counting_passage_reads(later)
    assert len(later.catalog.cases) == 12
    assert reads == [[str(files[2])]]  # not every passage: only the source the kept catalog lacked
    fresh = Catalog(later.store).prepare()
    assert {p: x.text for p, x in later.catalog.passages.items()} == {p: x.text for p, x in fresh.passages.items()}
    assert dict(later.catalog.keyword.search("SYNTHETIC custody", 50)) == dict(
        fresh.keyword.search("SYNTHETIC custody", 50)
    )
    assert later.ask("what happened in custody?").citations


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # cut short
        lambda p: p.write_bytes(os.urandom(4096)),
        lambda p: p.write_bytes(b""),
        lambda p: os.chmod(p, 0o666),  # others may write it: could run code as the reader
    ],
    ids=["truncated", "random", "empty", "writable-by-others"],
)
def test_a_doubtful_file_is_ignored_and_the_store_read_instead(tmp_path, make_assistant, spoil):
    files = synth.write(tmp_path / "synth", 9, 8, per_file=4)
    _, path = _kept(make_assistant, tmp_path, files)
    spoil(path)
    later = make_assistant()
    reads = _counting_passage_reads(later)
    assert len(later.catalog.cases) == 8
    assert reads == [None]


def test_a_file_from_another_model_is_not_read(tmp_path, make_assistant):
    files = synth.write(tmp_path / "synth", 10, 4, per_file=4)
    a, path = _kept(make_assistant, tmp_path, files)
    assert catalog_file.load(path, a.embedder.info) is not None
    assert catalog_file.load(path, ModelInfo("another-model", a.embedder.info.dimension)) is None


def test_a_directory_that_cannot_be_written_loses_nothing(tmp_path):
    catalog = object.__new__(Catalog)
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert catalog_file.save(catalog, blocked / "catalog.cache", ModelInfo("m", 3)) is False
    assert blocked.read_text() == "not a directory"


def test_the_file_is_written_again_only_after_enough_changes(tmp_path, make_assistant):
    files = synth.write(tmp_path / "synth", 12, 41, per_file=20)  # 20 + 20 + 1 cases
    a, path = _kept(make_assistant, tmp_path, files[:2])
    written = path.stat().st_mtime_ns
    assert a.ingest([str(files[2])]).ok  # one case more: a few passages in hundreds
    a.catalog  # noqa: B018
    catalog_file.settle()
    assert path.stat().st_mtime_ns == written
    later = make_assistant()
    reads = _counting_passage_reads(later)
    assert len(later.catalog.cases) == 41 and reads == [[str(files[2])]]  # the file, then what it lacks
    assert a.remove(str(files[0]))  # half the passages
    a.catalog  # noqa: B018
    catalog_file.settle()
    assert path.stat().st_mtime_ns != written
