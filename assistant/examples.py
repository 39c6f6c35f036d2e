"""Example questions that the served collection answers: made from its cases, each one asked first.

The UI offers them under the question box. A fixed list would be about whichever cases it was
written for; these name the forces, statuses and topics the index holds, and a question is offered
only when the Assistant answers it (not abstained, with citations) on this collection.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.types import CaseSummary

if TYPE_CHECKING:  # pragma: no cover
    from assistant.api import Assistant

# About the bundled sample case (a Metropolitan Police Service case on special-scheme markers): offered
# when the collection is too small for questions made from it to vary.
SAMPLE_QUESTIONS = (
    "Which forces changed special-scheme marker policy?",
    "How long does a special scheme marker stay in place for domestic abuse victims?",
    "What was recommended about diverted units and the original incident?",
    "Which recommendations are awaiting a response?",
)
TINY = 5  # cases: below this, the sample questions are candidates too
TRIES_PER_EXAMPLE = 3  # questions asked, at most, per example wanted
_TITLE_TAIL = re.compile(r"\s+[-–—]\s+[^-–—]*$")  # " - Kent Police, March 2021"
_LEAD = re.compile(r"^(?:an? )?(?:IOPC )?investigation into (?:the )?", re.IGNORECASE)
# Titles that name the kind of page rather than its subject ("National recommendation - Home Office, …").
_NOT_A_TOPIC = {"recommendation", "recommendations", "national", "iopc", "learning", "annex", "summary"}


def example_questions(assistant: Assistant, n: int = 4) -> list[str]:
    """Up to `n` questions about the collection that the Assistant answers with citations, varied in kind."""
    cases = assistant.cases()
    candidates = list(dict.fromkeys(candidate_questions(cases)))
    if len(cases) < TINY:
        candidates += [q for q in SAMPLE_QUESTIONS if q not in candidates]
    out: list[str] = []
    for question in candidates[: n * TRIES_PER_EXAMPLE]:
        answer = assistant.ask(question, written=False)  # whether the cases answer it: the model is not asked
        if not answer.abstained and answer.citations:
            out.append(question)
            if len(out) == n:
                break
    return out


def candidate_questions(cases: list[CaseSummary]) -> Iterator[str]:
    """Questions naming what the cases hold, the most common first, kinds interleaved."""
    accepted = Counter(
        r.get("addressed_to") or c.force
        for c in cases
        for r in c.recommendations
        if r.get("status") == "accepted" and (r.get("addressed_to") or c.force)
    )
    themes = Counter(t for c in cases for t in c.themes for _ in c.recommendations)
    awaiting = any(r.get("status") == "awaiting response" for c in cases for r in c.recommendations)
    kinds = [
        (f"Which accepted recommendations were made to {force}?" for force, _ in accepted.most_common()),
        (f"What was recommended to {force} about {topic}?" for force, topic in topics_by_force(cases)),
        iter(["Which recommendations are awaiting a response?"] if awaiting else []),
        (f"What did the IOPC recommend about {theme.lower()}?" for theme, _ in themes.most_common()),
    ]
    yield from _interleave(kinds)


def topics_by_force(cases: list[CaseSummary]) -> Iterator[tuple[str, str]]:
    """(force, topic) for each force with recommendations, the force with the most first; the topic is the
    subject of its case with the most recommendations whose title names one (see title_topic)."""
    per_force = Counter(c.force for c in cases if c.force for _ in c.recommendations)
    ranked = sorted(
        (c for c in cases if c.force and c.recommendations),
        key=lambda c: (-per_force[c.force or ""], -len(c.recommendations)),
    )
    seen: set[str] = set()
    for c in ranked:
        topic = title_topic(c.title)
        if c.force and topic and c.force not in seen:
            seen.add(c.force)
            yield c.force, topic


def title_topic(title: str) -> str:
    """The subject of a case title, lower-cased: "custody observation checks" from "Custody observation
    checks - Kent Police, March 2021"; "" when the title names none ("Recommendations - Sussex Police, …")."""
    title = " ".join(title.split())
    head = _TITLE_TAIL.sub("", title)
    head = _LEAD.sub("", head)
    words = head.split()
    if head == title or not 2 <= len(words) <= 8 or words[0].lower() in _NOT_A_TOPIC or head.endswith("."):
        return ""
    return head if words[0].isupper() else head[0].lower() + head[1:]


def _interleave(kinds: list[Iterator[str]]) -> Iterator[str]:
    """One of each kind in turn, until all are spent."""
    while kinds:
        for kind in list(kinds):
            question = next(kind, None)
            if question is None:
                kinds.remove(kind)
            else:
                yield question
