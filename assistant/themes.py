"""Themes inferred for the cases that carry no published theme.

Most pages publish no theme tags, so a theme filter would silently drop them. A case without published
themes gets themes of the collection's vocabulary (the published tags) from two signals:

- cues: words that say what a theme is about (`CUES`) in the case's text;
- its vector (the mean of its sentences' MiniLM vectors) against each theme's centroid (the mean of the
  tagged cases' vectors), as a margin over the centroid of all tagged cases.

A case gets the cued theme its vector leans to most, and any other theme with `CUE_WORDS` distinct cue
words; each only when its margin is at least `FLOOR`. A case with no cue, or that leans away from every
cued theme, gets no theme rather than a wrong one. Published themes are never changed.

Where it runs: at read time, once per catalog, from sentence vectors the store already holds (embedded at
ingest for quoting). Stored at ingest, an inference would depend on the order of ingest (a case ingested
before any tagged case could learn nothing) and go stale when a tagged case arrives; at read time it always
reflects the whole collection, and costs vector look-ups and a few matrix products, not embedding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.types import CaseSummary

# How much farther from a theme's centroid than from the centroid of all tagged cases a case may be and
# still get the theme (cosine; a case leaning away from a theme by more gets no theme rather than a wrong one).
FLOOR = -0.1
# Distinct cue words that give a theme besides the one the vector leans to most.
CUE_WORDS = 2
# Words that say what each IOPC theme is about, written from the themes' names and the IOPC's use of
# them (not fitted to the tagged cases). A theme without cues is never inferred.
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
    from ingest.sentences import weighed_sentences

    return CaseText(
        case_id=case_id,
        themes=list(themes),
        text="\n".join(passage_texts),
        sentences=[s for p in passage_texts for s in weighed_sentences(p)],
    )


def case_vectors(
    cases: Sequence[CaseText], vectors_of: Callable[[list[str]], np.ndarray], dimension: int | None = None
) -> np.ndarray:
    """One unit vector per case: the normalised mean of its sentences' vectors (zero when it has none);
    `dimension` is the vectors' length, needed when no case has a sentence."""
    flat = [s for c in cases for s in c.sentences]
    rows = np.asarray(vectors_of(flat), dtype=np.float32) if flat else np.zeros((0, dimension or 1), np.float32)
    out = np.zeros((len(cases), rows.shape[1]), np.float32)
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
    return _vocabulary(c.themes for c in cases)


def _vocabulary(published: Iterable[Sequence[str]]) -> list[str]:
    seen: dict[str, str] = {}
    for themes in published:
        for t in themes:
            seen.setdefault(t.lower(), t)
    return sorted(seen.values(), key=str.lower)


@dataclass(frozen=True)
class CaseSignals:
    """What inference reads of one case's text: its unit vector and its distinct cue words per theme."""

    vector: np.ndarray
    cues: dict[str, int]  # by theme name in lower case (the keys of CUES)

    def __reduce__(self):
        # As bytes: unpickling 10,000 small arrays one by one took most of a second of every start.
        return _signals, (self.vector.astype(np.float32).tobytes(), self.cues)


def _signals(vector: bytes, cues: dict[str, int]) -> CaseSignals:
    return CaseSignals(np.frombuffer(vector, dtype=np.float32), cues)


def signals(case: CaseText, vector: np.ndarray) -> CaseSignals:
    """The signals of one case, given its vector (see case_vectors)."""
    return CaseSignals(vector, {t: _cue_words(t, case.text) for t in CUES})


def infer(
    cases: Sequence[CaseText], vectors: np.ndarray, train: Sequence[int] | None = None
) -> dict[str, InferredThemes]:
    """Inferred themes of every case without published themes, learnt from the tagged cases in `train`
    (positions in `cases`; default: every tagged case)."""
    return infer_from(
        [c.case_id for c in cases],
        [c.themes for c in cases],
        [signals(c, v) for c, v in zip(cases, vectors, strict=True)],
        train,
    )


def infer_from(
    case_ids: Sequence[str],
    published: Sequence[Sequence[str]],
    case_signals: Sequence[CaseSignals],
    train: Sequence[int] | None = None,
) -> dict[str, InferredThemes]:
    """`infer` from each case's id, published themes and signals."""
    tagged = [n for n in (range(len(case_ids)) if train is None else train) if published[n]]
    themes = _vocabulary(published[n] for n in tagged)
    out: dict[str, InferredThemes] = {}
    if not tagged:
        return {cid: InferredThemes(cid) for cid, p in zip(case_ids, published, strict=True) if not p}
    vectors = np.stack([s.vector for s in case_signals])
    everyone = _unit(vectors[tagged].mean(axis=0))
    centroids = {}
    lowered = {n: {x.lower() for x in published[n]} for n in tagged}
    for t in themes:
        members = [n for n in tagged if t.lower() in lowered[n]]
        centroids[t] = _unit(vectors[members].mean(axis=0))
    for n, cid in enumerate(case_ids):
        if published[n]:
            continue
        v = vectors[n]
        if not v.any():
            out[cid] = InferredThemes(cid)
            continue
        base = float(v @ everyone)
        margins = {t: round(float(v @ centroids[t]) - base, 4) for t in themes}
        chosen = _chosen(margins, {t: case_signals[n].cues.get(t.lower(), 0) for t in themes})
        out[cid] = InferredThemes(cid, chosen, margins)
    return out


def _cue_words(theme: str, text: str) -> int:
    """How many distinct cue words of `theme` occur in `text`."""
    cue = CUES.get(theme.lower())
    return len({m.group(0).lower() for m in re.finditer(cue, text, re.IGNORECASE)}) if cue else 0


def _chosen(margins: dict[str, float], cues: dict[str, int]) -> list[str]:
    """The cued theme leaned to most, and every theme with CUE_WORDS cue words; none under FLOOR."""
    cued = [t for t in margins if cues[t] and margins[t] >= FLOOR]
    if not cued:
        return []
    best = max(cued, key=lambda t: margins[t])
    return [t for t in cued if t == best or cues[t] >= CUE_WORDS]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / (np.linalg.norm(v) or 1.0)


# What assign remembers of each case between catalogs: the texts its signals were read from, and them.
Memo = dict[str, tuple[tuple[str, ...], CaseSignals]]


def assign(
    cases: MutableMapping[str, CaseSummary],
    texts_by_case: Mapping[str, Sequence[str]],
    lookup,
    dimension: int,
    memo: Memo | None = None,
) -> Memo:
    """Give every case of `cases` without published themes its `inferred_themes`, from the passage texts
    of each case and the sentence vectors `lookup(keys)` finds stored (a sentence whose vector is not
    stored counts for nothing, so no model is needed). Returns what to pass as `memo` next time: a case
    whose texts are unchanged is not read again (at 10,000 cases reading them all takes seconds)."""
    from vectorstore.sentence_vectors import sentence_key

    memo = memo or {}
    out: Memo = {}
    new = [cid for cid in cases if cid not in memo or memo[cid][0] != tuple(texts_by_case.get(cid, ()))]
    texts = [case_text(cid, cases[cid].themes, texts_by_case.get(cid, ())) for cid in new]

    def vectors_of(sentences: list[str]) -> np.ndarray:
        keys = [sentence_key(s) for s in sentences]
        found = lookup(list(dict.fromkeys(keys)))
        # The store's dimension, not the first vector's: a batch whose sentences are all missing must
        # still give vectors as long as the remembered ones.
        return np.array([found.get(k, np.zeros(dimension)) for k in keys], dtype=np.float32).reshape(-1, dimension)

    fresh = dict(
        zip(
            new,
            (signals(t, v) for t, v in zip(texts, case_vectors(texts, vectors_of, dimension), strict=True)),
            strict=True,
        )
    )
    for cid in cases:
        out[cid] = (tuple(texts_by_case.get(cid, ())), fresh[cid]) if cid in fresh else memo[cid]
    ids = list(cases)
    inferred = infer_from(ids, [cases[c].themes for c in ids], [out[c][1] for c in ids])
    for cid, found in inferred.items():
        if cases[cid].inferred_themes != found.themes:  # replaced, not changed: an older catalog may share it
            cases[cid] = replace(cases[cid], inferred_themes=found.themes)
    return out


def inferred_only(case: CaseSummary, wanted: Sequence[str]) -> bool:
    """Whether `case` passes a filter on the themes `wanted` (matched by substring, as filters match)
    through its inferred themes alone."""
    wanted = [w.lower() for w in wanted]

    def hits(themes: Sequence[str]) -> bool:
        return any(w in t.lower() for w in wanted for t in themes)

    return hits(case.inferred_themes) and not hits(case.themes)


def inferred_note(cases: Mapping[str, CaseSummary], cited: Sequence[str], wanted: Sequence[str]) -> str:
    """The line an answer filtered by theme ends with when some cited cases matched by an inferred theme
    ("" when none did)."""
    titles = [cases[c].title for c in dict.fromkeys(cited) if c in cases and inferred_only(cases[c], wanted)]
    if not titles:
        return ""
    return f"Theme inferred from the text, not published, for {len(titles)} of these cases: " + "; ".join(titles) + "."


def theme_labels(case: CaseSummary) -> list[str]:
    """A case's themes for people: published ones as they are, inferred ones marked "(inferred)"."""
    return list(case.themes) + [f"{t} (inferred)" for t in case.inferred_themes]
