"""Security of `iopc serve`, through real server processes (no mocks).

Refusal to bind beyond loopback without a password; the login (wrong credentials refused, API and
config closed without the session cookie, right credentials let in); the upload size and type limits;
and no file outside the app's own folders served, whatever the spelling of the path.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, close

HOSTILE = ROOT / "tests" / "fixtures" / "ui" / "hostile-case.txt"
USER, PASSWORD = "reviewer", "correct horse battery staple"
MAX_MB = 0.05  # --max-size of the test servers: 50,000 bytes
QUESTION = "Which forces changed special-scheme marker policy?"
SECRETS = ("root:", "SQLite format", "def build(", "Special Scheme Policy")  # what a leak would show


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env() -> dict:
    e = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
    }
    for name in ("IOPC_AUTH", "IOPC_CHROMA_URL", "IOPC_DATA_DIR"):
        e.pop(name, None)
    return e


def iopc(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir), *args]


class Server:
    """A running `iopc serve` on 127.0.0.1, its data dir and the source file it ingested."""

    def __init__(self, tmp: Path, embedder, *extra: str):
        self.data, self.source = tmp / "index", tmp / "cases" / "ingested-case.txt"
        self.source.parent.mkdir(parents=True)
        shutil.copyfile(SEED, self.source)
        shutil.copyfile(HOSTILE, self.source.parent / "hostile-case.txt")
        # The index is made in this process, on the session's model (what `iopc ingest` runs): a process
        # of its own would load the model again only to write two cases. The server is a process.
        from assistant import Assistant

        writer = Assistant(data_dir=self.data, embedder=embedder)
        assert writer.ingest([str(self.source.parent)]).ok
        close(writer)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tmp / "serve.log"
        with open(self.log, "wb") as out:
            # cwd is the project, so a relative path like "app.py" would name its source if served
            self.proc = subprocess.Popen(
                iopc(self.data, "serve", "--port", str(self.port), "--max-size", str(MAX_MB), *extra),
                cwd=ROOT,
                env=env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> Server:
        """Return once the server prints its address (fail with its log if it exits or takes over 240 s).

        Not when "/" first answers: Gradio's launch then still checks the address itself, with a 3 s
        timeout, and exits when that check fails on a busy machine; requests of ours would only slow it.
        """
        deadline = time.monotonic() + 240
        while f"Open {self.url} in a browser" not in self.log.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"iopc serve did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def request(
    port: int, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None
) -> tuple[int, bytes]:
    """A raw HTTP request: the path is sent byte for byte (no normalising of `..` or `%2e`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def status(port: int, path: str) -> int | None:
    try:
        return request(port, path)[0]
    except OSError:
        return None


def multipart(name: str, data: bytes) -> tuple[bytes, dict]:
    boundary = "iopc-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def client(url: str, **kw):
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, analytics_enabled=False, **kw)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, model_embedder):
    """The open server and the one behind a login, one after the other (two starting at once on a busy
    machine made Gradio's own start-up check time out)."""
    started = [Server(tmp_path_factory.mktemp("open"), model_embedder).wait_ready()]
    try:
        started.append(
            Server(tmp_path_factory.mktemp("auth"), model_embedder, "--auth", f"{USER}:{PASSWORD}").wait_ready()
        )
        yield {"open": started[0], "auth": started[1]}
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def open_server(servers):
    return servers["open"]


@pytest.fixture(scope="module")
def auth_server(servers):
    return servers["auth"]


@pytest.fixture(scope="module")
def export_path(open_server) -> str:
    """A file the app legitimately serves: the Markdown export of one chat turn."""
    result = client(open_server.url).predict(QUESTION, [], [], "", "", [], api_name="/chat")
    value = result[3]
    while isinstance(value, dict):  # the button's update, then its FileData (nothing is downloaded)
        value = value.get("value") or value.get("path")
    assert value and value.endswith("iopc-conversation.md"), result[3]
    return value


# -- binding -------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_refuses_a_non_loopback_address_without_auth(tmp_path, host):
    port = free_port()
    out = subprocess.run(
        iopc(tmp_path / "index", "serve", "--host", host, "--port", str(port)),
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert (
        f"Error: refusing to serve on {host} without authentication: pass --auth user:password or set IOPC_AUTH"
    ) in out.stderr
    assert status(port, "/") is None  # nothing was bound
    assert not (tmp_path / "index").exists()  # refused before opening the index


def test_auth_must_be_user_colon_password(tmp_path):
    out = subprocess.run(
        iopc(tmp_path / "index", "serve", "--port", str(free_port()), "--auth", "nocolon"),
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "--auth must be user:password" in out.stderr


# -- login ---------------------------------------------------------------------------------------
def _login(port: int, user: str, password: str) -> tuple[int, bytes, str | None]:
    body = urllib.parse.urlencode({"username": user, "password": password}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        cookies = [v.split(";", 1)[0] for k, v in r.getheaders() if k.lower() == "set-cookie"]
        # the non-secure twin is the one a browser sends over plain http
        cookie = next((c for c in cookies if c.startswith("access-token-unsecure-")), None)
        return r.status, r.read(), cookie
    finally:
        conn.close()


@pytest.mark.parametrize("user,password", [(USER, "wrong"), ("someone", PASSWORD), (USER, ""), ("", "")])
def test_wrong_credentials_are_refused(auth_server, user, password):
    code, body, cookie = _login(auth_server.port, user, password)
    assert cookie is None
    # an empty field fails the form's validation (422) before any comparison
    assert (code == 400 and b"Incorrect credentials" in body) if password else code in (400, 422)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/config"),
        ("GET", "/gradio_api/info"),
        ("GET", "/gradio_api/openapi.json"),
        ("POST", "/gradio_api/queue/join"),
        ("POST", "/gradio_api/call/chat"),
        ("POST", "/gradio_api/upload"),
        ("GET", "/gradio_api/queue/data?session_hash=x"),
        ("GET", "/monitoring/summary"),
    ],
)
def test_api_and_config_are_closed_without_the_session_cookie(auth_server, method, path):
    code, body = request(auth_server.port, path, method, {"Content-Type": "application/json"}, b"{}")
    assert code == 401, (path, code, body[:200])
    assert b"Special Scheme" not in body


def test_the_page_without_login_shows_no_app(auth_server):
    code, body = request(auth_server.port, "/")
    assert code == 200
    assert b"special-scheme marker" not in body.lower() and b"Add to the collection" not in body


def test_the_api_client_with_wrong_credentials_is_refused(auth_server):
    # gradio_client raises its own error types for a refused login, which differ between its versions.
    with pytest.raises(Exception):  # noqa: B017
        client(auth_server.url, auth=(USER, "wrong"))


def test_right_credentials_let_in(auth_server):
    code, body, cookie = _login(auth_server.port, USER, PASSWORD)
    assert code == 200 and b'"success":true' in body.replace(b" ", b"") and cookie
    code, body = request(auth_server.port, "/config", headers={"Cookie": cookie})
    assert code == 200 and b"Add to the collection" in body
    result = client(auth_server.url, auth=(USER, PASSWORD)).predict(QUESTION, [], [], "", "", [], api_name="/chat")
    answer = result[0][-1]["content"][0]["text"]
    assert 'href="#cite-1-1"' in answer and 'id="cite-1-1"' in result[2]


# -- uploads -------------------------------------------------------------------------------------
def test_an_upload_over_the_size_limit_is_refused(open_server):
    body, headers = multipart("big.txt", b"a" * int(MAX_MB * 1e6 + 1000))
    code, reply = request(open_server.port, "/gradio_api/upload", "POST", headers, body)
    assert code == 413, (code, reply[:200])
    body, headers = multipart("small.txt", b"a" * 1000)
    code, reply = request(open_server.port, "/gradio_api/upload", "POST", headers, body)
    assert code == 200 and b"small.txt" in reply  # the same route takes a file under the limit


def test_a_disallowed_type_is_refused_with_a_clear_error(open_server, tmp_path):
    from gradio_client import handle_file

    docx = tmp_path / "case.docx"
    docx.write_bytes(b"PK\x03\x04 not really a word document")
    try:
        result = client(open_server.url).predict([handle_file(str(docx))], api_name="/add_cases")
    except Exception as e:  # noqa: BLE001  Gradio may refuse the type itself, before the app
        message = str(e)
    else:
        message = result[0]
    assert "unsupported file type '.docx'" in message or "Invalid file type" in message, message
    assert "0 added" in message or "Invalid file type" in message


def _call(port: int, api: str, data: list) -> str:
    """POST /gradio_api/call/<api> then read its event stream: the raw SSE text."""
    import json

    code, body = request(
        port,
        f"/gradio_api/call/{api}",
        "POST",
        {"Content-Type": "application/json"},
        json.dumps({"data": data}).encode(),
    )
    assert code == 200, body[:200]
    return request(port, f"/gradio_api/call/{api}/{json.loads(body)['event_id']}")[1].decode()


@pytest.mark.parametrize("target", ["/etc/passwd", "source"])
def test_add_cases_reads_no_server_path(open_server, target):
    path = str(open_server.source) if target == "source" else target
    stream = _call(open_server.port, "add_cases", [[{"path": path, "meta": {"_type": "gradio.FileData"}}]])
    assert "event: error" in stream and "added" not in stream, stream[:300]


def test_case_text_comes_back_escaped(open_server):
    result = client(open_server.url).predict(
        "What did Durham Constabulary record in the pursuit log?", [], [], "", "", [], api_name="/chat"
    )
    markup = result[0][-1]["content"][0]["text"] + result[2]
    assert "alert(1)" in markup  # the hostile case was found
    assert "<script" not in markup.lower() and "<img" not in markup.lower() and "](javascript:" not in markup


# -- file serving --------------------------------------------------------------------------------
def _probes(server: Server, export: str) -> list[str]:
    cache = str(Path(export).parent)
    outside = {
        "/etc/passwd": "/etc/passwd",
        "sqlite": str(server.data / "chroma.sqlite3"),
        "source": str(server.source),
        "app": str(ROOT / "app.py"),
    }
    paths = []
    for target in outside.values():
        quoted = urllib.parse.quote(target, safe="")
        paths += [
            f"/gradio_api/file={target}",
            f"/file={target}",
            f"/gradio_api/file/{target.lstrip('/')}",
            f"/gradio_api/file={quoted}",
            f"/gradio_api/file={urllib.parse.quote(quoted, safe='')}",
            f"/gradio_api/file={cache}/../../../..{target}",
            f"/gradio_api/file={cache}/%2e%2e/%2e%2e/%2e%2e/%2e%2e{target}",
            f"/gradio_api/file={cache}/..%2f..%2f..%2f..{urllib.parse.quote(target)}",
        ]
    paths += [
        "/gradio_api/file=app.py",
        "/gradio_api/file=./app.py",
        "/gradio_api/file=assistant/cli.py",
        "/gradio_api/file=../../../../etc/passwd",
        "/gradio_api/file=..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/../../app.py",
        "/static/..%2f..%2f..%2fapp.py",
        "/assets/../../../app.py",
        "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/app.py",
        "/README.md",
        "/gradio_api/proxy=file:///etc/passwd",
        "/monitoring/summary",
        "/gradio_api/runs",
    ]
    return paths


def test_no_file_outside_the_app_is_served(open_server, export_path):
    served = []
    for path in _probes(open_server, export_path):
        code, body = request(open_server.port, path)
        if not 400 <= code < 500 or any(s.encode() in body for s in SECRETS):
            served.append((path, code, body[:80]))
    assert not served


def test_a_legitimate_file_and_assets_are_served(open_server, export_path):
    code, body = request(open_server.port, f"/gradio_api/file={export_path}")
    assert code == 200 and body.startswith(b"# IOPC assistant conversation")
    assert status(open_server.port, "/theme.css") == 200
    assert status(open_server.port, "/favicon.ico") == 200
    code, body = request(open_server.port, "/")
    assert code == 200
    js = re.search(rb'src="([^"]+\.js)"', body)
    if js:  # the page's own script bundle
        assert status(open_server.port, urllib.parse.urljoin("/", js.group(1).decode())) == 200
