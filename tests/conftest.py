"""Shared fixtures: the real embedding model (loaded once), real Chroma in a temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "assistant" / "data" / "sample-case.txt"
FIXTURES = ROOT / "tests" / "fixtures"


def corpus_dir() -> Path | None:
    """../shared/corpus (or IOPC_CORPUS_DIR) when present."""
    path = Path(os.environ.get("IOPC_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
    return path if (path / "cases").is_dir() else None


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    # No test may touch the user's real index.
    monkeypatch.setenv("IOPC_DATA_DIR", str(tmp_path / "index"))
    monkeypatch.delenv("IOPC_CHROMA_URL", raising=False)


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, shared by every test."""
    from vectorstore import Embedder

    e = Embedder()
    e.model  # noqa: B018  load once, up front
    return e


@pytest.fixture
def make_assistant(tmp_path, embedder):
    """A factory of Assistants over real Chroma in a fresh temporary directory."""
    from assistant import Assistant

    def make(data_dir=None, **kw):
        return Assistant(data_dir=data_dir or tmp_path / "index", embedder=embedder, **kw)
    return make


@pytest.fixture
def seeded(make_assistant):
    """An Assistant with the sample (seed) case ingested."""
    a = make_assistant()
    report = a.ingest([str(SEED)])
    assert report.ok and report.added == [str(SEED)]
    return a


@pytest.fixture(scope="session")
def corpus_assistant(tmp_path_factory, embedder):
    """An Assistant over the whole development corpus (skips when it is absent)."""
    corpus = corpus_dir()
    if corpus is None:
        pytest.skip("../shared/corpus is not here (set IOPC_CORPUS_DIR to point at it)")
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path_factory.mktemp("corpus-index"), embedder=embedder)
    report = a.ingest([str(corpus / "cases")])
    assert report.ok, report.failed
    return a
