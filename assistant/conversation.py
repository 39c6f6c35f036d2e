"""Follow-up questions: resolving "what did they do about it?" or "and in Kent?" against the last answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question import Question, read_question, stated_filters, topic_words
from assistant.types import Answer, Filters

_FOLLOW_UP_START = re.compile(r"^\s*(and|but|also|what about|how about|same for|and what about|then)\b",
                              re.IGNORECASE)
_BACK_REFERENCE = re.compile(r"\b(they|them|their|it|its|this|that|these|those|the same|that case|"
                             r"those cases|the force|the forces|he|she|him|her)\b", re.IGNORECASE)


@dataclass
class FollowUp:
    """How a message is to be answered: the question read, and the text to retrieve with."""

    question: Question
    query: str


def is_follow_up(message: str) -> bool:
    """True for a short message that leans on the previous turn."""
    words = message.split()
    return bool(_FOLLOW_UP_START.search(message)) or (len(words) <= 12 and bool(_BACK_REFERENCE.search(message)))


def resolve(message: str, previous: Answer | None, explicit: Filters | None = None) -> FollowUp:
    """Read `message` on its own, or, when it is a follow-up, in the context of `previous`."""
    if previous is None or previous.abstained or not is_follow_up(message):
        q = read_question(message, explicit)
        return FollowUp(question=q, query=message)
    new = stated_filters(message)
    if explicit:
        new = new.merged(explicit.canonical())
    changes_scope = bool(new.forces or new.since or new.until or new.statuses or new.themes)
    if changes_scope:
        # "and in Kent?": the same question, in a new scope.
        filters = previous.filters.merged(new)
        filters.case_ids = []
        topic = topic_words(message, new)
        query = previous.question + (" " + " ".join(topic) if topic else "")
        kind = previous.kind
    else:
        # "what did they do about it?": the same cases, a new question about them.
        filters = previous.filters.merged(Filters(case_ids=sorted({c.case_id for c in previous.citations})))
        query = f"{message} {previous.question}"
        kind = "lookup" if previous.kind == "filter" else previous.kind
    return FollowUp(question=Question(text=message, kind=kind, filters=filters,
                                      topic=topic_words(query, filters)), query=query)
