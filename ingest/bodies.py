"""The one table of police forces and national bodies, with the aliases seen in published cases."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.model import Body

# The 43 territorial forces of England and Wales, by their current official names.
TERRITORIAL_FORCES: tuple[str, ...] = (
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon and Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Dyfed-Powys Police",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Hampshire and Isle of Wight Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Wales Police",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "South Wales Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
)
OTHER_FORCES: tuple[str, ...] = (
    "British Transport Police",
    "Ministry of Defence Police",
    "Civil Nuclear Constabulary",
)
NATIONAL_BODIES: tuple[str, ...] = (
    "National Police Chiefs' Council",
    "College of Policing",
    "Home Office",
    "HM Inspectorate of Constabulary and Fire & Rescue Services",
    "National Crime Agency",
)
ALL_BODIES: tuple[str, ...] = TERRITORIAL_FORCES + OTHER_FORCES + NATIONAL_BODIES

# Aliases beyond the generated "<Area> Police" / "<Area> Constabulary" forms.
# Acronyms are matched case-sensitively (so "met" in "officers met him" is no force).
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "Metropolitan Police Service": ("Metropolitan Police", "Met Police", "MPS", "Met", "Metropolitan Police Force"),
    "Hampshire and Isle of Wight Constabulary": (
        "Hampshire Constabulary",
        "Hampshire Police",
        "Hampshire and IOW Constabulary",
    ),
    "Greater Manchester Police": ("GMP",),
    "British Transport Police": ("BTP",),
    "Avon and Somerset Constabulary": ("Avon & Somerset Constabulary", "Avon and Somerset Police"),
    "Devon and Cornwall Police": ("Devon & Cornwall Police", "Devon and Cornwall Constabulary"),
    "Dyfed-Powys Police": ("Dyfed Powys Police",),
    "Thames Valley Police": ("TVP",),
    "City of London Police": ("City of London Police Force",),
    "National Police Chiefs' Council": (
        "National Police Chiefs Council",
        "National Police Chiefs’ Council",
        "National Police Chief's Council",
        "National Police Chief’s Council",
        "National Police Chiefs' Council (NPCC)",
        "NPCC",
    ),
    "College of Policing": ("The College of Policing", "CoP"),
    "Home Office": ("the Home Office",),
    "HM Inspectorate of Constabulary and Fire & Rescue Services": (
        "HMICFRS",
        "HM Inspectorate of Constabulary and Fire and Rescue Services",
        "Her Majesty’s Inspectorate of Constabulary and Fire & Rescue Services",
        "Her Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "HMIC",
    ),
    "National Crime Agency": ("NCA",),
}

_SUFFIXES = (" Police Service", " Constabulary", " Police")


def area_of(name: str) -> str | None:
    """The area a force's name names it by ("Derbyshire" of Derbyshire Constabulary); None for a body named
    otherwise ("College of Policing")."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Lower-cased alias -> canonical name (acronyms excluded: see _acronyms)."""
    table: dict[str, str] = {}
    for name in ALL_BODIES:
        table[name.lower()] = name
        area = area_of(name)
        if area and name in TERRITORIAL_FORCES + OTHER_FORCES:
            for suffix in _SUFFIXES:
                table.setdefault((area + suffix).lower(), name)
        for alias in EXTRA_ALIASES.get(name, ()):
            if not _is_acronym(alias):
                table[alias.lower()] = name
    return table


def _is_acronym(alias: str) -> bool:
    return alias.isupper() or alias in ("Met", "CoP")


@lru_cache(maxsize=1)
def _acronyms() -> dict[str, str]:
    return {a: n for n, aliases in EXTRA_ALIASES.items() for a in aliases if _is_acronym(a)}


def _norm(text: str) -> str:
    text = text.replace("’", "'")
    return re.sub(r"\s+", " ", text).strip(" .,;:").lower()


def canonical_name(text: str) -> str | None:
    """The canonical name of a force or body written as `text`, or None if it is not one."""
    if not text:
        return None
    stripped = re.sub(r"\s+", " ", text).strip(" .,;:")
    if stripped in _acronyms():
        return _acronyms()[stripped]
    key = _norm(stripped)
    table = _alias_table()
    if key in table:
        return table[key]
    key = re.sub(r"^the ", "", key)
    return table.get(key)


def body(text: str) -> Body:
    """A Body for `text`: canonical when known, else the text itself marked unknown."""
    as_written = re.sub(r"\s+", " ", text).strip(" .,;:")
    name = canonical_name(as_written)
    return Body(name=name or as_written, as_written=as_written, known=name is not None)


@lru_cache(maxsize=1)
def _mention_pattern() -> re.Pattern[str]:
    names = sorted(set(_alias_table()), key=len, reverse=True)
    words = "|".join(re.escape(n).replace("'", "['’]") for n in names)
    acronyms = "|".join(re.escape(a) for a in sorted(_acronyms(), key=len, reverse=True))
    return re.compile(rf"\b(?:(?i:{words})|{acronyms})\b")


def find_bodies(text: str) -> list[Body]:
    """Every distinct known force or body mentioned in `text`, in order of first mention."""
    seen: dict[str, Body] = {}
    for m in _mention_pattern().finditer(text or ""):
        b = body(m.group(0))
        if b.known and b.name not in seen:
            seen[b.name] = b
    return list(seen.values())


def is_national(name: str) -> bool:
    """True for national bodies (NPCC, College of Policing, Home Office...), False for forces."""
    return name in NATIONAL_BODIES


@lru_cache(maxsize=1)
def _area_pattern() -> re.Pattern[str]:
    areas = {(area_of(n) or ""): n for n in TERRITORIAL_FORCES + OTHER_FORCES if area_of(n)}
    areas.update(
        {
            "Hampshire": "Hampshire and Isle of Wight Constabulary",
            "London": "Metropolitan Police Service",
            "Greater Manchester": "Greater Manchester Police",
            "Manchester": "Greater Manchester Police",
        }
    )
    _AREAS.update(areas)
    names = "|".join(re.escape(a) for a in sorted(areas, key=len, reverse=True))
    return re.compile(rf"\b(?:{names})\b")


_AREAS: dict[str, str] = {}


def areas() -> dict[str, str]:
    """Every area a force is named by ("Kent", "Greater Manchester") and that force's name."""
    _area_pattern()
    return dict(_AREAS)


def find_areas(text: str) -> list[Body]:
    """Forces named by their area alone ("in Kent", "the Sussex case"): for questions, not case text."""
    out: dict[str, Body] = {}
    for m in _area_pattern().finditer(text or ""):
        name = _AREAS[m.group(0)]
        out.setdefault(name, Body(name=name, as_written=m.group(0)))
    return list(out.values())
