"""The parser's properties (tests/support/fuzz.py) as rows of the reliability report, with many more examples
than the tests run."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.fuzz import (
    JSON_VALUES,
    MUTATION_KINDS,
    MUTATION_NAMES,
    RANDOM_PAGES,
    corpus_pages,
    lost_recommendations,
    random_json_problem,
    random_page_problem,
)


def run(quick: bool = True, seed: int = 0) -> list:
    """The parser's properties as reliability rows (every example run, every failure counted)."""
    from vectorstore import Embedder

    count_tokens = Embedder().count_tokens
    n = 300 if quick else 5000
    pages = corpus_pages(per_layout=1 if quick else None)
    trials = (
        (
            "fuzz: random pages (txt, html, json, jsonl)",
            RANDOM_PAGES,
            lambda args: random_page_problem(*args, count_tokens),
        ),
        ("fuzz: random JSON records", JSON_VALUES, random_json_problem),
        (
            "fuzz: mutated real pages",
            st.tuples(st.sampled_from(pages), MUTATION_NAMES, MUTATION_KINDS),
            lambda args: _named(args[0][0], lost_recommendations(args[0][1], args[1], args[2])),
        ),
    )
    return [_trial_row(name, strategy, check, n, seed) for name, strategy, check in trials]


def _named(page: str, problem: str | None) -> str | None:
    return f"{page}: {problem}" if problem else None


def _trial_row(name: str, strategy, check, n: int, seed: int):
    from hypothesis import seed as hyp_seed

    from bench.report import Row

    row = Row(name)

    @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @hyp_seed(seed)
    @given(strategy)
    def trial(args):
        row.trials += 1
        problem = check(args)
        if problem:  # counted, not raised: the report wants every failure, not the first one shrunk
            row.fail(problem)

    trial()
    row.figures["examples"] = row.trials
    return row
