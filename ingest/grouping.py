"""Twins: one case behind several sources. The one rule of which cases are the same (a shared reference,
title, page slug or text; ingest files them under one case key) and of how twins merge into one view
(the reader's case index).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from ingest.bodies import find_bodies
from ingest.layouts.common import slug_title
from ingest.model import Case, Recommendation
from ingest.source_records import case_keys_of, cases_of
from vectorstore import SourceRecord

_TITLE_TAIL = re.compile(r"\s*[-–—]\s*[^-–—]*,\s*[A-Za-z]+\.?\s+\d{4}.*$")


def _words(text: str) -> list[str]:
    """The words of a title, lower-cased, without its punctuation."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def title_key(case: Case) -> str | None:
    """Title (without its "- Force, Month YYYY" tail), the bodies the tail names, and the month,
    normalised; None if incomplete. A page to "the College of Policing and NPCC" is not the same
    case as one to the College of Policing alone, however generic both titles are."""
    if not (case.force and case.incident_month):
        return None
    tail = _TITLE_TAIL.search(case.title)
    named = sorted(b.name for b in find_bodies(tail.group(0))) if tail else []
    words = [w for w in _words(_TITLE_TAIL.sub("", case.title)) if w != "iopc"]
    return f"{' '.join(words)}|{'+'.join(named or [case.force.name])}|{case.incident_month}"


def new_case_key(case: Case, source: str) -> str:
    """A readable, stable key: the title's slug and a short hash of what identifies the case.

    Without a reference or a full title key nothing identifies the case beyond its source (excerpts
    titled just "Recommendation 1" are different cases), so the source goes into the hash.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", case.title.lower()).strip("-")[:60].strip("-") or "case"
    anonymous = not case.references and title_key(case) is None
    ident = "|".join([case.title, case.force.name if case.force else "", *case.references, source if anonymous else ""])
    return f"{slug}-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:6]}"


_LEARNING_SLUG = re.compile(r"/learning/(?P<slug>[a-z0-9-]*[a-z][a-z0-9-]*)/?$")
TEXT_KEY_CHARS = 120  # normalised characters of a recommendation or summary that identify a case


def _text_key(text: str) -> str | None:
    norm = re.sub(r"[^a-z0-9]+", "", text.lower())
    return norm[:TEXT_KEY_CHARS] if len(norm) >= TEXT_KEY_CHARS else None


# Words a title and the slug of its address may differ by, and the IOPC's name, which identify nothing.
_NOT_IDENTIFYING = {"a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "into", "and", "iopc"}


def _title_words_key(title: str) -> str | None:
    """The title's words without joining words, when they name a year and enough to tell cases apart."""
    words = [w for w in _words(title) if w not in _NOT_IDENTIFYING]
    return " ".join(words) if len(words) >= 6 and any(re.fullmatch(r"(19|20)\d\d", w) for w in words) else None


def identities(case: Case) -> list[str]:
    """Everything that identifies `case` across sites: any one shared means the same case.

    - a reference, together with the body (a force's and the NPCC's recommendations from one
      investigation share its reference but are different cases);
    - the title key (title, force, month);
    - the page's slug under /learning/ (the IOPC's page and its mirror use the same slug);
    - the opening of a recommendation (it names its addressee) or of the summary together with the
      body (a force's and the NPCC's pages tell the same story): the mirrors copy the IOPC's text,
      which finds twins whose excerpt has no title line at all;
    - the words of the whole title, force and month included, without joining words: a mirror's page
      with no title line is titled from its address, whose slug leaves out "with" ("complaints raised
      after police contact man greater manchester police january 2022").
    """
    force = case.force.name if case.force else ""
    keys = [f"ref:{ref}|{force}" for ref in case.references]
    if tk := title_key(case):
        keys.append(f"title:{tk}")
    if wk := _title_words_key(case.title):
        keys.append(f"words:{wk}")
    if case.url and (m := _LEARNING_SLUG.search(case.url.lower())):
        keys.append(f"slug:{m.group('slug')}")
    keys += [f"text:{k}" for k in map(_text_key, (r.text for r in case.recommendations)) if k]
    if summary := _text_key(case.narrative):
        keys.append(f"summary:{force}|{summary}")
    return keys


def identity_digests(case: Case) -> list[str]:
    """The identities of `case`, each as a short digest: only their equality matters, and a source record
    keeps them (ingest.source_records) so that a writer learns the stored cases without parsing them."""
    return [hashlib.sha1(i.encode("utf-8", "surrogatepass")).hexdigest()[:16] for i in identities(case)]


class CaseKeys:
    """Assigns case keys, reusing the key of an already known twin."""

    def __init__(self):
        self._known: dict[str, str] = {}

    def remember(self, case: Case, key: str) -> None:
        """Record that `case` is filed under `key`."""
        self.remember_digests(identity_digests(case), key)

    def remember_digests(self, digests: Iterable[str], key: str) -> None:
        """Record that the case with these identity digests is filed under `key`."""
        for digest in digests:
            self._known.setdefault(digest, key)

    def key_for(self, case: Case, source: str) -> str:
        """The key of a known twin of `case`, else a new key; remembered either way."""
        digests = identity_digests(case)
        key = next((self._known[d] for d in digests if d in self._known), None)
        key = key or new_case_key(case, source)
        self.remember_digests(digests, key)
        return key


def twin_slots(records: Iterable[SourceRecord]) -> dict[str, list[tuple[SourceRecord, int]]]:
    """Each case key's twins as (record, position of the case among the record's cases), in record
    order; keys in order of first appearance. Ingest filed twins under one key (CaseKeys), so the stored
    key is what groups them, and no payload is read to group them."""
    out: dict[str, list[tuple[SourceRecord, int]]] = {}
    for record in records:
        for n, key in enumerate(case_keys_of(record)):
            out.setdefault(key, []).append((record, n))
    return out


def twin_cases(slots: Iterable[tuple[SourceRecord, int]], parsed: dict[str, list[Case]]) -> list[tuple[Case, str]]:
    """The (case, source) of twin slots, each record parsed once (`parsed` remembers them by source)."""
    out = []
    for record, n in slots:
        cases = parsed.get(record.source)
        if cases is None:
            cases = parsed[record.source] = cases_of(record)
        if n < len(cases):
            out.append((cases[n], record.source))
    return out


def twins(records: Iterable[SourceRecord]) -> dict[str, list[tuple[Case, str]]]:
    """Each case key's twins as (case, source), in record order; keys in order of first appearance."""
    parsed: dict[str, list[Case]] = {}
    return {key: twin_cases(slots, parsed) for key, slots in twin_slots(records).items()}


def merge_twins(cases: list[Case]) -> Case:
    """One view of a case from its twins, the first as the base: each later twin adds the bodies,
    references, themes and recommendations the view lacks and fills the fields it left empty."""
    first = cases[0]
    merged = replace(
        first,
        bodies=list(first.bodies),
        references=list(first.references),
        themes=list(first.themes),
        recommendations=list(first.recommendations),
    )
    for twin in cases[1:]:
        _merge_twin(merged, twin)
    return merged


def _merge_twin(merged: Case, twin: Case) -> None:
    for b in twin.bodies:
        if b.name not in [known.name for known in merged.bodies]:
            merged.bodies.append(b)
    for ref in twin.references:
        if ref not in merged.references:
            merged.references.append(ref)
    made_up = merged.title == slug_title(merged.url) and twin.title != slug_title(twin.url)
    if (merged.force is None and twin.force is not None) or made_up:
        # The twin with a title line ("… - Force, Month YYYY") names the case better than an excerpt
        # that starts mid-page ("Recommendation 1") or one titled from its address.
        merged.title = twin.title
    for attr in ("published", "recommended", "response_due", "url", "force", "incident_month"):
        if getattr(merged, attr) is None:
            setattr(merged, attr, getattr(twin, attr))
    merged.themes += [t for t in twin.themes if t not in merged.themes]
    merged.recommendations = _merge_recommendations(merged.recommendations, twin.recommendations)
    if len(twin.narrative) > len(merged.narrative):
        merged.narrative = twin.narrative


def _merge_recommendations(mine: list[Recommendation], theirs: list[Recommendation]) -> list[Recommendation]:
    """Twins' recommendations by number: each twin may have captured what the other's excerpt lost
    (a response, a status), so the one that knows more wins."""

    def weight(r: Recommendation) -> tuple:
        return (r.status != "unknown", bool(r.response), len(r.text or ""))

    by_number = {r.number: r for r in mine}
    for r in theirs:
        if r.number not in by_number or weight(r) > weight(by_number[r.number]):
            by_number[r.number] = r
    return [by_number[n] for n in sorted(by_number)]
