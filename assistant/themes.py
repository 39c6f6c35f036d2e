"""Themes inferred for the cases that carry no published theme.

Most pages publish no theme tags, so a theme filter would silently drop them. A case without published
themes gets the themes of the collection's vocabulary (the published tags) that its text is close to:

- its vector (the mean of its sentences' MiniLM vectors) must be nearer the centroid of the cases tagged
  with the theme than the centroid of all tagged cases, by a margin (`MARGIN`), and
- its text must carry a cue of the theme (words that say what the theme is about, `CUES`), unless the
  vector is very close (`STRONG`).

A case that clears neither gets no theme rather than a wrong one. Published themes are never changed.

Where it runs: at read time, once per catalog, from sentence vectors the store already holds (embedded at
ingest for quoting). Stored at ingest, an inference would depend on the order of ingest (a case ingested
before any tagged case could learn nothing) and go stale when a tagged case arrives; at read time it always
reflects the whole collection, and costs vector look-ups and a few matrix products, not embedding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

# How much nearer a theme's centroid than the centroid of all tagged cases a case must be.
MARGIN = 0.0
# Nearer than this by this much, a case gets the theme without a cue in its text.
STRONG = 0.08
# Words that say what each IOPC theme is about, written from the themes' names and the IOPC's use of
# them (not fitted to the tagged cases). A theme without cues is inferred from vectors alone (`STRONG`).
CUES: dict[str, str] = {
    "death and serious injury": r"\b(died|death|deaths|dead|fatal\w*|killed|serious(ly)? injur\w*|"
    r"suicide|took (his|her|their) own life|overdos\w*|hospital)\b",
    "domestic abuse": r"\b(domestic (abuse|violence|incident)s?|ex-?partner|partner|DASH|coercive|"
    r"stalking|Clare’s Law|Clare's Law|MARAC)\b",
    "welfare and vulnerable people": r"\b(welfare|vulnerab\w*|mental health|safe and well|self-harm\w*|"
    r"suicid\w*|missing|at risk|learning disabilit\w*|autis\w*)\b",
    "custody and detention": r"\b(custody|custody suite|cell|cells|detainees?|detained|detention|"
    r"booked in|booking in|arrested)\b",
    "use of force and armed policing": r"\b(use of force|force used|taser\w*|conducted energy|firearms?|"
    r"armed|restrain\w*|restraint|baton|handcuff\w*|PAVA|spit (hood|guard)|shot|shooting)\b",
}


@dataclass(frozen=True)
class CaseText:
    """What inference reads of one case: its published themes, its text, and its sentences."""

    case_id: str
    themes: Sequence[str]  # published tags (may be empty)
    text: str
    sentences: Sequence[str]


@dataclass(frozen=True)
class InferredThemes:
    """Themes inferred for one untagged case, with the margin of each over the all-cases centroid."""

    case_id: str
    themes: list[str] = field(default_factory=list)
    margins: dict[str, float] = field(default_factory=dict)


def case_text(case_id: str, themes: Sequence[str], passage_texts: Sequence[str]) -> CaseText:
    """A case as inference reads it: its passages' text and their sentences (the ones whose vectors the
    store keeps, see ingest.pipeline.sentence_texts)."""
    from ingest.sentences import sentences

    return CaseText(
        case_id=case_id,
        themes=list(themes),
        text="\n".join(passage_texts),
        sentences=[s for p in passage_texts for s in (sentences(p) or [p])],
    )


def case_vectors(cases: Sequence[CaseText], vectors_of: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """One unit vector per case: the normalised mean of its sentences' vectors (zero when it has none)."""
    flat = [s for c in cases for s in c.sentences]
    rows = np.asarray(vectors_of(flat), dtype=np.float32) if flat else np.zeros((0, 1), np.float32)
    dim = rows.shape[1] if len(flat) else 1
    out = np.zeros((len(cases), dim), np.float32)
    start = 0
    for n, c in enumerate(cases):
        part = rows[start : start + len(c.sentences)]
        start += len(c.sentences)
        if len(part):
            mean = part.mean(axis=0)
            out[n] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def vocabulary(cases: Sequence[CaseText]) -> list[str]:
    """The published themes of `cases`, each once (first spelling kept), sorted case-insensitively."""
    seen: dict[str, str] = {}
    for c in cases:
        for t in c.themes:
            seen.setdefault(t.lower(), t)
    return sorted(seen.values(), key=str.lower)


def infer(cases: Sequence[CaseText], vectors: np.ndarray, train: Sequence[int] | None = None) -> dict[str, InferredThemes]:
    """Inferred themes of every case without published themes, learnt from the tagged cases in `train`
    (positions in `cases`; default: every tagged case)."""
    tagged = [n for n in (range(len(cases)) if train is None else train) if cases[n].themes]
    themes = vocabulary([cases[n] for n in tagged])
    out: dict[str, InferredThemes] = {}
    if not tagged:
        return {c.case_id: InferredThemes(c.case_id) for c in cases if not c.themes}
    everyone = _unit(vectors[tagged].mean(axis=0))
    centroids = {}
    for t in themes:
        members = [n for n in tagged if t.lower() in {x.lower() for x in cases[n].themes}]
        centroids[t] = _unit(vectors[members].mean(axis=0))
    for n, c in enumerate(cases):
        if c.themes:
            continue
        v = vectors[n]
        if not v.any():
            out[c.case_id] = InferredThemes(c.case_id)
            continue
        base = float(v @ everyone)
        margins = {t: round(float(v @ centroids[t]) - base, 4) for t in themes}
        chosen = [t for t in themes if _fits(t, margins[t], c.text)]
        out[c.case_id] = InferredThemes(c.case_id, chosen, margins)
    return out


def _fits(theme: str, margin: float, text: str) -> bool:
    """Whether a case whose vector leans `margin` towards `theme` and reads `text` is given the theme."""
    if margin >= STRONG:
        return True
    cue = CUES.get(theme.lower())
    return margin > MARGIN and cue is not None and re.search(cue, text, re.IGNORECASE) is not None


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v) or 1.0)
