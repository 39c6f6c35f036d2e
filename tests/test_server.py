"""The same code against a real Chroma server (`chroma run`), as used when one machine is outgrown."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma command is not installed beside this Python")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_and_ask_through_a_server(chroma_url, embedder):
    from assistant import Assistant

    writer = Assistant(chroma_url=chroma_url, embedder=embedder)
    assert writer.location.url == chroma_url and writer.location.path is None
    assert writer.ingest([str(SEED)]).added == [str(SEED)]
    # another client (as another process or machine would) sees the same collection
    reader = Assistant(chroma_url=chroma_url, embedder=embedder)
    answer = reader.ask("Which forces changed special-scheme marker policy?")
    assert not answer.abstained
    assert any(c.force == "Metropolitan Police Service" and "Special Scheme Policy" in c.passage
               for c in answer.citations)
    assert reader.ingest([str(SEED)]).unchanged == [str(SEED)]
    assert reader.stats().cases == 1
