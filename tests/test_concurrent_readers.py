"""Many answering threads while another process writes: one of them reopens the store, none fails."""

from __future__ import annotations

import threading

from assistant import Assistant
from tests.support import synth


def test_threads_that_notice_another_process_write_reopen_the_store_once_and_all_answer(tmp_path, hash_embedder):
    files = synth.write(tmp_path / "synth", 13, 12, per_file=2)
    data = tmp_path / "index"
    assert Assistant(data_dir=data, embedder=hash_embedder).ingest([str(files[0])]).ok
    reader = Assistant(data_dir=data, embedder=hash_embedder)
    reader.search("custody")  # opened before the writes
    writer = Assistant(data_dir=data, embedder=hash_embedder)  # another client of the store, as another process
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
        for f in files[1:]:
            assert writer.ingest([str(f)]).ok
            # The generation another process would leave (a pid not ours): readers must reopen to see it.
            writer.store.state.set_generation(f"elsewhere:{f.name}")
    finally:
        writing.clear()
        for t in threads:
            t.join()
    assert not failures, repr(failures[0])
    reader.refresh()
    assert len(reader.catalog.cases) == 12
