"""The --llm setting: a spec string to a llama-index LLM, checked at start-up.

Specs: `none` (the default: quotes only, no network), `ollama:MODEL` (server at IOPC_OLLAMA_URL),
`openai:MODEL` (OPENAI_API_KEY, optional OPENAI_BASE_URL) and `openai-like:http://HOST:PORT/v1#MODEL`
(a llama.cpp server, vLLM, LM Studio). A bad setting is one line naming it and the reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

BACKENDS = ("none", "ollama", "openai", "openai-like")
DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434"
# CPU inference of a few hundred tokens from a 7B model takes minutes, not seconds.
DEFAULT_TIMEOUT = 300.0
MAX_TOKENS = 512  # a few cited sentences; a small model that loops stops here, not at the timeout
# The start-up check only lists models. A server busy writing for another client may hold that list
# back (llama.cpp's Python server does): reachable, so not an error; the model is then not verified.
PROBE_CONNECT_TIMEOUT = 10.0
PROBE_READ_TIMEOUT = 30.0


class LLMConfigError(ValueError):
    """A bad --llm setting: the message is one line naming the setting and the reason."""


@dataclass(frozen=True)
class LLMSpec:
    """A parsed --llm setting."""

    backend: str  # ollama | openai | openai-like
    model: str
    url: str | None = None  # the server (ollama) or API base (openai, openai-like)

    @property
    def name(self) -> str:
        """What the UI and `iopc stats` call it: "gemma (openai-like at http://…/v1)"."""
        return f"{self.model} ({self.backend}{' at ' + self.url if self.url else ''})"


def timeout_setting() -> float:
    """Seconds to wait for a written answer: IOPC_LLM_TIMEOUT, else DEFAULT_TIMEOUT."""
    raw = os.environ.get("IOPC_LLM_TIMEOUT", "")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise LLMConfigError(f"IOPC_LLM_TIMEOUT={raw!r}: not a number of seconds") from None
    if value <= 0:
        raise LLMConfigError(f"IOPC_LLM_TIMEOUT={raw!r}: must be more than 0 seconds")
    return value


def parse_spec(spec: str | None) -> LLMSpec | None:
    """The LLMSpec of a --llm string; None for `none` or an empty setting."""
    spec = (spec or "").strip()
    if spec in ("", "none"):
        return None
    backend, sep, rest = spec.partition(":")
    if backend not in BACKENDS:
        raise LLMConfigError(f"--llm {spec!r}: unknown backend {backend!r} (use one of: {', '.join(BACKENDS)})")
    if not sep or not rest:
        raise LLMConfigError(f"--llm {spec!r}: no model named (e.g. {backend}:MODEL)")
    if backend == "ollama":
        return LLMSpec("ollama", rest, os.environ.get("IOPC_OLLAMA_URL") or DEFAULT_OLLAMA_URL)
    if backend == "openai":
        return LLMSpec("openai", rest, os.environ.get("OPENAI_BASE_URL") or None)
    url, _, model = rest.partition("#")
    if not url.startswith(("http://", "https://")) or not model:
        raise LLMConfigError(f"--llm {spec!r}: expected openai-like:http://HOST:PORT/v1#MODEL")
    return LLMSpec("openai-like", model, url.rstrip("/"))


def _available_models(spec: LLMSpec, key: str | None) -> list[str] | None:
    """The models the server offers; None when it is reachable but too busy to say (raises
    LLMConfigError when it cannot be reached or refuses)."""
    import httpx

    if spec.backend == "ollama":
        url, names = f"{spec.url}/api/tags", lambda data: [m.get("name", "") for m in data.get("models", [])]
    else:
        base = spec.url or "https://api.openai.com/v1"
        url, names = f"{base}/models", lambda data: [m.get("id", "") for m in data.get("data", [])]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(
            url, headers=headers, timeout=httpx.Timeout(PROBE_READ_TIMEOUT, connect=PROBE_CONNECT_TIMEOUT)
        )
    except httpx.ReadTimeout:
        return None
    except httpx.HTTPError as e:
        raise LLMConfigError(
            f"--llm {spec.backend}:{spec.model}: server unreachable at {url} "
            f"({type(e).__name__}: {str(e) or 'no response'})"
        ) from None
    if response.status_code in (401, 403):
        raise LLMConfigError(
            f"--llm {spec.backend}:{spec.model}: the server refused the key (HTTP {response.status_code} from {url})"
        )
    if response.status_code != 200:
        raise LLMConfigError(f"--llm {spec.backend}:{spec.model}: HTTP {response.status_code} from {url}")
    try:
        return names(response.json())
    except ValueError:
        raise LLMConfigError(f"--llm {spec.backend}:{spec.model}: {url} did not answer with a model list") from None


def check_spec(spec: LLMSpec) -> None:
    """Fail now, in one line, when the key is missing, the server is unreachable or lacks the model."""
    key = None
    if spec.backend == "openai":
        key = os.environ.get("OPENAI_API_KEY")
        if not key:
            raise LLMConfigError(f"--llm openai:{spec.model}: missing key: set OPENAI_API_KEY")
    elif spec.backend == "openai-like":
        key = os.environ.get("OPENAI_API_KEY")  # a local server usually wants none; vLLM may
    models = _available_models(spec, key)
    if models is None:
        return
    wanted = {spec.model, f"{spec.model}:latest"} if spec.backend == "ollama" else {spec.model}
    if not wanted & set(models):
        offered = ", ".join(sorted(models)[:8]) or "none"
        raise LLMConfigError(
            f"--llm {spec.backend}:{spec.model}: model not found at {spec.url or 'the API'} (offered: {offered})"
        )


def build_llm(spec: LLMSpec, timeout: float | None = None):
    """The llama-index LLM for a checked spec."""
    timeout = timeout or timeout_setting()
    if spec.backend == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=spec.model,
            base_url=spec.url,
            request_timeout=timeout,
            temperature=0.0,
            additional_kwargs={"num_predict": MAX_TOKENS},
        )
    if spec.backend == "openai":
        from llama_index.llms.openai import OpenAI

        return OpenAI(
            model=spec.model, api_base=spec.url, timeout=timeout, max_retries=0, temperature=0.0, max_tokens=MAX_TOKENS
        )
    from llama_index.llms.openai_like import OpenAILike

    # A local server: chat template on the server side, no retries (a timeout on CPU would only repeat).
    return OpenAILike(
        model=spec.model,
        api_base=spec.url,
        api_key=os.environ.get("OPENAI_API_KEY") or "none",
        is_chat_model=True,
        context_window=8192,
        timeout=timeout,
        max_retries=0,
        temperature=0.0,
        max_tokens=MAX_TOKENS,
    )


def load_llm(spec: str, timeout: float | None = None):
    """(llama-index LLM, its display name) for a --llm string, checked at once; None for `none`."""
    parsed = parse_spec(spec)
    if parsed is None:
        return None
    timeout = timeout or timeout_setting()
    check_spec(parsed)
    return build_llm(parsed, timeout), parsed.name


def llm_name(llm) -> str:
    """A display name for a llama-index LLM given as an object."""
    model = getattr(llm, "model", None) or getattr(getattr(llm, "metadata", None), "model_name", None)
    return str(model or type(llm).__name__)
