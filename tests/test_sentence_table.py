"""The catalog's table of sentence vectors: rows by passage, shared between versions, shrunk after removals."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import numpy as np

from assistant.sentence_table import SentenceTable
from ingest.sentences import weighed_sentences
from vectorstore.sentence_vectors import sentence_key

DIM = 8


@dataclass
class P:
    id: str
    text: str


def _vector(key: str) -> np.ndarray:
    v = np.random.default_rng(int(key[:8], 16)).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


class Store:
    """Stored sentence vectors by key, counting the keys asked for."""

    def __init__(self, missing: set[str] = frozenset()):
        self.missing = {sentence_key(s) for s in missing}
        self.asked: list[str] = []

    def lookup(self, keys: list[str]) -> dict:
        self.asked += keys
        return {k: _vector(k) for k in keys if k not in self.missing}


def _expected(text: str) -> np.ndarray:
    return np.stack([_vector(sentence_key(s)) for s in weighed_sentences(text)])


def _check(table: SentenceTable, passages: list[P]) -> None:
    for p in passages:
        got = table.vectors(table.rows(p.id))
        assert got.dtype == np.float32 and np.allclose(got, _expected(p.text), atol=1e-3), p.id


A = P("a", "Officers attended. The door was forced. He was found dead.")
B = P("b", "The door was forced. A sergeant reviewed the log.")  # shares a sentence with A
C = P("c", "No sentence break here")


def test_rows_follow_each_passages_sentences_and_a_shared_sentence_is_held_once():
    store = Store()
    table = SentenceTable([A, B, C], store.lookup, DIM)
    _check(table, [A, B, C])
    assert len(table) == 5 and len(store.asked) == 5  # "The door was forced." once
    assert table.rows("a")[1] == table.rows("b")[0]


def test_a_passage_with_a_sentence_not_stored_is_left_to_the_answer():
    table = SentenceTable([A, B], Store(missing={"A sergeant reviewed the log."}).lookup, DIM)
    assert table.rows("b") is None and table.rows("missing") is None
    _check(table, [A])


def test_a_later_table_reads_only_new_sentences_and_leaves_the_earlier_one_as_it_was():
    store = Store()
    first = SentenceTable([A], store.lookup, DIM)
    store.asked.clear()
    second = SentenceTable([B], store.lookup, DIM, previous=first)
    assert store.asked == [sentence_key("A sergeant reviewed the log.")]
    _check(second, [A, B])
    _check(first, [A])
    assert first.rows("b") is None and len(first) == 3


def test_two_tables_made_from_the_same_one_do_not_write_over_each_other():
    # The first appends in the shared rows; the second must not append at the same place.
    base = SentenceTable([A], Store().lookup, DIM)
    one = SentenceTable([B], Store().lookup, DIM, previous=base)
    other = SentenceTable([C], Store().lookup, DIM, previous=base)
    _check(one, [A, B])
    _check(other, [A, C])
    _check(base, [A])


def test_removed_passages_let_their_rows_go_once_most_are_unread():
    many = [P(f"p{n}", f"Sentence number {n} of the story. Another line {n}.") for n in range(800)]
    table = SentenceTable([*many, A], Store().lookup, DIM)
    assert len(table) == 1603
    kept = SentenceTable([], Store().lookup, DIM, previous=table, removed=[p.id for p in many[:100]])
    assert len(kept) == 1603  # a few unread rows are not worth a copy
    shrunk = SentenceTable([], Store().lookup, DIM, previous=kept, removed=[p.id for p in many[100:]])
    assert len(shrunk) == 3 and shrunk.rows("p1") is None
    _check(shrunk, [A])
    _check(table, [*many[:3], A])  # the earlier table still reads its own rows


def test_a_table_pickles_without_the_room_left_to_grow():
    base = SentenceTable([A, B], Store().lookup, DIM)
    later = SentenceTable([C], Store().lookup, DIM, previous=base)
    back = pickle.loads(pickle.dumps(later))
    assert sum(len(b) for b in back._rows._blocks[0]) == back._rows.filled == 5
    _check(back, [A, B, C])
    grown = SentenceTable([P("d", "A new line.")], Store().lookup, DIM, previous=back)
    _check(grown, [A, B, C, P("d", "A new line.")])
    _check(back, [A, B, C])


def test_a_long_run_of_small_updates_reads_alike_at_every_step():
    # Each update is a block of its own; past a few, the later ones are merged (the first stays as it is).
    store, tables, added = Store(), [SentenceTable([A], Store().lookup, DIM)], [A]
    for n in range(20):
        added.append(P(f"n{n}", f"Update number {n} came in. It has two sentences."))
        tables.append(SentenceTable([added[-1]], store.lookup, DIM, previous=tables[-1]))
    assert len(tables[-1]._rows._blocks[0]) <= 8
    for n, table in enumerate(tables):
        _check(table, added[: n + 1])
