"""Filter values as a user types them (dates, forces, themes): checked, with a one-line reason when wrong."""

from __future__ import annotations

import difflib
import re
from datetime import date

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def check_date(value: str) -> str:
    """`value` if it is YYYY, YYYY-MM or YYYY-MM-DD naming a real month or day; else ValueError saying so."""
    m = _DATE.fullmatch(value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as e:
        raise ValueError(f"{value!r} is not a real date ({e})") from None
    return value.strip()


def nearest(value: str, known: list[str], n: int = 3) -> list[str]:
    """The `n` known values nearest to `value` (by difflib's similarity, case ignored)."""
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=n, cutoff=0.0)
    return [by_lower[c] for c in close]


def unknown_force(value: str, forces: list[str]) -> str | None:
    """Why `value` names no force or body of the index (aliases such as "Met" resolve), or None."""
    from ingest.bodies import canonical_name

    if (canonical_name(value) or value) in forces:
        return None
    return _reason("force or body", value, forces)


def unknown_theme(value: str, themes: list[str]) -> str | None:
    """Why `value` is part of no theme tag of the index (a theme filter matches part of a tag), or None."""
    if any(value.lower() in t.lower() for t in themes):
        return None
    return _reason("theme", value, themes)


def _reason(what: str, value: str, known: list[str]) -> str:
    if not known:
        return f"no {what} {value!r} in the index (it has no cases with one)"
    return f"no {what} {value!r} in the index; nearest: {', '.join(nearest(value, known))}"
