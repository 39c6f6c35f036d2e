"""Encoder backends compared: parity with torch, throughput, retrieval quality (a benchmark, not a test).

    python -m bench.encoders [--quick | --speed] [--corpus ../shared/corpus]

Writes bench/results/encoders.json and prints markdown tables. Throughput runs every backend on the
same passages, interleaved, best of the rounds: the machine is shared, so compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vectorstore.embedder import BATCH_SIZES as DEFAULT_BATCH_SIZES

BACKENDS = ("torch", "onnx", "onnx-int8")
BATCH_SIZES = (8, 16, 32, 64)
QUICK_BATCH_SIZES = (8, 32)
THROUGHPUT_PASSAGES, QUICK_PASSAGES = 256, 32  # 256: several batches even at 64, as the README's figures
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "encoders.json"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_texts(corpus_dir: str | Path, count_tokens) -> list[str]:
    """The index_text of every passage of the corpus's cases, cut exactly as ingest cuts them."""
    from ingest.formats import cases_from
    from ingest.passages import case_passages
    from ingest.readers import expand, load

    texts = []
    for src in expand([str(Path(corpus_dir) / "cases")]):
        loaded = load(src)
        loaded.source = src
        for i, case in enumerate(cases_from(loaded)[0]):
            texts += [p.index_text for p in case_passages(case, f"{src}#{i}", src, f"p{i}", count_tokens)]
    return texts


def spread(texts: list[str], n: int) -> list[str]:
    """n texts taken evenly through the list (so lengths are representative, not the first cases only)."""
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def parity(texts: list[str], embedders: dict) -> dict:
    """Min and mean cosine of each ONNX backend's vectors to torch's, per passage."""
    reference = embedders["torch"].embed(texts)
    out = {}
    for name, e in embedders.items():
        if name != "torch":
            cos = (e.embed(texts) * reference).sum(axis=1)
            out[name] = {"min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5),
                         "passages": len(texts)}
    return out


def throughput(embedders: dict, texts: list[str], batch_sizes, rounds: int) -> dict:
    """Passages per second per backend and batch size: interleaved, best of `rounds`.

    Also per batch size: each backend's median over rounds of its rate over torch's in the same round
    (a ratio of neighbours in time, steadier than a ratio of bests when the machine is shared), the
    best rate per second of this process's CPU time (all its threads), and the load average.
    """
    best = {name: {} for name in embedders}
    cpu = {name: {} for name in embedders}
    paired = {name: {bs: [] for bs in batch_sizes} for name in embedders}
    load = [round(os.getloadavg()[0], 2)]
    for _ in range(rounds):
        for bs in batch_sizes:
            rates = {}
            for name, e in embedders.items():
                e.batch_size = bs
                t, c = time.perf_counter(), time.process_time()
                e.embed(texts)
                rates[name] = len(texts) / (time.perf_counter() - t)
                cpu_rate = len(texts) / max(time.process_time() - c, 1e-9)
                best[name][bs] = round(max(best[name].get(bs, 0.0), rates[name]), 1)
                cpu[name][bs] = round(max(cpu[name].get(bs, 0.0), cpu_rate), 1)
            if "torch" in rates:
                for name in embedders:
                    paired[name][bs].append(rates[name] / rates["torch"])
        load.append(round(os.getloadavg()[0], 2))
    for e in embedders.values():
        e.batch_size = DEFAULT_BATCH_SIZES[e.backend]
    ratios = {name: {bs: round(statistics.median(v), 2) for bs, v in per.items() if v}
              for name, per in paired.items()}
    return {"best": best, "cpu_best": cpu, "median_ratio_to_torch": ratios, "load_average_1min": load}


def _scores(assistant, questions: Path) -> dict:
    from assistant.evaluation import evaluate

    r = evaluate(assistant, str(questions))[0]
    return {"questions": r.questions, "hit_at_1": r.hit_at_1, "hit_at_5": r.hit_at_5,
            "mrr_at_10": r.mrr_at_10, "must_cite": r.must_cite}


def retrieval(corpus_dir: Path, questions: dict[str, Path], embedders: dict, cross: list[tuple[str, str]],
              workdir: Path) -> tuple[dict, dict]:
    """Eval scores per backend (each ingesting the corpus itself), and per (index built by, queried by) pair."""
    from assistant import Assistant

    per_backend, dirs = {}, {}
    for name, e in embedders.items():
        dirs[name] = workdir / name
        a = Assistant(data_dir=dirs[name], embedder=e)
        t = time.perf_counter()
        report = a.ingest([str(corpus_dir / "cases")])
        assert report.ok, report.failed
        per_backend[name] = {"ingest_s": round(time.perf_counter() - t, 1),
                             **{q: _scores(a, path) for q, path in questions.items()}}
    mixed = {}
    for built, queried in cross:
        a = Assistant(data_dir=dirs[built], embedder=embedders[queried])
        mixed[f"{built} index, {queried} queries"] = {q: _scores(a, path) for q, path in questions.items()}
    return per_backend, mixed


_COLD = ("import sys, time; t = time.perf_counter(); from vectorstore import Embedder; "
         "Embedder(backend={b!r}).embed(['x']); "
         "print(round(time.perf_counter() - t, 2), 'torch' in sys.modules, 'transformers' in sys.modules)")


def cold_start(backends=("torch", "onnx-int8")) -> dict:
    """Seconds from import to the first vector in a fresh process (ONNX files already exported)."""
    out = {}
    for b in backends:
        run = subprocess.run([sys.executable, "-c", _COLD.format(b=b)], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        seconds, torch, transformers = run.stdout.split()
        out[b] = {"seconds": float(seconds), "imports_torch": torch == "True",
                  "imports_transformers": transformers == "True"}
    return out


def speed(corpus_dir: str | Path = DEFAULT_CORPUS, rounds: int = 3) -> dict:
    """Parity and throughput only (no eval ingests, no cold starts): the figures an encoder change moves first."""
    from vectorstore import Embedder

    embedders = {b: Embedder(backend=b) for b in BACKENDS}
    for e in embedders.values():
        e.embed(["warm up"])
    texts = corpus_texts(Path(corpus_dir), embedders["torch"].count_tokens)
    sample = spread(texts, THROUGHPUT_PASSAGES)
    return {"corpus_passages": len(texts), "parity": parity(texts, embedders), "throughput_passages": len(sample),
            **_throughput_fields(throughput(embedders, sample, BATCH_SIZES[:3], rounds))}


def compare(corpus_dir: str | Path = DEFAULT_CORPUS, quick: bool = False) -> dict:
    """Every figure of this benchmark as a dict (what `python -m bench` reports)."""
    from vectorstore import Embedder

    corpus_dir = Path(corpus_dir)
    embedders = {b: Embedder(backend=b) for b in BACKENDS}
    for e in embedders.values():
        e.embed(["warm up"])  # load (and export, once) outside the timings
    texts = corpus_texts(corpus_dir, embedders["torch"].count_tokens)
    sample = spread(texts, QUICK_PASSAGES if quick else THROUGHPUT_PASSAGES)
    questions = {"dev": corpus_dir / "questions-dev.jsonl"}
    if not quick:
        questions["own"] = ROOT / "bench" / "questions-own.jsonl"
    # Quick skips the fp32 ONNX eval: parity shows it gives torch's vectors to within float error.
    eval_backends = {b: embedders[b] for b in (("torch", "onnx-int8") if quick else BACKENDS)}
    with tempfile.TemporaryDirectory() as d:
        per_backend, mixed = retrieval(corpus_dir, questions, eval_backends,
                                       [("torch", "onnx-int8"), ("onnx-int8", "torch")], Path(d))
    return {
        "quick": quick,
        "corpus_passages": len(texts),
        "parity": parity(sample if quick else texts, embedders),
        "throughput_passages": len(sample),
        **_throughput_fields(throughput(embedders, sample, QUICK_BATCH_SIZES if quick else BATCH_SIZES,
                                        rounds=1 if quick else 3)),
        "retrieval": per_backend,
        "cross_compat": mixed,
        "cold_start": cold_start(),
    }


def _throughput_fields(t: dict) -> dict:
    """throughput() as compare() reports it: `throughput` keeps its old shape (best passages/s)."""
    return {"throughput": t["best"], "throughput_cpu": t["cpu_best"],
            "throughput_median_ratio": t["median_ratio_to_torch"], "load_average_1min": t["load_average_1min"]}


def format_tables(r: dict) -> str:
    """Markdown tables of the figures compare() returns."""
    lines = ["| backend | min cosine to torch | mean cosine |", "|---|---|---|"]
    lines += [f"| {b} | {p['min']:.5f} | {p['mean']:.5f} |" for b, p in r["parity"].items()]
    sizes = sorted({bs for v in r["throughput"].values() for bs in v}, key=int)  # JSON keys are strings
    lines += ["", f"passages/s on {r['throughput_passages']} passages (best of rounds):", "",
              "| backend | " + " | ".join(f"batch {bs}" for bs in sizes) + " | best vs torch |",
              "|---" * (len(sizes) + 2) + "|"]
    torch_best = max(r["throughput"]["torch"].values())
    for b, v in r["throughput"].items():
        lines.append(f"| {b} | " + " | ".join(f"{v[bs]:.1f}" for bs in sizes)
                     + f" | {max(v.values()) / torch_best:.2f}x |")
    if "throughput_median_ratio" in r:
        lines += ["", "vs torch at the same batch size: ratio of bests / median ratio within a round / "
                  "ratio of CPU-time rates; 1-minute load average " + str(r["load_average_1min"]) + ":", "",
                  "| backend | " + " | ".join(f"batch {bs}" for bs in sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
        t, cpu, med = r["throughput"]["torch"], r["throughput_cpu"], r["throughput_median_ratio"]
        for b, v in r["throughput"].items():
            if b != "torch":
                lines.append(f"| {b} | " + " | ".join(
                    f"{v[bs] / t[bs]:.2f} / {med[b][bs]:.2f} / {cpu[b][bs] / cpu['torch'][bs]:.2f}"
                    for bs in sizes) + " |")
    if "retrieval" not in r:
        return "\n".join(lines)
    lines += ["", "| system | questions | hit@5 | must-cite | hit@1 | mrr@10 |", "|---|---|---|---|---|---|"]
    rows = {**{b: v for b, v in r["retrieval"].items()}, **r["cross_compat"]}
    for system, v in rows.items():
        for q, s in v.items():
            if isinstance(s, dict):
                lines.append(f"| {system} | {q} ({s['questions']}) | {s['hit_at_5']:.3f} | {s['must_cite']:.3f} "
                             f"| {s['hit_at_1']:.3f} | {s['mrr_at_10']:.3f} |")
    lines += ["", "| backend | cold start to first vector (s) | imports torch |", "|---|---|---|"]
    lines += [f"| {b} | {c['seconds']:.2f} | {c['imports_torch']} |" for b, c in r["cold_start"].items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--quick", action="store_true", help="a subset: under about two minutes")
    parser.add_argument("--speed", action="store_true",
                        help="parity and throughput (batch 8/16/32) only, printed (no file written)")
    args = parser.parse_args()
    t = time.perf_counter()
    results = speed(args.corpus) if args.speed else compare(args.corpus, args.quick)
    results["elapsed_s"] = round(time.perf_counter() - t, 1)
    if args.speed:
        print(format_tables(results))
        print(f"\n({results['elapsed_s']} s)")
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(format_tables(results))
    print(f"\n({results['elapsed_s']} s; written to {RESULTS.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
