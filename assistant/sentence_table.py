"""Every passage's sentence vectors, in memory beside the catalog.

An answer weighs each sentence of up to 40 candidate cases against the question. Read from Chroma at
question time, those vectors were a quarter of an answer at 10,000 cases (Chroma hands each one over as a
Python list), and splitting and hashing the passages' text another tenth. The table keeps them as rows of
one float16 matrix, each distinct sentence once (twins and repeated sentences share a row), found by
passage. Half the memory of float32; a cosine moves by about 1e-4, which changed one eval question in
about 600. A catalog makes its table once, and each later catalog from the previous one, reading only the
new passages' vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from ingest.sentences import weighed_sentences
from vectorstore.sentence_vectors import Lookup, sentence_key

_READ = 8192  # vectors asked of the store at a time
_BLOCKS = 8  # blocks of rows before those after the first are merged


class _Texts(Protocol):
    id: str
    text: str


class _Rows:
    """Float16 rows in blocks that successive tables share. A table appends one block after every row added so
    far (whichever table added it), which no earlier table reads: nothing is copied to grow, and no table
    changes under a reader."""

    def __init__(self, dimension: int, blocks: Sequence[np.ndarray] = ()):
        self.dimension = dimension
        self._blocks = _blocks(blocks)  # replaced whole, so a reader takes blocks and starts that agree
        self.filled = sum(map(len, blocks))
        self._lock = threading.Lock()

    def append(self, rows: np.ndarray) -> int:
        """Add `rows` as a block; returns the index of the first."""
        with self._lock:
            blocks = (*self._blocks[0], rows)
            if len(blocks) > _BLOCKS:  # the blocks of many small ingests, merged: the first stays as it is
                blocks = (blocks[0], np.concatenate(blocks[1:]))
            self._blocks = _blocks(blocks)
            start, self.filled = self.filled, self.filled + len(rows)
            return start

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The rows at `rows`, in order."""
        blocks, starts = self._blocks
        if len(blocks) == 1:
            return blocks[0][rows]
        which = np.searchsorted(starts, rows, side="right") - 1
        out = np.empty((len(rows), self.dimension), np.float16)
        for b in np.unique(which):
            at = which == b
            out[at] = blocks[b][rows[at] - starts[b]]
        return out

    def __getstate__(self) -> dict:
        return {"dimension": self.dimension, "blocks": self._blocks[0]}

    def __setstate__(self, state: dict) -> None:
        self.dimension = state["dimension"]
        self._blocks = _blocks(state["blocks"])
        self.filled = sum(map(len, state["blocks"]))
        self._lock = threading.Lock()


def _blocks(blocks: Sequence[np.ndarray]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The blocks and the row each starts at."""
    return tuple(blocks), np.cumsum([0, *map(len, blocks)])[:-1]


class SentenceTable:
    """The weighed sentences' vectors of every passage whose vectors are all stored, as float16 rows."""

    def __init__(
        self,
        passages: Iterable[_Texts],
        lookup: Lookup,
        dimension: int,
        previous: SentenceTable | None = None,
        removed: Iterable[str] = (),
    ):
        """`passages`: every passage (no `previous`), or only those added since `previous` (`removed`: the ids of
        those gone since it)."""
        if previous is None:
            self._rows = _Rows(dimension)
            self._row: dict[str, int] = {}  # sentence key -> row
            self._of: dict[str, np.ndarray] = {}  # passage id -> its sentences' rows, in order
        else:
            self._rows = previous._rows
            self._row = dict(previous._row)
            self._of = dict(previous._of)
        gone = [pid for pid in removed if self._of.pop(pid, None) is not None]
        self._add(list(passages), lookup)
        if gone and len(self._row) > 2 * len(live := self._live()) + 1024:
            self._compact(live)

    def _add(self, passages: list[_Texts], lookup: Lookup) -> None:
        keys = {p.id: [sentence_key(s) for s in weighed_sentences(p.text)] for p in passages}
        new = list(dict.fromkeys(k for ks in keys.values() for k in ks if k not in self._row))
        block, found = np.empty((len(new), self._rows.dimension), np.float16), list[str]()
        for start in range(0, len(new), _READ):  # in pieces: a first table reads every vector of the store
            stored = lookup(new[start : start + _READ])
            for k in new[start : start + _READ]:
                if k in stored:
                    block[len(found)] = stored[k]
                    found.append(k)
        if found:
            first = self._rows.append(block[: len(found)])
            self._row.update(zip(found, range(first, first + len(found)), strict=True))
        for pid, ks in keys.items():
            # A passage with a sentence not stored (an index made before sentence vectors were kept) is left
            # out: the answer embeds its sentences instead.
            if all(k in self._row for k in ks):
                self._of[pid] = np.fromiter((self._row[k] for k in ks), np.int32, len(ks))
            else:
                self._of.pop(pid, None)

    def _live(self) -> np.ndarray:
        """The rows some passage reads, sorted."""
        return np.unique(np.concatenate(list(self._of.values()))) if self._of else np.zeros(0, np.int32)

    def _compact(self, live: np.ndarray) -> None:
        """Keep only the `live` rows (sources were removed)."""
        new_index = np.full(self._rows.filled, -1, np.int32)
        new_index[live] = np.arange(len(live), dtype=np.int32)
        self._rows = _Rows(self._rows.dimension, [self._rows.take(live)])
        self._row = {k: int(new_index[r]) for k, r in self._row.items() if new_index[r] >= 0}
        self._of = {pid: new_index[rows] for pid, rows in self._of.items()}

    def __len__(self) -> int:
        """How many distinct sentences it holds."""
        return len(self._row)

    def rows(self, passage_id: str) -> np.ndarray | None:
        """The rows of a passage's weighed sentences, in order; None when the table lacks them."""
        return self._of.get(passage_id)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The float32 unit vectors at `rows`."""
        return self._rows.take(rows).astype(np.float32)

    def lookup(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors of the sentences with these keys, as `Lookup` gives them (those the table lacks left out)."""
        found = [k for k in keys if k in self._row]
        rows = self.vectors(np.fromiter((self._row[k] for k in found), np.int32, len(found)))
        return dict(zip(found, rows, strict=True))
