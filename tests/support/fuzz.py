"""Property-based trials of the case parser (hypothesis), shared by tests/test_fuzz_parser.py and the
reliability report (bench/fuzz.py): random text never raises anything but SourceError, passages never invent text,
meaning-preserving mutations of real pages never lose a recommendation."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from ingest.errors import SourceError
from ingest.formats import cases_from, decode_text, html_markup, html_text
from ingest.model import Case
from ingest.normalise import normalise
from ingest.parse import parse_text
from ingest.passages import case_passages
from ingest.readers import Loaded

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "assistant" / "data" / "sample-case.txt"
KINDS = ("text", "html", "json", "jsonl")
EXTENSION = {"text": ".txt", "html": ".html", "json": ".json", "jsonl": ".jsonl"}


# --- strategies ---------------------------------------------------------------------------------------------

# Lines that look like the labels the layouts key on, so random pages reach every parser's branches.
LABELS = (
    "Source · IOPC Learning Case",
    "Recommendations",
    "3 total",
    "3 totalThe IOPC recommends that",
    "Recommendation 1",
    "Recommendation 3",
    "National recommendation 2",
    "recommendation 0",
    "Recommendation 99999999999999999999",
    "Force response",
    "Addressed to: Kent Police",
    "Addressed to:",
    "Linked bodies:",
    "Linked bodies: Sussex Police",
    "Accepted",
    "Not accepted",
    "Awaiting response",
    "Partially accepted",
    "Accepted action: a reminder was issued.",
    "Recommendation accepted:",
    "Do you accept the recommendation?",
    "Do you accept the recommendation? Yes",
    "Yes",
    "No",
    "Kent Police Ref: 2019/127918 Recommended 18 Jul 2019 Response due 12 Sep 2019",
    "Kent Police Ref:",
    "Death and serious injury Domestic abuse",
    "View on IOPC website ↗",
    "IOPC reference",
    "2019/127918",
    "Date of recommendation",
    "Date response due",
    "31 February 2019",
    "12th July 2019",
    "Published 3 Feb 2021",
    "Investigation",
    "Learning",
    "Tags",
    "• Kent Police",
    "• Custody and detention",
    "•",
    "[...]",
    "Cell checks - Kent Police, May 2022",
    "Recommendation - Sussex Police, Sept 2020",
    "National recommendation - College of Policing, June 2021",
    "A - B, May 0000",
    "x - , May 2020",
    "The IOPC recommends that Kent Police reviews its policy.",
    "The IOPC recommends",
    "Merseyside Police are in agreement with your findings.",
    "The force accepts this.",
    "Title: IOPC learning recommendation under paragraph 28A",
    "MPS reference: IX/1909/19",
    "Our Reference: PC/2334/19",
    "Author: someone",
    "Branch / OCU: Met",
    "MPS response: done.",
    "1. Do it.",
    "12. Another.",
    "Annex A: summary of the MPS response",
    "HMICFRS recommendations",
    "URL: https://x.org/a",
    "URL:",
    "Published",
    "Updated 1 Jan 2020",
)
_UNICODE = st.text(st.characters(codec="utf-8"), max_size=40)  # every code point, controls and all
_LINE = st.one_of(st.sampled_from(LABELS), _UNICODE, st.builds(lambda a, b: a + b, st.sampled_from(LABELS), _UNICODE))
_BREAK = st.sampled_from(["\n", "\n", "\n\n", "\r\n", "\r", " \n", "\t\n", "\u2028", "\x0c"])


@st.composite
def page_texts(draw) -> str:
    """Random page text: unicode noise, or lines that look like headings, labels and dates."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(st.characters(codec="utf-8"), max_size=300))
    lines = draw(st.lists(_LINE, max_size=40))
    out = ""
    for line in lines:
        out += line + draw(_BREAK)
    return out


def _json_values():
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        _UNICODE,
        st.sampled_from(["accepted", "2021-02-03", "2021-02", "Kent Police", "x|y"]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(
                    [
                        "title",
                        "text",
                        "force",
                        "references",
                        "incident_month",
                        "published",
                        "recommended",
                        "response_due",
                        "themes",
                        "narrative",
                        "url",
                        "recommendations",
                        "number",
                        "status",
                        "response",
                        "national",
                        "addressed_to",
                        "linked_bodies",
                        "summary",
                        "reference",
                    ]
                ),
                inner,
                max_size=8,
            ),
        ),
        max_leaves=20,
    )


JSON_VALUES = _json_values()


# --- helpers --------------------------------------------------------------------------------------------------


def to_document(text: str, kind: str) -> bytes:
    """The page text as the content of a .txt/.html/.json/.jsonl file."""
    if kind == "html":
        body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n"))
        return f"<html><head><meta charset='utf-8'></head><body><main>{body}</main></body></html>".encode(
            "utf-8", "surrogatepass"
        )
    if kind == "json":
        return json.dumps({"text": text}).encode()
    if kind == "jsonl":
        return (json.dumps({"text": text}) + "\n").encode()
    return text.encode("utf-8", "surrogatepass")


def source_text(loaded: Loaded) -> list[str]:
    """The normalised text(s) the parser was given for a loaded document: what passages must be slices of."""
    if loaded.kind == "html":
        markup, _ = html_markup(loaded.content, loaded.charset)
        return [normalise(html_text(markup, loaded.source)[0])]
    text, _ = decode_text(loaded.content, loaded.source)
    if loaded.kind == "text":
        return [normalise(text)]
    lines = text.splitlines() if loaded.kind == "jsonl" else [text]
    records = [json.loads(line) for line in lines if line.strip()]
    records = [r for x in records for r in (x if isinstance(x, list) else [x])]
    out = []
    for r in records:
        if "title" not in r and isinstance(r.get("text"), str):
            out.append(normalise(r["text"]))
        else:  # a structured record: its string fields are the source, as given
            out += [v for v in _strings(r)]
    return out


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def pieces(passage_text: str, section: str, part: int, title: str) -> list[str]:
    """The verbatim pieces of a passage: a summary's first part is the title, a line break, then narrative."""
    # Why: the summary opens with the case's title on purpose (a quote then shows which case it is), but
    # the title and the narrative are not adjacent on the page; each of the two is a verbatim slice.
    head = title.strip() + "\n"
    if section == "summary" and part == 0 and title.strip() and passage_text.startswith(head):
        return [title.strip(), passage_text[len(head) :]]
    return [passage_text]


def invented(cases: list[Case], sources: list[str], count_tokens, window: int = 256) -> list[str]:
    """Passage pieces (and parsed fields) that are not slices of the normalised source: must be none."""

    def found(piece: str) -> bool:
        return not piece.strip() or any(piece in s for s in sources)

    bad = []
    for i, case in enumerate(cases):
        fields = [case.title, case.narrative] + [x for r in case.recommendations for x in (r.text, r.response or "")]
        bad += [f"field {f[:60]!r}" for f in fields if not found(f)]
        for p in case_passages(case, "case", "src", f"p{i}", count_tokens, window=window):
            bad += [
                f"{p.metadata['section']} passage {x[:60]!r}"
                for x in pieces(p.text, p.metadata["section"], p.metadata["part"], case.title)
                if not found(x)
            ]
    return bad


def check_document(content: bytes, kind: str, count_tokens, window: int = 256) -> str | None:
    """None when the document parses (or fails with a clear SourceError) and invents nothing; else why not."""
    name = "fuzzed" + EXTENSION[kind]
    loaded = Loaded(source=name, content=content, kind=kind)
    try:
        cases, _ = cases_from(loaded)
    except SourceError as e:
        if e.source != name or not e.reason.strip():
            return f"{kind}: unclear SourceError {e!s:.120}"
        return None
    except Exception as e:  # the property: nothing but SourceError
        return f"{kind}: {type(e).__name__}: {e!s:.120}"
    try:
        bad = invented(cases, source_text(loaded), count_tokens, window)
    except Exception as e:
        return f"{kind}: passages raised {type(e).__name__}: {e!s:.120}"
    return f"{kind}: invented text: {bad[0]}" if bad else None


def check_parse_text(text: str) -> str | None:
    """parse_text raises nothing but ValueError("no text"), and only for blank text."""
    try:
        parse_text(text)
    except ValueError as e:
        if str(e) == "no text":
            return None
        return f"parse_text: ValueError {e!s:.120}"
    except Exception as e:
        return f"parse_text: {type(e).__name__}: {e!s:.120}"
    return None


# --- meaning-preserving mutations of real pages ----------------------------------------------------------

JUNK = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor incididunt."
FOOTER = "\n\nCookies on this site\nContact us\nPrivacy notice\nAccessibility statement\n© Crown copyright 2024\n"


@dataclass
class Mutation:
    """A change to a page that must not change its recommendations."""

    name: str
    apply: Callable[[str, st.DataObject | None], str]
    appends: bool = False  # adds text after the page: the last recommendation may absorb it


def _lines(text: str, fn) -> str:
    return "\n".join(fn(i, line) for i, line in enumerate(text.split("\n")))


def _junk_in_narrative(text: str, narrative: str) -> str:
    """A junk paragraph between two sentences of the narrative (unchanged when it has only one)."""
    at = text.find(narrative) if narrative else -1
    cut = narrative.find(". ", len(narrative) // 3) if at >= 0 else -1
    if cut < 0:
        return text
    pos = at + cut + 1
    return text[:pos] + "\n\n" + JUNK + "\n\n" + text[pos:].lstrip(" ")


MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
        Mutation("crlf", lambda t, n: t.replace("\n", "\r\n")),
        Mutation("cr", lambda t, n: t.replace("\n", "\r")),
        Mutation("trailing spaces", lambda t, n: _lines(t, lambda i, ln: ln + " \t " if i % 2 else ln + "  ")),
        Mutation("leading spaces", lambda t, n: _lines(t, lambda i, ln: ("  " if i % 3 else "\t") + ln)),
        Mutation("extra blank lines", lambda t, n: t.replace("\n\n", "\n\n\n\n")),
        Mutation("tabs for spaces", lambda t, n: t.replace(" ", "\t")),
        Mutation("nbsp for spaces", lambda t, n: t.replace(" ", "\u00a0")),
        Mutation("bom", lambda t, n: "\ufeff" + t),
        Mutation("leading blank lines", lambda t, n: "\n\n \n" + t),
        Mutation("smart quotes", lambda t, n: re.sub(r'"([^"\n]*)"', "“\\1”", t).replace("'", "’")),
        Mutation("junk in narrative", lambda t, n: _junk_in_narrative(t, n)),
        Mutation("footer junk", lambda t, n: t.rstrip("\n") + FOOTER, appends=True),
        Mutation("no final newline", lambda t, n: t.rstrip()),
    )
}


def canon(text: str | None) -> str:
    """Text compared modulo whitespace, quote style and invisible characters."""
    table = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
    return " ".join(normalise(text or "").translate(table).split())


def recommendations(cases: list[Case]) -> dict[int, str]:
    """Recommendation number -> its text (canonical) over the cases of a document."""
    return {r.number: canon(r.text) for c in cases for r in c.recommendations}


def parse_document(text: str, kind: str) -> list[Case]:
    """Cases of a page text read through the format path of `kind` (text, html, json)."""
    return cases_from(Loaded(source="page" + EXTENSION[kind], content=to_document(text, kind), kind=kind))[0]


def lost_recommendations(text: str, names: list[str], kind: str) -> str | None:
    """None when `text` mutated by `names` keeps every recommendation of `text`; else what was lost."""
    before = parse_document(text, kind)
    mutated = text
    narrative = before[0].narrative if before else ""
    for name in names:
        mutated = MUTATIONS[name].apply(mutated, narrative)
    try:
        after = recommendations(parse_document(mutated, kind))
    except Exception as e:
        return f"{'+'.join(names)} ({kind}): {type(e).__name__}: {e!s:.100}"
    appends = any(MUTATIONS[n].appends for n in names)
    for number, rec in recommendations(before).items():
        got = after.get(number)
        if got is None:
            return f"{'+'.join(names)} ({kind}): recommendation {number} lost"
        if got != rec and not (appends and got.startswith(rec)):
            return f"{'+'.join(names)} ({kind}): recommendation {number} changed: {got[:80]!r} != {rec[:80]!r}"
    return None


def corpus_pages(per_layout: int | None = None) -> list[tuple[str, str]]:
    """(name, text) of the seed and of the development corpus (when present), `per_layout` of each layout."""
    from ingest.layouts import detect
    from ingest.parse import split_url

    pages = [("seed", SEED.read_text(encoding="utf-8"))]
    corpus = Path(os.environ.get("IOPC_CORPUS_DIR") or ROOT.parent / "shared" / "corpus") / "cases"
    if corpus.is_dir():
        seen: dict[str, int] = {}
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            layout = detect(*reversed(split_url(normalise(text))))
            if per_layout is None or seen.get(layout, 0) < per_layout:
                seen[layout] = seen.get(layout, 0) + 1
                pages.append((path.stem, text))
    return pages


# --- the properties as (strategy, check) pairs: the tests assert them, the report counts them -----------------


def random_page_problem(text: str, kind: str, window: int, count_tokens) -> str | None:
    """Property 1 and 2 on random text: only SourceError, and no invented passage text."""
    return check_parse_text(text) or check_document(to_document(text, kind), kind, count_tokens, window)


def random_json_problem(value) -> str | None:
    """Property 1 on random JSON values (structured records with wrong types): only SourceError."""
    content = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return check_document(content, "json", lambda t: len(t.split()))


RANDOM_PAGES = st.tuples(page_texts(), st.sampled_from(KINDS), st.sampled_from([64, 256]))
MUTATION_NAMES = st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=3)
MUTATION_KINDS = st.sampled_from(["text", "html", "json"])
