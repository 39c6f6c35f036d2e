"""Composing answers from retrieved passages: every claim a quote, every quote cited.

Extractive by default (no LLM needed). A `Writer` can be plugged in to phrase the answer from
the same citations; its [n] markers are checked against them, so it cannot cite what is not there.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from assistant.limits import ECHO_CHARS
from assistant.presentation import day_month_year, month_year
from assistant.types import Answer, Citation, Filters, Hit
from ingest.layouts.common import addressees
from ingest.passages import section_label


class Writer(Protocol):
    """The seam for a generator (assistant/writing.py): phrase a finished extractive answer anew."""

    def write(self, answer: Answer) -> Answer:
        """A generated Answer whose [n] markers refer to `answer.citations`, or `answer` itself with
        `note` saying why not. Called only for answers that do not abstain."""


_MARKER = re.compile(r"\[(\d+)\]")


def check_markers(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Strip markers that refer to no citation; drop citations no marker refers to; renumber densely."""
    known = {c.n: c for c in citations}
    used = [n for n in dict.fromkeys(int(m) for m in _MARKER.findall(text)) if n in known]
    renumber = {old: new for new, old in enumerate(used, 1)}

    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[{renumber[n]}]" if n in renumber else ""

    kept = []
    for old in used:
        c = known[old]
        c.n = renumber[old]
        kept.append(c)
    return _MARKER.sub(sub, text), kept


def citation(n: int, hit: Hit, span: tuple[int, int]) -> Citation:
    """A citation of `hit` quoting text[span]."""
    return Citation(
        n=n,
        case_id=hit.case_id,
        title=hit.title,
        force=hit.force,
        section=section_label(hit.section, hit.rec_no),
        rec_no=hit.rec_no,
        quote=hit.text[span[0] : span[1]],
        passage=hit.text,
        source=hit.source,
        url=hit.url,
        score=round(hit.score, 6),
        status=hit.status,
        date=hit.date,
        addressed_to=hit.addressed_to,
    )


def one_line(text: str) -> str:
    """Quote text for a markdown line: whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip()


def cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return one_line(text).replace("|", "\\|")


def status_shown(hit: Hit) -> str:
    """The status as an answer shows it: a recommendation still awaiting a response says when it is due."""
    if hit.status != "awaiting response" or not hit.response_due:
        return hit.status
    about = "about " if hit.response_due_inferred else ""
    return f"{hit.status}, response due {about}{day_month_year(hit.response_due)}"


def status_note(hit: Hit) -> str:
    """ " (accepted)" for a recommendation or response passage with a known status."""
    return f" ({status_shown(hit)})" if hit.section != "summary" and hit.status else ""


def in_short(hit: Hit, more_cases: bool) -> str:
    """A written first line for a lookup whose best case has the part asked about: who was told, or how the
    body answered, said as a sentence citing [1] (the passage quoted first below). "" for a narrative."""
    if not _of_a_recommendation(hit):
        return ""
    where = f" of the {'first ' if more_cases else ''}case below"
    if hit.section == "recommendation":
        told = f"In short: the IOPC's recommendation {hit.rec_no}{where} went to {_body(hit)}"
        if hit.status == "awaiting response":
            return f"{told}, which has yet to respond{_due(hit)} [1]."
        return f"{told} ({hit.status}) [1]." if hit.status and hit.status != "unknown" else f"{told} [1]."
    return f"In short: {answered(hit, where)}; the response is quoted below [1]."


def statuses_in_short(rows: list[Hit], at_most: int = 3) -> str:
    """A written first line for the responses of cases just given ("was it accepted?"): how each of the first
    rows' bodies answered, each citing its row, up to the first row that is no recommendation or response (so
    the markers keep the rows' order). "" when the first row is none."""
    said = []
    several = len({h.case_id for h in rows}) > 1  # "recommendation 1" of which case, then
    for n, hit in enumerate(rows[:at_most], 1):
        if not _of_a_recommendation(hit):
            break
        when = month_year(hit.date)
        said.append(f"{answered(hit, f' of the {when} case' if several and when else '')} [{n}]")
    if not said:
        return ""
    more = len(rows) - len(said)
    return "In short: " + "; ".join(said) + (f"; {more} more below" if more else "") + "."


def addressees_in_short(cites: list[Citation]) -> str:
    """A written first line for who the recommendations among `cites` went to, each citing its row
    ("Recommendation 1 [1] went to Kent Police; recommendation 2 [3] to the College of Policing."), and which
    cases have none published (their story's row); "" when no row is either."""
    rows = [c for c in cites if c.section == "summary" or c.section.startswith("recommendation")]
    several = len({c.case_id for c in rows}) > 1  # "recommendation 1" of which case, then
    sent: dict[tuple[str, ...], list[str]] = {}  # the bodies -> the recommendations that went to them
    without: list[str] = []
    for c in rows:
        when = month_year(c.date)
        if c.section == "summary":
            which = (f"the {when} case" if when else f"“{c.title}”") if several else "this case"
            without.append(f"{which} [{c.n}]")
            continue
        where = f" of the {when} case" if several and when else ""
        # All the bodies its sentence names ("…recommends that GMP, Cumbria Constabulary and …"), by the rule
        # ingest names the first of them by.
        bodies = [b.name for b in addressees(c.passage)] or [c.addressed_to or c.force or "the force"]
        sent.setdefault(tuple(bodies), []).append(f"{c.rec_no}{where} [{c.n}]")
    said = [
        f"recommendation{'s' * (len(items) > 1)} {_and(items)} {'went ' if i == 0 else ''}to {_and(list(bodies))}"
        for i, (bodies, items) in enumerate(sent.items())
    ]
    if without:
        said.append(f"{_and(without)} {'has' if len(without) == 1 else 'have'} no recommendation published")
    text = "; ".join(said)
    return f"{text[:1].upper()}{text[1:]}." if said else ""


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def statuses_counted(hits: list[Hit]) -> str:
    """How the recommendations among `hits` stand, counted in the words of the table's Status column ("of the 6
    recommendations, 3 accepted, 1 awaiting response, 2 unknown"); "" when there are none."""
    recs = [h for h in hits if h.section == "recommendation"]
    if not recs:
        return ""
    counts = Counter(h.status if h.status and h.status != "unknown" else "" for h in recs)
    order = ["accepted", "partially accepted", "not accepted", "awaiting response", ""]
    parts = [f"{counts[s]} {s or 'unknown'}" for s in order if counts[s]]
    return f"of the {len(recs)} recommendation{'s' if len(recs) != 1 else ''}, " + ", ".join(parts)


def answered(hit: Hit, where: str = "") -> str:
    """How the body a recommendation went to answered it, as a clause ("Kent Police accepted recommendation
    2"), by the status the case records."""
    body, rec = _body(hit), f"recommendation {hit.rec_no}{where}"
    if hit.status == "awaiting response":
        return f"{body} has yet to respond to {rec}{_due(hit)}"
    if verb := {
        "accepted": "accepted",
        "partially accepted": "partially accepted",
        "not accepted": "did not accept",
    }.get(hit.status):
        return f"{body} {verb} {rec}"
    if hit.section == "response":
        return f"{body} responded to {rec} (no status is published)"
    return f"{body}'s response to {rec} is not published"


def _of_a_recommendation(hit: Hit) -> bool:
    """Whether the passage is a recommendation or its response (a story has no status to tell)."""
    return hit.rec_no is not None and hit.section != "summary"


def _body(hit: Hit) -> str:
    return hit.addressed_to or hit.force or "the force"


def _due(hit: Hit) -> str:
    """ " (response due 7 Jul 2025)" for a recommendation awaiting a response whose due date is known."""
    due = status_shown(hit).removeprefix(f"{hit.status}, ")
    return f" ({due})" if due != hit.status else ""


def lookup_text(
    groups: list[list[Hit]],
    spans: dict[str, tuple[int, int]],
    scope: str,
    notes: list[str] | None = None,
    lead: str = "",
) -> tuple[str, list[Citation]]:
    """The most relevant cases, each with its quoted passages (after its note, when it has one), after a
    written `lead` when there is one (its [1] is the first passage quoted)."""
    lines: list[str] = [lead + "\n", scope] if lead else [scope]
    cites: list[Citation] = []
    for n, hits in enumerate(groups):
        head = hits[0]
        lines.append("\n" + case_heading(head))
        if notes and notes[n]:
            lines.append(f"- {notes[n]}")
        for h in hits:
            c = citation(len(cites) + 1, h, spans[h.id])
            cites.append(c)
            lines.append(f"- {c.section.capitalize()}{status_note(h)}: {quoted(c)} [{c.n}]")
    return "\n".join(lines), cites


def quoted(c: Citation, form: Callable[[str], str] = one_line) -> str:
    """The citation's quote in quotation marks, said to break off where its page does mid-word (pages are
    often captured cut short: "Accepted action: Cleve" is all the page says)."""
    text = c.passage.rstrip()
    cut = text[-1:].isalpha() and text.endswith(c.quote.rstrip())
    return f"“{form(c.quote)}”" + (" (the page breaks off here)" if cut else "")


def case_heading(hit: Hit) -> str:
    """A case's bold title, then its force and month where the title does not already say them (most
    published titles do: "Recommendations - Sussex Police, April 2021")."""
    title = one_line(hit.title)
    bits = (hit.force or "force not stated", month_year(hit.date) if hit.date else "")
    rest = [b for b in bits if b and b.lower() not in title.lower()]
    return f"**{title}**" + (" — " + ", ".join(rest) if rest else "")


def who(hit: Hit) -> str:
    """Who a row is about: the body a recommendation (or its response) went to, naming the case's own force
    when that is another ("Metropolitan Police Service (a British Transport Police case)")."""
    force = hit.force or hit.addressed_to or "Force not stated"
    if hit.addressed_to and hit.addressed_to != force and hit.section != "summary":
        return f"{hit.addressed_to} (a {force} case)"
    return force


def counted(previous: Answer, question: str) -> Answer:
    """How many cases (and recommendations) `previous` gave ("how many is that?"): said first, then one line per
    case citing the first passage it quoted, in its order."""
    cites = _first_of_each_case(previous)
    recs = {(c.case_id, c.rec_no) for c in previous.citations if c.rec_no and c.section != "summary"}
    n = len(cites)
    said = f"That is {n} case{'s' if n != 1 else ''}" + (
        f", with {len(recs)} recommendation{'s' if len(recs) != 1 else ''}:" if recs else ":"
    )
    return replace(previous, question=question, text="\n".join([said, *_case_lines(cites)]), citations=cites, note="")


def forces_given(previous: Answer, question: str) -> Answer:
    """Whose cases `previous` gave ("which force was that?"): the force of each, and the body its recommendation
    went to where that is another, one line per case citing the first passage it quoted."""
    cites = _first_of_each_case(previous)
    if len(cites) == 1:
        said = f"That was {cites[0].force or 'a case whose page names no force'}'s case:"
    else:
        said = f"The {len(cites)} cases just given, by force:"
    return replace(previous, question=question, text="\n".join([said, *_case_lines(cites)]), citations=cites, note="")


def _first_of_each_case(answer: Answer) -> list[Citation]:
    """The first citation of each case `answer` cites, in its order, numbered from 1."""
    firsts: dict[str, Citation] = {}
    for c in answer.citations:
        firsts.setdefault(c.case_id, c)
    return [replace(c, n=i) for i, c in enumerate(firsts.values(), 1)]


def _case_lines(cites: list[Citation]) -> list[str]:
    """A line per case: its force, its title, and the body its recommendation went to when that is another."""
    return [
        f"- **{c.force or 'Force not stated'}** — {one_line(c.title)} [{c.n}]"
        + (f"; its recommendation went to {c.addressed_to}" if c.addressed_to and c.addressed_to != c.force else "")
        for c in cites
    ]


def list_text(groups: list[list[Hit]], spans: dict[str, tuple[int, int]], scope: str) -> tuple[str, list[Citation]]:
    """One line per case: force, title, the quote that makes it relevant, its status."""
    lines: list[str] = [scope]
    cites: list[Citation] = []
    for hits in groups:
        h = hits[0]
        c = citation(len(cites) + 1, h, spans[h.id])
        cites.append(c)
        lines.append(
            f"- **{who(h)}** — {one_line(h.title)}: {quoted(c)} [{c.n}]"
            f" ({c.section}{', ' + status_shown(h) if h.section != 'summary' and h.status else ''})"
        )
    return "\n".join(lines), cites


def table_text(
    rows: list[tuple[Hit, Hit | None]], spans: dict[str, tuple[int, int]], scope: str
) -> tuple[str, list[Citation]]:
    """A compact table: one row per recommendation (or case) and its response, with status and citations."""
    lines = [
        scope,
        "",
        "| Case | Force | Date | Item | Status | What it says | Response |",
        "|---|---|---|---|---|---|---|",
    ]
    cites: list[Citation] = []
    for h, response in rows:
        c = citation(len(cites) + 1, h, spans[h.id])
        cites.append(c)
        answer = "—"
        if response is not None:
            r = citation(len(cites) + 1, response, spans[response.id])
            cites.append(r)
            answer = f"{quoted(r, cell)} [{r.n}]"
        lines.append(
            f"| {cell(h.title)} | {cell(who(h))} | {month_year(h.date)} | {c.section} | "
            f"{status_shown(h) or '—'} | {quoted(c, cell)} [{c.n}] | {answer} |"
        )
    return "\n".join(lines), cites


def abstention(question: str, n_cases: int, filters: Filters, searched: str = "") -> Answer:
    """The honest "nothing found" answer, echoing what was searched for (a follow-up's earlier question)."""
    scope = f" (filters: {filters.describe()})" if not filters.is_empty() else ""
    asked = one_line(searched or question)
    asked = asked if len(asked) <= ECHO_CHARS else asked[:ECHO_CHARS].rsplit(" ", 1)[0] + " …"
    text = f"I found nothing in the {n_cases} cases{scope} that answers this question. I searched for: “{asked}”."
    return Answer(
        question=question, text=text, citations=[], abstained=True, filters=filters, searched=n_cases, confidence="none"
    )
