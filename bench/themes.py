"""Agreement of inferred themes with the published ones, leave-one-out over the tagged cases.

    python -m bench.themes [--data-dir D]   (an index of ../shared/corpus/cases; built in a temporary
                                             directory when not given)

Each tagged case in turn is treated as untagged and its themes inferred from the other tagged cases; the
inferred set is compared with the published one (precision, recall and F1 per case, then averaged; a case
given no theme scores 0 on all three). Then how many untagged cases get at least one theme when every tagged
case is used.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass, replace

from assistant.themes import case_text, case_vectors, infer

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "cases")


@dataclass
class ThemeAgreement:
    """Leave-one-out agreement and coverage."""

    tagged: int
    precision: float  # mean per tagged case; a case given no theme scores precision 0
    recall: float
    f1: float
    exact: int  # tagged cases whose inferred set equals the published one
    untagged: int
    covered: int  # untagged cases given at least one theme
    by_theme: dict[str, int]  # untagged cases given each theme


def measure(assistant) -> ThemeAgreement:
    """Leave-one-out agreement on the collection's tagged cases, and coverage of its untagged ones."""
    catalog = assistant.catalog
    texts = [
        case_text(cid, c.themes, [catalog.passages[p].text for p in catalog.case_passages(cid)])
        for cid, c in catalog.cases.items()
    ]
    vectors = case_vectors(texts, lambda s: assistant.sentence_vectors.embed_cached(s))
    tagged = [n for n, c in enumerate(texts) if c.themes]
    precisions, recalls, f1s, exact = [], [], [], 0
    for n in tagged:
        held = replace(texts[n], themes=[])
        got = set(
            infer([*texts[:n], held, *texts[n + 1 :]], vectors, [m for m in tagged if m != n])[held.case_id].themes
        )
        want = {t for t in texts[n].themes}
        hit = len(got & want)
        p = hit / len(got) if got else 0.0
        r = hit / len(want)
        precisions.append(p)
        recalls.append(r)
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        exact += got == want
    full = infer(texts, vectors)
    by_theme: dict[str, int] = {}
    for inferred in full.values():
        for t in inferred.themes:
            by_theme[t] = by_theme.get(t, 0) + 1
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else 0.0  # noqa: E731
    return ThemeAgreement(
        tagged=len(tagged),
        precision=mean(precisions),
        recall=mean(recalls),
        f1=mean(f1s),
        exact=exact,
        untagged=len(full),
        covered=sum(1 for i in full.values() if i.themes),
        by_theme=dict(sorted(by_theme.items())),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="an index of the corpus (built in a temporary directory if absent)")
    args = parser.parse_args()
    from assistant.api import Assistant

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="themes-bench-")
    assistant = Assistant(data_dir=data_dir)
    if not args.data_dir:
        assistant.ingest([CORPUS])
    a = measure(assistant)
    print(
        f"leave-one-out over {a.tagged} tagged cases: precision {a.precision:.3f}, recall {a.recall:.3f}, "
        f"F1 {a.f1:.3f}, exact {a.exact}/{a.tagged}"
    )
    print(f"untagged cases given at least one theme: {a.covered}/{a.untagged}; by theme: {a.by_theme}")


if __name__ == "__main__":
    main()
