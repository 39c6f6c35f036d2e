"""Thresholds and limits of answer composition. The thresholds are calibrated by bench/calibrate.py."""

# Cosine similarity (question vs best passage) below which nothing relevant was found.
ABSTAIN_MIN_DENSE = 0.20
# When the question has a content word that occurs nowhere in the collection, demand more.
ABSTAIN_MIN_DENSE_UNKNOWN_TERM = 0.35
# Cases kept in a list answer: best passage within this cosine margin of the top case.
LIST_MARGIN = 0.12
LIST_MAX_CASES = 12
# Cases shown for a lookup question, and how close to the best they must be.
LOOKUP_MAX_CASES = 3
LOOKUP_MARGIN = 0.08
PASSAGES_PER_CASE = 2
# Rows in a filter (enumeration) table before it is cut, with a note saying so.
TABLE_MAX_ROWS = 60
