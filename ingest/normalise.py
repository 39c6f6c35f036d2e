"""The one text normalisation applied before a case page is parsed (every format goes through it).

Passages and quotes are verbatim slices of the normalised text; it differs from what was read only in
characters a reader cannot see or that say nothing: line-break style, space style, BOMs, control codes.
"""

from __future__ import annotations

import re

# Everything str.splitlines() treats as a line break. Why all of them: the layouts find labels with
# ^/$ regexes, which know only "\n", while first_line() uses splitlines(); a page saved on Windows
# ("\r\n") or with a form feed or U+2028 made the two disagree, and "Recommendation 1\r" was no heading.
_LINE_BREAK = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Tabs and Unicode space separators (no-break, thin, ideographic…) become a plain space, one for one:
# labels such as "Recommendation 1" and "Addressed to:" are written with plain spaces in the layouts.
_SPACE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Other control characters (NUL, ANSI escapes, DEL, C1) and the BOM / zero-width no-break space are
# dropped: invisible on the page, and an escape sequence quoted in a terminal answer would drive it.
_DROP = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufeff]")


def normalise(text: str) -> str:
    """The text as the parser reads it: "\\n" line breaks, plain spaces, no BOM or control characters."""
    return _DROP.sub("", _SPACE.sub(" ", _LINE_BREAK.sub("\n", text)))
