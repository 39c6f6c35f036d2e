"""The bounds on the work one case may cause below the size limit: PDF pages, text, passages.

A file under the size limit could still hold hours of work: a 2.26 MB one-line file did not finish
in 900 s, a 3,000-page PDF took over 600 s, and a 5 MB single word was stored as one 5 MB passage.
Each bound here is checked once, where its input is first known, and fails the source in one line.
"""

from __future__ import annotations

from ingest.errors import SourceError

PDF_MAX_PAGES = 300  # a published learning case is a few pages; its report at most a hundred or so
CASE_MAX_CHARS = 100_000  # the text of one case (a page, a PDF, a record): about 40 pages of prose
CASE_MAX_PASSAGES = 150  # passages of one case (about the text limit's worth of prose), each embedded
PASSAGE_MAX_CHARS = 4_000  # a passage is cut here even within its word-piece budget
# The tokenizer reads a word of over 100 characters as one [UNK], which fits any budget: such a word is
# cut into slices of this length, which it reads in word pieces.
WORD_MAX_CHARS = 100


def check_pdf_pages(pages: int, source: str) -> None:
    """SourceError when a PDF has more pages than PDF_MAX_PAGES (checked before any is read)."""
    if pages > PDF_MAX_PAGES:
        raise SourceError(source, f"the PDF has {pages:,} pages, more than {PDF_MAX_PAGES} (split it into cases)")


def check_case_text(chars: int, source: str) -> None:
    """SourceError when a case's text is longer than CASE_MAX_CHARS characters."""
    if chars > CASE_MAX_CHARS:
        raise SourceError(
            source, f"too much text for one case: {chars:,} characters, more than {CASE_MAX_CHARS:,} (split it)"
        )


def check_case_passages(passages: int, source: str) -> None:
    """SourceError when a case makes more than CASE_MAX_PASSAGES passages."""
    if passages > CASE_MAX_PASSAGES:
        raise SourceError(
            source, f"too much text for one case: {passages:,} passages, more than {CASE_MAX_PASSAGES} (split it)"
        )
