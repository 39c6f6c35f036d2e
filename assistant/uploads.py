"""Uploads ingested off the answering path: one worker thread takes upload jobs in order.

Answers never wait for an upload (nor for the write lock an upload waits on): the worker writes
while the app's other threads answer from the collection as it was (Assistant.view), and the
next View is built once, when the job ends. The uploader follows the job's progress lines.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.pipeline import IngestReport

if TYPE_CHECKING:  # pragma: no cover
    from assistant.api import Assistant

WAITING = "Waiting for another ingest to finish writing to the index; this upload starts when it ends."


@dataclass
class UploadJob:
    """One upload: its files (temporary path -> recorded name), progress so far and, when done, the report."""

    files: dict[str, str]
    progress: list[str] = field(default_factory=list)
    report: IngestReport | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def say(self, line: str) -> None:
        """Add a progress line (shown to the uploader)."""
        self.progress.append(line)


def merged(reports: list[IngestReport]) -> IngestReport:
    """One report of several ingests, in their order."""
    out = IngestReport()
    for r in reports:
        out.added += r.added
        out.updated += r.updated
        out.unchanged += r.unchanged
        out.failed += r.failed
        out.notes += r.notes
    return out


class UploadQueue:
    """Upload jobs, ingested one at a time by a worker thread (started with the first job)."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self._jobs: queue.Queue[UploadJob] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, files: dict[str, str]) -> UploadJob:
        """Queue an upload; the job is returned at once and finishes in the background."""
        job = UploadJob(dict(files))
        job.say(f"Queued {len(files)} file{'s' if len(files) != 1 else ''}.")
        with self._start:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="iopc-uploads", daemon=True)
                self._worker.start()
        self._jobs.put(job)
        return job

    def _work(self) -> None:
        while True:
            self.run(self._jobs.get())

    def run(self, job: UploadJob) -> None:
        """Ingest the job's files one by one (progress after each); the new cases are answerable when it ends."""
        reports = []
        try:
            with self.assistant.writes():  # the next View is built once, at the end
                for n, (path, name) in enumerate(job.files.items(), 1):
                    job.say(f"Adding {n} of {len(job.files)}: {name}")
                    reports.append(
                        self.assistant.ingest([path], names={path: name}, on_wait=lambda _message: job.say(WAITING))
                    )
            job.report = merged(reports)
        except Exception as e:  # noqa: BLE001  the worker must outlive one job's failure, and say it
            job.report = merged(reports)
            job.error = f"the upload stopped: {type(e).__name__}: {e}"
        finally:
            job.done.set()
