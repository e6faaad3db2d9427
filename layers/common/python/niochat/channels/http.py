"""HTTP plumbing shared by the provider clients: the egress guard, timeouts, retries with backoff, errors as
ProviderError.

- Egress (niochat.channels.egress): every request's URL is checked before it is sent (each attempt, each
  redirect), and connections are opened only to the addresses the guard allows (checked again at connect
  time, so DNS rebinding gets nowhere). A refusal is an EgressRefused, never retried.
- Redirects are not followed automatically: at most MAX_REDIRECTS (3), each Location (relative ones resolved
  against the current URL) checked by the guard; a redirect to another origin drops the provider's
  credentials (custom headers httpx would forward), a 303 (or a 301/302 after a POST) becomes a GET.
- Per attempt: connect timeout 3 s, total 15 s (the body is read against the clock too, so a provider
  trickling bytes cannot hold an attempt longer; redirects share the attempt's time).
  PROVIDER_CONNECT_TIMEOUT_SECONDS / PROVIDER_TIMEOUT_SECONDS.
- Up to 3 attempts (PROVIDER_MAX_ATTEMPTS). Only timeouts, connection errors and 5xx answers are retried,
  after an exponential pause with full jitter (PROVIDER_RETRY_BASE_SECONDS × 2^n, random 0..that); a 4xx is
  the provider's considered answer and is never retried.
- A whole call (attempts and pauses) ends by PROVIDER_DEADLINE_SECONDS (25 s): API Gateway gives up on the
  function at 29 s, and the function must still answer (store the failure, say 502) before that.
- Errors carry a fixed message for clients (niochat.channels.base); what the provider or the network said is
  logged here, never returned.
- One httpx.Client per process, reused across invocations (connection pooling per host); it ignores proxy
  and .netrc settings of the environment (trust_env=False), so every request goes through the guarded pool.
"""

from __future__ import annotations

import json
import os
import random
import time
import typing
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from aws_lambda_powertools import Logger

from niochat.channels import egress
from niochat.channels.base import (
    INVALID_ANSWER,
    MEDIA_ADDRESS_REFUSED,
    NO_ANSWER,
    PROVIDER_ADDRESS_REFUSED,
    PROVIDER_FAILED,
    PROVIDER_REFUSED,
    TOO_MANY_REDIRECTS,
    ProviderError,
)
from niochat.channels.egress import EgressRefused
from niochat.settings import get_settings

logger = Logger(child=True)

BODY_EXCERPT = 500  # characters of the provider's answer kept on an error (for the log)
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


class HttpConfig(NamedTuple):
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


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the egress guard allows, resolving the host itself (and trying
    its allowed addresses in order) instead of letting the socket resolve it again."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in egress.connect_addresses(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # connect_addresses returns at least one address
        raise failure


def _transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    # httpx 0.28 takes no network backend: the transport's pool is replaced by one that connects through the
    # guard, with httpx's default limits (tests/unit/test_channels_egress.py proves connections go through it).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_GuardedBackend(),
    )
    return transport


_client: httpx.Client | None = None


def shared_client() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(transport=_transport(), follow_redirects=False, trust_env=False)
    return _client


def _loggable(url: str) -> str:
    """`url` without its query and userinfo (signed media links carry credentials there)."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
    except ValueError:
        return "(malformed URL)"


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port; None for a malformed URL (a different origin, which the guard then refuses)."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None


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
    """The provider's error answer: a fixed message with its status for clients, its own words for the log."""
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
    message = f"{PROVIDER_FAILED if status >= 500 else PROVIDER_REFUSED} (HTTP {status})"
    return ProviderError(message, status, _excerpt(content), f"O provedor respondeu {status}{detail}"[:300])


class ProviderHttp:
    """Calls one provider's API: `base_url` + path, with the provider's auth headers on every request."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        config: HttpConfig | None = None,
        name: str = "provider",
        log_bodies: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.config = config or HttpConfig.from_env()
        self.name = name
        self.log_bodies = log_bodies  # False: an error answer's body and words are not logged (customers' data)

    def _timeout(self, budget: float) -> httpx.Timeout:
        return httpx.Timeout(budget, connect=min(self.config.connect_timeout, budget))

    def _attempt(
        self,
        method: str,
        url: str,
        remaining: float,
        limit: int | None,
        headers: dict[str, str] | None,
        body: dict[str, Any] | None,
        refused: str,
        form: dict[str, str] | None = None,
    ) -> tuple[httpx.Response, bytes]:
        """One attempt: the request and the redirects it leads to, each URL checked by the guard first."""
        client = shared_client()
        until = time.monotonic() + max(0.05, min(self.config.attempt_timeout, remaining))
        for _ in range(MAX_REDIRECTS + 1):
            egress.check(url, refused)
            timeout = self._timeout(max(0.05, until - time.monotonic()))
            request = client.build_request(method, url, headers=headers, json=body, data=form, timeout=timeout)
            try:
                response = client.send(request, stream=True)
                try:
                    location = response.headers.get("location") if response.status_code in REDIRECTS else None
                    content = b"" if location else _read(response, limit, until)
                finally:
                    response.close()
            except EgressRefused as refusal:  # at connection time: the name resolved elsewhere meanwhile
                raise EgressRefused(refusal.reason, refused) from None
            except httpx.TimeoutException:
                raise _Retryable(ProviderError(NO_ANSWER, detail="timed out")) from None
            except httpx.TransportError as error:
                raise _Retryable(ProviderError(NO_ANSWER, detail=f"{type(error).__name__}: {error}")) from None
            if not location:
                break
            target = urljoin(url, location)
            if _origin(target) is None or _origin(target) != _origin(url):
                headers = None  # the provider's credentials are for the provider's origin only
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, body, form = "GET", None, None
            url = target
        else:
            raise ProviderError(TOO_MANY_REDIRECTS, response.status_code, detail=f"over {MAX_REDIRECTS} redirects")
        if response.status_code >= 500:
            raise _Retryable(_status_error(response.status_code, content))
        if response.status_code >= 400:
            raise _status_error(response.status_code, content)
        return response, content

    def send(
        self,
        method: str,
        url: str,
        limit: int | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        refused: str = PROVIDER_ADDRESS_REFUSED,
        form: dict[str, str] | None = None,
    ) -> tuple[httpx.Response, bytes]:
        """One logical call: retried on timeouts, connection errors and 5xx within the time budget. Returns
        the response and its body (at most `limit` bytes: a longer body is an error, never retried).
        `body` is sent as JSON, `form` form-encoded. `refused` is the message of an EgressRefused (what the
        URL was for)."""
        deadline = time.monotonic() + self.config.deadline
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(method, url, deadline - time.monotonic(), limit, headers, body, refused, form)
            except _Retryable as retryable:
                pause = random.uniform(0, self.config.retry_base * 2 ** (attempt - 1))
                out_of_time = time.monotonic() + pause >= deadline
                self._log(retryable.error, method, url, attempt)
                if attempt >= self.config.max_attempts or out_of_time:
                    raise retryable.error from None
                time.sleep(pause)
            except ProviderError as error:  # refused by the guard, a 4xx, a file too large: never retried
                self._log(error, method, url, attempt)
                raise

    def _log(self, error: ProviderError, method: str, url: str, attempt: int) -> None:
        # With log_bodies off, an answer's status is logged, not what the provider wrote in it.
        said = self.log_bodies or error.status is None
        logger.warning(
            "provider call failed",
            extra={"provider": self.name, "method": method, "url": _loggable(url), "attempt": attempt,
                   "status": error.status, "error": error.message, "detail": error.detail if said else None,
                   "provider_body": error.body if self.log_bodies else None},
        )  # fmt: skip

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON in, JSON object out (an empty answer is {}, a JSON list is {"data": [...]})."""
        response, content = self.send(method, self.base_url + path, headers=self.headers, body=body)
        if not content.strip():
            return {}
        try:
            parsed = json.loads(content)
        except ValueError:
            error = ProviderError(INVALID_ANSWER, response.status_code, _excerpt(content), "the answer is not JSON")
            self._log(error, method, self.base_url + path, 1)
            raise error from None
        return parsed if isinstance(parsed, dict) else {"data": parsed}

    def download(self, url: str, with_auth: bool = False) -> tuple[bytes, str | None]:
        """The bytes at `url` (absolute) and their content type; refuses files over MEDIA_MAX_BYTES and
        addresses the egress guard refuses ("Endereço de mídia recusado")."""
        headers = self.headers if with_auth else None
        limit = get_settings().media_max_bytes
        response, content = self.send("GET", url, limit=limit, headers=headers, refused=MEDIA_ADDRESS_REFUSED)
        content_type = response.headers.get("content-type")
        return content, content_type.split(";")[0].strip() if content_type else None


def reset() -> None:
    """Close and forget the shared HTTP client."""
    global _client
    if _client is not None:
        _client.close()
    _client = None
