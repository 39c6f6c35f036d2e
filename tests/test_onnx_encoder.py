"""The ONNX Runtime encoders (fp32 the default) against the torch one, the real model exported once into a temp dir."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT, SEED

# Measured on the 286 corpus passages: int8 min cosine to torch 0.989 (mean 0.994); on the seed's
# passages 0.99. The bound leaves room for other CPUs' int8 kernels without letting a broken
# quantisation (per-tensor scales gave 0.92) through.
INT8_MIN_COSINE = 0.98
QUESTION = "Which forces changed special-scheme marker policy?"


def _run(code: str, onnx_dir) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k != "IOPC_ENCODER"},
        "IOPC_ONNX_DIR": str(onnx_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    """A fresh export dir, filled once by a separate process (so its first-use output can be checked)."""
    d = tmp_path_factory.mktemp("onnx")
    first = _run("from vectorstore import Embedder; Embedder(backend='onnx-int8').embed(['x'])", d)
    assert first.stdout == ""  # the CLI's --json output must stay clean on the first use
    assert "exporting the ONNX encoder once" in first.stderr and "int8" in first.stderr
    # one line per step while it works, each ending with its time
    lines = first.stderr.strip().splitlines()
    assert len(lines) == 2 and all(" ... done in " in line for line in lines), first.stderr
    return d


@pytest.fixture(scope="module")
def torch_embedder():
    """The torch (sentence-transformers) encoder: the reference the ONNX ones must match."""
    from vectorstore import Embedder

    e = Embedder(backend="torch")
    e.embed(["load"])
    return e


@pytest.fixture(scope="module")
def onnx_embedders(onnx_dir):
    """The fp32 and int8 ONNX embedders, loaded from the module's export dir."""
    from vectorstore import Embedder

    mp = pytest.MonkeyPatch()
    mp.setenv("IOPC_ONNX_DIR", str(onnx_dir))
    embedders = {b: Embedder(backend=b) for b in ("onnx", "onnx-int8")}
    for e in embedders.values():
        e.embed(["load the session now, while IOPC_ONNX_DIR points at the module's dir"])
    mp.undo()
    return embedders


def seed_passages(count_tokens) -> list[str]:
    """The seed case's passage texts, as ingest embeds them."""
    from ingest.formats import cases_from
    from ingest.passages import case_passages
    from ingest.readers import load

    loaded = load(str(SEED))
    loaded.source = str(SEED)
    case = cases_from(loaded)[0][0]
    return [p.index_text for p in case_passages(case, "seed", str(SEED), "seed", count_tokens)]


def test_export_leaves_both_files_and_no_temporaries(onnx_dir):
    files = sorted(p.relative_to(onnx_dir).as_posix() for p in onnx_dir.rglob("*") if p.is_file())
    # the models, and the lock file that makes processes starting together wait for one export
    assert len(files) == 3 and [f.split("/")[1] for f in files] == [".export.lock", "model-int8.onnx", "model.onnx"]


def test_onnx_vectors_match_torch_on_the_seed_passages(torch_embedder, onnx_embedders):
    texts = seed_passages(torch_embedder.count_tokens)
    assert len(texts) >= 5
    reference = torch_embedder.embed(texts)
    for backend, bound in (("onnx", 0.999), ("onnx-int8", INT8_MIN_COSINE)):
        vectors = onnx_embedders[backend].embed(texts)
        assert vectors.dtype == np.float32 and vectors.shape == reference.shape
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        cosines = (vectors * reference).sum(axis=1)
        assert cosines.min() >= bound, (backend, cosines.min())


def test_count_tokens_is_the_same_as_torch(torch_embedder, onnx_embedders):
    long_text = SEED.read_text(encoding="utf-8")
    texts = ["", "special scheme marker", "Café naïve — “quoted” 2018/104370 PAVA", long_text]
    # what the sentence-transformers model's own tokenizer counts, without special tokens or truncation
    model_tokenizer = torch_embedder.model.tokenizer
    expected = [
        len(model_tokenizer(t, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]) for t in texts
    ]
    assert expected[-1] > 256  # beyond the window: counted, not truncated
    for e in [torch_embedder, *onnx_embedders.values()]:
        assert [e.count_tokens(t) for t in texts] == expected


def test_counting_tokens_does_not_disturb_an_encode_on_another_thread(embedder):
    import threading

    long_text = SEED.read_text(encoding="utf-8")  # over the window: the encoder must truncate it
    reference = embedder.embed([long_text])[0]
    stop, errors = threading.Event(), []

    def count():
        while not stop.is_set():
            embedder.count_tokens(long_text)

    # The counting thread never blocks, so at the default 5 ms switch interval the encoder waits up to
    # an interval at each of its many GIL hand-overs per forward pass (seconds per encode, not
    # milliseconds). A short interval interleaves the two threads more often, not less.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    counter = threading.Thread(target=count)
    counter.start()
    try:
        for _ in range(20):
            try:
                assert float(embedder.embed([long_text])[0] @ reference) > 0.9999
            except Exception as e:  # a tensor-size error is what the shared tokenizer used to give
                errors.append(repr(e))
    finally:
        stop.set()
        counter.join()
        sys.setswitchinterval(interval)
    assert errors == []


def test_embed_cached_and_empty_input(onnx_embedders):
    e = onnx_embedders["onnx-int8"]
    assert e.embed([]).shape == (0, 384)
    twice = e.embed_cached(["spit guard", "spit guard", "custody"])
    assert twice.shape == (3, 384) and np.array_equal(twice[0], twice[1])


def test_int8_assistant_answers_the_seed_question(tmp_path, onnx_embedders):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path / "int8-index", embedder=onnx_embedders["onnx-int8"])
    assert a.ingest([str(SEED)]).ok
    answer = a.ask(QUESTION)
    assert not answer.abstained
    assert any(c.force == "Metropolitan Police Service" for c in answer.citations)
    assert "Metropolitan Police Service" in answer.text


def test_onnx_path_needs_neither_torch_nor_transformers(onnx_dir):
    run = _run(
        "import sys; from vectorstore import Embedder; Embedder(backend='onnx-int8').embed(['x']); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))",
        onnx_dir,
    )
    assert run.stdout.strip() == "[]" and "exporting" not in run.stderr


def test_backend_from_argument_then_environment_then_fp32_onnx(monkeypatch):
    from vectorstore import Embedder

    monkeypatch.delenv("IOPC_ENCODER", raising=False)
    assert Embedder().backend == "onnx"
    monkeypatch.setenv("IOPC_ENCODER", "onnx-int8")
    assert Embedder().backend == "onnx-int8"
    assert Embedder(backend="torch").backend == "torch"
    assert Embedder().info.name == Embedder(backend="torch").info.name  # the index cannot tell them apart


def test_an_index_built_with_torch_answers_alike_with_the_default(tmp_path, torch_embedder, onnx_embedders):
    from assistant import Assistant

    built = Assistant(data_dir=tmp_path / "torch-index", embedder=torch_embedder)
    assert built.ingest([str(SEED)]).ok
    expected = built.ask(QUESTION)
    built.store.close()
    # the default encoder opens the torch-built index (no model mismatch) and answers the same way
    answer = Assistant(data_dir=tmp_path / "torch-index", embedder=onnx_embedders["onnx"]).ask(QUESTION)
    assert not answer.abstained and answer.text == expected.text
    assert [(c.case_id, c.quote) for c in answer.citations] == [(c.case_id, c.quote) for c in expected.citations]
    assert [round(c.score, 4) for c in answer.citations] == [round(c.score, 4) for c in expected.citations]


def test_a_cli_answer_on_the_default_encoder_never_imports_torch(tmp_path, onnx_dir, torch_embedder):
    from assistant import Assistant

    index = tmp_path / "index"
    built = Assistant(data_dir=index, embedder=torch_embedder)
    assert built.ingest([str(SEED)]).ok
    built.store.close()
    run = _run(
        "import sys\n"
        "from assistant.cli import main\n"
        f"try: main(['--data-dir', {str(index)!r}, 'ask', {QUESTION!r}], standalone_mode=False)\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))",
        onnx_dir,
    )
    assert "Metropolitan Police Service" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_backend_is_a_clear_error(monkeypatch):
    from vectorstore import Embedder

    with pytest.raises(ValueError, match="'tensorflow'.*torch, onnx, onnx-int8"):
        Embedder(backend="tensorflow")
    monkeypatch.setenv("IOPC_ENCODER", "onnx-fp16")
    with pytest.raises(ValueError, match="IOPC_ENCODER.*torch, onnx, onnx-int8"):
        Embedder()


def test_load_readies_every_backend_without_encoding(torch_embedder, onnx_embedders):
    """`load` is what a server's start calls beside reading the catalog: it must work on each backend (torch's
    SentenceTransformer has a `load` of its own, which is not this)."""
    for embedder in (torch_embedder, *onnx_embedders.values()):
        embedder.load()
        assert embedder.embed([QUESTION]).shape == (1, 384)
