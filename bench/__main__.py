"""Benchmarks against the physical floor, on SYNTHETIC cases (tests/support/synth.py) and the real corpus.

    python -m bench            # full: ingest 1,000 cases fresh; latency at 1,000 and 10,000 cases
    python -m bench --quick    # reduced: 30 cases, one size; under 5 minutes on 2 cores

Side by side, in one run: ingest throughput of Assistant.ingest against a bare
SentenceTransformer.encode of the same index texts; search()/ask() latency against the floor (one
query embedding + one Chroma query); cold start of the CLI; peak memory of an ingest and a serving
process; a profile of ask(); the encoder comparison of bench/encoders.py when it exists.
Results: bench/results/bench[-quick].json and bench[-quick].md. Timings vary with the machine's
load (it is shared): compare the ratios within one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import synth
from bench.measure import BIN, ROOT, child_env, run, summary
from bench.synth_questions import questions
from bench.table import markdown, profile_buckets

CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"


def _fastest_backend() -> str:
    """onnx-int8 when the Embedder offers it (another module may not have it yet), else torch."""
    from vectorstore import Embedder

    return "onnx-int8" if "backend" in inspect.signature(Embedder.__init__).parameters else "torch"


def _ingest(data_dir: Path, files: list[Path], backend: str, work: Path) -> dict:
    out = work / f"ingest-{data_dir.name}.json"
    r = run([sys.executable, "-m", "bench.jobs", "ingest", str(data_dir), str(out), *map(str, files)], backend)
    result = json.loads(out.read_text())
    result["process_peak_rss_mb"] = r.peak_rss_mb
    if result["failed"]:
        raise RuntimeError(f"ingest failed: {result['failed'][:3]}")
    return result


def _cached_index(seed: int, count: int, backend: str, files: list[Path], work: Path) -> tuple[Path, str]:
    """An index of `count` synthetic cases under bench/.cache, built (or completed) only when missing.

    Ingest skips sources already stored unchanged, so an interrupted build resumes where it stopped."""
    path = CACHE / f"index-seed{seed}-n{count}-{backend}"
    done = path / ".complete"
    if done.exists():
        return path, f"reused cached index {path.relative_to(ROOT)} ({backend})"
    t = time.perf_counter()
    built = _ingest(path, files, backend, work)
    done.write_text(json.dumps(built))
    return path, (f"built {path.relative_to(ROOT)} with the {backend} encoder in {time.perf_counter() - t:.0f} s "
                  f"({built['passages']} passages added), cached for later runs")


def _latency(data_dir: Path, qfile: Path, rounds: int, backend: str, work: Path, profile: bool) -> dict:
    out = work / f"serve-{data_dir.name}.json"
    cmd = [sys.executable, "-m", "bench.jobs", "serve", str(data_dir), str(out), str(qfile), "--rounds", str(rounds)]
    r = run(cmd + (["--profile"] if profile else []), backend)
    raw = json.loads(out.read_text())
    row = {k: summary(v) for k, v in raw["times"].items()}
    row.update(cases=raw["cases"], passages=raw["passages"], backend=raw["backend"], answers=raw["answers"],
               first_ask_s=raw["first_ask_s"], serve_peak_rss_mb=r.peak_rss_mb,
               ask_p95_over_floor_p95=row["ask"]["p95_ms"] / row["floor"]["p95_ms"],
               search_p95_over_floor_p95=row["search"]["p95_ms"] / row["floor"]["p95_ms"])
    if profile:
        row["profile"] = {"questions": raw["profile"]["questions"], "total_s": raw["profile"]["total_s"],
                          "buckets": profile_buckets(raw["profile"]["all"]), "top": raw["profile"]["top"]}
    return row


COLD_ENCODERS = ("onnx", "torch")  # the default first


def _cold_start(data_dir: Path, question: str) -> dict:
    """`iopc --help` and a first `iopc ask` in a new process, with each encoder (the ONNX export made first)."""
    iopc = str(BIN / "iopc")
    run([sys.executable, "-m", "vectorstore.onnx_encoder"])  # the export is install's work, not the answer's
    help_run = run([iopc, "--help"])
    asks = {b: run([iopc, "--data-dir", str(data_dir), "ask", question], b) for b in COLD_ENCODERS}
    default = asks[COLD_ENCODERS[0]]
    return {"help_s": help_run.seconds, "first_ask_s": default.seconds, "first_ask_peak_rss_mb": default.peak_rss_mb,
            "first_ask_by_encoder": {b: {"seconds": r.seconds, "cpu_seconds": r.cpu_seconds,
                                         "peak_rss_mb": r.peak_rss_mb} for b, r in asks.items()},
            "index_cases_dir": data_dir.name}


def _encoders(corpus: Path, quick: bool, work: Path, timeout: float) -> dict:
    """bench/encoders.compare when another engineer's module is there, in a child with a time limit."""
    if importlib.util.find_spec("bench.encoders") is None:
        return {"skipped": "bench/encoders.py does not exist yet"}
    out = work / "encoders.json"
    code = ("import json, sys; from pathlib import Path; from bench.encoders import compare; "
            "Path(sys.argv[3]).write_text(json.dumps(compare(Path(sys.argv[1]), sys.argv[2] == 'quick'), default=str))")
    cmd = [sys.executable, "-c", code, str(corpus), "quick" if quick else "full", str(out)]
    t = time.perf_counter()
    try:
        # Why a child with a timeout: their comparison builds indexes per backend and can outlast the
        # quick budget on a loaded machine; the rest of the figures must not be lost to it.
        r = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=timeout,
                           check=False)
    except subprocess.TimeoutExpired:
        return {"skipped": f"bench.encoders.compare did not finish within {timeout:.0f} s (run "
                           f"`python -m bench.encoders{' --quick' if quick else ''}` on its own)"}
    if r.returncode != 0:
        return {"skipped": f"bench.encoders.compare failed: {r.stderr.strip().splitlines()[-1:]}"}
    return {"seconds": time.perf_counter() - t, "result": json.loads(out.read_text())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 cases, one size, one round: about 5 minutes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", help="case counts for latency (default 1000 10000)")
    parser.add_argument("--quick-cases", type=int, default=30)
    parser.add_argument("--build-backend", help="encoder for the cached large indexes (default: fastest available)")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--no-encoders", action="store_true", help="skip bench/encoders.compare")
    parser.add_argument("--encoders-timeout", type=float, help="seconds (default: 60 quick, 1800 full)")
    args = parser.parse_args()
    started = time.perf_counter()
    notes = [f"SYNTHETIC cases from tests/support/synth.py (seed {args.seed}): generated for scale, not real cases.",
             "Shared 2-core machine: compare ratios within this run, not absolute figures across runs.",
             ("ask() is timed with the embedder's sentence-vector cache emptied before each question (a novel "
              "question embeds its passages' sentences; SYNTHETIC cases repeat sentences far more than real ones).")]
    sizes = [args.quick_cases] if args.quick else (args.sizes or [1000, 10000])
    CACHE.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=CACHE))
    try:
        cases_dir = CACHE / f"synth-seed{args.seed}"
        qs = questions(args.seed, among=min(sizes))
        qfile = work / "questions.json"
        qfile.write_text(json.dumps(qs))
        # Ingest throughput: a fresh index of the smallest size, with the torch encoder (the figures before it).
        files = synth.write(cases_dir, args.seed, min(sizes), per_file=min(synth.CASES_PER_FILE, min(sizes)))
        fresh = work / f"index-n{min(sizes)}-torch"
        ing = _ingest(fresh, files, "torch", work)
        ing["passages_per_s"] = ing["passages"] / ing["seconds"]
        ing["bare_passages_per_s"] = ing["passages"] / ing["bare_seconds"]
        ing["pipeline_over_bare"] = ing["passages_per_s"] / ing["bare_passages_per_s"]
        ing["pipeline_over_bare_all"] = ing["bare_all_seconds"] / ing["seconds"]
        ing["cases"] = min(sizes)
        notes.append(f"Ingest: Assistant.ingest of {len(files)} JSONL file(s), {min(sizes)} cases, in a child "
                     f"process with the model warmed first, against model.encode of the same stored index texts "
                     f"(batch {ing.get('batch_size')}) in that process.")
        latency = []
        build_backend = args.build_backend or _fastest_backend()
        for n in sizes:
            if n == min(sizes):
                index, how = fresh, "the fresh index of the ingest measurement (torch)"
            else:
                index, how = _cached_index(args.seed, n, build_backend, synth.write(cases_dir, args.seed, n), work)
            # Queries with the torch encoder, whatever built the index (their vectors are
            # interchangeable); at the largest size the fast encoder too, whose floor is much lower.
            query_backends = ["torch"] + ([build_backend] if n == max(sizes) and build_backend != "torch" else [])
            for backend in query_backends:
                row = _latency(index, qfile, 1 if args.quick else 2, backend, work,
                               profile=n == max(sizes) and backend == "torch")
                row["index"] = how
                latency.append(row)
            notes.append(f"{n} cases: {how}.")
        cold = _cold_start(fresh, qs[0]["question"])
        timeout = args.encoders_timeout or (60 if args.quick else 1800)
        encoders = {"skipped": "--no-encoders"} if args.no_encoders else \
            _encoders(Path(args.corpus), args.quick, work, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"mode": "quick" if args.quick else "full", "seed": args.seed, "questions": len(qs),
              "question_kinds": {k: sum(q["kind"] == k for q in qs) for k in ("lookup", "list", "filter")},
              "cpus": os.cpu_count(), "load_average": os.getloadavg(), "ingest": ing, "latency": latency,
              "cold_start": cold, "memory": {"ingest_peak_rss_mb": ing["peak_rss_mb"],
                                             "serve_peak_rss_mb": max(r["serve_peak_rss_mb"] for r in latency)},
              "encoders": encoders, "notes": notes, "total_s": time.perf_counter() - started}
    name = "bench-quick" if args.quick else "bench"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    table = markdown(result)
    (RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
