"""The ingest pipeline: load, hash, skip unchanged, parse, embed, store; a report per batch."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ingest.errors import SourceError
from ingest.formats import cases_from
from ingest.grouping import CaseKeys, identity_digests
from ingest.model import Case
from ingest.passages import case_passages, index_text
from ingest.progress import Progress
from ingest.readers import DEFAULT_MAX_BYTES, expand, load
from ingest.sentences import weighed_sentences
from ingest.source_records import case_keys_of, cases_of, digests_lookup, digests_of, source_record
from vectorstore import ChromaStore, Embedder, Passage, Shrunk, SourceRecord, WriteLock
from vectorstore.lease import SourceBusyError
from vectorstore.record import source_id
from vectorstore.sentence_vectors import sentence_key

__all__ = ["Failure", "IngestReport", "Ingester", "cases_of", "words_of"]


@dataclass
class Failure:
    """A source that was not ingested, and why."""

    source: str
    reason: str


@dataclass
class IngestReport:
    """What one ingest did, per source as given."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    notes: list[Failure] = field(default_factory=list)  # ingested, with a remark (e.g. fallback encoding)

    @property
    def ok(self) -> bool:
        """True when no source failed."""
        return not self.failed

    @property
    def changed(self) -> bool:
        """True when the stored collection changed."""
        return bool(self.added or self.updated)


@dataclass
class _Parsed:
    """A source read and cut into passages, waiting for its group to be embedded."""

    src: str
    content_hash: str
    previous: SourceRecord | None
    cases: list[Case]
    case_keys: list[str]
    passages: list
    detail: str


# A group of sources is embedded together (see Ingester._embed); it is written when it holds this many
# passages or files. Small enough that a running `iopc serve` sees new cases every few seconds.
GROUP_PASSAGES = 256
GROUP_FILES = 64


class Ingester:
    """Writes sources into a ChromaStore; one source's failure never stops the batch."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        max_bytes: int = DEFAULT_MAX_BYTES,
        on_wait=None,
        allow_private_urls: bool = False,
    ):
        self.store = store
        self.embedder = embedder
        self.max_bytes = max_bytes
        # URLs leading to loopback, link-local or private addresses are refused unless this is set.
        self.allow_private_urls = allow_private_urls
        self.on_wait = on_wait  # told when another writer holds the data directory (default: stderr)
        self._stored = 0  # passages stored by the running ingest (its progress)

    def _known_keys(self) -> CaseKeys:
        """The case keys of every stored case, by its identities: from the records' digests, without
        reading their payloads (at 10,000 cases, parsing every payload took 6 s of a one-case ingest)."""
        keys = CaseKeys()
        undigested = []
        for record in self.store.records.all(payload=False):
            digests = digests_of(record)
            if digests is None:
                undigested.append(record.source)
            for per_case, key in zip(digests or [], case_keys_of(record), strict=False):
                keys.remember_digests(per_case, key)
        lookups = {}
        for record in self.store.records.many(undigested) if undigested else []:
            digests = [identity_digests(case) for case in cases_of(record)]
            for per_case, key in zip(digests, case_keys_of(record), strict=False):
                keys.remember_digests(per_case, key)
            lookups[record.source] = digests_lookup(digests)
        # Records stored before they kept digests get them now, once. Only embedded, where the write lock
        # keeps every other writer out: through a server, another writer could replace one of these
        # sources meanwhile and be given the old content's digests.
        if lookups and self.store.location.path is not None:
            self.store.records.set_lookups(lookups)
        return keys

    def ingest(self, sources: list[str], progress: bool = False, names: dict[str, str] | None = None) -> IngestReport:
        """Ingest files, directories and URLs; unchanged content is skipped by hash.

        `names` maps a path to the name it is recorded and reported under (an upload's own file
        name, while its content sits at a temporary path); the file type is taken from that name.
        """
        report = IngestReport()
        paths = expand(sources)
        names = names or {}
        self._stored = 0
        with WriteLock(self.store.location, self.on_wait):
            shown = Progress(len(paths), progress)
            try:
                self.store.sync()  # another process may have written since we opened the store
                swept = self.store.sweep()
                keys = self._known_keys()
                group: list[_Parsed] = []
                for read, path in enumerate(paths):
                    shown.update(read, _finished(report), self._stored)
                    src = names.get(path, path)
                    if any(g.src == src for g in group):  # the same source twice: the second sees the first
                        group = self._write(group, report)
                    parsed = self._attempt(src, report, lambda path=path, src=src: self._parse(path, src, keys, report))
                    group += [parsed] if parsed else []
                    if len(group) >= GROUP_FILES or sum(len(g.passages) for g in group) >= GROUP_PASSAGES:
                        group = self._write(group, report)
                shown.update(len(paths), _finished(report), self._stored)
                self._write(group, report)
                shown.update(len(paths), _finished(report), self._stored)
                if swept or report.updated:
                    self._shrink()
            finally:
                shown.close()  # stops the progress lines' ticker, whatever happened
        return report

    def _parse(self, path: str, src: str, keys: CaseKeys, report: IngestReport) -> _Parsed | None:
        loaded = load(path, self.max_bytes, name=src, allow_private_urls=self.allow_private_urls)
        loaded.source = src
        content_hash = hashlib.sha256(loaded.content).hexdigest()
        previous = self.store.get_source(src)
        if previous and previous.content_hash == content_hash:
            report.unchanged.append(src)
            return None
        cases, detail = cases_from(loaded)
        case_keys = [keys.key_for(c, f"{src}#{i}") for i, c in enumerate(cases)]
        prefix = f"{source_id(src)}-{content_hash[:10]}"
        passages = []
        for i, (case, key) in enumerate(zip(cases, case_keys, strict=False)):
            passages += case_passages(
                case, key, src, f"{prefix}-{i}", self.embedder.count_tokens, source_hash=content_hash
            )
        if not passages:
            raise SourceError(src, "no text found to index")
        return _Parsed(src, content_hash, previous, cases, case_keys, passages, detail)

    def _write(self, group: list[_Parsed], report: IngestReport) -> list[_Parsed]:
        """Embed a group of parsed sources together, then store them one by one; returns an empty group."""
        if not group:
            return []
        try:
            vectors = self._embed(group)
        except Exception as e:
            if len(group) == 1:
                report.failed.append(Failure(group[0].src, _reason(e)))
            else:  # one source broke the shared encode: alone, each failure names its own source
                for parsed in group:
                    self._write([parsed], report)
            return []
        for parsed, v in zip(group, vectors, strict=False):
            self._attempt(parsed.src, report, lambda parsed=parsed, v=v: self._store(parsed, v, report))
        return []

    def _embed(self, group: list[_Parsed]) -> list:
        # Why a group's texts in one call: the encoder sorts them by length into full batches. Source by
        # source, a case's dozen sentences of 5 to 80 word pieces padded to the longest of them, and
        # encoding the corpus's sentences took about twice as long (bench/ingest_batching.py).
        passages = [p for g in group for p in g.passages]
        vectors = self.embedder.embed([p.index_text for p in passages])
        self._grow_vocabulary(passages)
        self._store_sentences(passages)
        out, start = [], 0
        for g in group:
            out.append(vectors[start : start + len(g.passages)])
            start += len(g.passages)
        return out

    def _store(self, parsed: _Parsed, vectors, report: IngestReport) -> None:
        src, passages = parsed.src, parsed.passages
        self.store.replace(
            source_record(
                src,
                parsed.content_hash,
                parsed.cases,
                parsed.case_keys,
                len(passages),
                parsed.detail,
                [identity_digests(c) for c in parsed.cases],
            ),
            passages,
            vectors,
        )
        (report.updated if parsed.previous else report.added).append(src)
        self._stored += len(passages)
        if parsed.detail:
            report.notes.append(Failure(src, parsed.detail))

    @staticmethod
    def _attempt(src: str, report: IngestReport, step):
        """step(), or None with the failure recorded against `src`: one odd file never stops the batch."""
        try:
            return step()
        except Exception as e:
            report.failed.append(Failure(src, _reason(e)))
            return None

    def _store_sentences(self, passages: list[Passage]) -> None:
        # Every sentence an answer may weigh, embedded now rather than at each question.
        texts = sentence_texts(passages)
        new = self.store.sentences.missing(list(texts))
        if new:
            self.store.sentences.add(new, self.embedder.embed([texts[k] for k in new]))

    def _grow_vocabulary(self, passages: list[Passage]) -> None:
        new = self.store.vocabulary.missing(vocabulary_words(passages))
        if new:
            self.store.vocabulary.add(new, self.embedder.embed(new))

    def _shrink(self) -> Shrunk:
        """Delete the vocabulary words and sentence vectors no stored passage uses any more."""
        # Why after the whole batch, not per source: a group's words and sentences are stored before its
        # passages, so between the two they belong to no stored passage yet.
        stored = [Passage(p.id, p.text, p.metadata, index_text(p.text, p.metadata)) for p in self.store.all_passages()]
        return self.store.shrink(vocabulary_words(stored), sentence_texts(stored).keys())

    def remove(self, target: str) -> list[str]:
        """Remove a source (as given) or every source of a case id; returns the sources removed."""
        with WriteLock(self.store.location, self.on_wait):
            self.store.sync()
            swept = self.store.sweep()  # what a killed write left, even when this one finds nothing to remove
            records = self.store.records.all(payload=False)
            hits = [r for r in records if r.source == target] or [r for r in records if target in case_keys_of(r)]
            for r in hits:
                self.store.remove(r.source)
            if hits or swept:
                self._shrink()
        return [r.source for r in hits]


def _reason(e: Exception) -> str:
    """A failure's one-line reason: a SourceError's own, else the unexpected error named."""
    if isinstance(e, SourceError):
        return _one_line(e.reason)
    if isinstance(e, SourceBusyError):  # another ingest holds the source: its own message says who
        return _one_line(str(e))
    return _one_line(f"unexpected error: {type(e).__name__}: {e}")


def _one_line(reason: str) -> str:
    # Why: the CLI prints "error: <source>: <reason>" one per line; library messages (pypdf, json, an
    # unexpected exception) may hold newlines that would split a failure over several lines.
    return " ".join(reason.split())


_WORDS = re.compile(r"[a-z]{3,}")


def words_of(text: str) -> list[str]:
    """Distinct lower-case words of three letters or more (the vocabulary's unit)."""
    return list(dict.fromkeys(_WORDS.findall(text.lower())))


def vocabulary_words(passages: list[Passage]) -> list[str]:
    """The vocabulary words of passages: those of their index text."""
    return words_of(" ".join(p.index_text for p in passages))


def sentence_texts(passages: list[Passage]) -> dict[str, str]:
    """Each sentence an answer may weigh in these passages, by the key its vector is stored under."""
    return {sentence_key(s): s for p in passages for s in weighed_sentences(p.text)}


def _finished(report: IngestReport) -> int:
    """Sources done with, one way or another (what progress counts)."""
    return len(report.added) + len(report.updated) + len(report.unchanged) + len(report.failed)
