"""The `iopc ingest / cases / stats / remove` commands, through click's CliRunner on a temporary data dir."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from test_ingest import GOOD, case_text

from assistant.cli import main


@pytest.fixture
def files(tmp_path):
    avon = tmp_path / "avon.txt"
    shutil.copy(GOOD / "missing-person-avon.txt", avon)
    essex = tmp_path / "essex.md"
    essex.write_text(
        case_text("Recording of custody decisions - Essex Police, April 2021", "Essex Police", "2021/044044", "heron"),
        encoding="utf-8",
    )
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(
        case_text("Officers’ notes - Kent Police, May 2022", "Kent Police", "2022/121212", "The sergeant’s notes")
        .replace("↗", "")
        .encode("cp1252")
    )
    return {
        "avon": str(avon),
        "essex": str(essex),
        "legacy": str(legacy),
        "empty": str(tmp_path / "empty.txt"),
        "missing": str(tmp_path / "missing.txt"),
        "dir": tmp_path,
    }


def run(data_dir, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    return result


def test_ingest_cases_stats_remove(files, tmp_path, embedder, monkeypatch):
    data = tmp_path / "index"
    (tmp_path / "empty.txt").write_bytes(b"")

    # 1. the real command, with its own Embedder: one good batch with two failures and a note
    r = run(data, "ingest", "--quiet", files["avon"], files["empty"], files["essex"], files["missing"], files["legacy"])
    assert r.exit_code == 1
    assert r.stdout.strip() == "3 added, 0 updated, 0 unchanged, 2 failed"
    # (the model's own "Loading weights" bar also lands on stderr, even with --quiet: see the report)
    assert [line for line in r.stderr.splitlines() if line.startswith(("note:", "error:"))] == [
        f"note: {files['legacy']}: invalid UTF-8 at byte 7; decoded as Windows-1252",
        f"error: {files['empty']}: empty file",
        f"error: {files['missing']}: no such file or directory",
    ]

    # the rest reuse the test session's model (the same one) instead of loading it once per command
    monkeypatch.setattr("assistant.api.Embedder", lambda *a, **kw: embedder)

    # 2. --json prints the IngestReport; all unchanged, exit 0
    r = run(data, "ingest", "--json", "-q", files["avon"], files["essex"], files["legacy"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {
        "added": [],
        "updated": [],
        "unchanged": [files["avon"], files["essex"], files["legacy"]],
        "failed": [],
        "notes": [],
    }

    # 3. cases --json: every field of every case
    r = run(data, "cases", "--json")
    assert r.exit_code == 0
    cases = {c["title"]: c for c in json.loads(r.stdout)}
    assert sorted(cases) == [
        "Handling of missing person reports - Avon and Somerset Constabulary, March 2020",
        "Officers’ notes - Kent Police, May 2022",
        "Recording of custody decisions - Essex Police, April 2021",
    ]
    essex = cases["Recording of custody decisions - Essex Police, April 2021"]
    assert essex["sources"] == [files["essex"]] and essex["force"] == "Essex Police"
    assert essex["references"] == ["2021/044044"] and essex["recommendations"][0]["status"] == "accepted"
    avon = cases["Handling of missing person reports - Avon and Somerset Constabulary, March 2020"]

    # 4. stats --json
    r = run(data, "stats", "--json")
    stats = json.loads(r.stdout)
    assert (stats["cases"], stats["sources"], stats["recommendations"]) == (3, 3, 4)
    assert stats["by_status"] == {"accepted": 3, "not accepted": 1}
    assert stats["passages"] > 0 and stats["location"] == str(data)

    # 5. remove by source, by case id, and an unknown target
    r = run(data, "remove", files["essex"])
    assert (r.exit_code, r.stdout) == (0, f"removed {files['essex']}\n")
    r = run(data, "remove", avon["case_id"])
    assert (r.exit_code, r.stdout) == (0, f"removed {files['avon']}\n")
    r = run(data, "remove", "no-such-case")
    assert r.exit_code == 1 and "no source or case id matches 'no-such-case'" in r.stderr

    r = run(data, "cases")
    assert r.exit_code == 0
    assert "Officers’ notes" in r.stdout and "Essex" not in r.stdout and "Avon" not in r.stdout
    r = run(data, "stats")
    assert r.stdout.startswith("1 cases from 1 sources, ")


def test_quiet_turns_the_progress_bar_off(files, tmp_path, embedder, monkeypatch):
    import ingest.pipeline

    monkeypatch.setattr("assistant.api.Embedder", lambda *a, **kw: embedder)
    asked = []
    real = ingest.pipeline.Progress
    monkeypatch.setattr(
        ingest.pipeline, "Progress", lambda total, enabled: asked.append(enabled) or real(total, enabled)
    )
    data = tmp_path / "index"
    r = run(data, "ingest", files["avon"], files["essex"])
    assert r.exit_code == 0 and r.stdout.strip() == "2 added, 0 updated, 0 unchanged, 0 failed"
    r = run(data, "ingest", "--quiet", files["avon"], files["essex"])
    assert r.stdout.strip() == "0 added, 0 updated, 2 unchanged, 0 failed"
    assert r.stderr == ""  # not a TTY here either way, and nothing else is written to stderr
    assert asked == [True, False]


def test_ingest_max_size_and_a_directory(files, tmp_path, embedder, monkeypatch):
    monkeypatch.setattr("assistant.api.Embedder", lambda *a, **kw: embedder)
    data = tmp_path / "index"
    r = run(data, "ingest", "-q", "--max-size", "0.001", files["avon"])  # 1,000 bytes
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {files['avon']}: ") and "over the size limit of 1,000 bytes" in r.stderr
    empty_dir = tmp_path / "nothing-here"
    empty_dir.mkdir()
    r = run(data, "ingest", "-q", str(empty_dir))
    assert r.exit_code == 1 and f"error: {empty_dir}: no accepted files in this directory" in r.stderr


def test_hostile_file_names_print_escaped(tmp_path, embedder, monkeypatch):
    """A name with a newline cannot forge an `error:` line; escape sequences never reach the terminal raw."""
    monkeypatch.setattr("vectorstore.Embedder", lambda *a, **kw: embedder)
    cases = tmp_path / "cases"
    cases.mkdir()
    forged = cases / "good\nerror: FAKE.txt: injected line\n.txt"
    forged.write_bytes(b"")  # fails: its error line carries the name
    clear = cases / "\x1b[2J\x1b]0;pwned\x07 \u202eclear.txt"
    clear.write_text(
        case_text("Escapes \x1b[31m red - Kent Police, May 2022", "Kent Police", "2022/343434", "pangolin"),
        encoding="utf-8",
    )
    data = tmp_path / "index"
    r = run(data, "ingest", "-q", str(cases))
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [f"error: {cases}/good\\nerror: FAKE.txt: injected line\\n.txt: empty file"]
    outputs = [r.stdout, r.stderr]
    for args in (
        ["ask", "pangolin"],
        ["search", "pangolin", "-k", "2"],
        ["cases"],
        ["remove", str(clear)],
        ["remove", str(forged)],
    ):
        r = run(data, *args)
        outputs += [r.stdout, r.stderr]
        if args[0] == "ask" or args[-1] == str(clear):  # the source column, and "removed <source>"
            assert "\\x1b]0;pwned\\x07 \\u202eclear.txt" in r.stdout
    text = "".join(outputs)
    assert not any(c in text for c in "\x1b\x07\u202e")
    assert "\\x1b[2J" in text
    assert [line for line in text.splitlines() if line.startswith("error:")] == [
        f"error: {cases}/good\\nerror: FAKE.txt: injected line\\n.txt: empty file"
    ]


def test_one_size_limit_in_one_unit(tmp_path, embedder, monkeypatch):
    """20 MB (20,000,000 bytes) for the CLI, the API and the app alike; the message tells sizes apart."""
    from assistant import Assistant
    from ingest.readers import DEFAULT_MAX_BYTES, MB, _too_big

    monkeypatch.setattr("vectorstore.Embedder", lambda *a, **kw: embedder)
    assert DEFAULT_MAX_BYTES == 20 * MB == 20_000_000
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(20_500_000)  # sparse: refused by its size before it is read
    r = run(tmp_path / "index", "ingest", "-q", str(big))
    assert r.exit_code == 1
    assert r.stderr == f"error: {big}: 20.5 MB is over the size limit of 20.0 MB (raise it with --max-size)\n"
    report = Assistant(data_dir=tmp_path / "index", embedder=embedder).ingest([str(big)])  # the app's limit
    assert report.failed[0].reason.startswith("20.5 MB is over the size limit of 20.0 MB")
    r = run(tmp_path / "index", "ingest", "-q", "--max-size", "20.4", str(big))
    assert "20.5 MB is over the size limit of 20.4 MB" in r.stderr
    assert (
        _too_big("x", 20_000_001, 20_000_000).reason
        == "20,000,001 bytes is over the size limit of 20,000,000 bytes (raise it with --max-size)"
    )
