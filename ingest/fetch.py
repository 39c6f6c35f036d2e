"""Fetching an http(s) URL as raw bytes, within a total time, a size limit and an address policy.

The policy (see SECURITY.md): only http and https, also after redirects; every address a host name
resolves to is checked when the connection is made (so a redirect or a DNS answer cannot lead to
loopback, link-local or private ranges unless the caller allows private addresses); the whole fetch,
headers and body, ends at a deadline however slowly the server sends; a body shorter than its
Content-Length, a chunked body cut short, or a compressed body that does not reach its end is damaged.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass

from ingest.errors import SourceError

FETCH_TIMEOUT = 20  # seconds for the whole fetch: connecting, headers and body
_CHUNK = 64 * 1024
_SCHEMES = ("http", "https")


@dataclass
class Fetched:
    """A fetched body (decompressed) and what its headers said."""

    content: bytes
    content_type: str
    charset: str | None
    final_url: str


class _Refused(OSError):
    """A connection or redirect the address policy does not allow; str() is the reason."""


def address_problem(ip: str) -> str | None:
    """What makes an IP address not public ("a loopback address", "a private address"…), or None."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])  # an IPv6 zone id ("fe80::1%eth0") is not part of it
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    for kind in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(addr, f"is_{kind}"):
            return f"{'an' if kind[0] in 'u' else 'a'} {kind.replace('_', '-')} address"
    return None


class _Watch:
    """One fetch's deadline: at the deadline every socket the fetch opened is shut, which ends any read."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.01, self.deadline - time.monotonic())

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _connector(watch: _Watch, allow_private: bool):
    """socket.create_connection for http.client: the resolved addresses are checked before connecting."""

    def create_connection(address, timeout=None, source_address=None, **_options):
        host, port = address
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise OSError(f"cannot resolve {host}: {e.strerror}") from None
        if not allow_private:
            for *_, sockaddr in infos:
                problem = address_problem(str(sockaddr[0]))
                if problem:
                    what = (
                        f"{host} is {problem}"
                        if host == sockaddr[0]
                        else f"{host} resolves to {sockaddr[0]}, {problem}"
                    )
                    raise _Refused(f"{what} (allow private addresses with --allow-private-urls)")
        error: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            watch.add(sock)
            try:
                sock.settimeout(min(timeout or FETCH_TIMEOUT, watch.remaining()))
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as e:
                error = e
                sock.close()
        raise error or OSError(f"cannot connect to {host}")

    return create_connection


def _connection(base, watch: _Watch, allow_private: bool):
    class Guarded(base):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self._create_connection = _connector(watch, allow_private)

        def connect(self):
            super().connect()
            watch.add(self.sock)  # for https, the TLS socket the body is read through

    return Guarded


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch, allow_private: bool):
        super().__init__()
        self._class = _connection(http.client.HTTPConnection, watch, allow_private)

    def http_open(self, req):
        return self.do_open(self._class, req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch, allow_private: bool):
        super().__init__()
        self._class = _connection(http.client.HTTPSConnection, watch, allow_private)

    def https_open(self, req):
        return self.do_open(functools.partial(self._class, context=self._context), req)  # type: ignore[attr-defined]


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to http(s): urllib would also follow one to ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in _SCHEMES:
            raise _Refused(f"redirected to {newurl}, which is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(source: str, max_bytes: int, allow_private: bool = False, timeout: float | None = None) -> Fetched:
    """GET an http(s) URL; SourceError with a one-line reason when it cannot be fetched whole."""
    timeout = FETCH_TIMEOUT if timeout is None else timeout
    with _Watch(timeout) as watch:
        # No proxy from the environment: the address check must see the address actually connected to.
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), _HTTP(watch, allow_private), _HTTPS(watch, allow_private), _Redirects()
        )
        request = urllib.request.Request(source, headers={"User-Agent": "iopc-assistant/0.1"})
        try:
            with opener.open(request, timeout=timeout) as response:
                body = _read_body(response, source, max_bytes, watch)
                headers = response.headers
                final_url = response.geturl()
        except SourceError:
            raise
        except urllib.error.HTTPError as e:
            raise SourceError(source, f"could not fetch: HTTP {e.code} {e.reason}") from None
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as e:
            if watch.expired:
                raise SourceError(source, f"could not fetch: timed out after {timeout:g} s") from None
            reason = getattr(e, "reason", e)
            if isinstance(reason, _Refused):
                raise SourceError(source, f"refused: {reason}") from None
            raise SourceError(source, f"could not fetch: {reason}") from None
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", ""):
        body = inflate(body, encoding, source, max_bytes)
    return Fetched(body, headers.get_content_type(), headers.get_content_charset(), final_url)


def _read_body(response, source: str, max_bytes: int, watch: _Watch) -> bytes:
    """The body, at most max_bytes + 1 bytes; damaged when the server sent less than it announced."""
    parts: list[bytes] = []
    size = 0
    while size <= max_bytes:
        try:
            part = response.read1(min(_CHUNK, max_bytes + 1 - size))
        except http.client.IncompleteRead:  # a chunked body whose connection closed mid-way
            raise SourceError(
                source, "could not fetch: the body is damaged (the connection closed before its end)"
            ) from None
        if watch.expired:
            raise SourceError(source, f"could not fetch: timed out after {watch.seconds:g} s ({size:,} bytes arrived)")
        if not part:
            break
        parts.append(part)
        size += len(part)
    announced = response.headers.get("Content-Length")
    if size <= max_bytes and announced and announced.strip().isdigit() and size < int(announced):
        raise SourceError(
            source, f"could not fetch: the body is damaged ({size:,} of the {int(announced):,} bytes announced arrived)"
        )
    return b"".join(parts)


def inflate(content: bytes, encoding: str, source: str, max_bytes: int) -> bytes:
    """A gzip/deflate HTTP body decompressed, never past max_bytes (a gzip bomb stops there)."""
    from ingest.readers import size_text

    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise SourceError(source, f"could not fetch: unsupported Content-Encoding '{encoding}'")
    if len(content) > max_bytes:
        return content  # already over the limit: the caller refuses it by size
    # wbits 47 reads gzip or zlib; "deflate" is sometimes sent raw (no zlib header): -15 reads that.
    for wbits in (47, -15):
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(content, max_bytes + 1)
        except zlib.error:
            continue
        if len(out) > max_bytes or inflater.unconsumed_tail:
            raise SourceError(
                source, f"over the size limit of {size_text(max_bytes)} once decompressed (raise it with --max-size)"
            )
        if not inflater.eof:  # the stream's end never came: the body was cut short
            raise SourceError(source, f"could not fetch: the {encoding}-encoded body is damaged (cut short)")
        return out
    raise SourceError(source, f"could not fetch: the {encoding}-encoded body is damaged")
