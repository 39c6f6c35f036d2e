"""Sentence spans over verbatim text.

Our own small splitter rather than nltk/llama-index's: we need character offsets, so that
every passage and every quote is an exact slice of the text as published (quirks included).
"""

from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends at . ! ? or … (optionally followed by closing quotes/brackets) before
# whitespace and an upper-case letter, digit or opening quote; or at a line break.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])(?P<close>[\"'”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])"
    r"|\n+"
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sgt|Insp|Supt|PC|DC|DS|DI|Ch|St|approx|e\.g|i\.e|etc|vs|para)\.)$", re.IGNORECASE
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in `text`, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        # Why a window: searching all of text[start:m.start()] was quadratic on "Mr. A Mr. A …" (megabytes
        # of abbreviations never move `start`); the longest abbreviation and its word boundary fit in 12.
        window = text[max(start, m.start() - 12) : m.start()]
        if m.group(0).strip() == "" and "\n" not in m.group(0) and _ABBREVIATIONS.search(window):
            continue
        _push(text, start, m.start() + len(m.group("close") or ""), spans)
        start = m.end()
    _push(text, start, len(text), spans)
    return spans


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """The sentences of `text` as verbatim slices."""
    return [text[s:e] for s, e in sentence_spans(text)]


@lru_cache(maxsize=8192)  # bounded: answers come back to the same few thousand passages again and again
def weighed_sentences(text: str) -> tuple[str, ...]:
    """The sentences a passage is weighed by (ingest stores a vector for each): its own, or the whole
    passage when it has no sentence break."""
    return tuple(sentences(text)) or (text,)
