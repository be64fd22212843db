"""Plumbing shared by sretui's HTTP clients: credentials, secret scrubbing, retries, errors.

`HttpBackend` is the base of `AlertmanagerSource`. It implements the behaviour that
`PrometheusSource` established (and is tested for) in `sretui.sources.prometheus`: secrets go in
headers only and are scrubbed from every message, the bearer token file is re-read when it
changes, at most `max_concurrency` requests are in flight, and a backend that is briefly
unavailable is retried with exponential backoff and jitter within a deadline. The small pure
helper `_split_url` and `Unauthorized` are imported from here, and `snippet` from `sources.base`,
rather than copied; `PrometheusSource` could be moved onto this class later.

Requests that are not idempotent (creating a silence) are only retried when they certainly never
reached the server (the connection could not be made), so a retry can never do a thing twice.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import random
import ssl
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import httpx

from sretui import __version__
from sretui.domain.endpoint import Endpoint, redact_url
from sretui.sources.base import BackendUnavailable, BadResponse, SourceError, snippet

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "RETRY_DEADLINE_FACTOR",
    "HttpBackend",
    "QueryArgs",
    "Unauthorized",
    "snippet",
]

log = logging.getLogger(__name__)

# Tests shorten BACKOFF_BASE by monkeypatching it here.
BACKOFF_BASE: Final = 0.25
"""Seconds before the first retry; doubled for each further one, with jitter."""

BACKOFF_CAP: Final = 2.0
"""No single wait between retries is longer than this."""

RETRY_DEADLINE_FACTOR: Final = 1.0  # no retry starts after the timeout; asyncio.timeout enforces it
"""No retry starts once this many `Endpoint.timeout`s have passed since the first attempt."""

"""How much of an unexpected body to quote in an error message."""

SENSITIVE_HEADER_WORDS: Final = ("auth", "token", "key", "secret", "password", "cookie")
"""Configured headers whose name contains one of these have their values scrubbed too."""


def read_secret(path: Path) -> str:
    """A token or password kept in a file, read fresh each time so rotation is picked up."""
    return path.read_text(encoding="utf-8").strip()


class Unauthorized(SourceError):
    """The backend (or a proxy in front of it) refused our credentials: HTTP 401 or 403."""


def _split_url(url: str) -> tuple[httpx.URL, str, tuple[str, str] | None]:
    """The base URL without credentials, its description, and the credentials it carried.

    Raises `httpx.InvalidURL` for a URL that cannot be parsed.
    """
    parsed = httpx.URL(url)
    credentials = None
    if parsed.username or parsed.password:
        credentials = (parsed.username, parsed.password or "")
    base = parsed.copy_with(username=None, password=None, fragment=None)
    description = str(base.copy_with(query=None)).rstrip("/")
    return base, description, credentials


QueryArgs = Mapping[str, str | Sequence[str]]
"""Query-string parameters; a sequence value repeats the parameter (`filter=a&filter=b`)."""


class _Retryable(Exception):
    """Internal: an attempt failed in a way worth trying again (503, timeout, connection)."""

    def __init__(self, error: SourceError, response: httpx.Response | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.response = response


class HttpBackend:
    """An HTTP JSON API behind one `Endpoint`: one connection pool, credentials, retries.

    Subclasses add the calls of one API and turn answers into their own types; this class sends
    requests (`_send`) and maps what every HTTP API has in common (refused credentials, 5xx,
    redirects to a login page, a wrong path prefix, garbage) to `sretui.sources.base` errors
    whose messages name the URL without credentials and never contain a secret.
    """

    api_name: str = "HTTP API"
    """What the endpoint should be, for hints in messages ("Is this an Alertmanager?")."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_concurrency: int = 4,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if retries < 0:
            raise ValueError("retries must not be negative")
        self._endpoint = endpoint
        self._invalid_url: str | None = None
        try:
            self._base_url, self._description, url_credentials = _split_url(endpoint.url)
        except httpx.InvalidURL:
            # Reported by every call rather than raised here: building a source never fails.
            self._base_url, url_credentials = httpx.URL(), None
            self._description = redact_url(endpoint.url)
            # httpx's message quotes the piece it choked on, which may be part of a password.
            self._invalid_url = (
                "it does not parse (a '/', '@' or ':' in a user name or password must be "
                "percent-encoded)"
            )
        self._max_concurrency = max_concurrency
        self._retries = retries
        self._transport = transport
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._client: httpx.AsyncClient | None = None
        self._token_cache: tuple[tuple[int, int, int], str] | None = None
        self._secrets: set[str] = set()
        # Credentials in the URL become basic auth; the URL itself is used without them.
        self._url_basic: str | None = None
        if url_credentials is not None:
            self._url_basic = self._remember_basic_secret(*url_credentials)
        for name, value in endpoint.headers.items():
            if any(word in name.lower() for word in SENSITIVE_HEADER_WORDS):
                self._remember_secret(value)

    @property
    def description(self) -> str:
        """The backend's URL without credentials or query string."""
        return self._description

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._description!r})"

    async def aclose(self) -> None:
        """Close the connection pool. A later call opens a new one."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # -- sending ----------------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: QueryArgs | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        idempotent: bool = True,
        if_unsure: str = "",
    ) -> httpx.Response:
        """Send one request, retrying what is worth retrying; the final answer, any status.

        Connection failures and timeouts that exhaust the retries raise `BackendUnavailable`;
        a 503 that exhausts them is returned, for the caller to describe. A request that is not
        `idempotent` is retried only when it never reached the server, and `if_unsure` is added
        to the message of a failure after which the server may have carried it out.
        """
        if self._invalid_url is not None:
            message = f"the URL is not valid: {self._invalid_url}"
            raise SourceError(self._scrub(message), url=self._description)
        # The configured timeout is the longest a user waits for an answer, retries included.
        try:
            async with asyncio.timeout(self._endpoint.timeout):
                return await self._retrying(
                    method, path, params, json_body, form, idempotent, if_unsure
                )
        except TimeoutError:
            unsure = "" if idempotent or not if_unsure else f"; {if_unsure}"
            raise self._unavailable(
                f"no answer within {self._endpoint.timeout:g}s{unsure}"
            ) from None

    async def _retrying(
        self,
        method: str,
        path: str,
        params: QueryArgs | None,
        json_body: Any,
        form: Mapping[str, str] | None,
        idempotent: bool,
        if_unsure: str,
    ) -> httpx.Response:
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = self._endpoint.timeout * RETRY_DEADLINE_FACTOR
        attempt = 0
        while True:
            try:
                async with self._semaphore:
                    return await self._attempt(
                        method, path, params, json_body, form, idempotent, if_unsure
                    )
            except _Retryable as failure:
                delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * random.uniform(0.5, 1.0)
                attempt += 1
                out_of_time = loop.time() - started + delay > deadline
                if attempt > self._retries or out_of_time:
                    if failure.response is not None:
                        return failure.response
                    raise failure.error from failure.__cause__
                log.info(
                    "%s; retrying in %.2fs (retry %d of %d)",
                    failure.error,
                    delay,
                    attempt,
                    self._retries,
                )
                await asyncio.sleep(delay)

    async def _attempt(
        self,
        method: str,
        path: str,
        params: QueryArgs | None,
        json_body: Any,
        form: Mapping[str, str] | None,
        idempotent: bool,
        if_unsure: str,
    ) -> httpx.Response:
        headers = self._auth_headers()
        client = self._http_client()
        unsure = "" if idempotent or not if_unsure else f"; {if_unsure}"
        try:
            response = await client.request(
                method,
                self._url_for(path),
                params=httpx.QueryParams(params or {}),
                json=json_body,
                data=dict(form) if form is not None else None,
                headers=headers,
            )
        except httpx.ConnectTimeout as exc:
            # Never connected, so nothing was sent: safe to retry whatever the method.
            error = self._unavailable(f"cannot connect within {self._endpoint.timeout:g}s")
            raise _Retryable(error) from self._safe_cause(exc)
        except httpx.TimeoutException as exc:
            error = self._unavailable(f"no answer within {self._endpoint.timeout:g}s{unsure}")
            if idempotent:
                raise _Retryable(error) from self._safe_cause(exc)
            raise error from self._safe_cause(exc)
        except httpx.ConnectError as exc:
            raise _Retryable(
                self._unavailable(f"cannot connect ({self._reason(exc)})")
            ) from self._safe_cause(exc)
        except (httpx.ReadError, httpx.WriteError) as exc:
            error = self._unavailable(f"the connection failed ({self._reason(exc)}){unsure}")
            if idempotent:
                raise _Retryable(error) from self._safe_cause(exc)
            raise error from self._safe_cause(exc)
        except httpx.RemoteProtocolError as exc:
            if "disconnect" in str(exc).lower():
                error = self._unavailable(f"closed the connection without answering{unsure}")
                if idempotent:
                    raise _Retryable(error) from self._safe_cause(exc)
                raise error from self._safe_cause(exc)
            raise self._bad(
                f"answered with something that is not HTTP ({self._reason(exc)})"
            ) from self._safe_cause(exc)
        except httpx.LocalProtocolError:
            # The message of this error may quote a header value, which may be a secret.
            raise SourceError(
                "could not send the request: a configured header or credential has characters "
                "that HTTP does not allow",
                url=self._description,
            ) from None
        except httpx.UnsupportedProtocol:
            raise SourceError(
                "the URL must start with http:// or https://", url=self._description
            ) from None
        except httpx.HTTPError as exc:
            raise self._unavailable(
                f"request failed ({self._reason(exc)}){unsure}"
            ) from self._safe_cause(exc)
        if response.status_code == 503 and idempotent:
            error = self._unavailable(f"is unavailable (HTTP 503){self._quote(response)}")
            raise _Retryable(error, response)
        return response

    def _http_client(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(
                max_connections=self._max_concurrency,
                max_keepalive_connections=self._max_concurrency,
            )
            self._client = httpx.AsyncClient(
                limits=limits,
                timeout=self._endpoint.timeout,
                verify=self._ssl_context(),
                transport=self._transport,
                headers={"User-Agent": f"sretui/{__version__}", "Accept": "application/json"},
                follow_redirects=False,
            )
        return self._client

    def _ssl_context(self) -> ssl.SSLContext | bool:
        ca_file = self._endpoint.ca_file
        if ca_file is None:
            return True
        try:
            return ssl.create_default_context(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise SourceError(
                f"cannot load the CA file {ca_file}: {reason}", url=self._description
            ) from None

    def _url_for(self, path: str) -> httpx.URL:
        return self._base_url.copy_with(path=self._base_url.path.rstrip("/") + "/" + path)

    # -- answers ----------------------------------------------------------------------------------

    def _raise_for_status(self, response: httpx.Response, path: str) -> None:
        """Raise the right error for any answer that is not 2xx; subclasses handle their own
        codes (such as 400 for a refused request) before calling this."""
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in (401, 403):
            what = "unauthorized (HTTP 401)" if status == 401 else "forbidden (HTTP 403)"
            raise Unauthorized(
                self._scrub(
                    f"refused our credentials: {what}; check the bearer token, basic auth or "
                    f"tenant headers for this endpoint{self._server_says(response)}"
                ),
                url=self._description,
            )
        if status == 503:
            raise self._unavailable(f"is unavailable (HTTP 503){self._quote(response)}")
        if status >= 500:
            raise self._unavailable(
                f"failed with HTTP {status} {response.reason_phrase}{self._quote(response)}"
            )
        if status == 404:
            raise self._bad(
                f"has no /{path} (HTTP 404): is the URL, including any path prefix, right?"
            )
        if 300 <= status < 400:
            location = self._quotable(response.headers.get("location", "somewhere else"))
            raise self._bad(
                f"redirects to {location} (HTTP {status}): a login page or a wrong URL? "
                f"Configure the final URL and credentials instead"
            )
        if status == 429:
            raise self._unavailable("is rate limiting us (HTTP 429 Too Many Requests)")
        raise self._bad(f"answered HTTP {status} {response.reason_phrase}{self._quote(response)}")

    def _json_body(self, response: httpx.Response) -> Any:
        """The JSON of a 2xx answer, or `BadResponse` saying what came instead."""
        body = self._json(response)
        if body is None and response.content.strip() != b"null":
            content_type = response.headers.get("content-type", "no content type")
            raise self._bad(
                f"answered with something that is not JSON ({snippet(content_type)})"
                f"{self._quote(response)}. Is this an {self.api_name} endpoint, or a login page "
                f"or a proxy in front of one?"
            )
        return body

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            return None

    # -- credentials ------------------------------------------------------------------------------

    def _auth_headers(self) -> dict[str, str]:
        """Configured headers plus the Authorization header, built fresh for each request.

        A bearer token file wins over basic auth from the settings, which wins over credentials
        written into the URL.
        """
        headers = dict(self._endpoint.headers)
        token = self._bearer_token()
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        elif self._endpoint.basic_auth is not None:
            auth = self._endpoint.basic_auth
            try:
                password = (
                    read_secret(auth.password_file) if auth.password_file else auth.password or ""
                )
            except OSError as exc:
                raise SourceError(
                    f"cannot read the basic-auth password file {auth.password_file}: "
                    f"{exc.strerror or type(exc).__name__}",
                    url=self._description,
                ) from None
            encoded = self._remember_basic_secret(auth.username, password)
            headers["Authorization"] = f"Basic {encoded}"
        elif self._url_basic is not None:
            headers["Authorization"] = f"Basic {self._url_basic}"
        return headers

    def _bearer_token(self) -> str | None:
        """The token from the configured file, re-read whenever the file changes (rotation)."""
        path = self._endpoint.bearer_token_file
        if path is None:
            return None
        try:
            stat = path.stat()
            key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if self._token_cache is None or self._token_cache[0] != key:
                token = read_secret(path)
                self._remember_secret(token)
                self._token_cache = (key, token)
        except OSError as exc:
            raise SourceError(
                f"cannot read the bearer token file {path}: {exc.strerror or type(exc).__name__}",
                url=self._description,
            ) from None
        token = self._token_cache[1]
        if not token:
            raise SourceError(f"the bearer token file {path} is empty", url=self._description)
        if not (token.isascii() and token.isprintable()):
            raise SourceError(
                f"the bearer token in {path} has characters that cannot be sent in an HTTP header",
                url=self._description,
            )
        return token

    def _remember_secret(self, secret: str | None) -> None:
        # Very short "secrets" are skipped: scrubbing "a" would mangle every message.
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def _remember_basic_secret(self, username: str, password: str) -> str:
        encoded = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._remember_secret(password)
        self._remember_secret(encoded)
        return encoded

    def _scrub(self, text: str) -> str:
        """Text with every known secret replaced by '***'."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    # -- messages ---------------------------------------------------------------------------------

    def _unavailable(self, message: str) -> BackendUnavailable:
        return BackendUnavailable(self._scrub(message), url=self._description)

    def _bad(self, message: str) -> BadResponse:
        return BadResponse(self._scrub(message), url=self._description)

    def _quotable(self, text: str) -> str:
        """Text from outside made short, printable and free of secrets for a message.

        Scrubbed before it is cut, so that a secret straddling the cut cannot leave its first
        half behind, and after, in case flattening whitespace joined one together.
        """
        return self._scrub(snippet(self._scrub(text)))

    def _safe_cause(self, exc: BaseException) -> BaseException | None:
        """`exc` to chain as the cause of our error, or None when its text holds a secret (a
        traceback in a log would show it)."""
        texts = (str(exc), repr(exc))
        if any(secret in text for secret in self._secrets for text in texts):
            return None
        return exc

    def _reason(self, exc: BaseException) -> str:
        return self._quotable(str(exc)) or type(exc).__name__

    def _quote(self, response: httpx.Response) -> str:
        """`: "<start of the body>"` for messages about unexpected answers, or nothing."""
        text = self._quotable(response.text) if response.content else ""
        return f': "{text}"' if text else ""

    def _server_says(self, response: httpx.Response) -> str:
        """` (the server says: "...")` quoting the server's message or body, or nothing."""
        text = self._server_message(response)
        return f' (the server says: "{text}")' if text else ""

    def _server_message(self, response: httpx.Response) -> str:
        """The server's own words in an error answer, printable, short and scrubbed.

        Understands a JSON string (Alertmanager), `{"error": ...}` (Prometheus) and
        `{"message": ...}` (go-swagger validation); otherwise the start of the body.
        """
        body = self._json(response)
        text = ""
        if isinstance(body, str):
            text = body
        elif isinstance(body, dict):
            for key in ("error", "message"):
                if isinstance(body.get(key), str):
                    text = body[key]
                    break
        if not text and response.content:
            text = response.text
        return self._quotable(text)
