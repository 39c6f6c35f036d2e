"""Passages by structure: a case's summary, each recommendation and each response, with metadata.

A part longer than the model's window is cut at sentence boundaries into verbatim slices, so a
quote can always be found in the published text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from ingest.bounds import PASSAGE_MAX_CHARS, WORD_MAX_CHARS, check_case_passages, check_case_text
from ingest.model import Case, Recommendation
from ingest.sentences import sentence_spans
from vectorstore import Passage
from vectorstore.embedder import MAX_WORD_PIECES

TokenCounter = Callable[[str], int]
_WORD = re.compile(r"\S+")


def section_label(section: str, rec_no: int | None) -> str:
    """Human label: "summary", "recommendation 2", "force response to recommendation 2"."""
    if section == "recommendation":
        return f"recommendation {rec_no}"
    if section == "response":
        return f"force response to recommendation {rec_no}"
    return "summary"


def case_date(case) -> str:
    """The case's date for sorting and filtering: incident month, else recommended, else published.

    Takes anything with those three fields (a Case, or the catalog's merged CaseSummary)."""
    if case.incident_month:
        return case.incident_month + "-01"
    return case.recommended or case.published or ""


class PassageMeta(NamedTuple):
    """What a stored passage says about itself and its case: written by case_passages, read by everyone.

    A named tuple, not a dataclass: a kept catalog holds one per passage (82,000 at 10,000 cases), and a
    tuple is made again from its pickle at about twice the speed of a frozen dataclass's __init__."""

    case_id: str = ""
    title: str = ""
    force: str = ""
    forces: tuple[str, ...] = ()  # every force or body the case names
    references: tuple[str, ...] = ()
    incident_month: str = ""  # "YYYY-MM"
    published: str = ""  # ISO dates, "" when unknown
    recommended: str = ""
    response_due: str = ""
    response_due_inferred: bool = False
    date: str = ""  # see case_date
    themes: tuple[str, ...] = ()
    source: str = ""
    url: str = ""
    layout: str = ""
    section: str = "summary"  # "summary", "recommendation" or "response"
    part: int = 0  # which slice of a part too long for the model's window
    rec_no: int = 0  # 0 for the summary
    status: str = ""
    addressed_to: str = ""
    national: bool = False
    source_hash: str = ""

    def to_metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for Chroma, which takes only scalars: lists are '|'-joined."""
        return {name: "|".join(value) if isinstance(value, tuple) else value for name, value in self._asdict().items()}

    @classmethod
    def from_metadata(cls, md: dict, shared: dict | None = None) -> PassageMeta:
        """Read back what to_metadata stored; missing keys take their defaults. Equal strings and
        tuples are taken from `shared` when given (the passages of a case repeat its title, forces and
        source: one object each then, for memory and for the kept catalog's size and reading time)."""
        values: dict[str, str | int | bool | tuple[str, ...]] = {}
        for name, default in cls._field_defaults.items():
            value = md.get(name)
            if value is None:
                continue
            if isinstance(default, tuple):
                value = tuple(v for v in str(value).split("|") if v)
            elif isinstance(default, bool):
                value = bool(value)
            elif isinstance(default, int):
                value = int(value or 0)
            else:
                value = str(value)
            if shared is not None and isinstance(value, str | tuple):
                value = shared.setdefault(value, value)
            values[name] = value
        return cls(**values)  # type: ignore[arg-type]  # each value was made to its field's type above


def _case_fields(case: Case, case_key: str, source: str, source_hash: str) -> dict:
    """The PassageMeta fields shared by every passage of a case."""
    return dict(
        case_id=case_key,
        title=case.title,
        force=case.force.name if case.force else "",
        forces=tuple(b.name for b in case.bodies),
        references=tuple(case.references),
        incident_month=case.incident_month or "",
        published=case.published or "",
        recommended=case.recommended or "",
        response_due=case.response_due or "",
        response_due_inferred=case.response_due_inferred,
        date=case_date(case),
        themes=tuple(case.themes),
        source=source,
        url=case.url or "",
        layout=case.layout,
        source_hash=source_hash,
    )


def _rec_fields(rec: Recommendation) -> dict:
    return dict(
        rec_no=rec.number,
        status=rec.status,
        addressed_to=rec.addressed_to.name if rec.addressed_to else "",
        national=rec.national,
    )


def case_parts(case: Case) -> list[tuple[str, int | None, str, dict]]:
    """(section, rec_no, text, extra PassageMeta fields) for each structural part that has text."""
    parts: list[tuple[str, int | None, str, dict]] = []
    # The summary opens with the case's title, as the published page does: a reader (and a quote)
    # then sees which case it is, and "Essex Police, October 2019" is findable and citable.
    # A narrative that already opens with the title (a page of unknown layout) is not given it twice.
    title, narrative = case.title.strip(), case.narrative.strip()
    summary = narrative if title and narrative.startswith(title) else "\n".join(t for t in (title, narrative) if t)
    if summary:
        parts.append(("summary", None, summary, {}))
    for rec in case.recommendations:
        md = _rec_fields(rec)
        if rec.text.strip():
            parts.append(("recommendation", rec.number, rec.text, md))
        if rec.response and rec.response.strip():
            parts.append(("response", rec.number, rec.response, md))
    return parts


def split_to_fit(text: str, budget: int, count_tokens: TokenCounter) -> list[str]:
    """Verbatim slices of `text`, cut at sentence ends, each within `budget` word pieces and
    PASSAGE_MAX_CHARS characters (a word longer than WORD_MAX_CHARS is cut into slices of that length)."""
    if len(text) <= PASSAGE_MAX_CHARS and count_tokens(text) <= budget:
        return [text.strip()]
    # Why sums of memoised counts: counting every growing chunk (and, in an over-long sentence, the chunk
    # up to every word) was quadratic: a 4 MB one-line page took hours. Word pieces never span whitespace,
    # where every cut is made, so a chunk's count is the sum of its sentences' (or words') counts.
    count = functools.lru_cache(maxsize=65536)(count_tokens)
    chunks: list[str] = []
    start = end = None
    used = 0
    for s, e, n in _fitting_spans(text, budget, count):
        if start is not None and (used + n > budget or e - start > PASSAGE_MAX_CHARS):
            chunks.append(text[start:end])
            start = None
        if start is None:
            start, used = s, 0
        end = e
        used += n
    if start is not None:
        chunks.append(text[start:end])
    return chunks


def _fitting_spans(text: str, budget: int, count: TokenCounter):
    """(start, end, word pieces) of each sentence, any single over-long sentence cut at word boundaries."""
    for s, e in sentence_spans(text):
        n = count(text[s:e]) if e - s <= PASSAGE_MAX_CHARS else budget + 1
        if n <= budget:
            yield s, e, n
            continue
        ws, prev_end, used = None, s, 0
        for ps, pe in _word_slices(text, s, e):
            k = count(text[ps:pe])
            if ws is not None and (used + k > budget or pe - ws > PASSAGE_MAX_CHARS):
                yield ws, prev_end, used
                ws = None
            if ws is None:
                ws, used = ps, 0
            used += k
            prev_end = pe
        if ws is not None:
            yield ws, prev_end, used


def _word_slices(text: str, start: int, end: int):
    """(start, end) of each word in text[start:end], a word longer than WORD_MAX_CHARS cut into slices of it."""
    # Why: the tokenizer counts a word of over 100 characters as one [UNK], so a 5 MB word fitted any budget
    # and was stored as one 5 MB passage.
    for m in _WORD.finditer(text, start, end):
        for ps in range(m.start(), m.end(), WORD_MAX_CHARS):
            yield ps, min(ps + WORD_MAX_CHARS, m.end())


def context_header(title: str, force: str, section: str, rec_no: int | None) -> str:
    """What is prepended for indexing: title, force and section, so a part is findable by them."""
    who = f" ({force})" if force and force not in title else ""
    return f"{title}{who} — {section_label(section, rec_no)}\n"


# The metadata index_text reads (a reader that keeps less of a passage's metadata keeps these).
INDEX_TEXT_FIELDS = ("title", "force", "section", "rec_no")


def index_text(text: str, metadata: dict) -> str:
    """The text that is embedded and keyword-indexed for a stored passage (reads INDEX_TEXT_FIELDS)."""
    rec_no = metadata.get("rec_no") or None
    return (
        context_header(
            str(metadata.get("title", "")),
            str(metadata.get("force", "")),
            str(metadata.get("section", "summary")),
            rec_no,
        )
        + text
    )


def case_passages(
    case: Case,
    case_key: str,
    source: str,
    id_prefix: str,
    count_tokens: TokenCounter,
    window: int = MAX_WORD_PIECES,
    source_hash: str = "",
) -> list[Passage]:
    """Every passage of `case`, each (with its context header) inside the model's window."""
    shared = _case_fields(case, case_key, source, source_hash)
    out: list[Passage] = []
    parts = case_parts(case)
    check_case_text(sum(len(text) for _, _, text, _ in parts), source)  # before the tokenizer reads it
    for section, rec_no, text, extra in parts:
        header = context_header(case.title, shared["force"], section, rec_no)
        budget = max(32, window - 2 - count_tokens(header))  # 2 for [CLS] and [SEP]
        for part, chunk in enumerate(split_to_fit(text, budget, count_tokens)):
            meta = PassageMeta(**shared, **extra, section=section, part=part)
            pid = f"{id_prefix}-{len(out):03d}"
            out.append(Passage(id=pid, text=chunk, metadata=meta.to_metadata(), index_text=header + chunk))
    check_case_passages(len(out), source)
    return out
