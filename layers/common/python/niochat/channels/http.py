"""HTTP plumbing shared by the provider clients: timeouts, retries with backoff, errors as ProviderError.

- Per attempt: connect timeout 3 s, total 15 s (the body is read against the clock too, so a provider
  trickling bytes cannot hold an attempt longer). PROVIDER_CONNECT_TIMEOUT_SECONDS / PROVIDER_TIMEOUT_SECONDS.
- Up to 3 attempts (PROVIDER_MAX_ATTEMPTS). Only timeouts, connection errors and 5xx answers are retried,
  after an exponential pause with full jitter (PROVIDER_RETRY_BASE_SECONDS × 2^n, random 0..that); a 4xx is
  the provider's considered answer and is never retried.
- A whole call (attempts and pauses) ends by PROVIDER_DEADLINE_SECONDS (25 s): API Gateway gives up on the
  function at 29 s, and the function must still answer (store the failure, say 502) before that.
- One httpx.Client per process, reused across invocations (connection pooling per host).
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx
from aws_lambda_powertools import Logger

from niochat.channels.base import ProviderError
from niochat.settings import get_settings

logger = Logger(child=True)

BODY_EXCERPT = 500  # characters of the provider's answer kept on an error


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True)
class HttpConfig:
    connect_timeout: float = 3.0
    attempt_timeout: float = 15.0
    deadline: float = 25.0
    max_attempts: int = 3
    retry_base: float = 0.25

    @classmethod
    def from_env(cls) -> HttpConfig:
        return cls(
            connect_timeout=_float("PROVIDER_CONNECT_TIMEOUT_SECONDS", 3.0),
            attempt_timeout=_float("PROVIDER_TIMEOUT_SECONDS", 15.0),
            deadline=_float("PROVIDER_DEADLINE_SECONDS", 25.0),
            max_attempts=max(1, int(_float("PROVIDER_MAX_ATTEMPTS", 3))),
            retry_base=_float("PROVIDER_RETRY_BASE_SECONDS", 0.25),
        )


_client: httpx.Client | None = None


def shared_client() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(follow_redirects=True)
    return _client


class _Retryable(Exception):
    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.message)
        self.error = error


def _excerpt(content: bytes) -> str:
    return content[:BODY_EXCERPT].decode("utf-8", errors="replace")


def _read(response: httpx.Response, limit: int | None, until: float) -> bytes:
    """The body, stopping as soon as it passes `limit` bytes (error bodies are cut to an excerpt) or the
    attempt's time is up."""
    if response.status_code >= 400:
        limit = BODY_EXCERPT * 4
    declared = response.headers.get("content-length", "")
    if limit is not None and response.status_code < 400 and declared.isdigit() and int(declared) > limit:
        raise ProviderError(f"Arquivo maior que o limite de {limit} bytes", response.status_code)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if time.monotonic() > until:
            raise httpx.ReadTimeout("the attempt's time is up", request=response.request)
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            if response.status_code >= 400:
                break
            raise ProviderError(f"Arquivo maior que o limite de {limit} bytes", response.status_code)
    return b"".join(chunks)


def _status_error(status: int, content: bytes) -> ProviderError:
    detail = ""
    try:
        parsed = json.loads(content)
        if isinstance(parsed, dict):
            inner = parsed.get("response")
            found = parsed.get("error") or parsed.get("message")
            if isinstance(inner, dict) and inner.get("message"):
                found = inner["message"]
            if found:
                detail = f": {found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)}"
    except ValueError:
        pass
    return ProviderError(f"O provedor respondeu {status}{detail}"[:300], status, _excerpt(content))


class ProviderHttp:
    """Calls one provider's API: `base_url` + path, with the provider's auth headers on every request."""

    def __init__(
        self, base_url: str, headers: dict[str, str], config: HttpConfig | None = None, name: str = "provider"
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.config = config or HttpConfig.from_env()
        self.name = name

    def _timeout(self, budget: float) -> httpx.Timeout:
        return httpx.Timeout(budget, connect=min(self.config.connect_timeout, budget))

    def _attempt(
        self, method: str, url: str, remaining: float, limit: int | None, **kwargs: Any
    ) -> tuple[httpx.Response, bytes]:
        client = shared_client()
        budget = max(0.05, min(self.config.attempt_timeout, remaining))
        request = client.build_request(method, url, timeout=self._timeout(budget), **kwargs)
        try:
            response = client.send(request, stream=True)
            try:
                content = _read(response, limit, time.monotonic() + budget)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise _Retryable(ProviderError("Tempo esgotado ao contatar o provedor")) from None
        except httpx.TransportError as error:
            raise _Retryable(ProviderError(f"Falha de conexão com o provedor ({type(error).__name__})")) from None
        if response.status_code >= 500:
            raise _Retryable(_status_error(response.status_code, content))
        if response.status_code >= 400:
            raise _status_error(response.status_code, content)
        return response, content

    def send(self, method: str, url: str, limit: int | None = None, **kwargs: Any) -> tuple[httpx.Response, bytes]:
        """One logical call: retried on timeouts, connection errors and 5xx within the time budget. Returns
        the response and its body (at most `limit` bytes: a longer body is an error, never retried)."""
        deadline = time.monotonic() + self.config.deadline
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(method, url, deadline - time.monotonic(), limit, **kwargs)
            except _Retryable as retryable:
                pause = random.uniform(0, self.config.retry_base * 2 ** (attempt - 1))
                out_of_time = time.monotonic() + pause >= deadline
                logger.warning(
                    "provider call failed",
                    extra={"provider": self.name, "method": method, "url": url, "attempt": attempt,
                           "status": retryable.error.status, "error": retryable.error.message},
                )  # fmt: skip
                if attempt >= self.config.max_attempts or out_of_time:
                    raise retryable.error from None
                time.sleep(pause)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON in, JSON object out (an empty answer is {}, a JSON list is {"data": [...]})."""
        response, content = self.send(method, self.base_url + path, json=body, headers=self.headers)
        if not content.strip():
            return {}
        try:
            parsed = json.loads(content)
        except ValueError:
            raise ProviderError("Resposta inválida do provedor", response.status_code, _excerpt(content)) from None
        return parsed if isinstance(parsed, dict) else {"data": parsed}

    def download(self, url: str, with_auth: bool = False) -> tuple[bytes, str | None]:
        """The bytes at `url` (absolute) and their content type; refuses files over MEDIA_MAX_BYTES."""
        headers = self.headers if with_auth else None
        response, content = self.send("GET", url, limit=get_settings().media_max_bytes, headers=headers)
        content_type = response.headers.get("content-type")
        return content, content_type.split(";")[0].strip() if content_type else None


def reset() -> None:
    """Close and forget the shared HTTP client."""
    global _client
    if _client is not None:
        _client.close()
    _client = None
