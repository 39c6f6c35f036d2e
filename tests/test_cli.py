"""The `iopc` CLI over the API, via click's runner; --help without torch or gradio."""

import json
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from assistant.cli import main
from tests.conftest import ROOT, SEED


def test_help_imports_neither_torch_nor_gradio():
    code = (
        "import sys; from assistant.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'torch' not in sys.modules and 'gradio' not in sys.modules and 'chromadb' not in sys.modules"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "ingest" in out.stdout and "ask" in out.stdout


def test_ingest_ask_search_json(tmp_path):
    runner = CliRunner()
    d = ["--data-dir", str(tmp_path / "x")]
    result = runner.invoke(main, [*d, "ingest", "--json", str(SEED)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == [str(SEED)]
    result = runner.invoke(main, [*d, "ask", "--json", "Which forces changed special-scheme marker policy?"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["abstained"] is False
    cite = next(c for c in answer["citations"] if "Special Scheme Policy" in c["passage"])
    assert cite["force"] == "Metropolitan Police Service" and cite["quote"] in cite["passage"]
    assert set(cite) >= {
        "n",
        "case_id",
        "title",
        "force",
        "section",
        "rec_no",
        "quote",
        "passage",
        "source",
        "url",
        "score",
    }
    result = runner.invoke(main, [*d, "search", "--json", "-k", "3", "special scheme marker"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 3


def test_ingest_failure_exits_1_naming_the_file(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "x"), "ingest", "-q", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.txt'}: no such file or directory" in result.output


def test_serve_refuses_public_host_without_auth(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "x"), "serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "--auth" in result.output


def test_an_index_of_another_model_is_refused_in_one_line(tmp_path):
    from vectorstore import ChromaStore, ModelInfo, StoreLocation

    other = ChromaStore(StoreLocation(path=tmp_path / "index"), ModelInfo("other/model", 768))
    other.count()
    other.close()
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "index"), "stats"])
    assert result.exit_code == 1
    assert "was built with embedding model other/model (768 dimensions)" in result.output
    assert "all-MiniLM-L6-v2" in result.output and "Traceback" not in result.output


# --- global options on either side of the command ----------------------------------------------------------------


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    """An index holding the sample case, made by `iopc ingest SEED --data-dir D` (the option after the command)."""
    d = tmp_path_factory.mktemp("cli") / "index"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("vectorstore.Embedder", lambda *a, **kw: embedder)
        result = CliRunner().invoke(main, ["ingest", "-q", str(SEED), "--data-dir", str(d)])
    assert result.exit_code == 0, result.output
    return d


@pytest.fixture
def cli(index, embedder, monkeypatch):
    """Run `iopc ARGS` on the test session's model; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr("vectorstore.Embedder", lambda *a, **kw: embedder)

    def run(*args):
        r = CliRunner().invoke(main, [str(a) for a in args])
        return r.exit_code, r.stdout, r.stderr

    return run


def test_global_options_after_the_command(index, cli, tmp_path):
    assert (index / "chroma.sqlite3").exists()
    code, out, _ = cli("ask", "--json", "Which forces changed special-scheme marker policy?", "--data-dir", index)
    assert code == 0 and json.loads(out)["citations"]
    code, out, _ = cli("stats", "--json", "--data-dir", index)
    assert code == 0 and json.loads(out)["cases"] == 1
    # given on both sides, the one after the command wins
    code, out, _ = cli("--data-dir", tmp_path / "elsewhere", "stats", "--json", "--data-dir", index)
    assert code == 0 and json.loads(out)["location"] == str(index)


@pytest.mark.parametrize("command", ["ingest", "ask", "search", "remove", "cases", "stats", "serve", "eval"])
def test_each_command_help_lists_the_global_options(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert all(o in result.output for o in ("--data-dir", "--chroma-url", "--encoder"))


# --- bad values: one line, exit 2, naming the option ------------------------------------------------------------


@pytest.mark.parametrize(
    "args, option, says",
    [
        (["ask", "q", "--since", "2019-13-45"], "--since", "is not a real date"),
        (["ask", "q", "--since", "banana"], "--since", "is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["search", "q", "--until", "2021-02-30"], "--until", "is not a real date"),
        (["ingest", "--max-size", "nan", "x.txt"], "--max-size", "must be a positive number of MB"),
        (["ingest", "--max-size", "inf", "x.txt"], "--max-size", "must be a positive number of MB"),
        (["ingest", "--max-size", "-3", "x.txt"], "--max-size", "must be a positive number of MB"),
        (["serve", "--max-size", "0", "--port", "1"], "--max-size", "must be a positive number of MB"),
        (["search", "q", "-k", "-3"], "-k", "not in the range"),
        (["search", "q", "-k", "0"], "-k", "not in the range"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_option(args, option, says):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert f"'{option}'" in result.output and says in result.output


@pytest.mark.parametrize("auth", [":", "user:", ":secret", "nocolon"])
def test_auth_needs_a_user_and_a_password(auth, tmp_path):
    result = CliRunner().invoke(main, ["serve", "--auth", auth, "--data-dir", str(tmp_path / "x")])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "--auth must be user:password, with a user and a password" in result.output
    assert not (tmp_path / "x").exists()  # refused before anything was opened


@pytest.mark.parametrize(
    "args, option, nearest",
    [
        (["--force", "Metropolitan Polise"], "--force", "Metropolitan Police Service"),
        (["--theme", "domestik abuse"], "--theme", "Domestic abuse"),
    ],
)
def test_an_unknown_force_or_theme_names_the_nearest(cli, index, args, option, nearest):
    for command in ("ask", "search"):
        code, out, err = cli(command, "special scheme marker", *args, "--data-dir", index)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert f"'{option}'" in err and f"nearest: {nearest}" in err
    code, out, _ = cli(
        "search", "special scheme marker", "--force", "Met", "--theme", "domestic", "-k", "1", "--data-dir", index
    )  # an alias, and part of a tag, still work
    assert code == 0 and "Metropolitan Police Service" in out


@pytest.mark.parametrize("command", [["ask", "a question"], ["search", "a query"], ["cases"], ["stats"]])
def test_a_read_command_on_a_missing_data_dir_says_so(command, tmp_path):
    missing = tmp_path / "no-such-index"
    result = CliRunner().invoke(main, [*command, "--data-dir", str(missing)])
    assert result.exit_code == 1
    assert (
        result.output == f"Error: no index at {missing}: the directory does not exist "
        "(ingest cases into it first, or give the right --data-dir)\n"
    )
    assert not missing.exists()


def test_serve_on_a_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--data-dir", str(tmp_path / "x")])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert f"cannot serve on 127.0.0.1 port {port}: Address already in use" in result.output
