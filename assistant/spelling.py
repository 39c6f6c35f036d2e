"""Likely typos: a question word found in no case that is a near spelling of a word the cases use."""

from __future__ import annotations

import difflib
import re

from assistant.catalog import Catalog
from assistant.limits import ECHO_CHARS, MAX_SPELLING_WORDS, cut

_WORD = re.compile(r"[a-z]{4,}")


def did_you_mean(topic: list[str], catalog: Catalog) -> str:
    """'custody deaths' for 'custdy deths' when the cases use those words; '' when nothing looks misspelt."""
    words = catalog.words
    fixed, changed, looked_up = [], False, 0
    for w in topic:
        low = w.lower()
        if low in words or not _WORD.fullmatch(low) or looked_up >= MAX_SPELLING_WORDS:
            fixed.append(w)
            continue
        looked_up += 1  # each look-up compares with every case word of its initial: bounded per question
        near = difflib.get_close_matches(low, catalog.words_by_initial.get(low[0], ()), n=3, cutoff=0.8)
        # A slip of the keys adds or drops a letter or two, not a syllable: "drones" is no typo of "done".
        match = [m for m in near if abs(len(m) - len(low)) <= max(1, len(low) // 6)]
        fixed.append(match[0] if match else w)
        changed |= bool(match)
    return cut(" ".join(fixed), ECHO_CHARS) if changed else ""
