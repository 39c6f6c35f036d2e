"""Finding and loading sources: files, directories (recursively) and http(s) URLs, as raw bytes."""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SourceError

MB = 1_000_000  # the unit of every size the user gives or reads: --max-size, the app, the messages
DEFAULT_MAX_BYTES = 20 * MB
KINDS = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".json": "json",
    ".jsonl": "jsonl",
}


@dataclass
class Loaded:
    """A source's raw content and what kind of document it is."""

    source: str  # exactly as given (a path or URL)
    content: bytes
    kind: str  # text | html | pdf | json | jsonl
    url: str | None = None  # the public page, for fetched URLs
    charset: str | None = None  # the charset of the HTTP Content-Type header, for fetched URLs


def is_url(source: str) -> bool:
    """True for http(s) URLs."""
    return source.startswith(("http://", "https://"))


class Found(str):
    """A path found by walking a directory: it remembers the directory, so _read can keep inside it."""

    root: str = ""


def _found(path: Path, root: str) -> Found:
    f = Found(str(path))
    f.root = root
    return f


def expand(sources: list[str]) -> list[str]:
    """Sources in order, directories replaced by their accepted files (sorted, recursive)."""
    out: list[str] = []
    for src in sources:
        src = str(src)
        if not is_url(src) and os.path.isdir(src):
            # Why `not is_dir()` rather than `is_file()`: a FIFO, a device, a broken link or a link loop with
            # an accepted name was dropped without a word; now each fails with its reason (see _read).
            # Symbolic links to directories are not descended (rglob does not follow them).
            files = sorted(
                p
                for p in Path(src).rglob("*")
                if p.suffix.lower() in KINDS
                and not p.is_dir()
                and not any(part.startswith(".") for part in p.relative_to(src).parts)
            )
            # Why keep an empty directory: silently dropping it made `iopc ingest emptydir/` report
            # "0 added ... 0 failed" and exit 0; kept, it fails with a reason (see _read).
            if files:
                out.extend(_found(p, src) for p in files)
            else:
                out.append(src)
        else:
            out.append(src)
    return out


def load(
    source: str, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None, allow_private_urls: bool = False
) -> Loaded:
    """Read a file or fetch a URL; SourceError with the reason when that is not possible.

    A URL leading (after redirects and DNS) to a loopback, link-local or private address is refused
    unless allow_private_urls (see ingest.fetch).
    """
    if is_url(source):
        return _fetch(source, max_bytes, allow_private_urls)
    return _read(source, max_bytes, kind_of(name or source))


def kind_of(name: str) -> str | None:
    """The document kind for a file name, from its extension."""
    return KINDS.get(Path(name).suffix.lower())


def size_text(n: int) -> str:
    """A byte count for people: "1.5 MB" (of MB bytes), or "40,000 bytes" below 0.1 MB."""
    # Why: sizes were always printed in whole MB, so a small limit read "0.0 MB is over ... of 0 MB".
    return f"{n / MB:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def max_bytes_from_mb(mb: float) -> int:
    """The byte limit for a size given in MB (--max-size); ValueError unless it is a positive finite number."""
    if not (isinstance(mb, (int, float)) and math.isfinite(mb) and mb > 0):
        raise ValueError(f"must be a positive number of MB (1 MB = {MB:,} bytes), got {mb}")
    if mb * MB < 1:
        raise ValueError(f"must be at least one byte ({1 / MB} MB), got {mb}")
    return int(mb * MB)


def _too_big(source: str, size: int | None, max_bytes: int) -> SourceError:
    """size None: the size is unknown (a download stops reading one byte past the limit)."""
    limit = size_text(max_bytes)
    what = f"{size_text(size)} is over" if size is not None else "over"
    if size is not None and size_text(size) == limit:  # "20.0 MB is over ... 20.0 MB" says nothing
        what, limit = f"{size:,} bytes is over", f"{max_bytes:,} bytes"
    return SourceError(source, f"{what} the size limit of {limit} (raise it with --max-size)")


def _outside(found: Found) -> bool:
    """True when a file found under a directory is a symbolic link leading out of that directory."""
    if not os.path.islink(found):
        return False
    root = os.path.realpath(found.root)
    return os.path.commonpath([root, os.path.realpath(found)]) != root


def _read(source: str, max_bytes: int, kind: str | None) -> Loaded:
    try:
        # Decision: ingesting a directory reads what is in it. A link found there that leads elsewhere
        # (/etc/passwd.txt, /dev/zero, another user's files) is reported, not followed; a link within the
        # directory is read. A path given by name is read wherever it leads: the user named it.
        if isinstance(source, Found) and _outside(source):
            raise SourceError(
                source, "symbolic link to outside the directory, not followed (give its target by name to ingest it)"
            )
        # Why: a name with bytes that are not UTF-8 (Python holds them as lone surrogates) could not be
        # stored and failed as an "unexpected error" after the file was read.
        if not source.isascii():
            try:
                source.encode("utf-8")
            except UnicodeEncodeError:
                raise SourceError(source, "the file name is not valid UTF-8 (rename the file)") from None
        info = os.stat(source)
        size = info.st_size
        if stat.S_ISDIR(info.st_mode):  # only an empty one gets here: expand() opens the others
            raise SourceError(source, f"no accepted files in this directory (accepted: {', '.join(sorted(KINDS))})")
        if kind is None:
            raise SourceError(
                source,
                f"unsupported file type '{Path(source).suffix or '(none)'}' (accepted: {', '.join(sorted(KINDS))})",
            )
        # Why: open() on a FIFO named x.txt blocks forever and hung the whole batch.
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(source, "not a regular file")
        if size > max_bytes:
            raise _too_big(source, size, max_bytes)
        with open(source, "rb") as f:
            content = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise SourceError(
            source, "broken symbolic link" if os.path.islink(source) else "no such file or directory"
        ) from None
    except PermissionError:
        raise SourceError(source, "permission denied") from None
    except IsADirectoryError:
        raise SourceError(source, "is a directory") from None
    except OSError as e:
        raise SourceError(source, f"cannot read: {e.strerror or e}") from None
    except ValueError:  # os.stat("a\0b") raises ValueError, which reached the report as an "unexpected error"
        raise SourceError(source, "cannot read: the name contains a NUL character") from None
    if len(content) > max_bytes:  # the file grew after stat(): still refuse rather than cut it silently
        raise _too_big(source, None, max_bytes)
    if not content.strip():
        raise SourceError(source, "empty file")
    return Loaded(source=source, content=content, kind=kind)


def _fetch(source: str, max_bytes: int, allow_private: bool) -> Loaded:
    from ingest.fetch import fetch

    got = fetch(source, max_bytes, allow_private)
    if len(got.content) > max_bytes:
        # Why no size: the read stopped at max_bytes + 1, so "501 bytes is over..." would be made up.
        raise _too_big(source, None, max_bytes)
    if not got.content.strip():
        raise SourceError(source, "the page is empty")
    kind = {"application/pdf": "pdf", "text/plain": "text", "application/json": "json"}.get(got.content_type, "html")
    return Loaded(source=source, content=got.content, kind=kind, url=got.final_url, charset=got.charset)


NAME_MAX = 200
# Characters that move the cursor, split a line, drive the terminal (ESC, CSI) or reorder text (bidi controls).
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEPING_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep_lines: bool = False) -> str:
    """`text` safe to print to a terminal: control and bidi characters shown escaped (\\n, \\x1b, \\u202e).

    Why: a file named "good\\nerror: FAKE.txt: injected line\\n.txt" forged CLI error lines, and escape
    sequences in a name or title reached the terminal raw. keep_lines keeps newlines and tabs (an answer's text).
    """

    def escape(m: re.Match) -> str:
        c = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (
            f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
        )

    text = text.encode("utf-8", "backslashreplace").decode("utf-8") if not text.isascii() else text
    return (_UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE_NAME).sub(escape, text)


def safe_name(name: str) -> str:
    """A name to record and print a source under: one line, no control characters, at most NAME_MAX long."""
    # Why: a source name is printed as "error: <name>: <reason>", one line per source; a newline, NUL or
    # escape sequence in an uploaded file's name split that line or drove the terminal. Undecodable bytes
    # (lone surrogates) could not be stored. A long name keeps its extension, which says its type.
    name = _UNSAFE_NAME.sub("_", name).encode("utf-8", "replace").decode("utf-8").strip() or "upload"
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[: NAME_MAX - len(ext) - 1] + "…" + ext
    return name
