"""Calibrate the abstention thresholds on questions with known answers (and known non-answers).

    python bench/calibrate.py --data-dir .eval-index ../shared/corpus/questions-dev.jsonl bench/questions-own.jsonl

For every question it computes the relevance signals the assistant uses (assistant/relevance.py),
then searches a grid of thresholds for the rule that abstains on the most `none` questions while
abstaining on at most MAX_FALSE of the answerable ones. Prints the signals and the best rule;
copy the rule into assistant/settings.py.
"""

from __future__ import annotations

import argparse
import itertools
import json

MAX_FALSE = 0.05


def signals(assistant, paths: list[str]) -> list[tuple[str, str, float, float]]:
    from assistant.question import read_question
    from assistant.relevance import relevance

    rows = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            q = json.loads(line)
            rq = read_question(q["question"])
            if rq.kind == "filter":  # enumerations do not go through the relevance check
                continue
            hits = assistant.search(q["question"], k=40, filters=rq.filters)
            qvec = assistant.embedder.embed([q["question"]])[0]
            r = relevance(hits, rq, assistant.catalog, assistant.embedder, qvec)
            rows.append((q["id"], q["kind"], r))
    return rows


def best_rule(rows):
    grid = [x / 100 for x in range(30, 80)]
    answerable = [r for r in rows if r[1] != "none"]
    none = [r for r in rows if r[1] == "none"]
    best = None
    for low, high in itertools.product(grid, grid):
        if high < low:
            continue
        false = sum(not r[2].relevant(low, high) for r in answerable) / len(answerable)
        correct = sum(not r[2].relevant(low, high) for r in none) / len(none)
        if false > MAX_FALSE:
            continue
        # Prefer more correct abstentions, then fewer false ones, then the margin-widest (middle) rule.
        key = (correct, -false, -(low + high))
        if best is None or key > best[0]:
            best = (key, (low, high), correct, false)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+")
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    from assistant import Assistant

    rows = signals(Assistant(data_dir=args.data_dir), args.questions)
    for r in sorted(rows, key=lambda r: (r[1] == "none", r[2].sentence)):
        print(f"{r[0]:5} {r[1]:7} sentence={r[2].sentence:.3f} unknown={r[2].unknown}")
    (_, (low, high), correct, false) = best_rule(rows)
    print(f"\nABSTAIN_MIN_SENTENCE = {low:.2f}\nABSTAIN_MIN_SENTENCE_UNKNOWN = {high:.2f}")
    print(f"abstention accuracy {correct:.3f}, false abstentions {false:.3f} on {len(rows)} questions")


if __name__ == "__main__":
    main()
