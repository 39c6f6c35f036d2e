"""The measured processes of `python -m bench`, each run in a child process of its own.

    python -m bench.jobs ingest DATA_DIR OUT.json FILE...   # Assistant.ingest, then a bare encode
    python -m bench.jobs serve DATA_DIR OUT.json QUESTIONS.json [--rounds N] [--profile]

A child of its own gives each job a clean peak-memory figure (ru_maxrss) and a fresh model load.
Both jobs warm the model before timing anything: model loading is measured by the cold-start figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import time
from pathlib import Path

FLOOR_K = 10  # the floor's Chroma query asks for as many results as search(k=FLOOR_K)


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_job(data_dir: str, files: list[str]) -> dict:
    """Time Assistant.ingest of `files`, then a bare SentenceTransformer.encode of the stored index texts."""
    from assistant import Assistant
    from ingest.passages import index_text

    a = Assistant(data_dir=data_dir)
    a.embedder.embed(["warm up"])  # load the model outside the timed part
    before = a.store.count()
    t = time.perf_counter()
    report = a.ingest(files)
    seconds = time.perf_counter() - t
    rss_after_ingest = _rss_mb()
    stored = a.store.all_passages()
    texts = [index_text(p.text, p.metadata) for p in stored]
    added = len(stored) - before
    out = {"files": len(files), "added": len(report.added), "unchanged": len(report.unchanged),
           "failed": [f"{f.source}: {f.reason}" for f in report.failed], "passages": added,
           "total_passages": len(stored), "seconds": seconds, "peak_rss_mb": rss_after_ingest,
           "backend": getattr(a.embedder, "backend", "torch")}
    if before == 0 and added and getattr(a.embedder, "backend", "torch") == "torch":
        model = a.embedder.model  # the very SentenceTransformer the pipeline used: same weights, same batch size
        t = time.perf_counter()
        model.encode(texts, batch_size=a.embedder.batch_size, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        out["bare_seconds"] = time.perf_counter() - t
        out["batch_size"] = a.embedder.batch_size
        # Everything the pipeline encodes, not only passages: each distinct sentence (looked up at
        # question time instead of embedded) and each new vocabulary word. Against this, the ratio is
        # the pipeline's own overhead (reading, parsing, storing).
        from ingest.pipeline import words_of
        from ingest.sentences import sentences

        extra = list(dict.fromkeys(s for p in stored for s in (sentences(p.text) or [p.text])))
        extra += words_of(" ".join(texts))
        t = time.perf_counter()
        model.encode(extra, batch_size=a.embedder.batch_size, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        out["bare_all_seconds"] = out["bare_seconds"] + time.perf_counter() - t
        out["texts_encoded"] = len(texts) + len(extra)
    return out


def _floor(a, question: str):
    """The physical floor of a query: one query embedding and one Chroma query of FLOOR_K results."""
    vector = a.embedder.embed([question])[0]
    return a.store.passages.chroma.query(query_embeddings=[vector.tolist()], n_results=FLOOR_K,
                                             include=["distances"])


def _forget_sentences(a) -> None:
    """Empty the embedder's sentence-vector cache: a novel question over a large collection finds few of
    its passages' sentences cached, and SYNTHETIC cases repeat template sentences far more than real ones."""
    a.embedder.__dict__.pop("_cache", None)
    # The sentence vectors' memory layer too: a novel question fetches its sentences' stored vectors.
    getattr(a, "sentence_vectors", None) and a.sentence_vectors._cache.clear()


def serve_job(data_dir: str, questions: list[str], rounds: int, profile: bool) -> dict:
    """Load the Assistant, warm it, then time floor, search() and ask() on every question, interleaved.

    ask() is timed with an empty sentence-vector cache (see _forget_sentences)."""
    from assistant import Assistant

    t = time.perf_counter()
    a = Assistant(data_dir=data_dir)
    a.ask(questions[0])  # model, catalog, BM25 and Chroma's HNSW index all load here
    first_ask = time.perf_counter() - t
    for q in questions[:3]:  # a few more so that lazy imports and caches are settled
        a.search(q, k=FLOOR_K)
        _floor(a, q)
    times: dict[str, list[float]] = {"floor": [], "search": [], "ask": []}
    kinds: dict[str, int] = {}
    for _ in range(rounds):
        for q in questions:
            # Interleaved, so that load from other processes on the machine hits all three alike.
            for name, call in (("floor", lambda q=q: _floor(a, q)), ("search", lambda q=q: a.search(q, k=FLOOR_K)),
                               ("ask", lambda q=q: a.ask(q))):
                if name == "ask":
                    _forget_sentences(a)
                t = time.perf_counter()
                result = call()
                times[name].append(time.perf_counter() - t)
                if name == "ask":
                    kinds[result.kind if not result.abstained else "abstained"] = \
                        kinds.get(result.kind if not result.abstained else "abstained", 0) + 1
    out = {"passages": len(a.catalog.passages), "cases": len(a.catalog.cases), "first_ask_s": first_ask,
           "times": times, "answers": kinds, "peak_rss_mb": _rss_mb(),
           "backend": getattr(a.embedder, "backend", "torch")}
    if profile:
        out["profile"] = _profile(a, questions)
    return out


def _profile(a, questions: list[str], top: int = 30) -> dict:
    """cProfile of ask() over every question: total seconds and the heaviest functions by cumulative time."""
    prof = cProfile.Profile()
    total = 0.0
    for q in questions:
        _forget_sentences(a)  # as in the timed asks
        t = time.perf_counter()
        prof.enable()
        a.ask(q)
        prof.disable()
        total += time.perf_counter() - t
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (file, line, func), (_, ncalls, _, cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{Path(file).parent.name}/{Path(file).name}:{line}({func})",
                     "calls": ncalls, "cumulative_s": cum})
    rows.sort(key=lambda r: -r["cumulative_s"])
    return {"questions": len(questions), "total_s": total, "top": rows[:top], "all": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description="One measured benchmark process.")
    sub = parser.add_subparsers(dest="job", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("data_dir")
    p.add_argument("out")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("serve")
    p.add_argument("data_dir")
    p.add_argument("out")
    p.add_argument("questions")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.job == "ingest":
        result = ingest_job(args.data_dir, args.files)
    else:
        questions = [q["question"] for q in json.loads(Path(args.questions).read_text(encoding="utf-8"))]
        result = serve_job(args.data_dir, questions, args.rounds, args.profile)
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
