"""Thresholds and limits of answer composition. The thresholds are calibrated by bench/calibrate.py."""

# Nothing relevant was found unless the best sentence of the top passages is at least this similar
# to the question; a higher bar when a topic term of the question occurs nowhere in the collection.
# Calibrated by bench/calibrate.py on the 50 non-enumeration questions of questions-dev.jsonl and
# bench/questions-own.jsonl (2026-11-28): no answerable question may fall within 0.05 of its bar; the
# plain bar sits mid-range, the bar for unknown words as low as catches the most `none` questions.
ABSTAIN_MIN_SENTENCE = 0.38
ABSTAIN_MIN_SENTENCE_UNKNOWN = 0.56
# A question word unseen in the collection counts as unknown only when no collection word is this
# similar to it (so "girl" is covered by "female", "naloxone" is not covered by "opioid").
VOCABULARY_NEIGHBOUR_MIN = 0.72
# Below this many passages the "unknown term" bar is not applied (see assistant/relevance.py).
MIN_PASSAGES_FOR_VOCABULARY = 200
# Cases kept in a list answer: best passage within this cosine margin of the top case, and covering
# at least this share of the question's topic terms (idf-weighted), so that a case sharing only the
# common words ("changed policy") is not listed.
LIST_MIN_COVERAGE = 0.3
LIST_MARGIN = 0.16
# The best cases of the fused ranking are kept whatever their dense score (keyword evidence counts).
LIST_ALWAYS_TOP = 3
LIST_MAX_CASES = 12
# Cases shown for a lookup question, and how close to the best they must be.
LOOKUP_MAX_CASES = 3
LOOKUP_MARGIN = 0.08
PASSAGES_PER_CASE = 2
# Rows in a filter (enumeration) table before it is cut, with a note saying so.
TABLE_MAX_ROWS = 60
