"""Reading a question: what kind of answer it wants, and the filters it states plainly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.types import Filters
from ingest.bodies import find_areas, find_bodies

_LIST_START = re.compile(
    r"^\s*(which|list|name|what (forces|bodies|cases|national bodies|other forces)|have any|has any|"
    r"are there( any)?|in which|show (me )?(all|every)|give (me )?(all|a list))\b", re.IGNORECASE)
_YEAR_IN = re.compile(r"\b(?:in|during|from|for|of)\s+(?:the\s+year\s+)?((?:19|20)\d\d)\b(?!\s*(?:and|to|-|–)\s*(?:19|20)\d\d)",
                      re.IGNORECASE)
_YEAR_SINCE = re.compile(r"\b(?:since|after|from)\s+((?:19|20)\d\d)\s*(?:onwards?)?\b(?!\s*(?:and|to|-|–))",
                         re.IGNORECASE)
_YEAR_UNTIL = re.compile(r"\b(?:before|until|up to|prior to)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"\b(?:between|from|in|during)\s+((?:19|20)\d\d)\s*(?:and|to|or|-|–)\s*((?:19|20)\d\d)\b",
                         re.IGNORECASE)
_STATUS = [
    (re.compile(r"\b(awaiting|await|waiting for|pending|outstanding|no response yet|not (yet )?(been )?"
                r"respon|yet to respond|still (awaiting|waiting|open))", re.IGNORECASE), "awaiting response"),
    (re.compile(r"\b(not accepted|rejected|declined|refused to accept|did not accept)\b", re.IGNORECASE),
     "not accepted"),
    (re.compile(r"\bpartially accepted\b", re.IGNORECASE), "partially accepted"),
    (re.compile(r"\b(?:(?:which|that) (?:were|was|have been|has been) accepted|accepted recommendations)\b",
                re.IGNORECASE), "accepted"),
]
_NATIONAL = re.compile(r"\bnational (bodies|body|recommendations?|organisations?|level)\b", re.IGNORECASE)
_FORCES_OR_NATIONAL = re.compile(r"\b(forces?|police)\s+(or|and|and/or)\s+national\b", re.IGNORECASE)
# Words that carry no topic: a question made only of these and its filters asks to enumerate.
_GENERIC = set("""
a an the and or of to in on for from by with about me us my our you your it its this that these those
i we they he she him her his them their there here what's we've i'm why at as into onto
show list give tell find all every each any some one ones which what who whom whose where when how
is are was were be been being do does did done have has had hold holds held there their they them
iopc ipcc learning learnings recommendation recommendations recommended recommend case cases
made make given sent issued addressed collection corpus database library whether not yet still
accepted accept acceptance status statuses response responses responded respond awaiting await
force forces police constabulary service body bodies national please can could would should
year years date dates month months since before after until between during up
rather than individual individually subject subjects topic topics issue issues area areas kind kinds type types
formal formally cover covers covered contain contains include includes included say says said
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass
class Question:
    """A question as understood: its kind, the filters it states, and its topic words."""

    text: str
    kind: str  # lookup | list | filter
    filters: Filters = field(default_factory=Filters)
    topic: list[str] = field(default_factory=list)


def stated_filters(text: str) -> Filters:
    """Force, year and status filters stated plainly in the question."""
    named = find_bodies(text)
    named += [b for b in find_areas(text) if b.name not in {n.name for n in named}]
    f = Filters(forces=[b.name for b in named])
    m = _YEAR_RANGE.search(text)
    if m:
        f.since, f.until = m.group(1), m.group(2)
    elif (m := _YEAR_SINCE.search(text)) and m.group(0).lower().startswith(("since", "after")):
        f.since = m.group(1)
    elif m := _YEAR_IN.search(text):
        f.since = f.until = m.group(1)
    if not f.until and (m := _YEAR_UNTIL.search(text)):
        f.until = m.group(1)
    if _NATIONAL.search(text) and not _FORCES_OR_NATIONAL.search(text):
        f.national = True
    for pattern, status in _STATUS:
        if pattern.search(text):
            f.statuses = [status]
            break
    return f


def topic_words(text: str, filters: Filters) -> list[str]:
    """Content words of the question, other than its filters and generic words."""
    stripped = text
    for name in filters.forces:
        stripped = stripped.replace(name, " ")
    for b in find_bodies(text) + find_areas(text):
        stripped = stripped.replace(b.as_written, " ")
    stripped = re.sub(r"\b(19|20)\d\d\b", " ", stripped)
    # Contractions ("weren't", "couldn't") are grammar, not topic.
    return [w for w in _WORD.findall(stripped) if w.lower().strip("'’") not in _GENERIC and len(w) > 1
            and not re.search(r"n['’]t$", w.lower())]


def read_question(text: str, explicit: Filters | None = None) -> Question:
    """Kind, filters (explicit ones win over stated ones) and topic of a question."""
    stated = stated_filters(text)
    filters = stated.merged(explicit.canonical()) if explicit else stated
    topic = topic_words(text, stated)
    has_filter = bool(filters.forces or filters.since or filters.until or filters.statuses or filters.themes
                      or filters.national is not None)
    if has_filter and not topic:
        kind = "filter"
    elif _LIST_START.search(text):
        kind = "list"
    else:
        kind = "lookup"
    return Question(text=text, kind=kind, filters=filters, topic=topic)
