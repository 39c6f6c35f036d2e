"""Finding and loading sources: files, directories (recursively) and http(s) URLs, as raw bytes."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SourceError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
KINDS = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".pdf": "pdf",
         ".json": "json", ".jsonl": "jsonl"}
FETCH_TIMEOUT = 20


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


def expand(sources: list[str]) -> list[str]:
    """Sources in order, directories replaced by their accepted files (sorted, recursive)."""
    out: list[str] = []
    for src in sources:
        src = str(src)
        if not is_url(src) and os.path.isdir(src):
            files = sorted(p for p in Path(src).rglob("*")
                           if p.is_file() and p.suffix.lower() in KINDS
                           and not any(part.startswith(".") for part in p.relative_to(src).parts))
            # Why keep an empty directory: silently dropping it made `iopc ingest emptydir/` report
            # "0 added ... 0 failed" and exit 0; kept, it fails with a reason (see _read).
            if files:
                out.extend(str(p) for p in files)
            else:
                out.append(src)
        else:
            out.append(src)
    return out


def load(source: str, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None) -> Loaded:
    """Read a file or fetch a URL; SourceError with the reason when that is not possible."""
    return _fetch(source, max_bytes) if is_url(source) else _read(source, max_bytes, kind_of(name or source))


def kind_of(name: str) -> str | None:
    """The document kind for a file name, from its extension."""
    return KINDS.get(Path(name).suffix.lower())


def size_text(n: int) -> str:
    """A byte count for people: "1.5 MB", or "40,000 bytes" below 0.1 MB."""
    # Why: sizes were always printed in whole MB, so a small limit read "0.0 MB is over ... of 0 MB".
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _too_big(source: str, size: int | None, max_bytes: int) -> SourceError:
    """size None: the size is unknown (a download stops reading one byte past the limit)."""
    what = f"{size_text(size)} is over" if size is not None else "over"
    return SourceError(source, f"{what} the size limit of {size_text(max_bytes)} (raise it with --max-size)")


def _read(source: str, max_bytes: int, kind: str | None) -> Loaded:
    try:
        info = os.stat(source)
        size = info.st_size
        if stat.S_ISDIR(info.st_mode):  # only an empty one gets here: expand() opens the others
            raise SourceError(source, f"no accepted files in this directory "
                                      f"(accepted: {', '.join(sorted(KINDS))})")
        if kind is None:
            raise SourceError(source, f"unsupported file type '{Path(source).suffix or '(none)'}' "
                                      f"(accepted: {', '.join(sorted(KINDS))})")
        # Why: open() on a FIFO named x.txt blocks forever and hung the whole batch.
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(source, "not a regular file")
        if size > max_bytes:
            raise _too_big(source, size, max_bytes)
        with open(source, "rb") as f:
            content = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise SourceError(source, "no such file or directory") from None
    except PermissionError:
        raise SourceError(source, "permission denied") from None
    except IsADirectoryError:
        raise SourceError(source, "is a directory") from None
    except OSError as e:
        raise SourceError(source, f"cannot read: {e.strerror or e}") from None
    if len(content) > max_bytes:  # the file grew after stat(): still refuse rather than cut it silently
        raise _too_big(source, None, max_bytes)
    if not content.strip():
        raise SourceError(source, "empty file")
    return Loaded(source=source, content=content, kind=kind)


def _fetch(source: str, max_bytes: int) -> Loaded:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(source, headers={"User-Agent": "iopc-assistant/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            content = response.read(max_bytes + 1)
            ctype = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
            final_url = response.geturl()
    except urllib.error.HTTPError as e:
        raise SourceError(source, f"could not fetch: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise SourceError(source, f"could not fetch: {reason}") from None
    if len(content) > max_bytes:
        # Why no size: the read stopped at max_bytes + 1, so "501 bytes is over..." would be made up.
        raise _too_big(source, None, max_bytes)
    if not content.strip():
        raise SourceError(source, "the page is empty")
    kind = {"application/pdf": "pdf", "text/plain": "text", "application/json": "json"}.get(ctype, "html")
    return Loaded(source=source, content=content, kind=kind, url=final_url, charset=charset)
