"""Choosing the sentence or sentences of a passage that answer a question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.sentences import sentence_spans

_WORD = re.compile(r"[a-z0-9]+")


def _stems(text: str) -> set[str]:
    # A crude stem (first 5 letters) is enough to reward shared words between question and sentence.
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) > 2}


def best_spans(
    texts: list[str],
    question: str,
    question_vector,
    sentence_vectors,
    keyword_weight: float = 0.2,
    short: int = 90,
    prefer: Sequence[re.Pattern[str] | None] = (),
    titles: Sequence[str] = (),
) -> list[tuple[int, int]]:
    """For each text, the (start, end) of its sentence(s) that best answer the question.

    `sentence_vectors` has `embed_cached(texts)`: a SentenceVectors (stored at ingest) or an Embedder. Words
    shared with the question add `keyword_weight`; a best sentence shorter than `short` characters is quoted
    with its better neighbour. `prefer`, one per text: the best is chosen among the sentences the pattern
    matches, when any does. `titles`, one per text: a sentence running on from the case's title line is
    weighed and quoted without it (a title that reads like the question would win it the quote)."""
    spans = [sentence_spans(t) or [(0, len(t))] for t in texts]
    for n, title in enumerate(titles[: len(texts)]):
        spans[n] = _without_title(texts[n], spans[n], title)
    flat = [t[s:e] for t, sp in zip(texts, spans, strict=False) for s, e in sp]
    vectors = sentence_vectors.embed_cached(flat) if flat else []
    q_stems = _stems(question)
    out, i = [], 0
    for n, (text, sp) in enumerate(zip(texts, spans, strict=False)):
        scores = []
        for s, e in sp:
            overlap = len(q_stems & _stems(text[s:e])) / max(1, len(q_stems))
            scores.append(float(vectors[i] @ question_vector) + keyword_weight * overlap)
            i += 1
        pattern = prefer[n] if n < len(prefer) else None
        chosen = [k for k, (s, e) in enumerate(sp) if pattern.search(text[s:e])] if pattern else []
        best = max(chosen or range(len(sp)), key=scores.__getitem__)
        start, end = sp[best]
        if end - start < short and len(sp) > 1:
            # Too short to stand alone ("Accepted action: Yes."): take the better neighbour too.
            if best + 1 < len(sp) and (best == 0 or scores[best + 1] >= scores[best - 1]):
                end = sp[best + 1][1]
            else:
                start = sp[best - 1][0]
        out.append((start, end))
    return out


def first_matching(text: str, patterns: list[re.Pattern[str]], title: str = "") -> tuple[int, int] | None:
    """The span of the first sentence (the title line aside) matched by the earliest of `patterns` that
    matches any, or None."""
    spans = [(s, e) for s, e in sentence_spans(text) if not (title and text[s:e].startswith(title))]
    for pattern in patterns:
        if found := next(((s, e) for s, e in spans if pattern.search(text[s:e])), None):
            return found
    return None


def first_sentence(text: str, short: int = 90, title: str = "") -> tuple[int, int]:
    """The span of the first sentence (for table rows, where the opening says what was recommended), after
    `title` when the text opens with it (a case's story starts with its title line, which the table shows)."""
    skip = len(title) if title and text.startswith(title) else 0
    while skip < len(text) and text[skip].isspace():
        skip += 1
    spans = [(start + skip, end + skip) for start, end in sentence_spans(text[skip:])]
    if not spans:
        return 0, len(text)
    start, end = spans[0]
    if end - start < short and len(spans) > 1:
        end = spans[1][1]
    return start, end


def after_title(text: str, span: tuple[int, int], title: str) -> tuple[int, int]:
    """`span` without the case's title line it opens with, when more follows it in the span (a story's first
    sentence runs on from its title: "Recommendations - Sussex Police, August 2025 We identified…")."""
    start, end = span
    if not title or not text.startswith(title, start):
        return span
    rest = start + len(title)
    while rest < end and text[rest].isspace():
        rest += 1
    return (rest, end) if end - rest >= 20 else span


def _without_title(text: str, spans: list[tuple[int, int]], title: str) -> list[tuple[int, int]]:
    """The sentence spans of `text` with its title line left out: a sentence that is only the title is
    dropped, one that runs on from it starts after it (unless nothing else is left)."""
    if not title or not spans or not text.startswith(title, spans[0][0]):
        return spans
    first = after_title(text, spans[0], title)
    if first != spans[0]:
        return [first, *spans[1:]]
    return spans[1:] or spans
