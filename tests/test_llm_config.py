"""The --llm setting: parsed into llama-index LLM classes, and a bad one fails at start-up in one line."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.llm import LLMConfigError, LLMSpec, build_llm, load_llm, parse_spec, timeout_setting


def test_specs_parse_into_backends(monkeypatch):
    monkeypatch.delenv("IOPC_OLLAMA_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert parse_spec("none") is None and parse_spec("") is None and parse_spec(None) is None
    assert parse_spec("ollama:llama3.2:3b") == LLMSpec("ollama", "llama3.2:3b", "http://127.0.0.1:11434")
    monkeypatch.setenv("IOPC_OLLAMA_URL", "http://gpu-box:11434")
    assert parse_spec("ollama:qwen").url == "http://gpu-box:11434"
    assert parse_spec("openai:gpt-4o-mini") == LLMSpec("openai", "gpt-4o-mini", None)
    assert parse_spec("openai-like:http://127.0.0.1:8080/v1/#gemma") == LLMSpec(
        "openai-like", "gemma", "http://127.0.0.1:8080/v1"
    )
    assert (
        parse_spec("openai-like:http://127.0.0.1:8080/v1#gemma").name
        == "gemma (openai-like at http://127.0.0.1:8080/v1)"
    )


def test_llama_index_classes_are_built_with_the_timeout(monkeypatch):
    from llama_index.llms.ollama import Ollama
    from llama_index.llms.openai_like import OpenAILike

    monkeypatch.setenv("IOPC_LLM_TIMEOUT", "900")
    like = build_llm(parse_spec("openai-like:http://127.0.0.1:8080/v1#gemma"))
    assert isinstance(like, OpenAILike) and like.timeout == 900 and like.api_base == "http://127.0.0.1:8080/v1"
    assert like.model == "gemma" and like.max_retries == 0
    ollama = build_llm(parse_spec("ollama:qwen"), timeout=42)
    assert isinstance(ollama, Ollama) and ollama.request_timeout == 42 and ollama.model == "qwen"


@pytest.mark.parametrize(
    "spec, env, message",
    [
        (
            "claude:opus",
            {},
            "--llm 'claude:opus': unknown backend 'claude' (use one of: none, ollama, openai, openai-like)",
        ),
        ("ollama", {}, "--llm 'ollama': no model named (e.g. ollama:MODEL)"),
        (
            "openai-like:127.0.0.1:8080#gemma",
            {},
            "--llm 'openai-like:127.0.0.1:8080#gemma': expected openai-like:http://HOST:PORT/v1#MODEL",
        ),
        ("openai:gpt-4o-mini", {"OPENAI_API_KEY": ""}, "--llm openai:gpt-4o-mini: missing key: set OPENAI_API_KEY"),
        (
            "openai-like:http://127.0.0.1:8080/v1#gemma",
            {"IOPC_LLM_TIMEOUT": "soon"},
            "IOPC_LLM_TIMEOUT='soon': not a number of seconds",
        ),
    ],
)
def test_bad_settings_fail_in_one_line(monkeypatch, spec, env, message):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(LLMConfigError) as e:
        load_llm(spec)
    assert str(e.value) == message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_fails_at_start_up(monkeypatch, make_assistant):
    port = free_port()  # nothing listens there
    with pytest.raises(LLMConfigError) as e:
        make_assistant(llm=f"openai-like:http://127.0.0.1:{port}/v1#gemma")
    assert str(e.value).startswith(
        f"--llm openai-like:gemma: server unreachable at http://127.0.0.1:{port}/v1/models ("
    )
    assert "\n" not in str(e.value)
    monkeypatch.setenv("IOPC_OLLAMA_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(
        LLMConfigError, match=r"^--llm ollama:qwen: server unreachable at http://127.0.0.1:\d+/api/tags"
    ):
        load_llm("ollama:qwen")


class _Tags(BaseHTTPRequestHandler):
    """An HTTP server answering /api/tags the way Ollama does (the start-up check is what is tested)."""

    def do_GET(self):  # noqa: N802
        body = json.dumps({"models": [{"name": "llama3.2:latest"}, {"name": "qwen2.5:7b"}]}).encode()
        self.send_response(200 if self.path == "/api/tags" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_model_the_server_does_not_have_fails_at_start_up(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tags)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("IOPC_OLLAMA_URL", f"http://127.0.0.1:{server.server_port}")
        with pytest.raises(LLMConfigError) as e:
            load_llm("ollama:mistral")
        assert str(e.value) == (
            f"--llm ollama:mistral: model not found at http://127.0.0.1:{server.server_port} "
            "(offered: llama3.2:latest, qwen2.5:7b)"
        )
        llm, name = load_llm("ollama:llama3.2")  # ":latest" is implied, as Ollama itself does
        assert llm.model == "llama3.2" and name == f"llama3.2 (ollama at http://127.0.0.1:{server.server_port})"
    finally:
        server.shutdown()


def test_the_default_timeout_is_long_enough_for_a_cpu(monkeypatch):
    monkeypatch.delenv("IOPC_LLM_TIMEOUT", raising=False)
    assert timeout_setting() >= 300
