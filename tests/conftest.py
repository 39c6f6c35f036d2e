"""Shared fixtures and the two tiers of the suite.

Tiers. A test is `integration` when it needs the real model, a real browser, a server, a subprocess, a
kill trial or inputs of megabytes; every other test is a unit test and runs in milliseconds to a second.
`make test` runs both tiers, `make test-fast` (`-m "not integration"`) the unit tier only.

Embedders. Tests marked `model` (the model is what they test, or their assertions depend on what text
means: answers over the seed or the corpus, relevance, the encoders, commands that load their own model)
get the real all-MiniLM-L6-v2; every other test gets the hash embedder (tests/support/hash_embedder.py)
with the real Chroma. `model` implies `integration`. Whole modules are listed below, single tests too
(or use `@pytest.mark.model` / `@pytest.mark.integration`), each with the reason.

`embedder` is the embedder of the module (module-scoped, so module fixtures can use it: the model in a
`model` module, else the hash embedder); `make_assistant` and `seeded` follow the test's own marker.
`model_embedder` is always the real model (loaded once per session, and only when a test needs it),
`hash_embedder` always the hash one.

Indexes built once per session: the seed index (one per embedder) and the corpus index are built into a
directory that no client keeps open, and each test gets its own copy (copying a closed Chroma directory
takes milliseconds); `corpus_assistant` is one shared copy, to read only.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# Torch's OpenMP threads spin while they wait for work. On a machine whose cores are busy (CI, shared
# hosts) the spinning cost five times the CPU of the encoding itself, and most of the suite's encodes are
# small batches (questions, vocabulary words, sentences). Passive waiting keeps both threads' speed on
# an idle machine. Set before torch is imported; `iopc` processes started by tests inherit it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "assistant" / "data" / "sample-case.txt"
FIXTURES = ROOT / "tests" / "fixtures"

# module -> why its tests need the real model
MODEL_MODULES = {
    "test_answers_corpus": "answers over the development corpus",
    "test_assistant": "answers over the seed case: retrieval, relevance and abstention",
    "test_browser": "the app in headless Chromium, answering with the model",
    "test_cli": "the real command loads its own model (and refuses an index built by another)",
    "test_consistency": "`iopc` processes, each with its own model, share an index with this one",
    "test_ingest_cli": "the real command loads its own model",
    "test_onnx_encoder": "the encoders themselves",
    "test_security": "`iopc serve` processes",
    "test_server": "answers through a Chroma server",
    "test_vectorstore": "the embedder, similarities between texts, and the model check of the store",
}
# module -> why its tests are integration tests, though the hash embedder serves them
INTEGRATION_MODULES = {
    "test_hostile_inputs": "inputs of megabytes and bombs, there to bound the parser's time (about 45 s of CPU)",
}
# module::test -> why this test of a unit module needs the real model
MODEL_TESTS = {
    "test_app::test_filters_change_the_answer": "answers a question in other words than the cases use",
}
# module::test -> why this test of a unit module is an integration test
INTEGRATION_TESTS = {
    "test_app::test_import_app_is_cheap": "a subprocess",
    "test_app::test_iopc_help_does_not_import_gradio": "a subprocess",
}
# markers that imply the model
MODEL_MARKERS = ("browser", "corpus")


def corpus_dir() -> Path | None:
    """../shared/corpus (or IOPC_CORPUS_DIR) when present."""
    path = Path(os.environ.get("IOPC_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
    return path if (path / "cases").is_dir() else None


def _module_name(module) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def _module_needs_model(module) -> bool:
    marks = getattr(module, "pytestmark", [])
    marks = marks if isinstance(marks, list) else [marks]
    return _module_name(module) in MODEL_MODULES or any(m.name == "model" or m.name in MODEL_MARKERS for m in marks)


def pytest_collection_modifyitems(config, items):
    """Mark the tests that need the model (`model`) and every test of the integration tier (`integration`)."""
    for item in items:
        module = getattr(item, "module", None)
        name = f"{_module_name(module)}::{item.originalname}" if module else ""
        if (
            (module is not None and _module_needs_model(module))
            or name in MODEL_TESTS
            or any(item.get_closest_marker(m) for m in MODEL_MARKERS)
            or "model_embedder" in getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.model)
        if (
            item.get_closest_marker("model")
            or name in INTEGRATION_TESTS
            or (module is not None and _module_name(module) in INTEGRATION_MODULES)
        ):
            item.add_marker(pytest.mark.integration)


def _needs_model(request) -> bool:
    return request.node.get_closest_marker("model") is not None


def copy_index(src: Path, dst: Path) -> Path:
    """A copy of a closed Chroma directory (no client may be open on `src`)."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst


def close(assistant) -> None:
    """Release an Assistant's store, so that its directory may be copied."""
    assistant.store.close()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    # No test may touch the user's real index.
    monkeypatch.setenv("IOPC_DATA_DIR", str(tmp_path / "index"))
    monkeypatch.delenv("IOPC_CHROMA_URL", raising=False)


# --- embedders ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_embedder():
    """The real all-MiniLM-L6-v2, shared by every test that uses it."""
    from vectorstore import Embedder

    e = Embedder()
    e.model  # noqa: B018  load once, up front
    return e


@pytest.fixture(scope="session")
def hash_embedder():
    """The deterministic hash embedder (no model): for tests that do not depend on meaning."""
    from tests.support.hash_embedder import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="module")
def embedder(request):
    """The embedder of this module: the real model in a `model` module, else the hash embedder."""
    if _module_needs_model(request.module):
        return request.getfixturevalue("model_embedder")
    return request.getfixturevalue("hash_embedder")


@pytest.fixture
def embedder_for_test(request):
    """The embedder of this test: the real model when it is marked `model`, else the hash embedder."""
    return request.getfixturevalue("model_embedder" if _needs_model(request) else "hash_embedder")


# --- assistants and indexes -----------------------------------------------------------------------------------


@pytest.fixture
def make_assistant(tmp_path, embedder_for_test):
    """A factory of Assistants over real Chroma in a fresh temporary directory (the test's embedder)."""
    from assistant import Assistant

    def make(data_dir=None, **kw):
        return Assistant(data_dir=data_dir or tmp_path / "index", embedder=embedder_for_test, **kw)

    return make


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """`seed_index(embedder)`: the directory of an index holding the sample case, built once per embedder.
    Never opened again: tests copy it."""
    from assistant import Assistant

    built: dict[str, Path] = {}

    def index(embedder) -> Path:
        name = embedder.info.name
        if name not in built:
            path = tmp_path_factory.mktemp("seed-index") / "index"
            a = Assistant(data_dir=path, embedder=embedder)
            report = a.ingest([str(SEED)])
            assert report.ok and report.added == [str(SEED)]
            close(a)
            built[name] = path
        return built[name]

    return index


@pytest.fixture
def seeded(make_assistant, seed_index):
    """An Assistant with the sample (seed) case ingested: a fresh copy of the seed index, free to write to."""
    a = make_assistant()
    copy_index(seed_index(a.embedder), a.location.path)
    return a


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, model_embedder) -> Path:
    """The directory of an index of the whole development corpus, built once (skips when it is absent).
    Never opened again: tests copy it."""
    corpus = corpus_dir()
    if corpus is None:
        pytest.skip("../shared/corpus is not here (set IOPC_CORPUS_DIR to point at it)")
    from assistant import Assistant

    path = tmp_path_factory.mktemp("corpus-index") / "index"
    a = Assistant(data_dir=path, embedder=model_embedder)
    report = a.ingest([str(corpus / "cases")])
    assert report.ok, report.failed
    close(a)
    return path


@pytest.fixture(scope="session")
def corpus_assistant(corpus_index, model_embedder, tmp_path_factory):
    """An Assistant over the whole development corpus, shared by the session: read it, never write to it
    (a test that writes takes `corpus_copy`)."""
    from assistant import Assistant

    return Assistant(
        data_dir=copy_index(corpus_index, tmp_path_factory.mktemp("corpus-read") / "index"), embedder=model_embedder
    )


@pytest.fixture
def corpus_copy(corpus_index, model_embedder, tmp_path):
    """An Assistant over a fresh copy of the corpus index, free to write to."""
    from assistant import Assistant

    return Assistant(data_dir=copy_index(corpus_index, tmp_path / "corpus-index"), embedder=model_embedder)
