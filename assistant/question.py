"""Reading a question: what kind of answer it wants, which part of a case it asks about, the filters it states."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from assistant.types import Filters
from ingest.bodies import areas, canonical_name, find_areas, find_bodies


class Intent(StrEnum):
    """The part of a case a question asks about."""

    HAPPENED = "happened"  # the narrative
    RECOMMENDED = "recommended"  # the recommendations (and who they went to)
    SENT_TO = "sent to"  # who the recommendations of the cases just given went to (a follow-up's)
    RESPONSE = "response"  # what the force did: its response and the status
    ANY = "any"


_LIST_START = re.compile(
    r"^\s*(which|list|name|what (forces|bodies|cases|national bodies|other forces|recommendations)|have any|has any|"
    r"how many (cases|forces|bodies|recommendations|incidents|investigations)|"
    r"are there( any)?|in which|show (me )?(all|every)|give (me )?(all|a list)|"
    r"who(['’]s| was| were| has| have| got) (been )?(told|asked|given|recommended)|"
    r"(has|have|was|were) (anyone|anybody|any (forces?|bodies|body|police forces?))( ever)?( been| got)? "
    r"(told|asked|given|recommended|advised|criticised|pulled up)|"
    r"(has|have|did) the IOPC( ever)? (told|tell|asked|ask|recommended|recommend|advised|advise) "
    r"(anyone|anybody|any (forces?|bodies|body|police forces?)|anything)\b)\b",
    re.IGNORECASE,
)
# What forces as a whole were told or did ("What have forces been told about X?") is a list too.
_LIST_OF_FORCES = re.compile(r"^\s*what (have|has|did) (the )?(forces|bodies|organisations)\b", re.IGNORECASE)
# Cases asked for as such ("taser cases - list them", "how many concern for welfare cases are there?", "custody cases
# from cleveland"): every one that is about it, not the three nearest. Not "any cases where…?", which asks whether
# there is one.
_CASES_ASKED = re.compile(
    r"\bhow many\s+(?:[\w'’-]+\s+){0,3}?(?:cases|recommendations|recs|forces|incidents|investigations)\b|"
    r"\blist (?:them|(?:all|every|the) (?:cases|recs|recommendations|forces|incidents))\b|"
    r"^\s*(?!(?:any|are|were|have|has|is|do|does|did|why|how|what|when|where|can|could|should|in)\b)"
    r"(?:[\w'’-]+\s+){1,5}(?:cases|incidents|investigations)\b"
    r"(?=\s*(?:$|[-–?.,:]|from|in|involving|about|where|with|since|for|at|by)\b|\s*[-–?.,:]|\s*$)",
    re.IGNORECASE,
)
# A list asked after a fronted clause ("When the IOPC raised body-worn video problems, which forces acted on it?"),
# or in a sentence of its own after the question ("Has the IOPC said that anywhere? Which forces?").
_LIST_CLAUSE = re.compile(
    r"(?:[,;:]|[?.]\s)\s*(which|what) (forces|bodies|cases|national bodies|recommendations|organisations)\b",
    re.IGNORECASE,
)
_RESPONSE = re.compile(
    r"\b(what did (they|the force|[A-Z][\w ]+?) do|"
    r"(say|said|says) (it|they|it['’]d|they['’]d) (had|has|have|would|will)? ?(done|do|doing|change|changed)|"
    r"how did .{0,40}\brespond|respon(se|ded|d)|chang(e|ed|ing)|"
    r"changes? (did|have|has|were|was)|amend(ed|ing)?|introduc(ed|e|ing)|put in place|"
    # An update a body made ("have they updated their policy?"), not one a victim is kept ("keeping victims
    # updated"), which is a topic.
    r"(has|have|had|they|it|force|forces) updat(e|ed|ing)|updat(e|ed|ing)(?= (their|its|the|a|policy|"
    r"policies|guidance|procedures?|training|systems?)\b)|"
    r"implement(ed|ing)?|actually do|(do|did|done|doing) (something |anything )?about (it|this|that)|acted on|"
    r"act on it|take action|took action|agree(d)? to do|said yes|accept(ed)?)\b",
    re.IGNORECASE,
)
_RECOMMENDED = re.compile(
    r"\b(recommend(ed|ation|ations)?|recs?|(any|what) learning|told to|tell( \w+){1,3}? to|asked to|advised to|"
    r"were told|was told|been told|got told|told off|"
    r"pulled up\b|criticised|criticized|(?:been|were|was|got|get) warned|"
    r"ask(ed)? (the |it |them )|"
    r"learning for|what should|want(ed)? .{0,30} to|iopc (tell|told|say|said))\b",
    re.IGNORECASE,
)
_HAPPENED = re.compile(
    r"\b(what happened|what went wrong|how did .{0,40} die|why did|describe|tell me (more )?about|"
    r"what was (the )?(incident|case))\b",
    re.IGNORECASE,
)

_YEAR_IN = re.compile(
    r"\b(?:in|during|from|for|of|what about|how about)\s+(?:the\s+year\s+)?((?:19|20)\d\d)\b"
    r"(?!\s*(?:and|to|-|–)\s*(?:19|20)\d\d)",
    re.IGNORECASE,
)
# "from 2019" alone is that year ("cases from 2017" are 2017's); "from 2019 onwards" is a start.
_YEAR_SINCE = re.compile(
    r"\b(since|after|from)\s+((?:19|20)\d\d)(\s*(?:onwards?|on\b|and (?:later|after)))?(?!\s*(?:and|to|-|–))",
    re.IGNORECASE,
)
_YEAR_UNTIL = re.compile(r"\b(?:before|until|up to|prior to)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR_RANGE = re.compile(
    r"\b(?:between|from|in|during)\s+((?:19|20)\d\d)\s*(?:and|to|or|-|–)\s*((?:19|20)\d\d)\b", re.IGNORECASE
)
_STATUS = [
    (
        re.compile(
            # "waiting" and "no answer" alone are too often the story ("got no answer at the door", "a job
            # waiting to be handed out"): they state a status only about a reply.
            r"\b(await(ing)? (a |an |the |their |its |any )?(force(['’]s)? )?(response|reply|answer)|"
            r"(still )?((sitting|sat) (there )?)?waiting (for|on) ((a |an |the |their |its |any )?(force(['’]s)? )?"
            r"(response|reply|answer)|(the |a |their |its )?(forces?|bod(y|ies)) to (respond|reply|answer))|"
            r"pending|outstanding|no (published )?(response|reply|answer) (yet|from|published)|not (yet )?(been )?"
            r"(respon|answer|repl)|yet to (respond|reply|answer)|still (awaiting|waiting|open)|unanswered|"
            r"(haven|hasn)'?t (yet )?(replied|responded|answered)|never (replied|responded)|"
            r"(come|came|got|get|gotten) back (to (the IOPC|them|us) )?with (a |an |the |their |its |any )?"
            r"(answer|response|reply)|(hasn'?t|haven'?t|has not|have not|yet to|not yet) (come|got|gotten) back to "
            r"the IOPC)",
            re.IGNORECASE,
        ),
        "awaiting response",
    ),
    (
        re.compile(
            r"\b(not accepted|rejected|declined|refus(e|ed|es|ing) to accept|did not accept|didn'?t accept|"
            r"turn(ed|s)? down|"
            r"said no(?= to\b|\s*[.,;:?!]|\s*$)|disagree[ds]?|push(ed|es)? back)\b",
            re.IGNORECASE,
        ),
        "not accepted",
    ),
    (re.compile(r"\bpartially accepted|partly accepted\b", re.IGNORECASE), "partially accepted"),
    (
        re.compile(
            r"\b(?:(?:which|that|were|was|have been|has been|got|been) accepted|accepted recommendations|"
            r"said yes|agreed to|were agreed|(?<!non-)(?<!non )accepted ones|"
            r"(?:only|just) (?:those|the ones)(?: that were| which were)? accepted(?! in part))\b",
            re.IGNORECASE,
        ),
        "accepted",
    ),
]
_NATIONAL = re.compile(r"\bnational (bodies|body|recommendations?|recs?|organisations?|level)\b", re.IGNORECASE)
_FORCES_OR_NATIONAL = re.compile(r"\b(forces?|police)\s+(or|and|and/or)\s+national\b", re.IGNORECASE)

# What trainers call forces, beyond the names and acronyms the bodies table knows (matched case-insensitively;
# "met" alone is not here: "officers met him" is no force).
_COLLOQUIAL = {
    "the met": "Metropolitan Police Service",
    "met police": "Metropolitan Police Service",
    "met's": "Metropolitan Police Service",
    "mps": "Metropolitan Police Service",
    "gmp": "Greater Manchester Police",
    "greater manchester": "Greater Manchester Police",  # whole, so "greater" is not left as a topic
    "manchester": "Greater Manchester Police",
    "south yorks": "South Yorkshire Police",
    "west yorks": "West Yorkshire Police",
    "north yorks": "North Yorkshire Police",
    "west mids": "West Midlands Police",
    "devon and cornwall": "Devon and Cornwall Police",  # whole, so "cornwall" is not left as a topic
    "devon": "Devon and Cornwall Police",
    "cornwall": "Devon and Cornwall Police",
    "avon and somerset": "Avon and Somerset Constabulary",
    "avon": "Avon and Somerset Constabulary",
    "somerset": "Avon and Somerset Constabulary",
    "dyfed": "Dyfed-Powys Police",
    "powys": "Dyfed-Powys Police",
    "hants": "Hampshire and Isle of Wight Constabulary",
    "herts": "Hertfordshire Constabulary",
    "lancs": "Lancashire Constabulary",
    "lincs": "Lincolnshire Police",
    "wmp": "West Midlands Police",
    "wyp": "West Yorkshire Police",
    "syp": "South Yorkshire Police",
    "nyp": "North Yorkshire Police",
    "notts": "Nottinghamshire Police",
    "leics": "Leicestershire Police",
    "northants": "Northamptonshire Police",
    "cambs": "Cambridgeshire Constabulary",
    "beds": "Bedfordshire Police",
    "glos": "Gloucestershire Constabulary",
    "staffs": "Staffordshire Police",
    "wilts": "Wiltshire Police",
    "tvp": "Thames Valley Police",
    "square mile": "City of London Police",
    "teesside": "Cleveland Police",
    "btp": "British Transport Police",
    "railway police": "British Transport Police",
    "transport police": "British Transport Police",
    "npcc": "National Police Chiefs' Council",
    "chief constables' council": "National Police Chiefs' Council",
    "chief constables council": "National Police Chiefs' Council",
    "police chiefs' council": "National Police Chiefs' Council",
    "police chiefs council": "National Police Chiefs' Council",
    "chiefs' council": "National Police Chiefs' Council",
    "chiefs council": "National Police Chiefs' Council",
    "the college": "College of Policing",
    "home office": "Home Office",
    "hmicfrs": "HM Inspectorate of Constabulary and Fire & Rescue Services",
}
_COLLOQUIAL_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_COLLOQUIAL, key=len, reverse=True)) + r")(?![\w])", re.IGNORECASE
)

# Words that carry no topic: a question made only of these and its filters asks to enumerate.
_GENERIC = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "from",
        "by",
        "with",
        "about",
        "other",
        "others",
        "similar",
        "further",
        "me",
        "us",
        "my",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "we",
        "they",
        "he",
        "she",
        "him",
        "her",
        "his",
        "them",
        "their",
        "there",
        "here",
        "what's",
        "we've",
        "i'm",
        "why",
        "at",
        "as",
        "into",
        "onto",
        "show",
        "list",
        "give",
        "tell",
        "find",
        "all",
        "every",
        "each",
        "any",
        "some",
        "one",
        "ones",
        "which",
        "what",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "how",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "hold",
        "holds",
        "held",
        "there",
        "their",
        "they",
        "them",
        "iopc",
        "ipcc",
        "learning",
        "learnings",
        "recommendation",
        "recommendations",
        "rec",
        "recs",
        *("recomendation", "recomendations", "reccomendation", "reccomendations"),  # the usual slips
        *("reccommendation", "reccommendations", "recommendaton", "recommendatons"),
        "recommended",
        "recommend",
        "case",
        "cases",
        "made",
        "make",
        "given",
        "sent",
        "issued",
        "addressed",
        "collection",
        "corpus",
        "database",
        "library",
        "whether",
        "not",
        "yet",
        "still",
        "accepted",
        "accept",
        "acceptance",
        "status",
        "statuses",
        "response",
        "responses",
        "responded",
        "respond",
        "awaiting",
        "await",
        "force",
        "forces",
        "police",
        "constabulary",
        "service",
        "body",
        "bodies",
        "national",
        "please",
        "can",
        "could",
        "would",
        "should",
        "year",
        "years",
        "date",
        "dates",
        "month",
        "months",
        "since",
        "before",
        "after",
        "until",
        "between",
        "during",
        "up",
        "rather",
        "than",
        "individual",
        "apart",
        "aside",
        "besides",
        "individually",
        "subject",
        "subjects",
        "topic",
        "topics",
        "issue",
        "issues",
        "area",
        "areas",
        "kind",
        "kinds",
        "type",
        "types",
        "formal",
        "formally",
        "cover",
        "covers",
        "covered",
        "contain",
        "contains",
        "include",
        "includes",
        "included",
        "say",
        "says",
        "said",
        "anything",
        "something",
        "everything",
        "told",
        "asked",
        "been",
        "got",
        "get",
        "reply",
        "replied",
        "answer",
        "answered",
        "waiting",
        "wait",
        "yes",
        "no",
        "agreed",
        "agree",
        "anyone",
        "anybody",
        "lot",
        "lots",
        "ever",
        "handed",
        "concluded",
        # Asking for the case's finding on the people in it ("was the driver blamed?", "was anyone at fault?"), not
        # naming a topic.
        *("blame", "blamed", "fault", "criticised", "criticized"),
        # Fillers of a trainer's phrasing ("make sure", "so you know", "either… or"): no case is about them.
        *("sure", "so", "either", "too", "also", "really", "actually"),
        # Asking for a form of answer, not naming a topic ("summarise the recommendations made to Cleveland").
        "summarise",
        "summarize",
        "outline",
        "describe",
        "explain",
        "overview",
        "briefly",
        # Joining words of a question's frame ("which chases led to learning", "pulled up because custody staff
        # weren't…"): rare enough in the cases to outweigh the topic in term coverage.
        "led",
        "went",
        "sent",
        "counting",
        "including",
        "excluding",
        "except",
        "rather",
        "lead",
        "leads",
        "because",
        "just",
        "involve",
        "involves",
        "involved",
        "involving",
        "ended",
        "dealing",
        "pulled",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Question:
    """A question as understood: its kind, intent, the filters it states, and its topic words."""

    text: str
    kind: str  # lookup | list | filter
    filters: Filters = field(default_factory=Filters)
    topic: list[str] = field(default_factory=list)
    intent: Intent = Intent.ANY


# "Met" alone where a force can stand ("met stop and search cases", "which met cases…", "any met recs"), not the
# verb ("officers met him", "the criteria were met").
_MET = re.compile(
    r"(?:^|\b(?:which|what|from|for|in|by|to|about|of)\s+)(met)\b"
    r"(?!\s+(?:him|her|them|us|me|with|up|the|a|an|his|their|its|our|my|your)\b)"
    r"|\b(?:any|all|other)\s+(met)(?=\s+(?:cases?|officers?|recs?|recommendations?|police|stop|custody|taser|"
    r"investigations?|ones?|responses?)\b)",
    re.IGNORECASE,
)


def named_forces(text: str) -> list[tuple[str, str]]:
    """(canonical name, as written) of every force or body a question names, in any case, by name,
    acronym, area ("in kent") or what trainers call it ("the met", "south yorks")."""
    out: dict[str, str] = {}
    for b in find_bodies(text):
        out.setdefault(b.name, b.as_written)
    for m in _COLLOQUIAL_RE.finditer(text):
        out.setdefault(_COLLOQUIAL[m.group(1).lower()], m.group(1))
    if met := _MET.search(text):
        out.setdefault("Metropolitan Police Service", met.group(1) or met.group(2))
    for m in re.finditer(
        r"(?:\bgreater\s+)?\b([A-Za-z]{6,})", text, re.IGNORECASE
    ):  # "cleaveland", "greater manchster"
        if (name := _area_misspelt(m.group(1).lower())) and name not in out:
            out[name] = m.group(0)
    # Areas match as written ("Kent") and, for questions typed in lower case, title-cased ("kent").
    for b in find_areas(text) + find_areas(_title_case_words(text)):
        out.setdefault(b.name, b.as_written)
    return [(name, written) for name, written in out.items() if canonical_name(name) or name]


@cache
def _area_words() -> dict[str, str]:
    """The one-word areas and names trainers call forces by, of six letters or more, and their forces."""
    words = {a.lower(): name for a, name in areas().items() if " " not in a and len(a) >= 6}
    words.update({k: name for k, name in _COLLOQUIAL.items() if " " not in k and len(k) >= 6})
    return words


def _area_misspelt(word: str) -> str | None:
    """The force an area written with a slip of the keys names: one letter off ("cleaveland" for Cleveland),
    two in a name of nine letters or more; the first letter right. None for the area itself or any other word."""
    known = _area_words()
    if word in known:
        return None
    for area, name in known.items():
        close = area[0] == word[0] and abs(len(area) - len(word)) <= 2
        if close and _edits(area, word, 2 if len(area) >= 9 else 1) is not None:
            return name
    return None


def _edits(a: str, b: str, limit: int) -> int | None:
    """The edit distance between a and b when it is at most `limit`, else None (rows stop past the limit)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return None
        previous = current
    return previous[-1] if previous[-1] <= limit else None


def _title_case_words(text: str) -> str:
    # Only lower-case words are raised, so an acronym or a capitalised name is left as it is; "of" and "and"
    # stay as areas write them ("city of london" is the City of London, not London's force).
    return re.sub(r"\b(?!(?:of|and)\b)[a-z][a-z-]+\b", lambda m: m.group(0).capitalize(), text)


def asking_part(text: str) -> str:
    """The sentences that ask (end in "?"), else the whole text: a status said in the story told before the
    question ("her job sat in a tray waiting to be handed out. What was the force told to fix?") is no filter."""
    asked = [s for s in _SENTENCE_BREAK.split(text) if s.rstrip().endswith("?")]
    return " ".join(asked) or text


# What a question leaves out ("…rather than to one force (not counting the College or the Home Office)"): a force
# named right after these words, or listed after one that is ("…the College or the Home Office"), is no filter.
# Right after, give or take a few joining words: in "Tasers rather than batons in Kent" Kent stays a filter.
_LEAVES_OUT = re.compile(
    r"\b(?:not counting|not including|except(?: for)?|excluding|other than|apart from|aside from|besides|"
    r"but not|leaving out|rather than)(?:\s+(?:what|those|ones|the|to|from|by|in|for|at|made|given|sent))*\s+$",
    re.IGNORECASE,
)
_LISTED_AFTER = re.compile(r"(?:,|\bor|\band|\bnor)(?:\s+the)?\s+$", re.IGNORECASE)


def _left_out(text: str, named: list[tuple[str, str]]) -> set[str]:
    """The forces among `named` (canonical name, as written) that `text` says to leave out."""
    at = sorted(
        (m.start(), m.end(), name)
        for name, written in named
        for m in re.finditer(r"(?<!\w)" + re.escape(written) + r"(?!\w)", text, re.IGNORECASE)
    )
    out: set[str] = set()
    previous_end, previous_out = 0, False
    for start, end, name in at:
        before = text[:start]
        if _LEAVES_OUT.search(before) or (previous_out and _LISTED_AFTER.search(text[previous_end:start])):
            out.add(name)
            previous_out = True
        else:
            previous_out = False
        previous_end = end
    return out


def stated_filters(text: str) -> Filters:
    """Force, year and status filters stated plainly in the question."""
    named = named_forces(text)
    left_out = _left_out(text, named)
    f = Filters(forces=[name for name, _ in named if name not in left_out])
    # A year told in the story before the question ("…at a criminal trial in 2019. What did the IOPC tell the
    # force?") dates the events, not the case (dated by its page: the recommendation came in 2021): no filter.
    asking = asking_part(text)
    m = _YEAR_RANGE.search(asking)
    if m:
        f.since, f.until = m.group(1), m.group(2)
    elif (m := _YEAR_SINCE.search(asking)) and (m.group(1).lower() != "from" or m.group(3)):
        f.since = m.group(2)
    elif m := _YEAR_IN.search(asking):
        f.since = f.until = m.group(1)
    if not f.until and (m := _YEAR_UNTIL.search(asking)):
        f.until = str(int(m.group(1)) - 1) if m.group(0).lower().startswith("before") else m.group(1)
    if _NATIONAL.search(text) and not _FORCES_OR_NATIONAL.search(text):
        f.national = True
    for pattern, status in _STATUS:
        # "…and whether each was accepted" asks for the status of each, not for the accepted ones only.
        if pattern.search(asking) and not re.search(r"\bwhether\b[^.?]*" + pattern.pattern, asking, re.IGNORECASE):
            f.statuses = [status]
            break
    return f


# Words that only frame a question about a scope ("what happened in cases involving Kent Police since
# 2019?"): with a scope and no other topic, it asks for the cases in it. Not generic words elsewhere: in
# "what happened when a man was restrained?" they lead to the story, and dropping "involved" from topics
# cost list recall.
_CHANGE = {"change", "changes", "changed", "changing"}
_SCOPE_FRAME = {
    *("happened", "happen", "happens", "happening", "occurred", "involving", "concerning", "regarding"),
    *_CHANGE,  # "anything the College of Policing was asked to change?"
    "many",  # "how many recommendations has Sussex had?"
}


def without_forces(text: str) -> str:
    """`text` without the forces it names, as it writes them ("have Sussex signed up to it yet?" -> "have
    signed up to it yet?")."""
    for _, written in named_forces(text):
        text = re.sub(r"\b" + re.escape(written) + r"\b", " ", text, flags=re.IGNORECASE)
    return text


def topic_words(text: str, filters: Filters | None = None) -> list[str]:
    """Content words of the question, other than the forces it names, its years and generic words."""
    stripped = without_forces(text)
    for name in filters.forces if filters else []:
        stripped = stripped.replace(name, " ")
    stripped = re.sub(r"\b(19|20)\d\d\b", " ", stripped)
    # Contractions ("weren't", "couldn't") are grammar, not topic.
    words = [re.sub(r"['’]s$", "", w) for w in _WORD.findall(stripped)]  # "the IOPC's" is the IOPC
    return [
        w
        for i, w in enumerate(words)
        if (w.lower().strip("'’") not in _GENERIC or _names_a_camera(words[i : i + 2]))
        and len(w) > 1
        and not re.search(r"n['’]t$", w.lower())
    ]


def _names_a_camera(words: list[str]) -> bool:
    """Whether the words are "body" and a camera ("body cams", "body worn cameras"): "body" is generic ("national
    bodies"), but there it names body-worn video, which the cases call that."""
    return len(words) == 2 and words[0].lower() == "body" and bool(_CAMERA.fullmatch(words[1]))


_CAMERA = re.compile(r"cams?|cameras?|worn", re.IGNORECASE)


def _without_filter_phrases(text: str) -> str:
    """The question without the phrases that state a status or national scope: "which recommendations did
    forces turn down?" has a filter, not the topic "turn down". Only where stated_filters reads them: in the
    story told before the question they are topic."""
    parts = _SENTENCE_BREAK.split(text)
    asks = any(p.rstrip().endswith("?") for p in parts)
    out = []
    for part in parts:
        if part.rstrip().endswith("?") or not asks:
            for pattern in [p for p, _ in _STATUS] + [_NATIONAL]:
                part = pattern.sub(" ", part)
        out.append(part)
    return " ".join(out)


# What a body was told to do, to the end of its clause: the recommendation's content, so a response word in it
# ("told to update their policy", "an agreement on how they respond together") asks nothing about a response.
_TOLD_TO = re.compile(
    r"\b(?:told|asked|advised|recommended|(?:tell|told|ask|asked|want|wanted)(?: [\w'’]+){1,4}?) to\b.*?"
    r"(?=[?.;]|,? and (?:did|do|does|have|has|had|was|were|what|how|which|if|whether)\b|$)",
    re.IGNORECASE,
)


def intent_of(text: str) -> Intent:
    """Which part of a case the question asks about (the response wins over the recommendation:
    "which forces changed what they were told to" asks what they did)."""
    if _RESPONSE.search(_TOLD_TO.sub(" ", text)) or _a_force_said(text):
        return Intent.RESPONSE
    if _RECOMMENDED.search(text):
        return Intent.RECOMMENDED
    if _HAPPENED.search(text):
        return Intent.HAPPENED
    return Intent.ANY


# "What did BTP say?", "what did the force say back?": how a force answered, not what anyone in the story said.
_SAID = re.compile(r"\bwhat did ([\w'’ -]{1,40}?) (?:say|reply|come back with)\b", re.IGNORECASE)


def _a_force_said(text: str) -> bool:
    said = _SAID.search(text)
    return bool(said and (said.group(1).lower() in ("the force", "the forces") or named_forces(said.group(1))))


# "any other cases about drones?": the word asking for more is no part of the topic, yet MiniLM matched it to
# "other similar incidents" in a case and answered confidently what the plain question refuses.
_ASKS_FOR_MORE = re.compile(
    r"\b(any|anything|are there|were there|is there|has there been|have there been|got)(\s+(?:any\s+)?)"
    r"(?:other|others|more|similar|further)\b",
    re.IGNORECASE,
)


def search_text(text: str) -> str:
    """The question as it is searched and weighed: without the word that asks for more of something."""
    return _ASKS_FOR_MORE.sub(lambda m: m.group(1) + m.group(2).rstrip(), text)


# A list of forces, bodies or recommendations ("which forces were told…", "what recommendations…", "who got
# told…"), as against a list of cases or incidents ("which police chases led to learning?").
_LISTS_WHO_OR_WHAT_WAS_TOLD = re.compile(
    r"\b(?:which|what|list|name|any|all)\s+(?:(?:other|police|national|of\s+the)\s+)?"
    r"(?:forces?|bodies|organisations|recommendations?)\b|^\s*who\b",
    re.IGNORECASE,
)


def lists_cases(text: str) -> bool:
    """Whether a list question asks for cases or incidents rather than forces, bodies or recommendations."""
    return not _LISTS_WHO_OR_WHAT_WAS_TOLD.search(text)


def row_topic(q: Question) -> list[str]:
    """The topic words a list's rows are weighed by: asked what forces changed, not "changed", which every
    response says (the relevance judge still weighs them: it was fitted with them)."""
    return [w for w in q.topic if w.lower() not in _CHANGE] if q.intent is Intent.RESPONSE else q.topic


def asks_for_scope(filters: Filters, topic: list[str]) -> bool:
    """Whether a question with these filters and topic words asks for every case in its scope (a table)."""
    return filters.has_scope() and all(w.lower() in _SCOPE_FRAME for w in topic)


def read_question(text: str, explicit: Filters | None = None) -> Question:
    """Kind, intent, filters (explicit ones win over stated ones) and topic of a question."""
    stated = stated_filters(text)
    filters = stated.merged(explicit.canonical()) if explicit else stated
    topic = topic_words(_without_filter_phrases(text), stated)
    intent = intent_of(text)
    if asks_for_scope(filters, topic):
        kind = "filter"
    elif (
        _LIST_START.search(text)
        or _LIST_OF_FORCES.search(text)
        or _LIST_CLAUSE.search(asking_part(text))
        or _CASES_ASKED.search(asking_part(text))
    ):
        kind = "list"
    else:
        kind = "lookup"
    return Question(text=text, kind=kind, filters=filters, topic=topic, intent=intent)
