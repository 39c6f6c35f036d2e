"""Ingest progress when stderr is not a terminal: a line per EVERY_FILES files or per EVERY_SECONDS."""

from __future__ import annotations

import io
import re

import ingest.progress as progress_module
from ingest.progress import Progress, ProgressLines
from tests.test_ingest import case_text

LINE = re.compile(r"^ingest: (\d+)/(\d+) files read, (\d+) done, (\d+) passages stored, [\d.]+ files/s, \d+ s$")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_tick_prints_the_counts_and_the_rate_of_files_stored():
    out, clock = io.StringIO(), Clock()
    lines = ProgressLines(total=50, stream=out, clock=clock)
    lines.update(read=30, done=20, passages=60)
    clock.now = 10.0
    lines.tick()
    lines.update(read=50, done=50, passages=150)
    lines.finish()
    assert out.getvalue().splitlines() == [
        "ingest: 30/50 files read, 20 done, 60 passages stored, 2.0 files/s, 10 s",
        "ingest: 50/50 files read, 50 done, 150 passages stored, 5.0 files/s, 10 s",
    ]


def test_a_line_every_hundred_files_read_however_fast():
    out = io.StringIO()
    lines = ProgressLines(total=250, stream=out, clock=Clock())
    for read in range(1, 251):
        lines.update(read, read - 1, read)
    lines.finish()
    assert [LINE.match(p).group(1) for p in out.getvalue().splitlines()] == ["100", "200", "250"]


def test_a_quick_ingest_prints_no_progress():
    out = io.StringIO()
    lines = ProgressLines(total=3, stream=out, clock=Clock()).start()
    for read in (1, 2, 3):
        lines.update(read, read, read)
    lines.finish()
    assert out.getvalue() == ""


def test_the_ticker_prints_while_nothing_moves_and_stops_at_finish():
    out = io.StringIO()
    lines = ProgressLines(total=10, stream=out, every_seconds=0.05).start()
    lines.update(4, 0, 0)  # e.g. a group being embedded for minutes
    import time

    time.sleep(0.3)
    lines.finish()
    printed = out.getvalue().splitlines()
    assert len(printed) >= 2 and all(LINE.match(p).group(1, 3) == ("4", "0") for p in printed)
    time.sleep(0.15)
    assert out.getvalue().splitlines() == printed  # no line after finish


def test_disabled_progress_prints_nothing():
    out = io.StringIO()
    shown = Progress(500, enabled=False, stream=out)
    shown.update(500, 500, 1000)
    shown.close()
    assert out.getvalue() == ""


def test_an_ingest_into_a_pipe_prints_lines_with_what_it_stored(make_assistant, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress_module, "EVERY_FILES", 4)
    folder = tmp_path / "cases"
    folder.mkdir()
    for i in range(9):
        (folder / f"case-{i}.txt").write_text(
            case_text(f"Case number {i}", "Kent Police", f"2021/{i:06d}", words=f"word{i}"), encoding="utf-8"
        )
    a = make_assistant()
    report = a.ingest([str(folder)], progress=True)  # pytest's captured stderr is not a terminal
    assert len(report.added) == 9
    printed = capsys.readouterr().err.splitlines()
    matches = [LINE.match(p) for p in printed if p.startswith("ingest: ")]
    assert matches and all(matches), printed
    assert matches[-1].group(1, 2, 3) == ("9", "9", "9")
    assert int(matches[-1].group(4)) == a.stats().passages
    assert [int(m.group(1)) for m in matches] == sorted(int(m.group(1)) for m in matches)
