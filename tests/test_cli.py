"""The `iopc` CLI over the API, via click's runner; --help without torch or gradio."""

import json
import subprocess
import sys

from click.testing import CliRunner

from assistant.cli import main
from tests.conftest import ROOT, SEED


def test_help_imports_neither_torch_nor_gradio():
    code = ("import sys; from assistant.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules and 'gradio' not in sys.modules and 'chromadb' not in sys.modules")
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
    assert set(cite) >= {"n", "case_id", "title", "force", "section", "rec_no", "quote", "passage", "source",
                         "url", "score"}
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
