"""Finding and loading sources: files, directories (recursively) and http(s) URLs, as raw bytes."""

from __future__ import annotations

import os
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
            out.extend(str(p) for p in files)
        else:
            out.append(src)
    return out


def load(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read a file or fetch a URL; SourceError with the reason when that is not possible."""
    return _fetch(source, max_bytes) if is_url(source) else _read(source, max_bytes)


def kind_of(name: str) -> str | None:
    """The document kind for a file name, from its extension."""
    return KINDS.get(Path(name).suffix.lower())


def _too_big(source: str, size: int, max_bytes: int) -> SourceError:
    return SourceError(source, f"{size / 1e6:.1f} MB is over the size limit of {max_bytes / 1e6:.0f} MB "
                               "(raise it with --max-size)")


def _read(source: str, max_bytes: int) -> Loaded:
    kind = kind_of(source)
    try:
        size = os.stat(source).st_size
        if kind is None:
            raise SourceError(source, f"unsupported file type '{Path(source).suffix or '(none)'}' "
                                      f"(accepted: {', '.join(sorted(KINDS))})")
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
            final_url = response.geturl()
    except urllib.error.HTTPError as e:
        raise SourceError(source, f"could not fetch: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise SourceError(source, f"could not fetch: {reason}") from None
    if len(content) > max_bytes:
        raise _too_big(source, len(content), max_bytes)
    if not content.strip():
        raise SourceError(source, "the page is empty")
    kind = {"application/pdf": "pdf", "text/plain": "text", "application/json": "json"}.get(ctype, "html")
    return Loaded(source=source, content=content, kind=kind, url=final_url)
