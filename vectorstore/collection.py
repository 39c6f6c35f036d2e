"""One class per Chroma collection: passages, source records, vocabulary, sentence vectors, state.

Each reads and writes its own collection and knows nothing of the others; ChromaStore composes them
and owns the order of writes across them.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable, Sequence

from vectorstore.connection import CollectionSpec, Connection
from vectorstore.record import HASH_FIELD, SOURCE_FIELD, Passage, SourceRecord, source_id

_PAGE = 1000  # records per call, so large collections are read and written in bounded pieces
_OVERFETCH = 4  # nearest passages asked of Chroma per passage kept (see Passages.query)
# Chroma insists on a vector per record; records looked up by id only carry this one.
_NO_VECTOR = [1.0]
_BYTES = "f16"  # the metadata field a sentence vector is kept in


class _Collection:
    """A Chroma collection opened through the store's connection."""

    SPEC: CollectionSpec

    def __init__(self, connection: Connection):
        self._connection = connection
        connection.register(self.SPEC)

    @property
    def chroma(self):
        """The chromadb collection itself (for measurements and tests that look beneath the store)."""
        return self._connection.collection(self.SPEC.name)

    def _use(self):
        """The chromadb collection for the calls of a `with` block (see Connection.using)."""
        return self._connection.using(self.SPEC.name)

    def count(self) -> int:
        """Number of records."""
        with self._use() as chroma:
            return chroma.count()

    def ids(self, where: dict | None = None) -> list[str]:
        """Ids of the records, optionally filtered by metadata."""
        return [i for ids, _, _ in self._pages(where, include=[]) for i in ids]

    def missing(self, ids: Sequence[str]) -> list[str]:
        """The ids not stored, in the order given (each once)."""
        ids = list(dict.fromkeys(ids))
        known: set[str] = set()
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                known.update(chroma.get(ids=ids[start : start + _PAGE], include=[])["ids"])
        return [i for i in ids if i not in known]

    def keep_only(self, wanted: set[str]) -> int:
        """Delete every record whose id is not in `wanted`; returns how many."""
        unwanted = [i for i in self.ids() if i not in wanted]
        self.delete(unwanted)
        return len(unwanted)

    def delete(self, ids: Iterable[str]) -> None:
        """Delete records by id."""
        ids = list(ids)
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                chroma.delete(ids=ids[start : start + _PAGE])

    def _pages(self, where, include):
        """(ids, documents, metadatas) a page at a time, in collection order."""
        offset = 0
        while True:
            with self._use() as chroma:
                res = chroma.get(where=where, include=include, limit=_PAGE, offset=offset)
            ids = res["ids"]
            if not ids:
                return
            yield ids, res.get("documents") or [None] * len(ids), res.get("metadatas") or [None] * len(ids)
            if len(ids) < _PAGE:
                return
            offset += len(ids)


class Passages(_Collection):
    """Passages with their text, flat metadata and vector; searched by cosine similarity."""

    SPEC = CollectionSpec("iopc_passages", searched=True)

    def upsert(self, passages: Sequence[Passage], vectors) -> None:
        """Store passages with their vectors (replacing any with the same id)."""
        with self._use() as chroma:
            for start in range(0, len(passages), _PAGE):
                chunk = passages[start : start + _PAGE]
                chroma.upsert(
                    ids=[p.id for p in chunk],
                    documents=[p.text for p in chunk],
                    metadatas=[p.metadata for p in chunk],
                    embeddings=[list(map(float, e)) for e in vectors[start : start + _PAGE]],
                )

    def of_source(self, source: str) -> list[str]:
        """Ids of the passages that name `source` (any version of it)."""
        return self.ids({SOURCE_FIELD: source})

    def owners(self) -> list[tuple[str, str, str]]:
        """(id, source, content hash) of every passage: enough to tell which are trusted."""
        return [
            (i, str((m or {}).get(SOURCE_FIELD)), str((m or {}).get(HASH_FIELD)))
            for ids, _, metas in self._pages(None, include=["metadatas"])
            for i, m in zip(ids, metas, strict=False)
        ]

    def all(self, sources: Sequence[str] | None = None) -> list[Passage]:
        """Every passage with text and metadata (of these sources only, when given), in collection order."""
        if sources is not None and not sources:
            return []
        where = None if sources is None else {SOURCE_FIELD: {"$in": list(sources)}}
        return [
            Passage(id=i, text=d or "", metadata=dict(m or {}))
            for ids, docs, metas in self._pages(where, include=["documents", "metadatas"])
            for i, d, m in zip(ids, docs, metas, strict=False)
        ]

    def query(self, embedding, n: int, ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Nearest passages as (id, cosine similarity), best first; restricted to `ids` when given."""
        if ids is not None and not ids:
            return []
        # Chroma's HNSW search is approximate and a process does not always load the same graph: the last tenth
        # of 100 nearest differed from one process to the next, and so did which case a question's answer led
        # with. Four times as many are asked for and the nearest n kept, ties broken by id: the same question
        # gets the same passages in every process (twice as many still differed at 10,000 cases; four times
        # costs 2 ms a query there). No count() first (a round trip per question): Chroma returns fewer when
        # it has fewer.
        asked = min(_OVERFETCH * n, len(ids)) if ids is not None else _OVERFETCH * n
        with self._use() as chroma:
            res = chroma.query(
                query_embeddings=[list(map(float, embedding))],
                n_results=asked,
                ids=list(ids) if ids is not None else None,
                include=["distances"],
            )
        nearest = sorted(zip(res["ids"][0], res["distances"][0], strict=False), key=lambda p: (p[1], p[0]))[:n]
        return [(i, 1.0 - float(d)) for i, d in nearest]


# The stored name of SourceRecord.key: indexes already built hold it under this name.
_KEY_FIELD = "case_key"
_LOOKUP_FIELD = "lookup"


class Sources(_Collection):
    """One record per stored source; its payload is the record's document."""

    SPEC = CollectionSpec("iopc_sources", searched=False)

    def put(self, record: SourceRecord) -> None:
        """Record (or replace) a source."""
        md = {
            "source": record.source,
            "content_hash": record.content_hash,
            _KEY_FIELD: record.key,
            "n_passages": record.n_passages,
            "ingested_at": record.ingested_at,
            "detail": record.detail,
        }
        if record.lookup:
            md[_LOOKUP_FIELD] = record.lookup
        with self._use() as chroma:
            chroma.upsert(ids=[record.source_id], documents=[record.payload], metadatas=[md], embeddings=[_NO_VECTOR])

    def get(self, source: str) -> SourceRecord | None:
        """The record of `source` exactly as given, if stored."""
        with self._use() as chroma:
            res = chroma.get(ids=[source_id(source)], include=["documents", "metadatas"])
        return _record(res["metadatas"][0], res["documents"][0]) if res["ids"] else None

    def many(self, sources: Sequence[str]) -> list[SourceRecord]:
        """The records of these sources that are stored, with payloads."""
        ids = [source_id(s) for s in sources]
        out: list[SourceRecord] = []
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                res = chroma.get(ids=ids[start : start + _PAGE], include=["documents", "metadatas"])
                out.extend(_record(m, d) for m, d in zip(res["metadatas"], res["documents"], strict=True))
        return out

    def all(self, payload: bool = True) -> list[SourceRecord]:
        """Every record; without payloads (a smaller read) when `payload` is False."""
        include = ["documents", "metadatas"] if payload else ["metadatas"]
        return [
            _record(m, d)
            for _, docs, metas in self._pages(None, include=include)
            for d, m in zip(docs, metas, strict=False)
        ]

    def set_lookups(self, lookups: dict[str, str]) -> None:
        """Set the lookup string of these sources' records (by source), changing nothing else."""
        sources = list(lookups)
        with self._use() as chroma:
            for start in range(0, len(sources), _PAGE):
                chunk = sources[start : start + _PAGE]
                chroma.update(ids=[source_id(s) for s in chunk], metadatas=[{_LOOKUP_FIELD: lookups[s]} for s in chunk])

    def remove(self, source: str) -> None:
        """Forget the record of `source`."""
        self.delete([source_id(source)])


def _record(md: dict, document: str | None) -> SourceRecord:
    return SourceRecord(
        source=str(md["source"]),
        content_hash=str(md["content_hash"]),
        n_passages=int(md["n_passages"]),
        ingested_at=str(md.get("ingested_at") or ""),
        detail=str(md.get("detail") or ""),
        key=str(md.get(_KEY_FIELD) or ""),
        payload=document or "",
        lookup=str(md.get(_LOOKUP_FIELD) or ""),
    )


class _Vectors(_Collection):
    """Vectors stored by id, without documents."""

    def add(self, ids: Sequence[str], vectors) -> None:
        """Store vectors under their ids."""
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                chroma.upsert(
                    ids=list(ids[start : start + _PAGE]),
                    embeddings=[list(map(float, e)) for e in vectors[start : start + _PAGE]],
                )

    def vectors(self, ids: Sequence[str]) -> dict:
        """Stored vectors by id (the missing ones are left out)."""
        out: dict = {}
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                res = chroma.get(ids=list(ids[start : start + _PAGE]), include=["embeddings"])
                out.update(zip(res["ids"], res["embeddings"], strict=False))
        return out


class Vocabulary(_Vectors):
    """Every word of the collection, embedded, to tell unseen words from unseen topics."""

    SPEC = CollectionSpec("iopc_vocabulary", searched=True)

    def nearest(self, embedding) -> tuple[str, float] | None:
        """The word closest to `embedding`, with its cosine similarity; None if there are none."""
        with self._use() as chroma:
            if chroma.count() == 0:
                return None
            res = chroma.query(query_embeddings=[list(map(float, embedding))], n_results=1, include=["distances"])
        return res["ids"][0][0], 1.0 - float(res["distances"][0][0])


class Sentences(_Collection):
    """A vector per distinct passage sentence, by a hash of its text (see sentence_vectors.py).

    Each is kept as float16 bytes in its record's metadata, not as a vector Chroma indexes: nothing searches
    them, and Chroma loads a collection's whole vector index into any process that reads or writes one record
    of it (about 190 MB at 10,000 cases, beside the catalog's own table of them). A store made before keeps
    its sentence vectors in the earlier layout (LegacySentences): read where a key is not here, never added to.
    """

    SPEC = CollectionSpec("iopc_sentence_vectors", searched=False)

    def __init__(self, connection: Connection):
        super().__init__(connection)
        self.legacy = LegacySentences(connection)

    def missing(self, ids: Sequence[str]) -> list[str]:
        """The ids stored in neither layout, in the order given (each once)."""
        rest = super().missing(ids)
        return self.legacy.missing(rest) if rest and self.legacy.present else rest

    def add(self, ids: Sequence[str], vectors) -> None:
        """Store vectors under their ids."""
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                page = list(ids[start : start + _PAGE])
                chroma.upsert(
                    ids=page,
                    # Distinct points on a line, so the index Chroma keeps of the records stays trivial to build.
                    embeddings=[[zlib.crc32(i.encode()) / 2**32] for i in page],
                    metadatas=[{_BYTES: _packed(v)} for v in vectors[start : start + _PAGE]],
                )

    def vectors(self, ids: Sequence[str]) -> dict:
        """Stored vectors by id (the missing ones are left out), as float32 arrays."""
        import numpy as np

        out: dict = {}
        with self._use() as chroma:
            for start in range(0, len(ids), _PAGE):
                res = chroma.get(ids=list(ids[start : start + _PAGE]), include=["metadatas"])
                for i, md in zip(res["ids"], res["metadatas"], strict=True):
                    out[i] = np.frombuffer(base64.b64decode(md[_BYTES]), np.float16).astype(np.float32)
        if self.legacy.present and (rest := [i for i in ids if i not in out]):
            out.update(self.legacy.vectors(rest))
        return out

    def ids(self, where: dict | None = None) -> list[str]:
        """Ids of the stored sentence vectors, in either layout."""
        return super().ids(where) + (self.legacy.ids(where) if self.legacy.present else [])

    def delete(self, ids: Iterable[str]) -> None:
        """Delete sentence vectors by id, in either layout."""
        ids = list(ids)
        super().delete(ids)
        if self.legacy.present:
            self.legacy.delete(ids)


class LegacySentences(_Vectors):
    """Sentence vectors as a store made before the metadata layout of Sentences keeps them."""

    SPEC = CollectionSpec("iopc_sentences", searched=True, optional=True)

    @property
    def present(self) -> bool:
        """Whether the store has them."""
        return self._connection.has(self.SPEC.name)


def _packed(vector) -> str:
    """A unit vector as text: its float16 bytes in base64 (the precision the catalog's table keeps)."""
    import numpy as np

    return base64.b64encode(np.asarray(vector, dtype=np.float16).tobytes()).decode("ascii")


class State(_Collection):
    """One record, the generation: changes with every write, so readers know to reload."""

    SPEC = CollectionSpec("iopc_state", searched=False)

    def generation(self) -> str:
        """The current generation token ("" before the first write)."""
        with self._use() as chroma:
            res = chroma.get(ids=["generation"], include=["documents"])
        return (res["documents"] or [""])[0] or ""

    def set_generation(self, token: str) -> None:
        """Record a new generation token."""
        with self._use() as chroma:
            chroma.upsert(ids=["generation"], documents=[token], embeddings=[_NO_VECTOR])
