"""Ingest progress: a bar on a terminal, else a plain line now and then (a log, a pipe, CI)."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

# A line every EVERY_SECONDS while the ingest runs (also while a group is being embedded, which can take
# minutes), and at every EVERY_FILES files read: a log shows the work moving without a line per file.
EVERY_SECONDS = 10.0
EVERY_FILES = 100


class ProgressLines:
    """Plain lines on a stream that is not a terminal, e.g.
    `ingest: 64/122 files read, 40 done, 120 passages stored, 1.3 files/s, 31 s` (done: stored,
    unchanged or failed)."""

    def __init__(self, total: int, stream: TextIO, every_seconds: float = EVERY_SECONDS, clock=time.monotonic):
        self.total = total
        self.stream = stream
        self.every_seconds = every_seconds
        self.clock = clock
        self.started = clock()
        self.counts = (0, 0, 0)  # files read, files done with (stored, unchanged or failed), passages stored
        self.printed: tuple[int, int, int] | None = None  # the counts of the last line
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self) -> ProgressLines:
        """Print a line every `every_seconds` from a background thread until finish()."""
        self._ticker = threading.Thread(target=self._tick_until_stopped, name="ingest-progress", daemon=True)
        self._ticker.start()
        return self

    def _tick_until_stopped(self) -> None:
        while not self._stop.wait(self.every_seconds):
            self.tick()

    def update(self, read: int, done: int, passages: int) -> None:
        """The counts so far; prints when the files read pass a multiple of EVERY_FILES."""
        with self._lock:
            before = self.counts[0]
            self.counts = (read, done, passages)
        if read // EVERY_FILES > before // EVERY_FILES:
            self.tick()

    def tick(self) -> None:
        """Print the line of the counts now."""
        with self._lock:
            read, done, passages = self.counts
            elapsed = max(self.clock() - self.started, 1e-9)
            print(
                f"ingest: {read}/{self.total} files read, {done} done, {passages} passages stored, "
                f"{done / elapsed:.1f} files/s, {elapsed:.0f} s",
                file=self.stream,
                flush=True,
            )
            self.printed = self.counts

    def finish(self) -> None:
        """Stop the ticks; the closing line when any line was printed (a quick ingest prints only its totals)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.printed is not None and self.printed != self.counts:
            self.tick()


class Progress:
    """What an ingest reports as it goes: a tqdm bar on a terminal, ProgressLines otherwise, or nothing."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None):
        stream = stream or sys.stderr
        self.bar = self.lines = None
        if enabled and total >= 2:
            if stream.isatty():
                from tqdm import tqdm

                self.bar = tqdm(total=total, desc="ingest", unit="file", file=stream)
            else:
                self.lines = ProgressLines(total, stream).start()
        self.read = 0

    def update(self, read: int, done: int, passages: int) -> None:
        """Files read, files done with, and passages stored so far (the bar counts files read)."""
        if self.bar is not None and read > self.read:
            self.bar.update(read - self.read)
        if self.lines is not None:
            self.lines.update(read, done, passages)
        self.read = read

    def close(self) -> None:
        """The bar closed, or the closing line printed."""
        if self.bar is not None:
            self.bar.close()
        if self.lines is not None:
            self.lines.finish()
