"""Recognising one case behind several sources: same reference, or same title, force and month."""

from __future__ import annotations

import hashlib
import re

from ingest.model import Case

_TITLE_TAIL = re.compile(r"\s*[-–—]\s*[^-–—]*,\s*[A-Za-z]+\.?\s+\d{4}.*$")


def title_key(case: Case) -> str | None:
    """Title (without its "- Force, Month YYYY" tail), force and month, normalised; None if incomplete."""
    if not (case.force and case.incident_month):
        return None
    words = re.sub(r"[^a-z0-9]+", " ", _TITLE_TAIL.sub("", case.title).lower()).split()
    words = [w for w in words if w != "iopc"]
    return f"{' '.join(words)}|{case.force.name}|{case.incident_month}"


def new_case_key(case: Case, source: str) -> str:
    """A readable, stable key: the title's slug and a short hash of what identifies the case.

    Without a reference or a full title key nothing identifies the case beyond its source (excerpts
    titled just "Recommendation 1" are different cases), so the source goes into the hash.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", case.title.lower()).strip("-")[:60].strip("-") or "case"
    anonymous = not case.references and title_key(case) is None
    ident = "|".join([case.title, case.force.name if case.force else "", *case.references,
                      source if anonymous else ""])
    return f"{slug}-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:6]}"


class CaseKeys:
    """Assigns case keys, reusing the key of an already known twin."""

    def __init__(self):
        self._by_ref: dict[str, str] = {}
        self._by_title: dict[str, str] = {}

    @staticmethod
    def _ref_keys(case: Case) -> list[str]:
        # A force's and the NPCC's recommendations from one investigation share its reference
        # but are different cases: the reference identifies a case only together with its body.
        force = case.force.name if case.force else ""
        return [f"{ref}|{force}" for ref in case.references]

    def remember(self, case: Case, key: str) -> None:
        """Record that `case` is filed under `key`."""
        for ref in self._ref_keys(case):
            self._by_ref.setdefault(ref, key)
        tk = title_key(case)
        if tk:
            self._by_title.setdefault(tk, key)

    def key_for(self, case: Case, source: str) -> str:
        """The key of a known twin of `case`, else a new key; remembered either way."""
        key = next((self._by_ref[r] for r in self._ref_keys(case) if r in self._by_ref), None)
        if key is None:
            key = self._by_title.get(title_key(case) or "")
        key = key or new_case_key(case, source)
        self.remember(case, key)
        return key
