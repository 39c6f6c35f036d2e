"""Helpers shared by the layout parsers: dates, references, title lines, tags, bodies, page parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ingest.bodies import body, canonical_name, find_bodies
from ingest.model import Body, Recommendation, due_date  # noqa: F401  (due_date: the layouts import it from here)

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_WORD = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_WORD})\s+(\d{{4}})\b", re.IGNORECASE)
MONTH_YEAR_RE = re.compile(rf"\b({_MONTH_WORD})\s+(\d{{4}})\b", re.IGNORECASE)

IOPC_REF_RE = re.compile(r"\b(?:19|20)\d{2}/\d{6}\b")
MET_REF_RE = re.compile(r"\b(?:IX|PC)/\d{3,5}/\d{2}\b")

# "<Title> - <Force>, <Month YYYY>[ and <Month YYYY>]": the force part is what follows the LAST
# dash, since titles such as "Recommendation, Stop and search, Brent - …" carry commas of their own.
TITLE_RE = re.compile(rf"^(?P<head>.+)\s[-–]\s(?P<force>[^-–\n]+?),\s*(?P<when>{_MONTH_WORD}\s+\d{{4}}.*)$")

# IOPC tag vocabulary. The accountabilityindex header joins tags with spaces, so splitting needs the
# list; the first five are the ones seen in the corpus, the rest are other IOPC learning topics.
THEMES: tuple[str, ...] = (
    "Death and serious injury",
    "Domestic abuse",
    "Welfare and vulnerable people",
    "Custody and detention",
    "Use of force and armed policing",
    "Abuse of position for a sexual purpose",
    "Call handling",
    "Complaints handling",
    "Corruption",
    "Discrimination",
    "Mental health",
    "Missing people",
    "Road traffic incidents",
    "Stop and search",
    "Violence against women and girls",
    "Vehicle pursuits",
    "Information management",
)

PUBLISHED_RE = re.compile(r"^[ \t]*Published[ \t]+(?P<date>\d{1,2} \w+ \d{4})[ \t]*$", re.MULTILINE)
PART_SEPARATOR = re.compile(r"^[ \t]*\[\.\.\.\][ \t]*$", re.MULTILINE)
BULLET_RE = re.compile(r"^[ \t]*•[ \t]*(.*?)[ \t]*$")


def split_parts(text: str) -> list[str]:
    """The excerpts of one page: a line "[...]" separates two captured parts."""
    return [p for p in PART_SEPARATOR.split(text) if p.strip()]


def iso_date(text: str | None) -> str | None:
    """ISO date of the first "18 Jul 2019"/"12th July 2019" style date in `text`, else None."""
    m = DATE_RE.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()[:3]], int(m.group(1))).isoformat()
    except (TypeError, ValueError):
        return None


def month_of(text: str | None) -> str | None:
    """ "YYYY-MM" of the first "<Month YYYY>" in `text` ("Sept 2020" too), else None."""
    return next(iter(months_of(text)), None)


def months_of(text: str | None) -> list[str]:
    """ "YYYY-MM" of every "<Month YYYY>" in `text`, in order."""
    return [f"{int(year):04d}-{MONTHS[month.lower()[:3]]:02d}" for month, year in MONTH_YEAR_RE.findall(text or "")]


def references(text: str) -> list[str]:
    """IOPC ("2019/127918") and Met ("IX/1909/19", "PC/2334/19") references, in order, once each."""
    found = [(m.start(), m.group(0)) for m in IOPC_REF_RE.finditer(text)]
    found += [(m.start(), m.group(0)) for m in MET_REF_RE.finditer(text)]
    return list(dict.fromkeys(ref for _, ref in sorted(found)))


@dataclass
class TitleLine:
    """A parsed "<Title> - <Force>, <Month YYYY>" line."""

    title: str
    force_text: str
    month: str | None


def parse_title_line(line: str) -> TitleLine | None:
    """The title line's parts, or None when `line` does not end in "- <Force>, <Month YYYY>"."""
    line = line.strip()
    if len(line) > 300:  # checked first: matching TITLE_RE on a megabyte line took seconds, for every call
        return None
    m = TITLE_RE.match(line)
    if not m:
        return None
    return TitleLine(title=line, force_text=m.group("force").strip(), month=month_of(m.group("when")))


def title_bodies(force_text: str) -> list[Body]:
    """The bodies named in a title's force part ("X and Y"); the part itself when none is known."""
    found = find_bodies(force_text)
    return found or [body(force_text)]


# A page's title is one line of a few words; the parsers' "first line" may be megabytes of one-line text.
# Why a cap: the title heads every passage's indexed text, so an unbounded one was copied into each of
# thousands of passages (gigabytes), and looking for bodies in it took seconds.
TITLE_MAX = 300


def short_title(title: str) -> str:
    """The title, or (when longer than TITLE_MAX) a verbatim prefix of it cut back to a word end."""
    if len(title) <= TITLE_MAX:
        return title
    cut = title[:TITLE_MAX]
    return (cut.rsplit(" ", 1)[0] if " " in cut.strip() else cut).rstrip()


def slug_title(url: str | None) -> str:
    """A readable title from the last segment of a page's address ("…/learning/complaints-raised-after-
    police-contact-man-greater-manchester-police-january-2022/" gives "Complaints raised after police contact
    man greater manchester police january 2022"); "" when the address has no worded segment."""
    segment = re.sub(r"[?#].*$", "", url or "").rstrip("/").rsplit("/", 1)[-1]
    words = [w for w in segment.split("-") if w]
    if len(words) < 2 or not any(w.isalpha() for w in words):
        return ""
    return " ".join(words).capitalize()


def first_line(text: str) -> str:
    """The first non-empty line of `text`, stripped."""
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


def split_tags(line: str) -> list[str]:
    """Split a space-joined tag line against THEMES; unknown runs are kept as one tag each."""
    tags: list[str] = []
    rest = line.strip()
    unknown: list[str] = []
    while rest:
        hit = next(
            (
                t
                for t in sorted(THEMES, key=len, reverse=True)
                if rest.lower().startswith(t.lower()) and rest[len(t) : len(t) + 1] in ("", " ")
            ),
            None,
        )
        if hit:
            if unknown:
                tags.append(" ".join(unknown))
                unknown = []
            tags.append(rest[: len(hit)])
            rest = rest[len(hit) :].lstrip()
        else:
            word, _, rest = rest.partition(" ")
            unknown.append(word)
            rest = rest.lstrip()
    if unknown:
        tags.append(" ".join(unknown))
    return tags


def is_theme(text: str) -> bool:
    """True when `text` is one of the known tag names."""
    return text.strip().lower() in {t.lower() for t in THEMES}


def tail_bullets(part: str) -> tuple[list[str], int]:
    """The bullet items of the run that ends a page part (its tag list) and the run's offset."""
    lines = part.rstrip().splitlines(keepends=True)
    items: list[str] = []
    for ln in reversed(lines):
        m = BULLET_RE.match(ln.rstrip("\n"))
        if not m:
            break
        items.append(m.group(1))
    items.reverse()
    start = sum(len(ln) for ln in lines[: len(lines) - len(items)])
    if not items:
        return [], len(part)
    # A narrative list of investigated points also uses bullets: tags follow a label or an empty field.
    before = [ln.strip() for ln in lines[: len(lines) - len(items)] if ln.strip()]
    prev = before[-1] if before else ""
    if (
        prev in ("Tags", "Date response due", "Date of recommendation", "IOPC reference", "Recommendations")
        or IOPC_REF_RE.fullmatch(prev)
        or DATE_RE.fullmatch(prev)
    ):
        return items, start
    return [], len(part)


def tags_to_bodies_and_themes(items: list[str], last_may_be_cut: bool = True) -> tuple[list[Body], list[str]]:
    """Tag bullets: known forces/bodies go to bodies, the rest to themes (a cut-off last tag is dropped)."""
    bodies: list[Body] = []
    themes: list[str] = []
    for i, item in enumerate(items):
        if not item:
            continue
        if canonical_name(item):
            bodies.append(body(item))
        elif is_theme(item) or not (last_may_be_cut and i == len(items) - 1):
            themes.append(item)
    return bodies, themes


def merge_recommendations(old: Recommendation, new: Recommendation) -> Recommendation:
    """Two renderings of one recommendation: keep the fuller value of each field."""

    def longer(a, b):
        return a if len(a or "") >= len(b or "") else b

    return Recommendation(
        number=old.number,
        text=longer(old.text, new.text),
        addressed_to=old.addressed_to if old.addressed_to and old.addressed_to.known else new.addressed_to,
        linked_bodies=old.linked_bodies or new.linked_bodies,
        status=old.status if old.status != "unknown" else new.status,
        response=longer(old.response, new.response),
        national=old.national or new.national,
    )


def unique_bodies(*groups) -> list[Body]:
    """Known bodies from the groups (Body, list of Body or None), deduplicated by canonical name."""
    seen: dict[str, Body] = {}
    for group in groups:
        for b in group if isinstance(group, list) else [group]:
            if b is not None and b.known and b.name not in seen:
                seen[b.name] = b
    return list(seen.values())


# The addressee is named between "recommends that" and the verb, e.g. "…that Kent Police reviews…".
_RECOMMENDS_RE = re.compile(r"recommend(?:s|ed)?\s+that\s+(?P<clause>[^.]*)", re.IGNORECASE)


def addressees(rec_text: str) -> list[Body]:
    """The bodies a "The IOPC recommends that <X> …" sentence is addressed to, in order."""
    m = _RECOMMENDS_RE.search(rec_text)
    if not m:
        return []
    clause = m.group("clause")
    subject = re.split(
        r"\s(?:should|must|shares?|ensures?|reviews?|takes?|creates?|amends?|updates?|issues?|"
        r"explores?|asks?|finalises?|considers?|develops?|as part of)\b",
        clause,
        maxsplit=1,
    )[0]
    return find_bodies(subject) or find_bodies(clause)


def looks_like_body_name(text: str) -> bool:
    """False for values that are obviously sentence fragments rather than a body's name."""
    text = text.strip()
    words = text.split()
    if not words or len(words) > 8 or text.endswith(","):
        return False
    return not re.search(r"\b(?:recommend\w*|should|is|are|that|which|to be)\b", text, re.IGNORECASE)


def body_or_none(text: str | None) -> Body | None:
    """A Body for a field value that names a body (known, or plausibly a name), else None."""
    if not text or not text.strip():
        return None
    b = body(text)
    return b if b.known or looks_like_body_name(text) else None
