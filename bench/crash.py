"""Kill trials: SIGKILL `iopc ingest` / `iopc remove` / a re-ingest of a changed file at seeded random
moments, then check that the store is whole and that finishing the job gives a clean run's counts.

    python -m bench.crash [--quick] [--seed 7] [--trials 20]

A trial passes when, right after the kill:
- the store opens, and every source record is whole (exactly its n_passages passages carry its hash),
  so no case can be half-present in an answer;
- `stats` agrees with the records (sources, passages), and answers cite only whole sources;
and when, after the interrupted command is run again, the cases, sources, passages and
recommendations, and the raw number of stored vectors (stale ones swept), equal a clean run's.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.report import Row

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("IOPC_CORPUS_DIR") or ROOT.parent / "shared" / "corpus") / "cases"
SAMPLE = ROOT / "assistant" / "data" / "sample-case.txt"
IOPC = Path(sys.executable).parent / "iopc"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


@dataclass(frozen=True)
class Window:
    """A clean run's write phase: seconds after taking the lock, and Chroma's row count before and after."""

    first_write_s: float
    end_s: float
    rows_start: int
    rows_end: int


@dataclass(frozen=True)
class Counts:
    """What a finished store holds."""

    cases: int
    sources: int
    passages: int
    recommendations: int
    stored_vectors: int  # raw count in Chroma: equal to `passages` once stale ones are swept


def batch(workdir: Path, n_files: int, rng: random.Random) -> Path:
    """A directory of case files: a seeded sample of the corpus, else copies of the sample case."""
    out = workdir / "batch"
    out.mkdir()
    if CORPUS.is_dir():
        files = sorted(CORPUS.iterdir())
        for f in rng.sample(files, min(n_files, len(files))):
            shutil.copy(f, out / f.name)
    else:
        text = SAMPLE.read_text(encoding="utf-8")
        for i in range(n_files):
            (out / f"sample-{i}.txt").write_text(text.replace("Special Scheme", f"Special Scheme {i}"), "utf-8")
    return out


def counts(assistant) -> Counts:
    """The finished store's counts, as `iopc stats` reports them, plus the raw vector count."""
    s = assistant.stats()
    return Counts(s.cases, s.sources, s.passages, s.recommendations, assistant.store.count())


def whole(assistant) -> list[str]:
    """Problems with the store as found: records not whole, stats not matching, bad citations."""
    problems = []
    store = assistant.store
    records = store.sources()
    by_source = Counter((source, digest) for _, source, digest in store.passages.owners())
    for r in records:
        if by_source[(r.source, r.content_hash)] != r.n_passages:
            problems.append(f"{Path(r.source).name}: record says {r.n_passages} passages, "
                            f"{by_source[(r.source, r.content_hash)]} stored")
    s = assistant.stats()
    if s.sources != len(records) or s.passages != sum(r.n_passages for r in records):
        problems.append(f"stats {s.sources} sources / {s.passages} passages, records {len(records)} / "
                        f"{sum(r.n_passages for r in records)}")
    whole_texts = {(r.source, p.text) for p in store.all_passages() for r in records
                   if p.metadata.get("source") == r.source and p.metadata.get("source_hash") == r.content_hash}
    for case in list(assistant.catalog.cases.values())[:3]:
        for c in assistant.ask(f"What was recommended in {case.title}?").citations:
            if (c.source, c.passage) not in whole_texts:
                problems.append(f"an answer cites a passage of {Path(c.source).name} no whole record vouches for")
    return problems


class Trials:
    """Runs the three kinds of kill trial over one seeded batch, with the model loaded once."""

    def __init__(self, workdir: Path, n_files: int, seed: int):
        from vectorstore import Embedder

        self.rng = random.Random(seed)
        self.work = workdir
        self.embedder = Embedder()
        self.batch = batch(workdir, n_files, self.rng)
        self.reference = workdir / "reference"
        a = self._assistant(self.reference)
        a.ingest([str(self.batch)])
        a.store.close()

    # -- helpers ----------------------------------------------------------------------------
    def _assistant(self, data_dir: Path):
        from assistant import Assistant

        return Assistant(data_dir=data_dir, embedder=self.embedder)

    def _timed(self, args: list[str], data_dir: Path) -> "Window":
        """Run the command cleanly, watching its write phase (imports and the model load come before)."""
        proc = subprocess.Popen([str(IOPC), "--data-dir", str(data_dir), *args], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        locked = _wait_for_lock(proc, data_dir)
        start_rows, first_change = _rows(data_dir), None
        while proc.poll() is None:
            if first_change is None and _rows(data_dir) != start_rows:
                first_change = time.monotonic()
            time.sleep(0.02)
        end = time.monotonic()
        if proc.returncode != 0:
            raise RuntimeError(f"clean run of iopc {' '.join(args)} failed: {proc.stderr.read().strip()}")
        return Window((first_change or end) - locked, end - locked, max(start_rows, 0), _rows(data_dir))

    def _kill_during(self, args: list[str], data_dir: Path, window: "Window") -> str:
        """Start the command and SIGKILL it at a seeded random point of its writes; says where.

        The point is a fraction of the way from the rows it starts with to the rows a clean run ends
        with, plus a random few milliseconds: by progress rather than by clock, because the write
        phase's speed varies from run to run on a shared machine."""
        fraction, extra = self.rng.random(), self.rng.uniform(0, 0.05)
        proc = subprocess.Popen([str(IOPC), "--data-dir", str(data_dir), *args], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_lock(proc, data_dir)
        goal = abs(window.rows_end - window.rows_start) * fraction
        while proc.poll() is None and abs(_rows(data_dir) - window.rows_start) < goal:
            time.sleep(0.005)
        time.sleep(extra)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return f"killed {fraction:.0%} of the way through its writes (+{extra * 1000:.0f} ms)"

    def _copy_of_reference(self, name: str) -> Path:
        target = self.work / name
        shutil.copytree(self.reference, target)
        return target

    def _judge(self, row: Row, states: Counter, data_dir: Path, finish, before: frozenset, after: frozenset,
               expected: Counts, label: str) -> None:
        """Check the store as the kill left it, note where the kill landed, finish the job, compare
        with a clean run."""
        a = self._assistant(data_dir)
        try:
            states[_landed(a, before, after)] += 1
            problems = whole(a)
            finish(a)
            if counts(a) != expected:
                problems.append(f"after finishing: {counts(a)}, a clean run gives {expected}")
        except Exception as e:  # a store that will not open or answer is exactly what we look for
            states["unreadable"] += 1
            problems = [f"{type(e).__name__}: {e}"]
        finally:
            a.store.close()
        row.trials += 1
        if problems:
            row.fail(f"{label}: " + "; ".join(problems))

    def _finished(self, data_dir: Path, job) -> tuple[frozenset, Counts]:
        """Do `job` on a copy of the reference store: the state and counts a clean run ends with."""
        a = self._assistant(data_dir)
        try:
            job(a)
            return fingerprint(a), counts(a)
        finally:
            a.store.close()

    def _trials(self, row: Row, n: int, args: list[str], fresh, finish, before: frozenset) -> Row:
        """n kills of `iopc <args>` on stores made by `fresh(name)`, each judged and finished."""
        after, expected = self._finished(fresh("expected"), finish)
        window = self._timed(args, fresh("timing"))
        states: Counter = Counter()
        for i in range(n):
            data = fresh(f"trial-{i}")
            where = self._kill_during(args, data, window)
            self._judge(row, states, data, finish, before, after, expected, f"trial {i} ({where})")
        row.figures = {"landed": dict(states), "write window s": _rounded(window)}
        return row

    # -- the trials -------------------------------------------------------------------------
    def ingest_kills(self, n: int) -> Row:
        """Kill a batch ingest into an empty store."""
        return self._trials(Row("kill during ingest"), n, ["ingest", "--quiet", str(self.batch)],
                            lambda name: self.work / f"ingest-{name}", lambda a: a.ingest([str(self.batch)]),
                            frozenset())

    def remove_kills(self, n: int) -> Row:
        """Kill `iopc remove` of the case with the most sources (twins removed together)."""
        a = self._assistant(self.reference)
        target = max(a.cases(), key=lambda c: len(c.sources)).case_id
        before = fingerprint(a)
        a.store.close()
        return self._trials(Row("kill during remove"), n, ["remove", target],
                            lambda name: self._copy_of_reference(f"remove-{name}"), lambda a: a.remove(target),
                            before)

    def changed_file_kills(self, n: int) -> Row:
        """Kill a re-ingest in which one file has changed: its old version must stay whole, or the new."""
        a = self._assistant(self.reference)
        before = fingerprint(a)
        a.store.close()
        changed = sorted(self.batch.iterdir())[0]
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n\nA paragraph added after publication, about the kill trials.\n")
        try:
            return self._trials(Row("kill during re-ingest of a changed file"), n,
                                ["ingest", "--quiet", str(self.batch)],
                                lambda name: self._copy_of_reference(f"changed-{name}"),
                                lambda a: a.ingest([str(self.batch)]), before)
        finally:
            changed.write_bytes(original)

def _wait_for_lock(proc: subprocess.Popen, data_dir: Path) -> float:
    """When the command took the write lock (it writes its pid into the lock file then)."""
    lock = data_dir / ".write.lock"
    before = lock.stat().st_mtime_ns if lock.exists() else None
    while proc.poll() is None:
        if lock.exists() and lock.stat().st_mtime_ns != before:
            return time.monotonic()
        time.sleep(0.005)
    return time.monotonic()


def _rows(data_dir: Path) -> int:
    """Rows in Chroma's table of records (any collection), read-only; -1 while it does not exist."""
    import sqlite3

    db = data_dir / "chroma.sqlite3"
    if not db.exists():
        return -1
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("select count(*) from embeddings").fetchone()[0]
    except sqlite3.Error:
        return -1


def fingerprint(assistant) -> frozenset:
    """The sources a store holds, with the content hash of each."""
    return frozenset((r.source, r.content_hash) for r in assistant.store.sources())


def _landed(assistant, before: frozenset, after: frozenset) -> str:
    """Where a kill landed: before the job wrote anything, after it finished, or part-way."""
    stale = assistant.store.count() - sum(r.n_passages for r in assistant.store.sources())
    state = fingerprint(assistant)
    if stale == 0 and state in (before, after):
        return "before" if state == before else "after"
    return "part-way"


def _rounded(window: Window) -> list[float]:
    return [round(window.first_write_s, 2), round(window.end_s, 2)]


def run(quick: bool = True, seed: int = 7, trials: int | None = None) -> list[Row]:
    """The three kinds of kill trial; quick keeps the batch small and the remove/re-ingest trials fewer."""
    n = trials or 20
    with tempfile.TemporaryDirectory(prefix="iopc-crash-") as tmp:
        t = Trials(Path(tmp), n_files=6 if quick else 12, seed=seed)
        return [t.ingest_kills(n), t.remove_kills(max(5, n // 2) if quick else n),
                t.changed_file_kills(max(5, n // 2) if quick else n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--trials", type=int, default=None)
    args = parser.parse_args()
    for row in run(args.quick, args.seed, args.trials):
        print(f"{row.name}: {row.trials - row.failures}/{row.trials} survived  {row.figures}")
        for p in row.problems:
            print(f"  - {p}")


if __name__ == "__main__":
    main()
