"""The same code against a real Chroma server (`chroma run`), as used when one machine is outgrown."""

import pytest

from tests.conftest import SEED
from tests.support.chroma_server import chroma_server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """A `chroma run` on loopback over a fresh directory, for this module."""
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def test_ingest_and_ask_through_a_server(chroma_url, embedder):
    from assistant import Assistant

    writer = Assistant(chroma_url=chroma_url, embedder=embedder)
    assert writer.location.url == chroma_url and writer.location.path is None
    assert writer.ingest([str(SEED)]).added == [str(SEED)]
    # another client (as another process or machine would) sees the same collection
    reader = Assistant(chroma_url=chroma_url, embedder=embedder)
    answer = reader.ask("Which forces changed special-scheme marker policy?")
    assert not answer.abstained
    assert any(
        c.force == "Metropolitan Police Service" and "Special Scheme Policy" in c.passage for c in answer.citations
    )
    assert reader.ingest([str(SEED)]).unchanged == [str(SEED)]
    assert reader.stats().cases == 1


def test_keyword_index_remove_and_changes_are_shared_between_clients(chroma_url, embedder, tmp_path):
    from test_ingest import case_text

    from assistant import Assistant

    essex = tmp_path / "essex.txt"
    essex.write_text(
        case_text("Kingfisher custody review - Essex Police, April 2021", "Essex Police", "2021/044044", "kingfisher"),
        encoding="utf-8",
    )
    reader = Assistant(chroma_url=chroma_url, embedder=embedder)
    cases_before = reader.stats().cases
    writer = Assistant(chroma_url=chroma_url, embedder=embedder)
    assert writer.ingest([str(essex)]).added == [str(essex)]

    # the reader's keyword index is rebuilt from the server after another client's write
    assert any("kingfisher" in h.text for h in reader.search("kingfisher", mode="bm25", k=3))
    assert reader.stats().cases == cases_before + 1

    assert reader.remove(str(essex)) == [str(essex)]
    assert writer.stats().cases == cases_before
    assert not any("kingfisher" in h.text for h in writer.search("kingfisher", mode="bm25", k=3))


def test_every_command_takes_the_server_url(chroma_url, embedder, tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner
    from test_ingest import case_text

    from assistant.cli import main

    kent = tmp_path / "kent.txt"
    kent.write_text(
        case_text("Heron custody review - Kent Police, May 2022", "Kent Police", "2022/121212", "heron"),
        encoding="utf-8",
    )
    monkeypatch.delenv("IOPC_DATA_DIR", raising=False)  # nothing may fall back to a local directory
    # The commands run in this process on the session's model (as tests/test_cli.py runs them): each
    # `iopc` process would spend seconds loading torch and the model for a command of milliseconds.
    monkeypatch.setattr("vectorstore.Embedder", lambda *a, **kw: embedder)

    def run(*args, url=chroma_url):
        return CliRunner().invoke(main, ["--chroma-url", url, *args])

    assert run("ingest", "--quiet", str(kent)).exit_code == 0
    answer = json.loads(run("ask", "--json", "What was recommended after the heron custody review?").stdout)
    assert any(c["force"] == "Kent Police" for c in answer["citations"])
    assert "heron" in run("search", "heron custody").stdout.lower()
    assert "Heron custody review" in run("cases").stdout
    assert json.loads(run("stats", "--json").stdout)["location"] == chroma_url
    assert run("remove", str(kent)).exit_code == 0
    assert "Heron custody review" not in run("cases").stdout

    down = run("stats", url="http://127.0.0.1:9")
    assert down.exit_code == 1
    assert "cannot reach the Chroma server at http://127.0.0.1:9" in down.stderr
    assert "Traceback" not in down.stderr
