"""Likely typos: a question word found in no case that is a near spelling of a word the cases use, and is no
English word of its own ("know" is not a typo of "known", though no case says "know")."""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

from assistant.catalog import Catalog
from assistant.limits import ECHO_CHARS, MAX_SPELLING_WORDS, cut
from assistant.vernacular import is_everyday

_WORD = re.compile(r"[a-z]{4,}")
# "didnt", "wasnt", "couldnt": a contraction typed without its apostrophe is no misspelling of "didn".
_CONTRACTION = re.compile(r"(?:did|does|do|is|was|were|has|have|had|could|would|should|must|are|ca|wo|ai)nt")
# Up to this many topic words, the hint is the topic as it would read corrected ("custody deaths" for "custdy
# deths"); past it, the corrected words alone (a retold story's topic words are no phrase to read back).
_READ_BACK = 4


def did_you_mean(topic: list[str], catalog: Catalog) -> str:
    """'custody deaths' for 'custdy deths' when the cases use those words; '' when nothing looks misspelt."""
    words = catalog.words
    fixed, changed, looked_up = [], False, 0
    for w in topic:
        low = w.lower()
        if (
            low in words
            or _plural_of(low, words)  # "sporks": no case says it, but they say "spork"
            or not _WORD.fullmatch(low)
            or low in _english()
            or _CONTRACTION.fullmatch(low)
            or is_everyday(low)
            or looked_up >= MAX_SPELLING_WORDS
        ):
            fixed.append(w)
            continue
        looked_up += 1  # each look-up compares with every case word of its initial: bounded per question
        near = difflib.get_close_matches(low, catalog.words_by_initial.get(low[0], ()), n=3, cutoff=0.8)
        # A slip of the keys adds or drops a letter or two, not a syllable: "drones" is no typo of "done".
        match = [m for m in near if abs(len(m) - len(low)) <= max(1, len(low) // 6)]
        fixed.append(match[0] if match else w)
        changed |= bool(match)
    if not changed:
        return ""
    if len(topic) > _READ_BACK:
        fixed = [f for f, w in zip(fixed, topic, strict=True) if f != w]
    return cut(" ".join(fixed), ECHO_CHARS)


def _plural_of(word: str, words: frozenset[str] | set[str]) -> bool:
    """Whether the word is the plural of a word the cases use."""
    return (word.endswith("s") and word[:-1] in words) or (word.endswith("es") and word[:-2] in words)


@functools.cache
def _english() -> frozenset[str]:
    """Whole words of the bundled model's vocabulary: 30,522 word pieces, the common English words among them
    (a typo such as "custdy" is none of them; the model splits it into pieces)."""
    from vectorstore.embedder import default_model_path

    vocab = Path(default_model_path()) / "vocab.txt"
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha())
