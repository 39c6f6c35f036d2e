"""Is anything in the collection relevant? Two signals, thresholds calibrated by bench/calibrate.py.

- sentence: the best cosine similarity between the question and a sentence of its top passages
  (a passage-level score blurs one matching sentence among many that do not match);
- unknown: the question's topic words that occur in no passage and have no close neighbour among
  the collection's words. A question about something the collection never mentions ("naloxone",
  "drones") can still sit close, in embedding space, to a neighbouring topic; a word the collection
  has never seen, nor any near synonym of it ("girl" has "female", "hurt" has "pain"), is the tell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import settings
from assistant.catalog import Catalog
from assistant.question import Question
from assistant.types import Hit
from ingest.sentences import sentences

TOP_PASSAGES = 6


@dataclass
class Relevance:
    """The signals for one question."""

    sentence: float
    unknown: list[str] = field(default_factory=list)

    def relevant(self, min_sentence: float | None = None, min_sentence_unknown: float | None = None) -> bool:
        """True when the best sentence clears the bar (a higher bar when some topic term is unknown)."""
        bar = settings.ABSTAIN_MIN_SENTENCE if min_sentence is None else min_sentence
        if self.unknown:
            bar = max(bar, settings.ABSTAIN_MIN_SENTENCE_UNKNOWN if min_sentence_unknown is None
                      else min_sentence_unknown)
        return self.sentence >= bar


def case_coverage(q: Question, catalog: Catalog, case_id: str) -> float:
    """Share of the question's topic terms, weighted by rarity, that the case's passages contain."""
    terms = catalog.keyword.terms(" ".join(q.topic))
    return catalog.keyword.coverage(terms, catalog.case_passages(case_id)) if terms else 1.0


def unseen_words(q: Question, catalog: Catalog) -> list[str]:
    """Topic words of `q` found in no passage: the ones the unknown-word check looks up (none in a
    collection too small for unseen words to tell anything)."""
    keyword = catalog.keyword
    if len(keyword) < settings.MIN_PASSAGES_FOR_VOCABULARY:
        return []
    out = []
    for word in dict.fromkeys(w.lower() for w in q.topic):
        terms = keyword.terms(word)
        if terms and not any(keyword.document_frequency(t) for t in terms):
            out.append(word)
    return out


def unknown_words(q: Question, catalog: Catalog, store, embedder,
                  min_neighbour: float | None = None) -> list[str]:
    """Topic words of `q` found in no passage and with no vocabulary word this similar."""
    bar = settings.VOCABULARY_NEIGHBOUR_MIN if min_neighbour is None else min_neighbour
    out = []
    for word in unseen_words(q, catalog):
        nearest = store.nearest_word(embedder.embed_cached([word])[0])
        if nearest is None or nearest[1] < bar:
            out.append(word)
    return out


def relevance(hits: list[Hit], q: Question, catalog: Catalog, embedder, question_vector, store,
              sentence_vectors=None) -> Relevance:
    """The relevance signals of `hits` for `q` (zero when there are no hits).

    `sentence_vectors` (a SentenceVectors) looks up the vectors stored at ingest; else they are embedded."""
    texts = [s for h in hits[:TOP_PASSAGES] for s in (sentences(h.text) or [h.text])]
    if not texts:
        return Relevance(0.0)
    best = float(((sentence_vectors or embedder).embed_cached(texts) @ question_vector).max())
    return Relevance(sentence=best, unknown=unknown_words(q, catalog, store, embedder))
