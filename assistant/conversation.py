"""Follow-ups, read structurally against the previous answer.

- "what did they do about it?", "was that accepted?": the responses and statuses of the cases just cited;
- "and in Kent?", "same for 2021?": the previous topic in a new scope (filters);
- "tell me more about the second one", "the Sussex one": that case;
- "just the ones from 2021": those of the cases just cited in that scope; "any others like that?": the same
  topic, other cases;
- after an answer that found nothing, a message that leans on it has nothing to follow up; a message that
  stands on its own is answered on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.question import (
    Intent,
    Question,
    asks_for_scope,
    named_forces,
    read_question,
    stated_filters,
    topic_words,
    without_forces,
)
from assistant.types import Answer, Citation, Filters
from ingest.bodies import is_national
from ingest.sentences import weighed_sentences

# How a message that carries on the conversation may open ("and how many is that?", "so which were in Kent?").
_OPENING = r"^\s*(?:and |so |ok |okay )?"
_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|also|what about|how about|same (?:[\w'’-]+ )?(?:for|in)|and what about|then|so|"
    r"which (?:were|was|ones|of (?:them|those|these)))\b",
    re.IGNORECASE,
)
# "which were about custody?", "any of those about strip searches?": the cases just given that are about a topic.
_PICKS_BY_TOPIC = re.compile(
    _OPENING + r"(?:which|any) (?:were|was|are|is|ones?|of (?:them|those|these|the above))\b",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(
    r"\b(they|them|their|it|its|this|that|these|those|the same|that case|"
    r"those cases|the force|the forces|he|she|him|her|one|ones|similar|any ?one|any ?body|the officers?)\b",
    re.IGNORECASE,
)
_RESPONSES = re.compile(
    r"\b(do about|did (they|the force|the forces|it) do|respon[ds]|response|reply|replied|"
    r"accepted|accept|agree|agreed|status|action|acted|act on|change[sd]?|happen(ed)? next|outcome|"
    r"react(ed|ion)?|t(ake|ook) (it|that|this)|go(ne)? along|went along|compl(y|ied)|as a result|"
    r"follow(ed)? (it|that|this|them|those|these|the advice|the recommendations?|the learning|through)|"
    r"implement(ed)?|into (practice|place|effect)|on board|carr(y|ied) (it|that|this|them) out|adopt(ed)?|"
    r"sa(y|id) (yes|no|back)|outstanding|pending|sign(ed)? (up|off)|(got|get|come|came) back)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "Who was that sent to?", "which forces did it go to?", "who got the recs?": who the recommendations of the cases
# just given went to. Not "who else got it?" (more cases), nor "who made the decision to…?" (the story).
_SENT_TO = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:who|which\s+(?:forces?|bodies|body|organisations?)|what\s+(?:forces?|bodies|body))\b"
    r"(?![^?]*\b(?:else|other|others)\b)(?:"
    r"[^?]{0,40}?\b(?:sent|addressed|aimed|directed|made|given|issued|go|goes|went|for)(?:\s+(?:to|at|for))?"
    r"|\s+(?:got|get|received|receive|was\s+given|were\s+given)\s+(?:it|that|this|them|those|these|"
    r"(?:the|that|this|those|these)\s+(?:recs?|recommendations?|learning))"
    r")\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# The words of "who was it sent to?" itself: any other ("who was the medication given to?") is a question of its own.
_SENT_WORDS = {"aimed", "directed", "go", "goes", "went", "got", "get", "received", "receive", "issued", "recs", "rec"}
# "What did Sussex do?": what a force named did is its response, as "what did they do?" is.
_FORCE_DID = re.compile(r"\bdid (?:[\w'’-]+ ){1,4}(?:do|say)\b", re.IGNORECASE)
# A question about one thing ("who was the officer?"), not for cases ("any cases about the Taser?") nor a new
# subject ("what about the Taser?").
_ASKS_ABOUT_ONE = re.compile(r"^\s*(who|what|how|why|where|when|did|was|were|is|has|had|does)\b(?!\s+about)", re.I)
# "How many is that?", "how many recommendations was that in total?": a count of what the last answer gave.
_HOW_MANY = re.compile(
    _OPENING + r"how many(?: (?:cases|recommendations|recs|forces|bodies|of them|of those))?"
    r"(?: (?:is|was|are|were) (?:that|those|these|there|they|it))?(?: (?:altogether|in total|in all|then))?"
    r"\s*\??\s*$",
    re.IGNORECASE,
)
# "Which force was that?", "what force was the original incident in?": whose cases the last answer gave.
_WHICH_FORCE = re.compile(
    _OPENING + r"(?:which|what) (?:police )?(?:force|forces) (?:was|were|is|are) (?:that|it|this|they|"
    r"those|these|the (?:original )?(?:incident|case|job)s?)(?: in| from| with)?\s*\??\s*$",
    re.IGNORECASE,
)
# "the national recommendation", "from that": of the cases just given.
_OF_THOSE_GIVEN = re.compile(
    r"\bthe national (?:recommendation|rec)s?\b|\b(?:from|in|of|for) (?:that|it|this|those|these|them)\b", re.IGNORECASE
)
_SELECTS = re.compile(
    r"^\s*(and\s+|so\s+|ok\s+|okay\s+)?(which|what|list|show|just|only|the ones|those|(give|show) me)\b", re.IGNORECASE
)
_ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    **{w: n for n, w in enumerate(["sixth", "seventh", "eighth", "ninth", "tenth"], 5)},  # a list gives up to 15
    **{f"{n + 1}th": n for n in range(5, 15)},
    "last": -1,
}
# An ordinal that names a place in the answer for certain ("the fifth one", "and the fifth?"), not "a third party".
_PLACE = re.compile(r"\b(" + "|".join(_ORDINALS) + r")(?:\s+(?:one|case|item|force)\b|\s*(?:[?.!,]|$))", re.IGNORECASE)
# A pointer at what was asked before ("did they change anything after that?", "any of those cases in Kent?").
_POINTS_BACK = re.compile(
    r"\b(?:after|about|since|from|for|on|over|with) (?:that|this|it|those|these|them)\b|"
    r"\b(?:those|these|that|such) (?:cases?|incidents?|ones?|things?)\b",
    re.IGNORECASE,
)
# Years relative to the previous answer's ("anything similar a few years earlier?"); "after that" and "since
# then" are left alone: they usually mean after the incident, not a later year.
_EARLIER = re.compile(r"\b(earlier|older|before (?:that|then))\b", re.IGNORECASE)
_LATER = re.compile(r"\b(later|more recent(?:ly)?|newer)\b", re.IGNORECASE)
# "case 2", "number 3": the n-th case of the previous answer.
_NUMBERED = re.compile(r"\b(?:case|number|no\.?|item|#)\s*(\d{1,2})\b", re.IGNORECASE)
_ITEM = re.compile(r"\b(the|that)\s+(?:[\w'’-]+\s+){0,3}(one|case)\b|\bmore (about|on|detail)\b", re.IGNORECASE)
_ABOUT_ONE_GIVEN = re.compile(
    r"\b(?:tell me (?:more )?about|more (?:on|about)|what about|what happened (?:in|with)) the "
    r"(?:[\w'’-]+\s+){0,3}(?:one|case)\b",
    re.IGNORECASE,
)
_TO_EVERY_FORCE = re.compile(
    r"\b(national|nationally|every force|all (?:the )?forces|each force|(?:across|around) the country|countrywide)\b",
    re.IGNORECASE,
)
# "just the ones from 2021", "which of those were in Kent?": a scope that picks among the cases just given.
_NARROWS = re.compile(
    r"\b(?:which|any|how many|all) of (?:those|these|them|the above)\b|\b(?:just|only) (?:the )?(?:ones?|those|these|"
    r"cases?)\b|\bthe ones\b",
    re.IGNORECASE,
)
# "any others like that?", "anything else?", "more like this": the same topic, other cases than those given.
_MORE = re.compile(
    r"\b(?:any|anything|are there|were there|is there|got|have you got)\b[^?]*\b(?:others?|more|else|similar)\b|"
    r"\b(?:others?|more|similar)\s+(?:like (?:that|this|it|those|these)|cases?|ones?)\b|"
    r"^\s*(?:others?|more|similar ones?)\s*\??\s*$",
    re.IGNORECASE,
)
# "Who else got the same rec?", "did any other forces get that?": the same topic for other bodies than those given.
_ELSEWHERE = re.compile(
    r"\b(?:who\s+else|any\s*(?:one|body)\s+else|(?:any|which|what)\s+other\s+(?:forces?|bodies|organisations?)|"
    r"other\s+forces)\b(?!\s+(?:was|were|is)\s+(?:there|involved|present|at|in|with)\b)"
    r"|^\s*(?:and\s+|so\s+|ok\s+|okay\s+)?(?:(?:what|how)\s+about\s+|any\s+|anything\s+)?(?:anywhere|elsewhere)\b"
    r"|\b(?:anywhere|elsewhere)(?:\s+else)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_SAME = re.compile(
    r"\bsame\s+(?:recs?|recommendations?|advice|learning)\b|\b(?:that|this|the)\s+(?:recs?|recommendations?)\b",
    re.IGNORECASE,
)
# "Any where the detainee self-harmed?" after the table of a force's cases: a topic asked within that scope.
_WITHIN = re.compile(
    r"^\s*(?:and\s+|so\s+|ok\s+|okay\s+)?(?:are there\s+|were there\s+)?"
    r"(?:any|anything|(?:just|only) (?:the ones|those)|the ones)\s+(?:where|about|involving|with|that|which|on|when)\b",
    re.IGNORECASE,
)
# Words of a follow-up that refer back rather than name a topic.
_REFERRING = set(
    [
        "ok",
        "okay",
        "anywhere",
        "elsewhere",
        "else",
        "more",
        "tell",
        "detail",
        "details",
        "about",
        "happened",
        "happen",
        "one",
        "ones",
        "case",
        "cases",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "last",
        "1st",
        "2nd",
        "3rd",
        "4th",
        "5th",
        "other",
        "others",
        "similar",
        "like",
        "anything",
        "any",
        "ones",
        "only",
        "above",
        "many",
        "all",
        "else",
        "again",
        "same",
        "too",
        "also",
        "then",
        "so",
        "what",
        "how",
        "did",
        "do",
        "does",
        "done",
        "action",
        "actions",
        "about",
        "respond",
        "responded",
        "response",
        "responses",
        "reply",
        "replied",
        "accepted",
        "accept",
        "agree",
        "agreed",
        "status",
        "outcome",
        "change",
        "changed",
        "changes",
        "next",
        "it",
        "that",
        "this",
        "they",
        "them",
        "those",
        "these",
        "there",
        "actually",
        "really",
        "finally",
        "eventually",
        "ever",
        "just",
        "now",
        "yet",
        "still",
        "go",
        "goes",
        "going",
        "went",
        "along",
        "with",
        "get",
        "got",
        "anything",
        "something",
        "thing",
        "theirs",
        "his",
        "hers",
        "signed",
        "sign",
        "up",
        "out",
        "well",
        "sent",
        "things",
        "put",
        "place",
        "places",
        "forward",
        "back",
        "idea",
        "ideas",
        "take",
        "took",
        "taken",
        "react",
        "reacted",
        "reaction",
        "act",
        "comply",
        "complied",
        "result",
        "acted",
        "acting",
        "follow",
        "followed",
        "advice",
        "implement",
        "implemented",
        "practice",
        "board",
        "question",
        "expand",
        "elaborate",
        "explain",
        "say",
        "said",
        "yes",
        "outstanding",
        "pending",
        "number",
        "please",
        "similar",
        "like",
        "likewise",
        "others",
        "anyone",
        "anybody",
        "someone",
        "everyone",
        "involved",
        "few",
        "earlier",
        "later",
        "older",
        "newer",
        "recent",
        "recently",
    ]
)
# Words of its own a message with a back-reference needs to be read on its own: "their" in "Which forces
# were told to rewrite their domestic abuse policy?" refers inside the message, "it" in "What happened to
# the officer who fired it?" to the previous turn.
_OWN_TOPIC = 3
NOTHING_EARLIER = (
    "There is nothing earlier to follow up: the last question found no case that answers it. "
    "Ask about a case or a topic directly."
)


_AGAIN = "Here it is again:"


def past_the_end(follow: FollowUp, shown: str) -> str:
    """The text when a message points at a case past the last one given ("the fifth one" of four): said, then the
    answer `shown` again (without what an earlier such reply said before it)."""
    n = len(follow.cases)
    said = f"The last answer gave {n} case{'s' if n != 1 else ''}, so there is no {follow.query} one. {_AGAIN}"
    answer = shown.split(_AGAIN + "\n\n", 1)[-1]
    return f"{said}\n\n{answer}"


@dataclass(frozen=True)
class Earlier:
    """The answer a new scope follows: its question as answered, its query, and the cases it gave as the answer
    (none when it abstained: the cases it showed were only the nearest)."""

    question: Question
    query: str
    answered_by: tuple[str, ...] = ()


@dataclass
class FollowUp:
    """How a message is to be answered.

    kind: "fresh" (on its own), "scope" (the previous topic, new filters), "narrow" (the previous topic, among
    `cases` within new filters), "more" (the previous topic, other cases than `cases`), "responses" (of
    `cases`), "sent to" (who the recommendations of `cases` went to), "same" (other cases given the recommendation
    `cases` were), "item" (one of `cases`), "past the end" (a place past the last of `cases`, named in `query`), or
    "nothing" (it leans on an answer that found nothing)."""

    kind: str
    question: Question
    query: str
    cases: list[str] = field(default_factory=list)
    before: Earlier | None = None  # for "scope", "narrow" and "more": the answer it follows


def is_follow_up(message: str) -> bool:
    """True for a short message that leans on the previous turn."""
    words = message.split()
    short = len(words) <= 12
    # A short message with no topic of its own ("How did the Met respond to the recommendation?") leans on
    # the previous turn as much as one with a pronoun does.
    refers_back = bool(_BACK_REFERENCE.search(message))
    return (
        bool(_FOLLOW_UP_START.search(message))
        or (short and (refers_back or not _stands_alone(message) or _names_one_earlier(message)))
        # However long: "have Sussex got back to them on that yet, or is it still outstanding?" names nothing
        # but what it points at.
        or (refers_back and not _stands_alone(message))
        # However long, a message about one of the cases just given ("tell me more about the one that went out
        # to every force") points at it.
        or bool(_ABOUT_ONE_GIVEN.search(message))
        or bool(_WHICH_FORCE.match(message))
    )


def _rescoped(explicit: Filters, before: Filters) -> bool:
    """Whether the filters chosen now restrict what the previous answer's did not (a force, theme, date or
    status it was not limited to)."""
    dates = bool(explicit.since or explicit.until) and (explicit.since, explicit.until) != (before.since, before.until)
    return (
        dates
        or any(f not in before.forces for f in explicit.forces)
        or any(t not in before.themes for t in explicit.themes)
        or any(s not in before.statuses for s in explicit.statuses)
    )


def _stands_alone(message: str) -> bool:
    """Whether the message names a topic of its own (beyond words that refer back)."""
    return any(w.lower() not in _REFERRING for w in topic_words(message))


def _own_words(message: str) -> list[str]:
    """The message's topic words other than those that refer back."""
    return [w for w in topic_words(message) if w.lower() not in _REFERRING]


def _leans_back(message: str) -> bool:
    """Whether the message refers back ("the officer who fired it", "was that recommendation accepted?")
    with too few words of its own to be a question by itself."""
    own = _own_words(message)
    return (bool(_BACK_REFERENCE.search(message)) and len(own) < _OWN_TOPIC) or _names_one_earlier(message)


def _names_one_earlier(message: str) -> bool:
    """Whether the message's one word of its own is something named before ("who was the officer?", "what
    happened to the man?"): "the" points back at it, and nothing else says what is asked about."""
    own = _own_words(message)
    return (
        len(own) == 1
        and bool(_ASKS_ABOUT_ONE.search(message))
        and bool(re.search(r"\bthe\s+" + re.escape(own[0]) + r"\b", message, re.IGNORECASE))
    )


def _cited_cases(answer: Answer) -> list[str]:
    return list(dict.fromkeys(c.case_id for c in answer.citations))


def resolve(message: str, history: list[Answer], explicit: Filters | None = None) -> FollowUp:
    """Read `message` on its own or, when it is a follow-up, against the last answer in `history`."""
    previous = history[-1] if history else None
    if previous is None or not is_follow_up(message):
        return FollowUp("fresh", _within(message, previous, read_question(message, explicit)), message)
    new = _relative_years(message, stated_filters(message), previous.filters)
    if (back := _back_to(message, history, new.forces)) is not None:
        return resolve(message, history[: back + 1], explicit)
    if explicit:
        new = new.merged(explicit.canonical())
        if _rescoped(explicit.canonical(), previous.filters):
            # A scope chosen in the filters since the last answer (the same question asked again of Kent):
            # the message in that scope, not a question about the cases just cited.
            if _stands_alone(message):
                return FollowUp("fresh", read_question(message, explicit), message)
            if previous.citations:
                return _scope(message, previous, new)
    same_force = new.forces and set(new.forces) <= set(previous.filters.forces)
    if same_force and not previous.abstained and not _rescoped(new, previous.filters):
        # "Have Sussex signed up to it yet?" after an answer about Sussex: the force already asked of, no new scope.
        new = replace(new, forces=[])
    cases = _cited_cases(previous)
    if previous.abstained and cases and (picked := _item(message, previous, cases, picked_only=True)):
        # Nearest cases were shown (not claimed as answers), and the message picks one of them by its place or
        # force: a question about that case. "What did they do about it?" still finds nothing to follow up.
        return _about(message, previous, picked)
    if (
        previous.abstained
        and previous.filters.has_scope()
        and _ELSEWHERE.search(message)
        and not _stands_alone(message)
    ):
        # "anywhere else?" after a scope that held nothing on the topic ("and in Kent?"): the topic beyond it, judged
        # as any question is.
        return _elsewhere(message, previous, [])
    if previous.abstained or not cases:
        if _stands_alone(message) and not _leans_back(message):
            if previous.abstained and _POINTS_BACK.search(message):
                # A topic of its own about the one that found nothing ("what about the Met: did they change
                # anything for mounted officers after that?"): judged with it, not as if asked alone.
                both = f"{previous.query or previous.question} {message}"
                q = read_question(both, explicit)
                q.text = message
                return FollowUp("fresh", q, both)
            return FollowUp("fresh", read_question(message, explicit), message)
        if new.has_scope() and previous.citations:
            return _scope(message, previous, new)
        if previous.abstained and len(history) > 1 and not history[-2].abstained and _cited_cases(history[-2]):
            # "Which force was that?" after "who else got it?" found no one else: the answer before it.
            return resolve(message, history[:-1], explicit)
        return FollowUp("nothing", read_question(message, explicit), message)
    if _PICKS_BY_TOPIC.match(message) and not new.has_scope() and _stands_alone(message):
        # Judged among the cases just given (with the filters they were chosen by): those about the topic.
        q = read_question(message, explicit)
        q.filters = replace(previous.filters, other_than=[]).merged(Filters(case_ids=cases))
        q.kind = "list"
        return FollowUp("within", q, message, cases)
    if _HOW_MANY.match(message):
        return FollowUp("count", read_question(message, explicit), message, cases)
    if _WHICH_FORCE.match(message):
        return FollowUp("which force", read_question(message, explicit), message, cases)
    asks_responses = bool(_RESPONSES.search(message) or (new.forces and _FORCE_DID.search(message)))
    if _ELSEWHERE.search(message) and not asks_responses:
        # "any other forces told the same about chronic conditions?": its own words say the topic.
        return _elsewhere(message, previous, cases, own=_stands_alone(message))
    item = _item(message, previous, cases)
    # A table's rows are recommendations, not cases: "the sixth one" of a table of six from five cases is no
    # place past its end.
    if item is None and previous.kind != "filter" and (place := _place_past(message, cases)):
        return FollowUp("past the end", read_question(message, explicit), place, cases)
    if _SENT_TO.search(message) and not set(w.lower() for w in _own_words(message)) - _SENT_WORDS:
        return _sent_to(message, previous, [item] if item else cases)
    if item is not None:
        return _about(message, previous, item)
    national = [cid for cid in cases if any(is_national(b) for b in _bodies_of(previous, cid))]
    if new.national and national and not (new.forces or new.since or new.until) and _OF_THOSE_GIVEN.search(message):
        # "What did the national recommendation say?" of the cases just given: theirs, not every national
        # recommendation on the topic.
        if len(national) == 1:
            return _about(message, previous, national[0])
        return _again(message, previous, Filters(case_ids=national), new, "narrow", cases)
    if _TO_EVERY_FORCE.search(message) and not _stands_alone(_TO_EVERY_FORCE.sub(" ", message)):
        # "Did the same go out to all forces?" of an answer with no national case: the topic, nationally.
        return _scope(message, previous, replace(new, forces=[], national=True))
    if new.has_scope() and not asks_responses and _NARROWS.search(message):
        return _again(message, previous, Filters(case_ids=cases), new, "narrow", cases)
    if new.has_scope() and not asks_responses:
        return _scope(message, previous, new)
    if _MORE.search(message) and not _stands_alone(message) and not asks_responses:
        shown = list(dict.fromkeys([*previous.filters.other_than, *cases]))  # "any more?" asked again
        follow = _again(message, previous, Filters(other_than=shown), new, "more", cases)
        if follow.question.kind == "filter" and previous.filters.case_ids and previous.citations:
            return _like(message, previous, shown)
        return follow
    if asks_responses and not _stands_alone(without_forces(message)):  # "have Sussex signed up to it yet?"
        # A force it names ("did the Home Office accept it?") is a filter on those cases, and so is a status it
        # selects by ("which of those were accepted?"); a status asked about ("have they agreed to it yet?") is not.
        statuses = new.statuses if _SELECTS.search(message) else []
        q = Question(
            text=message,
            kind="list",
            # The cases keep the force they were chosen by ("merseyside cases" -> "just the accepted ones" -> "any
            # from 2020?" is still Merseyside's).
            filters=Filters(case_ids=cases, forces=new.forces or previous.filters.forces, statuses=statuses),
            intent=Intent.RESPONSE,
            topic=topic_words(previous.query or previous.question),
        )
        return FollowUp("responses", q, f"{previous.query or previous.question} {message}", cases)
    if _stands_alone(message) and not _leans_back(message):
        return FollowUp("fresh", _within(message, previous, read_question(message, explicit)), message)
    # Some other question about the same cases ("why?", "who was involved?", "what happened to the officer who
    # fired it?").
    q = Question(
        text=message,
        kind="lookup",
        filters=previous.filters.merged(Filters(case_ids=cases)),
        intent=read_question(message).intent,
        topic=topic_words(previous.query or previous.question),
    )
    # Searched by what the message asks when it says ("did anyone get disciplined?" quotes the finding, not the
    # story again); by the earlier question too when it says nothing of its own ("why?").
    query = message if _own_words(message) else f"{message} {previous.query or previous.question}"
    return FollowUp("item", q, query, cases)


def _back_to(message: str, history: list[Answer], forces: list[str]) -> int | None:
    """Where in `history` a message about a force's case is read ("what did Humberside do?", "was Hampshire's one
    accepted?") when the last answer cites no case of it: the latest earlier answer that does. None otherwise,
    and for a new scope ("and in Kent?"), which asks the last topic of another force."""
    if not forces or not (_RESPONSES.search(message) or _FORCE_DID.search(message) or _ITEM.search(message)):
        return None
    wanted = set(forces)

    def cites(answer: Answer) -> bool:
        return not answer.abstained and any(wanted & _bodies_of(answer, cid) for cid in _cited_cases(answer))

    if cites(history[-1]):
        return None
    return next((n for n in range(len(history) - 2, -1, -1) if cites(history[n])), None)


def _again(message: str, previous: Answer, cases: Filters, new: Filters, kind: str, cited: list[str]) -> FollowUp:
    """The previous question asked again within its own filters, the scope the message states, and `cases`
    (the cases just given, to narrow them; or all but them, for more of the same)."""
    q = read_question(previous.query or previous.question)
    # Not the cases the previous answer was itself limited to ("which of those…"): `cases` says which now.
    q.filters = replace(previous.filters, case_ids=[]).merged(new).merged(cases)
    q.text = message
    return FollowUp(kind, q, previous.query or previous.question, cited, before=_earlier(previous))


def _scope(message: str, previous: Answer, new: Filters) -> FollowUp:
    """The previous topic, asked again within the scope the message states."""
    # The previous question with the scope the message replaces: "cases from West Yorkshire where the man was
    # found dead" asked of South Yorkshire must not still search for, and be weighed against, West Yorkshire;
    # "What has Kent been told?" asked of Humberside keeps a subject.
    base = _in_new_scope(previous.query or previous.question, new)
    filters = Filters(
        forces=new.forces or [],
        since=new.since,
        until=new.until,
        statuses=new.statuses or previous.filters.statuses,
        themes=new.themes or previous.filters.themes,
        national=new.national,
    )
    if not (new.since or new.until):
        filters.since, filters.until = previous.filters.since, previous.filters.until
    # A new scope replaces only what it states: "same for 2021?" after a Sussex question is Sussex in 2021.
    if not new.forces and not new.national:
        filters.forces = previous.filters.forces
    q = read_question(base)
    q.filters = filters
    q.text = message
    # The part of a case the message asks for, if it says ("and what did North Yorkshire do about it?").
    if (asked := read_question(message).intent) is not Intent.ANY:
        q.intent = asked
    if q.kind == "filter" and not asks_for_scope(filters, q.topic):
        q.kind = "list"
    return FollowUp("scope", q, base, before=_earlier(previous))


def _earlier(previous: Answer) -> Earlier:
    """The answer a follow-up in a new scope is weighed against."""
    earlier = read_question(previous.query or previous.question)
    earlier.filters = previous.filters
    answered_by = () if previous.abstained else tuple(_cited_cases(previous))
    return Earlier(earlier, previous.query or previous.question, answered_by)


def _relative_years(message: str, new: Filters, before: Filters) -> Filters:
    """`new` with the years a message states relative to the previous answer's: "earlier" ends the year before
    its first year, "later" starts the year after its last."""
    if new.since or new.until or not (before.since or before.until):
        return new
    if _EARLIER.search(message):
        new.until = str(int(before.since or before.until or 0) - 1)
    elif _LATER.search(message):
        new.since = str(int(before.until or before.since or 0) + 1)
    return new


def _within(message: str, previous: Answer | None, q: Question) -> Question:
    """`q`, asked within the scope of the cases just given when it states none and asks for cases ("any where the
    detainee self-harmed?" after "hampshire custody cases"): the Hampshire cases about that."""
    if (
        previous is None
        or previous.abstained
        or previous.kind not in ("filter", "list")
        or not previous.filters.has_scope()
        or q.filters.has_scope()
        or not _WITHIN.search(message)
    ):
        return q
    q.filters = replace(previous.filters, case_ids=[], other_than=[]).merged(q.filters)
    q.kind = "list" if q.kind == "lookup" else q.kind
    return q


def _like(message: str, previous: Answer, shown: list[str]) -> FollowUp:
    """More cases like the one just opened ("any others like that?" after "the 2021 one" of a force's table, whose
    words ask for no topic): searched by the first passage that answer quoted, among the cases not given yet."""
    query = previous.citations[0].quote
    q = read_question(query)
    q.kind, q.text = "lookup", message
    q.filters = Filters(other_than=shown)
    return FollowUp("more", q, query, shown, before=_earlier(previous))


def _elsewhere(message: str, previous: Answer, cases: list[str], own: bool = False) -> FollowUp:
    """The previous topic (or, `own`, the message's) for other forces and bodies than it named ("any others
    elsewhere?" after Kent's): searched without the forces it named, among the cases not given yet. Asked who
    else got the same recommendation, searched by the words of the first recommendation given ("same")."""
    shown = list(dict.fromkeys([*previous.filters.other_than, *cases]))
    recommendation = next((c for c in previous.citations if c.section.startswith("recommendation")), None)
    same = recommendation is not None and bool(_SAME.search(message)) and not own
    if recommendation is not None and same:
        said = _recommending(recommendation)
    else:
        said = message if own else previous.query or previous.question
    # "any recs about spit hoods in kent?" is searched as "any recs about spit hoods?"
    rest = re.sub(r"\b(?:in|from|for|by|to|at|of)\s*(?=[?.!]*\s*$)", "", without_forces(said))
    query = re.sub(r"\s+([?.!])", r"\1", " ".join(rest.split()))
    q = read_question(query)
    q.filters = replace(previous.filters, case_ids=[], forces=[], other_than=shown)
    q.text = message
    return FollowUp("same" if same else "more", q, query, cases, before=_earlier(previous))


def _recommending(c: Citation) -> str:
    """The sentence of a recommendation's passage that says what it recommends, else its quote."""
    return next((t for t in weighed_sentences(c.passage) if "recommend" in t.lower()), c.quote)


def _sent_to(message: str, previous: Answer, cases: list[str]) -> FollowUp:
    """Who the recommendations of `cases` went to: every one of them, as a table whose first line says."""
    q = Question(text=message, kind="filter", filters=Filters(case_ids=cases), intent=Intent.SENT_TO)
    return FollowUp("sent to", q, previous.query or previous.question, cases)


def _about(message: str, previous: Answer, case_id: str) -> FollowUp:
    """One case of the previous answer, the previous topic's passages first: the part of it the message asks
    for ("the Kent one: what did Kent change?" its response), else what happened."""
    asked = read_question(message).intent
    q = Question(
        text=message,
        kind="lookup",
        filters=Filters(case_ids=[case_id]),
        intent=Intent.HAPPENED if asked is Intent.ANY else asked,
        topic=topic_words(previous.query or previous.question),
    )
    return FollowUp("item", q, f"{message} {previous.query or previous.question}", [case_id])


def _item(message: str, previous: Answer, cases: list[str], picked_only: bool = False) -> str | None:
    """The case of the previous answer a message points at ("the second one", "the Sussex one"), if any;
    with `picked_only`, only by its place or force (not "that case" when there was one)."""
    if m := _PLACE.search(message):
        n = _ORDINALS[m.group(1).lower()]
        return cases[n] if -len(cases) <= n < len(cases) else None
    if m := _NUMBERED.search(message):
        n = int(m.group(1)) - 1
        return cases[n] if 0 <= n < len(cases) else None
    if _ITEM.search(message):
        if _TO_EVERY_FORCE.search(message):
            # "the one that went out to every force": the case whose recommendation went to a national body.
            return next((cid for cid in cases if any(is_national(b) for b in _bodies_of(previous, cid))), None)
        named = {name for name, _ in named_forces(message)}
        if named:
            theirs = [cid for cid in cases if named & _bodies_of(previous, cid)]
            return _best_described(message, previous, theirs) if theirs else None
        if years := set(_YEAR.findall(message)):  # "the 2020 one"
            return next((cid for cid in cases if years & _years_of(previous, cid)), None)
        if len(cases) == 1 and not picked_only:
            return cases[0]
    return None


def _place_past(message: str, cases: list[str]) -> str | None:
    """The place a message points at ("the fifth one") when it is past the last of `cases`, else None."""
    if (m := _PLACE.search(message)) and _ORDINALS[m.group(1).lower()] >= len(cases):
        return m.group(1).lower()
    return None


def _best_described(message: str, answer: Answer, case_ids: list[str]) -> str:
    """Of `case_ids`, the one whose title and quotes in `answer` share most of the message's own words ("the Kent
    one about domestic abuse" of two Kent cases); the first on a tie."""
    own = {w.lower() for w in _own_words(without_forces(message))}

    def shared(cid: str) -> int:
        text = " ".join(f"{c.title} {c.quote}" for c in answer.citations if c.case_id == cid).lower()
        return len(own & set(re.findall(r"[\w'’-]+", text)))

    return max(case_ids, key=shared)  # max keeps the first of equals


def _years_of(answer: Answer, case_id: str) -> set[str]:
    """The years a case of `answer` is dated by or its title names ("July 2015 and March 2016")."""
    cites = [c for c in answer.citations if c.case_id == case_id]
    return {c.date[:4] for c in cites if c.date} | {y for c in cites for y in _YEAR.findall(c.title)}


def _bodies_of(answer: Answer, case_id: str) -> set[str]:
    """The forces and addressees of a case's citations in `answer`."""
    return {b for c in answer.citations if c.case_id == case_id for b in (c.force, c.addressed_to) if b}


def _in_new_scope(text: str, new: Filters) -> str:
    """`text` asked of the new scope: the forces (or years) it names replaced by those `new` states."""
    if new.forces or new.national:
        named = [written for _, written in named_forces(text)]
        for n, written in enumerate(named):
            instead = (" and ".join(new.forces) or "all forces") if n == 0 else " "
            text = re.sub(r"\b" + re.escape(written) + r"\b", instead, text, count=1, flags=re.IGNORECASE)
    if new.since or new.until:
        when = new.since if new.since == new.until or not new.until else f"{new.since or ''} to {new.until}"
        years = list(_YEAR.finditer(text))
        for n, m in reversed(list(enumerate(years))):
            text = text[: m.start()] + (when or "" if n == 0 else " ") + text[m.end() :]
    return " ".join(text.split())
