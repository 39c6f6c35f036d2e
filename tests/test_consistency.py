"""A whole collection across processes: stale passages swept, half-written sources never shown, a
running reader seeing another process's ingest, a second writer waiting for the first."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

from test_ingest import case_text

from tests.conftest import SEED

IOPC = Path(sys.executable).parent / "iopc"


def iopc(data_dir, *args, **kw) -> subprocess.CompletedProcess:
    """The real command in its own process, as a member of staff would run it."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [str(IOPC), "--data-dir", str(data_dir), *args], capture_output=True, text=True, env=env, timeout=300, **kw
    )


def essex(tmp_path) -> Path:
    path = tmp_path / "essex.txt"
    path.write_text(
        case_text("Kingfisher custody review - Essex Police, April 2021", "Essex Police", "2021/044044", "kingfisher"),
        encoding="utf-8",
    )
    return path


def test_a_reader_sees_another_process_ingest_without_restarting(seeded, tmp_path):
    question = "What was recommended after the kingfisher custody review?"
    before = seeded.ask(question)
    assert "Essex Police" not in {c.force for c in before.citations}
    assert seeded.stats().cases == 1

    done = iopc(seeded.location.path, "ingest", "--quiet", str(essex(tmp_path)))
    assert done.returncode == 0, done.stderr

    after = seeded.ask(question)
    assert not after.abstained
    assert any(c.force == "Essex Police" and "kingfisher" in c.passage for c in after.citations)
    assert seeded.stats().cases == 2
    # dense search sees the other process's vectors, not only its rows
    assert any("kingfisher" in h.text for h in seeded.search("kingfisher", mode="dense", k=3))

    # and this process can still write after the other did, without losing the other's case
    third = tmp_path / "kent.txt"
    third.write_text(
        case_text("Heron custody review - Kent Police, May 2022", "Kent Police", "2022/121212", "heron"),
        encoding="utf-8",
    )
    assert seeded.ingest([str(third)]).added == [str(third)]
    listed = iopc(seeded.location.path, "cases", "--json")
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout for name in ("Kingfisher", "Heron", "Special Scheme"))


def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path):
    data = tmp_path / "index"
    data.mkdir()
    with open(data / ".write.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("process 4242")
        held.flush()
        writer = subprocess.Popen(
            [str(IOPC), "--data-dir", str(data), "ingest", "--quiet", str(SEED)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        )
        first_line = writer.stderr.readline()  # blocks until the writer reports that it waits
        assert "waiting for process 4242 to finish writing to" in first_line
        assert writer.poll() is None  # still waiting while the lock is held
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert iopc(data, "stats", "--json").stdout.count('"cases": 1') == 1


def test_stale_passages_are_invisible_and_swept_by_the_next_write(seeded, embedder, tmp_path):
    from vectorstore import Passage

    clean = seeded.store.count()
    # What a write killed before its record leaves behind: passages no record vouches for.
    orphan = Passage(
        id="orphan-1",
        text="Officers used a kingfisher drone over the custody suite.",
        metadata={
            "source": str(tmp_path / "never-recorded.txt"),
            "source_hash": "x",
            "case_id": "k",
            "section": "summary",
            "part": 0,
        },
    )
    seeded.store.passages.upsert([orphan], embedder.embed([orphan.text]))
    seeded.store.mark_changed()
    assert seeded.store.count() == clean + 1
    assert "orphan-1" not in {h.id for h in seeded.search("kingfisher drone custody suite", k=20)}
    assert seeded.stats().passages == clean

    assert seeded.ingest([str(SEED)]).unchanged == [str(SEED)]  # a write, though nothing new
    assert seeded.store.count() == clean


def test_a_source_whose_passages_are_not_all_there_is_left_out(seeded, tmp_path):
    from dataclasses import replace

    report = seeded.ingest([str(essex(tmp_path))])
    assert report.added
    record = seeded.store.get_source(report.added[0])
    # A record claiming more passages than stored: as if some were lost; the case must not half-show.
    seeded.store.records.put(replace(record, n_passages=record.n_passages + 1))
    seeded.store.mark_changed()
    assert seeded.stats().cases == 1
    answer = seeded.ask("What was recommended after the kingfisher custody review?")
    assert all(c.force != "Essex Police" for c in answer.citations)


def test_remove_leaves_nothing_trusted_or_stored(seeded):
    # The order of its deletes (record first) is exercised by the kill trials in bench/crash.py.
    assert seeded.remove(str(SEED)) == [str(SEED)]
    assert seeded.store.count() == 0 and seeded.store.sources() == []
    assert seeded.ask("Which forces changed special-scheme marker policy?").abstained


def test_answers_look_up_sentence_vectors_stored_at_ingest(seeded):
    from assistant import Assistant
    from ingest.sentences import sentences
    from vectorstore import Embedder
    from vectorstore.sentence_vectors import sentence_key

    passages = seeded.store.all_passages()
    keys = [sentence_key(s) for p in passages for s in sentences(p.text)]
    assert keys and set(seeded.store.sentence_vectors(keys)) == set(keys)

    class Recording(Embedder):
        """The real model, noting what it is asked to encode."""

        encoded: list[str] = []

        def embed(self, texts):
            self.encoded.extend(texts)
            return super().embed(texts)

    recording = Recording()
    recording.__dict__["model"] = seeded.embedder.model  # the already-loaded model, not a second copy
    fresh = Assistant(data_dir=seeded.location.path, embedder=recording)
    assert fresh.catalog.sentences.rows(passages[0].id) is not None
    read: list[list[str]] = []
    stored = fresh.store.sentences.vectors
    fresh.store.sentences.vectors = lambda ids: read.append(list(ids)) or stored(ids)  # type: ignore[method-assign]
    question = "Which forces changed special-scheme marker policy?"
    answer = fresh.ask(question)
    assert not answer.abstained and answer.citations
    # Once the catalog is loaded, its table holds every sentence's vector: an answer reads none.
    assert read == []
    # The question and parts of it (its topic words, the judge's variants), never a stored sentence again.
    words = set(re.findall(r"[\w-]+", question.lower()))
    assert recording.encoded[0] == question
    assert all(set(re.findall(r"[\w-]+", text.lower())) <= words for text in recording.encoded), recording.encoded
    assert not fresh.ask("Which forces were told about special-scheme markers?").abstained  # a list: nor does it
    assert read == []


def test_remove_and_replace_shrink_the_vocabulary_and_sentence_vectors(seeded, tmp_path):
    store = seeded.store
    words, sentences = set(store.vocabulary.ids()), set(store.sentences.ids())
    path = essex(tmp_path)
    assert seeded.ingest([str(path)]).added
    assert {"kingfisher", "essex"} <= set(store.vocabulary.ids()) and len(store.sentences.ids()) > len(sentences)

    path.write_text(
        case_text("Heron custody review - Essex Police, April 2021", "Essex Police", "2021/044044", "heron"),
        encoding="utf-8",
    )
    assert seeded.ingest([str(path)]).updated == [str(path)]
    vocabulary = set(store.vocabulary.ids())
    assert "heron" in vocabulary and "kingfisher" not in vocabulary and "essex" in vocabulary

    assert seeded.remove(str(path)) == [str(path)]
    # exactly what the seed case alone uses, as before the other case came and went
    assert set(store.vocabulary.ids()) == words and set(store.sentences.ids()) == sentences
    assert not seeded.ask("Which forces changed special-scheme marker policy?").abstained


def test_a_store_with_sentence_vectors_in_the_earlier_layout_answers_from_them(make_assistant, tmp_path):
    """Sentence vectors in a searched collection of their own (the layout before they went into records'
    metadata) are read, counted as stored, and shrunk, and never added to."""
    import chromadb
    import numpy as np

    from assistant import Assistant
    from vectorstore.collection import LegacySentences

    a = make_assistant()
    assert a.ingest([str(SEED)]).ok
    keys = a.store.sentences.ids()
    kept = a.store.sentences.vectors(keys)
    legacy_ids = keys[: len(keys) // 2] + ["no-longer-read"]
    a.store.close()
    # Half the vectors moved to the earlier layout, as a store made before would hold them (and one unread).
    client = chromadb.PersistentClient(str(a.location.path))
    model = {"embed_model": a.embedder.info.name, "embed_dim": a.embedder.info.dimension}
    old = client.create_collection(
        LegacySentences.SPEC.name, metadata=model, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    old.add(ids=legacy_ids, embeddings=[list(map(float, kept[k])) for k in legacy_ids[:-1]] + [[1.0] * 384])
    client.get_collection("iopc_sentence_vectors").delete(ids=legacy_ids[:-1])
    del client

    b = Assistant(data_dir=a.location.path, embedder=a.embedder)
    assert b.store.sentences.legacy.present and b.store.sentences.missing(keys) == []
    got = b.store.sentences.vectors(keys)
    assert got.keys() == set(keys) and all(np.allclose(got[k], kept[k], atol=1e-3) for k in keys)
    assert all(b.catalog.sentences.rows(p.id) is not None for p in b.store.all_passages())
    assert not b.ask("Which forces changed special-scheme marker policy?").abstained
    # Shrinking drops unread vectors from either layout; an ingest adds to the new one only.
    words = b.store.vocabulary.ids()
    assert b.store.shrink(words, keys).sentences == 1 and b.store.sentences.legacy.ids() == legacy_ids[:-1]
    twin = tmp_path / "twin.txt"
    twin.write_text(SEED.read_text() + "\nA sentence no other passage has.\n")
    assert b.ingest([str(twin)]).ok
    assert sorted(b.store.sentences.legacy.ids()) == sorted(legacy_ids[:-1])
