"""The markdown report of `python -m bench`, and the grouping of ask()'s profile into stages."""

from __future__ import annotations

import re

# Stages of ask() by the function that does them (cumulative time; nested stages overlap their parents).
STAGES = (
    ("ask() total", "api.py", "_answer"),
    ("the model: Embedder.embed (the question, its unseen words, misses)", "embedder.py", "embed"),
    ("retrieval: hybrid search", "retrieval.py", "search"),
    ("  dense: Chroma query", "store.py", "query"),
    ("  BM25 search", "keyword.py", "search"),
    ("  catalog filtering (allowed)", "catalog.py", "allowed"),
    ("  building hits", "retrieval.py", "hit"),
    ("weighing the candidate cases, sentence by sentence", "evidence.py", "weigh_cases"),
    ("  stored sentence vectors (looked up)", "sentence_vectors.py", "embed_cached"),
    ("relevance judge (six signals)", "relevance.py", "judge"),
    ("  unsupported and foreign concepts (question variants embedded)", "relevance.py", "concept_signals"),
    ("case coverage (judge and list rows)", "relevance.py", "case_coverage"),
    ("answerers (lookup, list, table)", "answerers.py", "answer"),
    ("  best spans (quotes)", "quotes.py", "best_spans"),
    ("composing text and citations", "compose.py", "*"),
)
_ROW = re.compile(r"^(?P<dir>[^/]*)/(?P<file>[^:]+):\d+\((?P<func>.*)\)$")


def profile_buckets(rows: list[dict]) -> list[dict]:
    """Cumulative seconds per stage of ask(), from jobs._profile's rows."""
    out = []
    for label, file, func in STAGES:
        total = 0.0
        for r in rows:
            m = _ROW.match(r["function"])
            if m and m["file"] == file and (func == "*" or m["func"] == func):
                # Why only top-level compose functions: their callees are counted in their own row.
                total = max(total, r["cumulative_s"]) if func == "*" else total + r["cumulative_s"]
        out.append({"stage": label, "seconds": total})
    return out


def _ms(x: float) -> str:
    return f"{x:.0f} ms" if x >= 10 else f"{x:.1f} ms"


def markdown(r: dict) -> str:
    """Tables of figures, floor and ratio, then the profile of ask() and the notes."""
    ing = r["ingest"]
    lines = [f"### Benchmark ({r['mode']}, seed {r['seed']}, {r['cpus']} CPUs, load average at the end "
             f"{r['load_average'][0]:.1f}; {r['total_s']:.0f} s in all)", "",
             "| figure | measured | floor / bare | ratio | goal |", "|---|---|---|---|---|",
             f"| ingest throughput, {ing['cases']} SYNTHETIC cases ({ing['passages']} passages) | "
             f"{ing['passages_per_s']:.1f} passages/s | {ing['bare_passages_per_s']:.1f} passages/s (bare encode) | "
             f"{ing['pipeline_over_bare']:.2f} | >= 0.9 |",
             f"| the same, against a bare encode of every text it embeds (passages, their sentences, new "
             f"vocabulary words: {ing['texts_encoded']:,} texts) | {ing['seconds']:.1f} s | "
             f"{ing['bare_all_seconds']:.1f} s | {ing['pipeline_over_bare_all']:.2f} | |"]
    for row in r["latency"]:
        n = f"{row['cases']:,} cases ({row['passages']:,} passages, {row['backend']})"
        for name in ("search", "ask"):
            for p in ("p50_ms", "p95_ms"):
                goal = "<= 2 at 10,000 cases" if name == "ask" and p == "p95_ms" else ""
                lines.append(f"| {name}() {p[:3]}, {n} | {_ms(row[name][p])} | {_ms(row['floor'][p])} | "
                             f"{row[name][p] / row['floor'][p]:.2f} | {goal} |")
    cold = r["cold_start"]
    mem = r["memory"]
    lines += [f"| cold start: `iopc --help` | {cold['help_s']:.2f} s | | | |",
              *(f"| cold start: first `iopc ask` in a new process, {b} | {c['seconds']:.2f} s "
                f"(CPU {c['cpu_seconds']:.2f} s) | | | {'<= 2 s' if b == 'onnx' else ''} |"
                for b, c in cold.get("first_ask_by_encoder", {}).items()),
              *([f"| cold start: first `iopc ask` in a new process | {cold['first_ask_s']:.2f} s | | | |"]
                if "first_ask_by_encoder" not in cold else []),
              f"| peak RSS: ingest process | {mem['ingest_peak_rss_mb']:.0f} MB | | | |",
              f"| peak RSS: serving process (Assistant answering every question) | "
              f"{mem['serve_peak_rss_mb']:.0f} MB | | | |",
              f"| peak RSS: CLI `iopc ask` | {cold['first_ask_peak_rss_mb']:.0f} MB | | | |", ""]
    lines += ["Floor: one query embedding plus one Chroma query of the same k (10) on the store's collection. "
              f"{r['questions']} questions ({', '.join(f'{v} {k}' for k, v in r['question_kinds'].items())}).", ""]
    prof = next((row["profile"] for row in r["latency"] if "profile" in row), None)
    if prof:
        per = prof["total_s"] / prof["questions"]
        lines += [f"Profile of ask() over {prof['questions']} questions at {max(x['cases'] for x in r['latency']):,} cases "
                  f"(cProfile, so slower than the timings above; {1000 * per:.0f} ms per ask):", "",
                  "| stage (cumulative) | ms per ask | share |", "|---|---|---|"]
        for b in prof["buckets"]:
            lines.append(f"| {b['stage']} | {1000 * b['seconds'] / prof['questions']:.1f} | "
                         f"{b['seconds'] / prof['total_s']:.0%} |")
        lines.append("")
    enc = r["encoders"]
    lines += ["Encoders: " + enc.get("skipped", "see `encoders` in the JSON results"), ""]
    if "result" in enc and isinstance(enc["result"], dict):
        from bench.encoders import format_tables

        lines += [format_tables(enc["result"]), ""]
    lines += [f"- {n}" for n in r["notes"]]
    return "\n".join(lines) + "\n"
