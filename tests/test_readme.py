"""The README's shell blocks marked runnable (a fence of ```sh runnable) run as written from a fresh clone,
each command exiting 0, into a fresh data directory. Blocks marked `corpus` also need ../shared/corpus/cases.

`.venv/bin/X` is this test's own interpreter running this checkout's code (in CI, the clone's .venv itself).
A plain `.venv/bin/iopc ARGS` command (or several joined by `;`) runs through the CLI's `main` in this
process, on the session's model, as tests/test_cli.py does: a process per command would load the model
each time. A command with other shell syntax (pipes, redirections, variables) runs in bash.
Long-running commands (`make run`, `iopc serve`, `chroma run`) are not marked.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.model  # the commands load the real model

CORPUS_DATA_DIR = "IOPC_README_CORPUS_DATA_DIR"
_FENCE = re.compile(r"^```sh runnable(?P<tags>[^\n]*)\n(?P<body>.*?)^```$", re.S | re.M)


@dataclass(frozen=True)
class Block:
    """A runnable block of the README: its first line's number, its tags and its commands."""

    line: int
    tags: frozenset[str]
    body: str


def runnable_blocks(readme: str) -> list[Block]:
    """The README's blocks fenced as ```sh runnable [tags], in order."""
    return [
        Block(readme.count("\n", 0, m.start()) + 1, frozenset(m.group("tags").split()), m.group("body"))
        for m in _FENCE.finditer(readme)
    ]


BLOCKS = runnable_blocks((ROOT / "README.md").read_text())


def test_the_readme_marks_its_shell_blocks():
    assert len(BLOCKS) >= 3
    assert any("corpus" in b.tags for b in BLOCKS)
    for b in BLOCKS:
        assert "serve" not in b.body and "make run" not in b.body, f"block at line {b.line} would not end"


@pytest.fixture(scope="module")
def clone_env(tmp_path_factory):
    """The environment of a fresh clone: a `.venv/bin` of this interpreter and a data directory no one used."""
    root = tmp_path_factory.mktemp("readme")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    for name, module in (("iopc", "assistant.cli"), ("python", None)):
        script = bin_dir / name
        run = f'-m {module} "$@"' if module else '"$@"'
        script.write_text(f"#!/bin/sh\nexec {sys.executable} {run}\n")
        script.chmod(0o755)
    env = {**os.environ, "IOPC_DATA_DIR": str(root / "data"), "HOME": str(root), "PYTHONPATH": str(ROOT)}
    env.pop("IOPC_CHROMA_URL", None)
    return bin_dir, env


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: " ".join([f"line {b.line}", *sorted(b.tags)]))
def test_a_runnable_readme_block_runs_as_written(block, clone_env, model_embedder, monkeypatch):
    from click.testing import CliRunner

    from assistant.cli import main

    bin_dir, env = clone_env
    if "corpus" in block.tags:
        # The corpus block ingests 122 cases; .ci/run runs it once, into the index its eval gate then reads.
        if not (ROOT.parent / "shared" / "corpus" / "cases").is_dir():
            pytest.skip("../shared/corpus/cases is not beside this checkout")
        if not (data_dir := os.environ.get(CORPUS_DATA_DIR)):
            pytest.skip(f"run by .ci/run's eval gate, which gives it a data directory in {CORPUS_DATA_DIR}")
        env = {**env, "IOPC_DATA_DIR": data_dir}
    monkeypatch.setattr("vectorstore.Embedder", lambda *a, **kw: model_embedder)
    monkeypatch.chdir(ROOT)
    for name in ("IOPC_DATA_DIR", "HOME"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.delenv("IOPC_CHROMA_URL", raising=False)
    for command in [c for c in block.body.splitlines() if c.strip()]:
        if (calls := iopc_calls(command)) is not None:
            for args in calls:
                result = CliRunner().invoke(main, args)
                assert result.exit_code == 0, f"README line {block.line}: {command}\n{result.output[-2000:]}"
            continue
        shell = command.replace(".venv/bin/", f"{bin_dir}/")
        out = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", shell], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
        )
        assert out.returncode == 0, f"README line {block.line}: {command}\n{out.stderr[-2000:]}"


def iopc_calls(command: str) -> list[list[str]] | None:
    """The argument lists of a line of plain `.venv/bin/iopc …` commands joined by `;` (comments dropped);
    None when the line uses any other shell syntax."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";|&<>()")
    lexer.whitespace_split, lexer.commenters = True, "#"
    tokens = list(lexer)
    if "$" in command or "`" in command or any(set(t) <= set("|&<>()") for t in tokens):
        return None
    calls: list[list[str]] = [[]]
    for t in tokens:
        if t == ";":
            calls.append([])
        else:
            calls[-1].append(t)
    calls = [c for c in calls if c]
    return [c[1:] for c in calls] if calls and all(c[0] == ".venv/bin/iopc" for c in calls) else None


def test_plain_iopc_lines_run_in_process_and_the_rest_in_bash():
    assert iopc_calls('.venv/bin/iopc ask "a b" --json   # why') == [["ask", "a b", "--json"]]
    assert iopc_calls(".venv/bin/iopc cases --json; .venv/bin/iopc stats") == [["cases", "--json"], ["stats"]]
    assert iopc_calls(".venv/bin/iopc cases --json | head") is None
    assert iopc_calls(".venv/bin/iopc stats > out.txt") is None
    assert iopc_calls('.venv/bin/iopc ask "$Q"') is None
    assert iopc_calls("make run") is None
