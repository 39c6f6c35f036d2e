"""http(s):// sources, fetched from a local HTTP server (127.0.0.1, a thread) serving pages written here."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.pipeline import Failure
from test_ingest import GOOD, BAD, assert_consistent, case_text, passages_of, pdf_bytes, snapshot

PAGES: dict[str, tuple[int, str, bytes]] = {
    "/cases/moped.html": (200, "text/html; charset=utf-8", (GOOD / "moped-pursuit-west-midlands.html").read_bytes()),
    # no canonical link: the case's url is the address it was fetched from (after redirects)
    "/cases/custody-checks": (200, "text/html", (
        "<html><head><title>Cell checks</title></head><body><nav>Home | Cases</nav><article><pre>"
        + case_text("Checks on a detainee - Kent Police, July 2022", "Kent Police", "2022/565656", "okapi")
        + "</pre></article><footer>© 2024</footer></body></html>").encode("utf-8")),
    "/plain.txt": (200, "text/plain; charset=utf-8",
                   case_text("Plain page - Kent Police, August 2022", "Kent Police", "2022/575757", "ibis").encode()),
    "/case.pdf": (200, "application/pdf",
                  pdf_bytes(case_text("Printed page - Kent Police, August 2022", "Kent Police", "2022/585858",
                                      "tapir"))),
    # Latin-1 with the charset only in the HTTP header (no <meta>): the header must be believed
    "/latin1.html": (200, "text/html; charset=ISO-8859-1", (
        "<html><body><main><pre>" + case_text("Café search - Kent Police, August 2022", "Kent Police",
                                              "2022/606060", "naïve señor").replace("…", "...")
        .replace("↗", "") + "</pre></main></body></html>").encode("latin-1")),
    "/empty-page.html": (200, "text/html", (BAD / "no-text.htm").read_bytes()),
    "/blank": (200, "text/html", b"   "),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/cases/custody-checks")
            self.end_headers()
            return
        status, ctype, body = PAGES.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory, embedder):
    from assistant import Assistant

    a = Assistant(data_dir=tmp_path_factory.mktemp("urls") / "index", embedder=embedder)
    urls = [f"{server}/cases/moped.html", f"{server}/moved", f"{server}/plain.txt", f"{server}/case.pdf"]
    return a, urls, a.ingest(urls)


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
    report = a.ingest([url])
    assert report.added == [url] and report.notes == []
    assert any("naïve señor" in p.text for p in passages_of(a, url))
    assert any(c.title == "Café search - Kent Police, August 2022" for c in a.cases())


def test_url_again_is_unchanged(fetched):
    a, urls, _ = fetched
    before = snapshot(a)
    report = a.ingest(urls)
    assert report.unchanged == urls and not report.changed
    assert snapshot(a) == before


@pytest.mark.parametrize("path, reason", [
    ("/no-such-case", "could not fetch: HTTP 404 Not Found"),
    ("/empty-page.html", "the HTML page has no text"),
    ("/blank", "the page is empty"),
])
def test_bad_urls(fetched, server, path, reason):
    a, *_ = fetched
    before = snapshot(a)
    url = server + path
    assert a.ingest([url]).failed == [Failure(url, reason)]
    assert snapshot(a) == before


def test_unreachable_url_and_the_rest_of_the_batch(fetched, server, tmp_path):
    a, *_ = fetched
    url = f"http://127.0.0.1:{free_port()}/case.html"
    local = tmp_path / "local.txt"
    local.write_text(case_text("Local copy - Kent Police, May 2022", "Kent Police", "2022/595959", "gecko"))
    before = snapshot(a)
    report = a.ingest([url, str(local)])
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
    report = small.ingest([url])
    assert [f.source for f in report.failed] == [url]
    assert report.failed[0].reason == "over the size limit of 500 bytes (raise it with --max-size)"
    assert snapshot(a) == before
