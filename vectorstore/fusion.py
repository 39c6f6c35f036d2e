"""Reciprocal rank fusion: merges rankings whose scores are on different scales.

Written here rather than taken from llama-index's QueryFusionRetriever because that class
re-runs retrievers itself (and defaults to LLM query generation); we already hold both
rankings and only need the ten-line formula.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists into one list of (id, score), best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=False):
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
