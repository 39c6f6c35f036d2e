"""Many answering threads while another process writes: one of them reopens the store, none fails."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from assistant import Assistant
from tests.support import synth

ROOT = Path(__file__).resolve().parents[1]
WRITE = (
    "import sys; from assistant import Assistant; from tests.support.hash_embedder import HashEmbedder; "
    "sys.exit(0 if Assistant(data_dir=sys.argv[1], embedder=HashEmbedder()).ingest([sys.argv[2]]).ok else 1)"
)


def test_threads_that_notice_another_process_write_reopen_the_store_once_and_all_answer(tmp_path, hash_embedder):
    files = synth.write(tmp_path / "synth", 13, 12, per_file=2)
    data = tmp_path / "index"
    assert Assistant(data_dir=data, embedder=hash_embedder).ingest([str(files[0])]).ok
    reader = Assistant(data_dir=data, embedder=hash_embedder)
    reader.search("custody")  # opened before the writes
    failures: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def ask() -> None:
        while writing.is_set():
            try:
                reader.refresh()  # what every chat turn does first
                reader.search("custody welfare check", k=5)
            except BaseException as e:  # noqa: BLE001  # any failure is what this test is for
                failures.append(e)
                return

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        for f in files[1:]:  # another process writes, source by source: readers must reopen to see it
            subprocess.run([sys.executable, "-c", WRITE, str(data), str(f)], cwd=ROOT, check=True, timeout=300)
    finally:
        writing.clear()
        for t in threads:
            t.join()
    assert not failures, repr(failures[0])
    reader.refresh()
    assert len(reader.catalog.cases) == 12


def test_kept_current_answers_never_reload_and_the_keeper_picks_up_another_process_write(tmp_path, hash_embedder):
    files = synth.write(tmp_path / "synth", 17, 4, per_file=2)
    data = tmp_path / "index"
    assert Assistant(data_dir=data, embedder=hash_embedder).ingest([str(files[0])]).ok
    reader = Assistant(data_dir=data, embedder=hash_embedder)
    reader.ask("custody welfare check")
    first = reader.view
    reader.keep_current(every=3600)  # a keeper that has not looked yet
    subprocess.run([sys.executable, "-c", WRITE, str(data), str(files[1])], cwd=ROOT, check=True, timeout=300)
    reader.ask("custody welfare check")
    reader.search("custody")
    assert reader.view is first  # answers read the View they had: none waited for a reload
    reader.stop_keeping_current()

    reader.keep_current(every=0.05)
    try:
        deadline = time.monotonic() + 60
        while len(reader.view.catalog.cases) < 4 and time.monotonic() < deadline:  # no answer asked meanwhile
            time.sleep(0.05)
        assert len(reader.view.catalog.cases) == 4
        new = next(c for c in reader.catalog.cases.values() if c.case_id not in first.catalog.cases)
        assert new.case_id in {h.case_id for h in reader.search(new.title, k=5)}  # Chroma reopened too
    finally:
        reader.stop_keeping_current()
