"""Seeded SYNTHETIC IOPC-style cases, for scale benchmarks only: never real, and labelled so everywhere.

    python -m tests.support.synth --count 1000 --seed 7 --out /tmp/synth

Writes JSONL files in the project's structured record format (README "JSON records"), 500 cases
per file: `iopc ingest DIR` reads them as many cases. Why JSONL rather than one .txt per case: the
pipeline embeds a source's passages in one batch and writes its source record once, so a file of
500 cases ingests faster than 500 files, and it stays far below the per-file size limit
(ingest.readers.DEFAULT_MAX_BYTES, 20 MB; 500 cases are about 2.5 MB).

Case i depends only on (seed, i), so the first 1,000 of 10,000 cases are the 1,000 cases, and
a file's bytes (hence its content hash) are the same whatever the total count.
Every title starts "[SYNTHETIC]", every summary, recommendation and response says it is synthetic,
references read "SYN/...", and URLs point at example.invalid.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

from assistant.presentation import month_year
from ingest.bodies import OTHER_FORCES, TERRITORIAL_FORCES
from tests.support.synth_themes import (
    GENERIC_EVENTS,
    GENERIC_FINDINGS,
    NOT_ACCEPTED,
    PARTIAL,
    PLACE,
    RATIONALE,
    THEMES,
    TIME,
    WHO,
)

FORCES = TERRITORIAL_FORCES + OTHER_FORCES
NATIONAL = ("College of Policing", "National Police Chiefs' Council", "Home Office")
STATUS_WEIGHTS = {"accepted": 50, "partially accepted": 15, "not accepted": 10, "awaiting response": 25}
CASES_PER_FILE = 500
DETAILS = (  # numeric slots make every narrative differ, as real timelines do
    "At {hh:02d}:{mm:02d} officer {letter} radioed for assistance.",
    "The log shows {n} minutes between the first call and the arrival of officers.",
    "Officer {letter} had {n} years of service at the time.",
    "A second unit arrived {n} minutes later and took over the scene.",
    "The supervisor reviewed the incident log at {hh:02d}:{mm:02d} the following day.",
)


def case_id(i: int) -> str:
    """The synthetic case number, e.g. SYN-000042."""
    return f"SYN-{i:06d}"


def _fill(template: str, rng: random.Random, force: str) -> str:
    text = template.format(
        who=rng.choice(WHO),
        place=rng.choice(PLACE),
        time=rng.choice(TIME),
        force=force,
        hh=rng.randrange(24),
        mm=rng.randrange(60),
        letter=rng.choice("ABCDEFGH"),
        n=rng.randint(2, 45),
    )
    return text[0].upper() + text[1:]


def _to_length(
    opening: str, pool: list[str], extra: tuple[str, ...], words: int, rng: random.Random, force: str
) -> str:
    """The opening, then sentences from `pool` in order, then `extra` at random, until ~`words` words."""
    out = [opening]
    count = len(opening.split())
    queue = list(pool)
    while count < words:
        template = queue.pop(0) if queue else rng.choice(extra)
        sentence = _fill(template, rng, force)
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def _narrative(i: int, theme: dict, rng: random.Random, force: str) -> str:
    opening = (
        f"[SYNTHETIC case {case_id(i)}] This case is synthetic: it was generated for benchmarking "
        f"and describes no real event, person or police force decision."
    )
    events = rng.sample(theme["events"], k=len(theme["events"]))
    pool = events + rng.sample(GENERIC_EVENTS, k=4) + list(theme["findings"]) + rng.sample(GENERIC_FINDINGS, k=2)
    return _to_length(opening, pool, DETAILS, rng.randint(150, 400), rng, force)


def _recommendation(i: int, n: int, action: str, addressee: str, rng: random.Random, force: str) -> str:
    opening = f"[SYNTHETIC case {case_id(i)}, recommendation {n}] The IOPC recommends that {addressee} {action}."
    return _to_length(opening, rng.sample(RATIONALE, k=len(RATIONALE)), RATIONALE, rng.randint(40, 120), rng, force)


def _response(status: str, addressee: str, theme: dict, rng: random.Random, when: date) -> str | None:
    done = rng.choice(theme["done"])
    month = month_year(when.isoformat())
    if status == "accepted":
        return (
            f"Accepted action: (synthetic response) {addressee} {done} in {month}. "
            f"It will review the effect of this change after six months."
        )
    if status == "partially accepted":
        return f"Partially accepted: (synthetic response) {addressee} {rng.choice(PARTIAL)}; so far it {done}."
    if status == "not accepted":
        return f"Not accepted: (synthetic response) {addressee} {rng.choice(NOT_ACCEPTED)}."
    return None  # awaiting response: nothing published yet


def case(seed: int, i: int) -> dict:
    """Synthetic case number `i` as a structured JSON record (deterministic in seed and i)."""
    rng = random.Random(f"iopc-synthetic-{seed}-{i}")  # str seeds hash with SHA-512: stable across runs
    theme_name = rng.choice(sorted(THEMES))
    theme = THEMES[theme_name]
    force = rng.choice(FORCES)
    incident = date(rng.randint(2015, 2024), rng.randint(1, 12), 1)
    recommended = incident + timedelta(days=rng.randint(180, 700))
    published = recommended + timedelta(days=rng.randint(20, 150))
    n_recs = rng.randint(1, 6)
    pool = list(theme["actions"])  # four per theme: a fifth or sixth recommendation repeats one, reworded
    actions = rng.sample(pool, k=min(n_recs, len(pool))) + rng.choices(pool, k=max(0, n_recs - len(pool)))
    recs = []
    for n, action in enumerate(actions, 1):
        addressee = rng.choice(NATIONAL) if rng.random() < 0.12 else force
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        recs.append(
            {
                "number": n,
                "text": _recommendation(i, n, action, addressee, rng, force),
                "addressed_to": addressee,
                "status": status,
                "response": _response(status, addressee, theme, rng, published + timedelta(days=60)),
            }
        )
    title = f"[SYNTHETIC] {rng.choice(theme['titles'])} ({case_id(i)}) - {force}, {month_year(incident.isoformat())}"
    return {
        "title": title,
        "force": force,
        "references": [f"SYN/{incident.year}/{i:06d}"],
        "incident_month": incident.isoformat()[:7],
        "recommended": recommended.isoformat(),
        "published": published.isoformat(),
        "themes": [theme_name, "synthetic"],
        "narrative": _narrative(i, theme, rng, force),
        "recommendations": recs,
        "url": f"https://example.invalid/synthetic/{case_id(i).lower()}",
    }


def write(out_dir: str | Path, seed: int, count: int, per_file: int = CASES_PER_FILE) -> list[Path]:
    """Write cases 0..count-1 as JSONL files of `per_file` cases; existing identical files are kept."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, count, per_file):
        end = min(count, start + per_file)
        path = out / f"synthetic-seed{seed}-{start:06d}-{end:06d}.jsonl"
        if not path.exists():
            lines = (json.dumps(case(seed, i), ensure_ascii=False) for i in range(start, end))
            tmp = path.with_suffix(".tmp")
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            tmp.rename(path)  # a half-written file must never be ingested under the final name
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Write SYNTHETIC benchmark cases as JSONL.")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    for p in write(args.out, args.seed, args.count):
        print(p)


if __name__ == "__main__":
    main()
