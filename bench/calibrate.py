"""Calibrate the abstention thresholds on questions with known answers (and known non-answers).

    python bench/calibrate.py --data-dir .eval-index ../shared/corpus/questions-dev.jsonl bench/questions-own.jsonl

For every question it computes the signals the assistant uses (assistant/relevance.py), then
searches a grid of thresholds for the rule that abstains on the most `none` questions while
abstaining on at most MAX_FALSE of the answerable ones; among equals it takes the rule in the
middle of the widest safe interval. Prints the signals and the rule to copy into assistant/settings.py.
"""

from __future__ import annotations

import argparse
import itertools
import json

MAX_FALSE = 0.0
# Answerable questions must clear a bar by this much: a question phrased a little more vaguely
# than ours scores a little lower, and a false "nothing found" costs a trainer more than a weak answer.
MARGIN = 0.05
SENTENCE_GRID = [x / 100 for x in range(30, 80)]
NEIGHBOUR_GRID = [x / 100 for x in range(60, 86, 2)]


def signals(assistant, paths: list[str]):
    """(id, kind, best-sentence similarity, {neighbour bar: unknown words}) per question."""
    from assistant.question import read_question
    from assistant.relevance import relevance, unknown_words

    rows = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            q = json.loads(line)
            rq = read_question(q["question"])
            if rq.kind == "filter":  # enumerations do not go through the relevance check
                continue
            hits = assistant.search(q["question"], k=40, filters=rq.filters)
            qvec = assistant.embedder.embed([q["question"]])[0]
            sentence = relevance(hits, rq, assistant.catalog, assistant.embedder, qvec, assistant.store,
                                 assistant.sentence_vectors).sentence
            unknown = {bar: unknown_words(rq, assistant.catalog, assistant.store, assistant.embedder, bar)
                       for bar in NEIGHBOUR_GRID}
            rows.append((q["id"], q["kind"], sentence, unknown))
    return rows


def keeps(row, low: float, high: float, bar: float, margin: float = 0.0) -> bool:
    """The assistant's rule (Relevance.relevant) for given thresholds, optionally with a margin."""
    return row[2] >= (max(low, high) if row[3][bar] else low) + margin


def best_rule(rows):
    answerable = [r for r in rows if r[1] != "none"]
    none = [r for r in rows if r[1] == "none"]
    scored = []
    for low, high, bar in itertools.product(SENTENCE_GRID, SENTENCE_GRID, NEIGHBOUR_GRID):
        if high < low:
            continue
        false = sum(not keeps(r, low, high, bar, MARGIN) for r in answerable) / len(answerable)
        if false > MAX_FALSE:
            continue
        correct = sum(not keeps(r, low, high, bar) for r in none) / len(none)
        scored.append(((correct, -false), (low, high, bar)))
    best_key = max(k for k, _ in scored)
    ties = [rule for k, rule in scored if k == best_key]
    # Among equally good rules: the plain bar in the middle of its range (margins both ways), the
    # bar for unknown words and the neighbour bar as low as they can be (the least aggressive).
    lows = sorted({low for low, _, _ in ties})
    low = lows[len(lows) // 2]
    high, bar = min((h, b) for l, h, b in ties if l == low)
    return (low, high, bar), best_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+")
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    from assistant import Assistant

    rows = signals(Assistant(data_dir=args.data_dir), args.questions)
    (low, high, bar), (correct, false) = best_rule(rows)
    for r in sorted(rows, key=lambda r: (r[1] == "none", r[2])):
        print(f"{r[0]:5} {r[1]:7} sentence={r[2]:.3f} unknown@{bar:.2f}={r[3][bar]}")
    print(f"\nABSTAIN_MIN_SENTENCE = {low:.2f}\nABSTAIN_MIN_SENTENCE_UNKNOWN = {high:.2f}"
          f"\nVOCABULARY_NEIGHBOUR_MIN = {bar:.2f}")
    print(f"abstention accuracy {correct:.3f}, false abstentions {-false:.3f} on {len(rows)} questions")


if __name__ == "__main__":
    main()
