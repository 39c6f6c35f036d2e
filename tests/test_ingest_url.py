"""http(s):// sources, fetched from a local HTTP server (127.0.0.1, a thread) serving pages written here.

The server is on loopback, which the address policy refuses by default: the tests of the normal path
ingest with allow_private_urls, and the policy's own tests below show what is refused without it.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_ingest import BAD, GOOD, assert_consistent, case_text, passages_of, pdf_bytes, snapshot

from ingest.pipeline import Failure

PAGES: dict[str, tuple[int, str, bytes]] = {
    "/cases/moped.html": (200, "text/html; charset=utf-8", (GOOD / "moped-pursuit-west-midlands.html").read_bytes()),
    # no canonical link: the case's url is the address it was fetched from (after redirects)
    "/cases/custody-checks": (
        200,
        "text/html",
        (
            "<html><head><title>Cell checks</title></head><body><nav>Home | Cases</nav><article><pre>"
            + case_text("Checks on a detainee - Kent Police, July 2022", "Kent Police", "2022/565656", "okapi")
            + "</pre></article><footer>© 2024</footer></body></html>"
        ).encode("utf-8"),
    ),
    "/plain.txt": (
        200,
        "text/plain; charset=utf-8",
        case_text("Plain page - Kent Police, August 2022", "Kent Police", "2022/575757", "ibis").encode(),
    ),
    "/case.pdf": (
        200,
        "application/pdf",
        pdf_bytes(case_text("Printed page - Kent Police, August 2022", "Kent Police", "2022/585858", "tapir")),
    ),
    # Latin-1 with the charset only in the HTTP header (no <meta>): the header must be believed
    "/latin1.html": (
        200,
        "text/html; charset=ISO-8859-1",
        (
            "<html><body><main><pre>"
            + case_text("Café search - Kent Police, August 2022", "Kent Police", "2022/606060", "naïve señor")
            .replace("…", "...")
            .replace("↗", "")
            + "</pre></main></body></html>"
        ).encode("latin-1"),
    ),
    "/empty-page.html": (200, "text/html", (BAD / "no-text.htm").read_bytes()),
    "/blank": (200, "text/html", b"   "),
}


_WHOLE_GZIP = gzip.compress(PAGES["/cases/custody-checks"][2])
REDIRECTS: dict[str, str] = {"/moved": "/cases/custody-checks"}  # path -> Location (more added by tests)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # so a body shorter than its Content-Length is not just "the end"

    def do_GET(self):  # noqa: N802
        if self.path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/short-body":  # announces the whole page, sends a third, closes
            body = PAGES["/cases/custody-checks"][2]
            self._head("text/html", len(body))
            self.wfile.write(body[: len(body) // 3])
            self.close_connection = True
            return
        if self.path in ("/gzip-cut", "/gzip-whole"):  # a gzip body cut to a third (its length says so)
            body = _WHOLE_GZIP if self.path == "/gzip-whole" else _WHOLE_GZIP[: len(_WHOLE_GZIP) // 3]
            self._head("text/html", len(body), {"Content-Encoding": "gzip"})
            self.wfile.write(body)
            return
        if self.path.startswith("/drip"):  # one byte every 0.3 s, of the headers or of the body
            self.close_connection = True
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"
            data = head + b"x" * 100 if self.path == "/drip-headers" else b"x" * 100
            if self.path == "/drip-body":
                self.wfile.write(head)
            try:
                for i in range(len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass  # the client hung up: that is the point
            return
        status, ctype, body = PAGES.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self._head(ctype, len(body), status=status)
        self.wfile.write(body)

    def _head(self, ctype: str, length: int, extra: dict | None = None, status: int = 200):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def log_message(self, *args):
        pass


def serve(host: str = "127.0.0.1"):
    """A real HTTP server on `host` (a thread); returns (base URL, server)."""
    httpd = ThreadingHTTPServer((host, 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://{host}:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="module")
def server():
    url, httpd = serve()
    yield url
    httpd.shutdown()
    httpd.server_close()


def ingest_local(a, urls, allow_private_urls: bool = True):
    """Ingest from the test servers on loopback (refused unless allow_private_urls)."""
    return a.ingest(urls, allow_private_urls=allow_private_urls)


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory, embedder):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path_factory.mktemp("urls") / "index", embedder=embedder)
    urls = [f"{server}/cases/moped.html", f"{server}/moved", f"{server}/plain.txt", f"{server}/case.pdf"]
    return a, urls, ingest_local(a, urls)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on exit: nothing listens there


def test_urls_are_fetched_and_parsed(fetched):
    a, urls, report = fetched
    assert report.added == urls and report.failed == []
    moped = next(c for c in a.cases() if c.title.startswith("Pursuit of a moped"))
    assert moped.sources == [urls[0]]
    assert moped.url == "https://www.example.org/learning/pursuit-of-a-moped-west-midlands-july-2021/"  # canonical
    text = " ".join(p.text for p in passages_of(a, urls[0]))
    assert "quokka" in text and "cookie" not in text.lower() and "tracking" not in text
    checks = next(c for c in a.cases() if c.title.startswith("Checks on a detainee"))
    assert checks.force == "Kent Police" and checks.references == ["2022/565656"]
    assert checks.url == urls[0].rsplit("/", 2)[0] + "/cases/custody-checks"  # where the redirect led
    assert checks.sources == [urls[1]]  # the source is the URL as given
    assert all("Home | Cases" not in p.text for p in passages_of(a, urls[1]))
    plain = next(c for c in a.cases() if c.title.startswith("Plain page"))
    assert plain.references == ["2022/575757"]
    printed = next(c for c in a.cases() if c.title.startswith("Printed page"))
    assert printed.url == urls[3] and any("tapir" in p.text for p in passages_of(a, urls[3]))
    assert_consistent(a)


def test_http_charset_is_used(fetched, server):
    a, *_ = fetched
    url = f"{server}/latin1.html"
    report = ingest_local(a, [url])
    assert report.added == [url] and report.notes == []
    assert any("naïve señor" in p.text for p in passages_of(a, url))
    assert any(c.title == "Café search - Kent Police, August 2022" for c in a.cases())


def test_url_again_is_unchanged(fetched):
    a, urls, _ = fetched
    before = snapshot(a)
    report = ingest_local(a, urls)
    assert report.unchanged == urls and not report.changed
    assert snapshot(a) == before


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/no-such-case", "could not fetch: HTTP 404 Not Found"),
        ("/empty-page.html", "the HTML page has no text"),
        ("/blank", "the page is empty"),
    ],
)
def test_bad_urls(fetched, server, path, reason):
    a, *_ = fetched
    before = snapshot(a)
    url = server + path
    assert ingest_local(a, [url]).failed == [Failure(url, reason)]
    assert snapshot(a) == before


def test_unreachable_url_and_the_rest_of_the_batch(fetched, server, tmp_path):
    a, *_ = fetched
    url = f"http://127.0.0.1:{free_port()}/case.html"
    local = tmp_path / "local.txt"
    local.write_text(case_text("Local copy - Kent Police, May 2022", "Kent Police", "2022/595959", "gecko"))
    before = snapshot(a)
    report = ingest_local(a, [url, str(local)])
    assert [f.source for f in report.failed] == [url]
    assert report.failed[0].reason.startswith("could not fetch: ") and "refused" in report.failed[0].reason
    assert report.added == [str(local)]
    after = snapshot(a)
    assert all(after["passages"][k] == v for k, v in before["passages"].items())


def test_url_over_the_size_limit(fetched, server, embedder):
    from assistant import Assistant

    a, *_ = fetched
    small = Assistant(data_dir=a.location.path, embedder=embedder, max_bytes=500)
    url = f"{server}/cases/moped.html"
    before = snapshot(a)
    report = ingest_local(small, [url])
    assert [f.source for f in report.failed] == [url]
    assert report.failed[0].reason == "over the size limit of 500 bytes (raise it with --max-size)"
    assert snapshot(a) == before


# --- damaged bodies -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/short-body", "could not fetch: the body is damaged ("),
        ("/gzip-cut", "could not fetch: the gzip-encoded body is damaged (cut short)"),
    ],
)
def test_a_body_cut_short_is_damaged_and_stores_nothing(fetched, server, path, reason):
    a, *_ = fetched
    before = snapshot(a)
    url = server + path
    report = ingest_local(a, [url])
    assert report.added == [] and [f.source for f in report.failed] == [url]
    assert report.failed[0].reason.startswith(reason) and "\n" not in report.failed[0].reason
    assert snapshot(a) == before


def test_a_whole_gzip_body_is_read(fetched, server):
    a, *_ = fetched
    url = f"{server}/gzip-whole"
    assert ingest_local(a, [url]).added == [url]
    assert any("okapi" in p.text for p in passages_of(a, url))
    a.remove(url)


# --- the address policy (SSRF) --------------------------------------------------------------------------------


def test_loopback_is_refused_unless_allowed(fetched, server):
    a, *_ = fetched
    before = snapshot(a)
    port = server.rsplit(":", 1)[1]
    url, by_name = f"{server}/plain.txt", f"http://localhost:{port}/plain.txt"
    report = ingest_local(a, [url, by_name], allow_private_urls=False)
    assert report.failed == [
        Failure(url, "refused: 127.0.0.1 is a loopback address (allow private addresses with --allow-private-urls)"),
        Failure(
            by_name,
            "refused: localhost resolves to 127.0.0.1, a loopback address "
            "(allow private addresses with --allow-private-urls)",
        ),
    ]
    assert snapshot(a) == before


@pytest.mark.parametrize(
    "ip, kind",
    [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.5", "private"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("fd00::1", "private"),
        ("93.184.216.34", None),
        ("2606:2800:220:1::1", None),
    ],
)
def test_address_kinds(ip, kind):
    from ingest.fetch import address_problem

    assert address_problem(ip) == (f"{'an' if kind[0] == 'u' else 'a'} {kind} address" if kind else None)


def test_a_redirect_from_a_public_host_to_loopback_is_refused(fetched, monkeypatch):
    """127.0.0.2 plays a public host (the policy is told so); it redirects to a page on 127.0.0.1."""
    import ingest.fetch

    a, *_ = fetched
    public, public_httpd = serve("127.0.0.2")
    internal, internal_httpd = serve("127.0.0.1")
    seen = []
    internal_httpd.RequestHandlerClass = type(
        "Seen", (_Handler,), {"do_GET": lambda self: seen.append(self.path) or _Handler.do_GET(self)}
    )
    real = ingest.fetch.address_problem
    monkeypatch.setattr(ingest.fetch, "address_problem", lambda ip: None if ip == "127.0.0.2" else real(ip))
    REDIRECTS["/to-internal"] = f"{internal}/plain.txt"
    try:
        before = snapshot(a)
        assert ingest_local(a, [f"{public}/plain.txt"], allow_private_urls=False).added  # the public host is read
        url = f"{public}/to-internal"
        report = ingest_local(a, [url], allow_private_urls=False)
        assert report.failed == [
            Failure(url, "refused: 127.0.0.1 is a loopback address (allow private addresses with --allow-private-urls)")
        ]
        assert seen == []  # never connected to
        a.remove(f"{public}/plain.txt")
        assert snapshot(a) == before
    finally:
        del REDIRECTS["/to-internal"]
        for httpd in (public_httpd, internal_httpd):
            httpd.shutdown()
            httpd.server_close()


def test_a_redirect_to_ftp_is_not_followed(fetched, server):
    a, *_ = fetched
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    REDIRECTS["/to-ftp"] = f"ftp://127.0.0.1:{listener.getsockname()[1]}/"
    try:
        url = f"{server}/to-ftp"
        report = ingest_local(a, [url])  # private addresses allowed: the scheme alone is refused
        assert report.failed == [Failure(url, f"refused: redirected to {REDIRECTS['/to-ftp']}, which is not http(s)")]
        with pytest.raises(socket.timeout):
            listener.accept()  # nobody called
    finally:
        del REDIRECTS["/to-ftp"]
        listener.close()


# --- the total timeout ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_a_dripping_server_is_cut_off_at_the_total_timeout(fetched, server, monkeypatch, path):
    """100 bytes at one every 0.3 s would take 30 s; each byte comes well within any per-read timeout."""
    import ingest.fetch

    a, *_ = fetched
    monkeypatch.setattr(ingest.fetch, "FETCH_TIMEOUT", 2)
    url = server + path
    start = time.monotonic()
    report = ingest_local(a, [url])
    took = time.monotonic() - start
    assert [f.source for f in report.failed] == [url]
    assert report.failed[0].reason.startswith("could not fetch: timed out after 2 s")
    assert took < 4, took


def test_the_cli_refuses_loopback_unless_allow_private_urls(server, tmp_path, embedder, monkeypatch):
    from click.testing import CliRunner

    from assistant.cli import main

    monkeypatch.setattr("vectorstore.Embedder", lambda *a, **kw: embedder)
    url, data = f"{server}/plain.txt", str(tmp_path / "index")
    r = CliRunner().invoke(main, ["ingest", "-q", url, "--data-dir", data])
    assert r.exit_code == 1
    assert (
        r.stderr == f"error: {url}: refused: 127.0.0.1 is a loopback address "
        "(allow private addresses with --allow-private-urls)\n"
    )
    r = CliRunner().invoke(main, ["ingest", "-q", "--allow-private-urls", url, "--data-dir", data])
    assert (r.exit_code, r.stdout) == (0, "1 added, 0 updated, 0 unchanged, 0 failed\n")
