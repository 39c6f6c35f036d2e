"""Sentence vectors by late chunking against standalone ones: the experiment behind ingest's design.

    python -m bench.late_chunking [--corpus ../shared/corpus]

Ingest embeds every distinct sentence of a passage on its own, which costs about as much again as the
passages. Late chunking would make those vectors free: mean-pool each sentence's token states from the
passage's own forward pass. This ingests the corpus once, copies the index, overwrites the copy's
sentence vectors with late-chunked ones, and scores both on the dev, own and held-out questions (the
abstention thresholds of assistant/settings.py, calibrated on standalone vectors, apply to both).
Writes bench/results/late-chunking.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from bench.measure import ROOT

METRICS = ("hit_at_1", "hit_at_5", "mrr_at_10", "must_cite", "force_recall", "abstention_accuracy",
           "false_abstention")


def late_chunked(assistant) -> dict:
    """{sentence key: unit vector pooled from its passage's token states} for every stored passage."""
    import numpy as np
    from tokenizers import Tokenizer

    from ingest.passages import index_text
    from ingest.sentences import sentence_spans
    from vectorstore.embedder import MAX_WORD_PIECES, default_model_path
    from vectorstore.sentence_vectors import sentence_key

    passages = assistant.store.all_passages()
    texts = [index_text(p.text, p.metadata) for p in passages]
    tok = Tokenizer.from_file(str(Path(default_model_path()) / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_WORD_PIECES)  # the encoder's window: the same word pieces, with offsets
    states = assistant.embedder.model.encode(texts, output_value="token_embeddings", convert_to_numpy=False,
                                             show_progress_bar=False)
    out = {}
    for p, text, enc, h in zip(passages, texts, tok.encode_batch(texts), states):
        h = h.numpy()
        if len(enc.ids) != h.shape[0]:
            raise RuntimeError(f"{p.id}: {len(enc.ids)} word pieces, {h.shape[0]} token states")
        shift = len(text) - len(p.text)  # the context header before the passage text
        for s, e in sentence_spans(p.text) or [(0, len(p.text))]:
            rows = [i for i, (a, b) in enumerate(enc.offsets)
                    if not enc.special_tokens_mask[i] and a >= s + shift and b <= e + shift]
            if rows:
                v = h[rows].mean(axis=0)
                out[sentence_key(p.text[s:e])] = v / np.linalg.norm(v)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args()
    import numpy as np

    from assistant import Assistant
    from assistant.evaluation import evaluate

    questions = {"dev": Path(args.corpus) / "questions-dev.jsonl", "own": ROOT / "bench" / "questions-own.jsonl",
                 "holdout": ROOT / "bench" / "questions-holdout.jsonl"}
    work = Path(tempfile.mkdtemp(prefix="bench-late-"))
    try:
        standalone = Assistant(data_dir=work / "standalone")
        standalone.ingest([str(Path(args.corpus) / "cases")])
        standalone.store.close()
        shutil.copytree(work / "standalone", work / "late")
        late = Assistant(data_dir=work / "late", embedder=standalone.embedder)
        vectors = late_chunked(late)
        stored = late.store.sentence_vectors(list(vectors))
        cosines = np.array([float(vectors[k] @ np.asarray(stored[k])) for k in vectors if k in stored])
        late.store.sentences.add(list(vectors), np.stack(list(vectors.values())))
        standalone = Assistant(data_dir=work / "standalone", embedder=standalone.embedder)
        result = {"sentences": len(vectors), "cosine_to_standalone": {
            "min": float(cosines.min()), "p10": float(np.percentile(cosines, 10)), "mean": float(cosines.mean())}}
        for name, path in questions.items():
            for label, a in (("standalone", standalone), ("late", late)):
                report = evaluate(a, str(path))[0]
                result[f"{name}/{label}"] = {m: round(getattr(report, m), 3) for m in METRICS}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (ROOT / "bench" / "results" / "late-chunking.json").write_text(json.dumps(result, indent=1))
    print(f"{result['sentences']} sentences; cosine of late-chunked to standalone vectors: "
          + ", ".join(f"{k} {v:.3f}" for k, v in result["cosine_to_standalone"].items()) + "\n")
    print("| questions | sentence vectors | " + " | ".join(METRICS) + " |")
    print("|---|---|" + "---|" * len(METRICS))
    for key, row in result.items():
        if "/" in key:
            print(f"| {key.split('/')[0]} | {key.split('/')[1]} | " + " | ".join(f"{row[m]:.3f}" for m in METRICS) + " |")


if __name__ == "__main__":
    main()
