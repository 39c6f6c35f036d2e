"""Turning a loaded document (text, HTML, PDF, JSON) into cases."""

from __future__ import annotations

import codecs
import io
import json
import re

from ingest.bounds import check_case_text, check_pdf_pages
from ingest.errors import SourceError
from ingest.model import Case
from ingest.readers import Loaded

# Saved pages carry navigation, cookie banners and scripts around the case text.
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "form",
    "aside",
    "svg",
    "button",
    "iframe",
)
_NOISE_HINT = re.compile(
    r"cookie|consent|banner|breadcrumb|skip-link|site-header|site-footer|menu|share", re.IGNORECASE
)


def cases_from(loaded: Loaded) -> tuple[list[Case], str]:
    """The cases in a loaded document, and a note on how it was read (e.g. the fallback encoding)."""
    from ingest.parse import parse_text

    src = loaded.source
    if loaded.kind == "text":
        text, detail = decode_text(loaded.content, src)
        return [_parse(parse_text, text, src)], detail
    if loaded.kind == "html":
        refuse_binary(loaded.content, src)
        markup, detail = html_markup(loaded.content, loaded.charset)
        text, url = html_text(markup, src)
        case = _parse(parse_text, text, src)
        case.url = case.url or url or loaded.url
        return [case], detail
    if loaded.kind == "pdf":
        case = _parse(parse_text, pdf_text(loaded.content, src), src)
        case.url = case.url or loaded.url
        return [case], ""
    text, detail = decode_text(loaded.content, src)
    records = json_records(text, src, lines=loaded.kind == "jsonl")
    return [record_case(r, src, i, parse_text) for i, r in enumerate(records, 1)], detail


def _parse(parse_text, text: str, source: str) -> Case:
    check_case_text(len(text or ""), source)  # before parsing: the parser's time grows with the text
    try:
        return parse_text(text)
    except ValueError as e:
        raise SourceError(source, str(e)) from None


def decode_text(content: bytes, source: str) -> tuple[str, str]:
    """UTF-8 text, else Windows-1252 (said in the note); binary content is refused."""
    # Why: UTF-16 (Notepad's "Unicode") is full of NUL bytes and was refused as binary; its BOM says what it is.
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as e:
            raise SourceError(source, f"invalid UTF-16 at byte {e.start}") from None
        if not text.strip():
            raise SourceError(source, "empty file")
        return text, "decoded as UTF-16"
    refuse_binary(content, source)
    try:
        text, detail = content.decode("utf-8-sig"), ""
    except UnicodeDecodeError as e:
        where = f"invalid UTF-8 at byte {e.start}"
        try:
            text, detail = content.decode("cp1252"), f"{where}; decoded as Windows-1252"
        except UnicodeDecodeError:
            text, detail = content.decode("latin-1"), f"{where}; decoded as Latin-1"
    if not text.strip():
        raise SourceError(source, "empty file")
    return text, detail


def refuse_binary(content: bytes, source: str) -> None:
    """SourceError for content that is not text: NULs or many control bytes (UTF-16 with a BOM is text)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    # Why for HTML too: a gzipped page saved as .html was decoded as Windows-1252 and ingested as garbage.
    if content.startswith(b"\x1f\x8b"):
        raise SourceError(source, "gzip-compressed, not text (decompress it first)")
    head = content[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) * 0.05:
        raise SourceError(source, "binary file, not text")


def html_markup(content: bytes, charset: str | None = None) -> tuple[bytes | str, str]:
    """The page to hand to BeautifulSoup, and a note when its encoding was a fallback.

    Why: left to itself BeautifulSoup ignores the HTTP charset and, with no <meta charset>, guesses, e.g.
    read Latin-1 "Café naïve" as "Cafķ na’ve". So: the HTTP charset when there is one; a declared charset
    or BOM is left to BeautifulSoup; otherwise UTF-8, else Windows-1252 as for text files (said in the note).
    """
    if charset:
        try:
            return content.decode(charset), ""
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown header charset: fall through to the page's own declaration
    if b"charset" in content[:4096].lower() or content.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        return content, ""
    try:
        return content.decode("utf-8"), ""
    except UnicodeDecodeError as e:
        return content.decode("cp1252", errors="replace"), f"invalid UTF-8 at byte {e.start}; decoded as Windows-1252"


def _is_noise(tag) -> bool:
    """An element whose id, class or role names navigation, a banner, a menu or the like."""
    if tag.attrs is None:
        return False
    names = [tag.get("id") or "", *(tag.get("class") or []), tag.get("role") or ""]
    return bool(_NOISE_HINT.search(" ".join(names)))


def html_text(content: bytes | str, source: str) -> tuple[str, str | None]:
    """The main text of an HTML page (no navigation, banners or scripts) and its canonical URL."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(content, "html.parser")
    url = None
    link = soup.find("link", rel="canonical") or soup.find("meta", property="og:url")
    if link is not None:
        value = link.get("href") or link.get("content")
        url = value if isinstance(value, str) else None  # one address, never a list of them
    for tag in soup(_NOISE_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_noise):
        if tag.name not in ("main", "article", "body", "html"):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.find(role="main") or soup.body or soup
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in root.get_text("\n").splitlines()]
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise SourceError(source, "the HTML page has no text")
    h1 = soup.find("h1")
    title = " ".join(h1.get_text(" ").split()) if h1 else ""
    # The title only when the main text lacks it (e.g. an <h1> outside <main>). Why not startswith: a page
    # whose main text opens with "Source · IOPC Learning Case" then the title got the title twice.
    if title and title not in " ".join(text.split()):
        text = title + "\n" + text
    return text, url


def pdf_text(content: bytes, source: str) -> str:
    """The text layer of a PDF; refuses encrypted, damaged and image-only files with the reason."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        with _pdf_limits():
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted and not reader.decrypt(""):
                raise SourceError(source, "encrypted PDF (a password is needed)")
            check_pdf_pages(len(reader.pages), source)
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except SourceError:
        raise
    except Exception as e:  # pypdf raises assorted errors on damaged files; never let one stop a batch
        if type(e).__name__ == "LimitReachedError" or "maximum number of tokens" in str(e):
            raise SourceError(source, f"the PDF is too big once decompressed (a compression bomb?): {e}") from None
        # Why one clause: FileNotDecryptedError is a PdfReadError, so a separate PdfReadError clause
        # called it "truncated or damaged"; and a DependencyError is AES, which pypdf reads only with the
        # optional 'cryptography' package, even when no password is needed: say that, not "password".
        if isinstance(e, DependencyError):
            raise SourceError(source, "encrypted PDF (AES: reading it needs the 'cryptography' package)") from None
        if isinstance(e, FileNotDecryptedError):
            raise SourceError(source, "encrypted PDF (a password is needed)") from None
        raise SourceError(source, f"unreadable PDF (truncated or damaged): {e}") from None
    if not text.strip():
        raise SourceError(source, "the PDF has no text layer (a scanned image?)")
    return text


# A compression bomb: a 2 MB PDF whose FlateDecode stream inflates to gigabytes. pypdf (6.x) stops
# inflating at 75 MB and parsing a content stream at 2,000,000 tokens, which still took 15 s and 400 MB on
# one hostile file; a case page's text is a few hundred kilobytes, so these caps are far above any real one.
PDF_MAX_INFLATED = 20_000_000  # bytes out of one decompressed stream
PDF_MAX_TOKENS = 300_000  # operands and operators parsed in one content stream


def _pdf_limits():
    """pypdf's decompression and parsing limits, lowered for this read (no-op on a pypdf without them)."""
    import contextlib

    try:
        from pypdf import apply_configuration
    except ImportError:  # pypdf 5: its own fixed limits (75 MB) still apply
        return contextlib.nullcontext()
    return apply_configuration(
        zlib_maximum_output_length=PDF_MAX_INFLATED, stream_parsing_work_maximum_count=PDF_MAX_TOKENS
    )


def json_records(text: str, source: str, lines: bool) -> list[dict]:
    """The records of a .json (object or list of objects) or .jsonl (one object per line) file."""
    try:
        if lines:
            records = []
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        # Why: each line is parsed alone, so e.lineno was always 1; give the file's line.
                        raise SourceError(source, f"malformed JSON: {e.msg} at line {n}, column {e.colno}") from None
        else:
            data = json.loads(text)
            records = data if isinstance(data, list) else [data]
    except json.JSONDecodeError as e:
        raise SourceError(source, f"malformed JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:  # json's C parser gives up past Python's recursion limit (about 1,000 levels)
        raise SourceError(source, f"JSON nested deeper than {JSON_MAX_DEPTH} levels") from None
    if not records:
        raise SourceError(source, "no records in the JSON file")
    for i, r in enumerate(records, 1):
        if not isinstance(r, dict):
            raise SourceError(source, f"record {i} is not a JSON object")
        if _depth(r) > JSON_MAX_DEPTH:
            raise SourceError(source, f"record {i}: JSON nested deeper than {JSON_MAX_DEPTH} levels")
    return records


# A record is at most four levels deep (record > recommendations > recommendation > linked_bodies); why a
# bound: a value nested thousands deep broke the checks (and repr) with RecursionError.
JSON_MAX_DEPTH = 16


def _depth(value) -> int:
    """How deeply lists and objects nest in `value` (a record is 1), counted without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            if d <= JSON_MAX_DEPTH:
                todo.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def record_case(record: dict, source: str, index: int, parse_text) -> Case:
    """A case from a JSON record: either {"text": page text} or structured fields (see README)."""
    from ingest.records import PAGE_FIELDS, case_from_record, is_page_record, read_record

    try:
        if is_page_record(record):
            page = read_record(record, PAGE_FIELDS)
            case = _parse(parse_text, page["text"], source)
            case.url = page["url"] or case.url
            return case
        return case_from_record(record)
    except ValueError as e:
        raise SourceError(source, f"record {index}: {e}") from None
