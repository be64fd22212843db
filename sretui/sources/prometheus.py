"""A client for the Prometheus HTTP query API (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics).

A plain async class around one `httpx.AsyncClient`: no UI, its own errors (from
`sretui.sources.base`), bounded concurrency and a few quick retries when the backend is briefly
unavailable. Secrets (bearer token, basic-auth password, credentials in the URL) are sent in
headers only and are scrubbed from every message this module produces.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import math
import random
import re
import ssl
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import httpx

from sretui import __version__
from sretui.config.settings import Endpoint
from sretui.sources.base import (
    BackendUnavailable,
    BadResponse,
    InstantResult,
    QueryError,
    RangeResult,
    Sample,
    Series,
    SourceError,
)

log = logging.getLogger(__name__)

MAX_POINTS_PER_SERIES: Final = 11_000
"""Prometheus refuses range queries where (end - start) / step exceeds this."""

BACKOFF_BASE: Final = 0.25
"""Seconds before the first retry; doubled for each further one, with jitter."""

BACKOFF_CAP: Final = 2.0
"""No single wait between retries is longer than this."""

RETRY_DEADLINE_FACTOR: Final = 2.0
"""No retry starts once this many `Endpoint.timeout`s have passed since the first attempt."""

SNIPPET_LENGTH: Final = 160
"""How much of an unexpected body to quote in an error message."""

SENSITIVE_HEADER_WORDS: Final = ("auth", "token", "key", "secret", "password", "cookie")
"""Configured headers whose name contains one of these have their values scrubbed too."""


class Unauthorized(SourceError):
    """The backend (or a proxy in front of it) refused our credentials: HTTP 401 or 403."""


class _Retryable(Exception):
    """Internal: an attempt failed in a way worth trying again (503, timeout, connection)."""

    def __init__(self, error: SourceError) -> None:
        super().__init__(error.message)
        self.error = error


def unix_seconds(moment: datetime) -> float:
    """Unix seconds for an aware datetime; naive datetimes are refused (their zone is a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} given; use an aware UTC datetime")
    return moment.timestamp()


def clamp_step(start: float, end: float, step_seconds: float) -> float:
    """The step to send so that no series has more points than Prometheus accepts."""
    if not step_seconds > 0 or not math.isfinite(step_seconds):
        raise ValueError(f"step must be a positive number of seconds, not {step_seconds!r}")
    if end < start:
        raise ValueError("the end of a range query must not be before its start")
    return max(float(step_seconds), float(math.ceil((end - start) / MAX_POINTS_PER_SERIES)))


def _format_seconds(value: float) -> str:
    # Prometheus keeps milliseconds; more digits only make requests longer.
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _printable(text: str) -> str:
    """Text from outside on one line, without control characters or terminal escapes."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _snippet(text: str) -> str:
    """A short, single-line, printable quotation of text from outside."""
    flat = _printable(text)
    return flat if len(flat) <= SNIPPET_LENGTH else flat[: SNIPPET_LENGTH - 1] + "…"


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


class PrometheusSource:
    """Reads metrics from anything that speaks the Prometheus HTTP query API.

    One instance keeps one connection pool; at most `max_concurrency` requests are in flight at
    once. A 503, a timeout or a failed connection is retried up to `retries` times with
    exponential backoff and jitter; query errors and other 4xx answers are never retried.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_concurrency: int = 8,
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
        except httpx.InvalidURL as exc:
            # Reported by every query rather than raised here: building a source never fails.
            self._base_url, url_credentials = httpx.URL(), None
            self._description = re.sub(r"//[^/@]*@", "//", endpoint.url)
            self._invalid_url = _snippet(str(exc))
        self._max_concurrency = max_concurrency
        self._retries = retries
        self._transport = transport
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._client: httpx.AsyncClient | None = None
        self._token_cache: tuple[tuple[int, int, int], str] | None = None
        self._secrets: set[str] = set()
        # Credentials in the URL become basic auth; the URL itself is used without them.
        self._url_auth: httpx.BasicAuth | None = None
        if url_credentials is not None:
            self._url_auth = httpx.BasicAuth(*url_credentials)
            self._remember_basic_secret(*url_credentials)
        for name, value in endpoint.headers.items():
            if any(word in name.lower() for word in SENSITIVE_HEADER_WORDS):
                self._remember_secret(value)

    @property
    def description(self) -> str:
        """The backend's URL without credentials or query string."""
        return self._description

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._description!r})"

    # -- the MetricsSource API --------------------------------------------------------------

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        """Evaluate `expr` at one instant (`at`, or the server's now) via /api/v1/query.

        An empty vector is returned as an `InstantResult` without samples ("no data"). Raises
        `QueryError` when the backend refuses the expression, `BackendUnavailable` when it cannot
        be reached, `BadResponse` when the answer is not the Prometheus API envelope.
        """
        form = {"query": expr}
        if at is not None:
            form["time"] = _format_seconds(unix_seconds(at))
        data, warnings = await self._call("api/v1/query", form)
        return InstantResult(samples=self._instant_samples(data), warnings=warnings)

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        """Evaluate `expr` over [start, end] every `step_seconds` via /api/v1/query_range.

        The step is widened when needed so that no series exceeds 11,000 points, the most
        Prometheus accepts. Errors as for `query`.
        """
        start_s, end_s = unix_seconds(start), unix_seconds(end)
        step = clamp_step(start_s, end_s, step_seconds)
        form = {
            "query": expr,
            "start": _format_seconds(start_s),
            "end": _format_seconds(end_s),
            "step": _format_seconds(step),
        }
        data, warnings = await self._call("api/v1/query_range", form)
        result_type, result = data["resultType"], data["result"]
        if result_type != "matrix":
            raise self._bad(f"answered a range query with a {result_type!r} result, not a matrix")
        series = tuple(self._series(item) for item in self._items(result))
        return RangeResult(series=series, warnings=warnings)

    async def probe(self) -> None:
        """Run the cheapest real query, `vector(1)`, and check the answer.

        A real query (rather than /-/ready) works the same on Prometheus, Thanos, Mimir and
        VictoriaMetrics, and proves that authentication and the path prefix are right.
        """
        result = await self.query("vector(1)")
        if result.value != 1.0:
            raise self._bad("answered the probe query vector(1) with something other than 1")

    async def aclose(self) -> None:
        """Close the connection pool. A later query opens a new one."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # -- requests -----------------------------------------------------------------------------

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

    async def _call(self, path: str, form: Mapping[str, str]) -> tuple[Any, tuple[str, ...]]:
        """POST `form` to `path` with retries; the `data` and `warnings` of a success."""
        if self._invalid_url is not None:
            message = f"the URL is not valid: {self._invalid_url}"
            raise SourceError(self._scrub(message), url=self._description)
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = self._endpoint.timeout * RETRY_DEADLINE_FACTOR
        attempt = 0
        while True:
            try:
                async with self._semaphore:
                    return await self._attempt(path, form)
            except _Retryable as failure:
                delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * random.uniform(0.5, 1.0)
                attempt += 1
                out_of_time = loop.time() - started + delay > deadline
                if attempt > self._retries or out_of_time:
                    # Not chained: the raw httpx error's text may carry a secret.
                    raise failure.error from None
                log.info(
                    "%s; retrying in %.2fs (retry %d of %d)",
                    failure.error,
                    delay,
                    attempt,
                    self._retries,
                )
                await asyncio.sleep(delay)

    async def _attempt(self, path: str, form: Mapping[str, str]) -> tuple[Any, tuple[str, ...]]:
        headers = self._auth_headers()
        client = self._http_client()
        try:
            response = await client.post(
                self._url_for(path), data=dict(form), headers=headers, auth=self._url_auth
            )
        except httpx.TimeoutException as exc:
            raise _Retryable(
                self._unavailable(f"no answer within {self._endpoint.timeout:g}s")
            ) from exc
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError) as exc:
            raise _Retryable(self._unavailable(f"cannot connect ({self._reason(exc)})")) from exc
        except httpx.RemoteProtocolError as exc:
            if "disconnect" in str(exc).lower():
                error = self._unavailable("closed the connection without answering")
                raise _Retryable(error) from exc
            raise self._bad(
                f"answered with something that is not HTTP ({self._reason(exc)})"
            ) from None
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
            raise self._unavailable(f"request failed ({self._reason(exc)})") from None
        return self._envelope(response, path)

    def _envelope(self, response: httpx.Response, path: str) -> tuple[Any, tuple[str, ...]]:
        """Turn an answer into (data, warnings) or the right error."""
        status = response.status_code
        body = self._json(response)
        if status in (401, 403):
            what = "unauthorized (HTTP 401)" if status == 401 else "forbidden (HTTP 403)"
            detail = self._server_says(body, response)
            raise Unauthorized(
                self._scrub(
                    f"refused our credentials: {what}; check the bearer token, basic auth or "
                    f"tenant headers for this endpoint{detail}"
                ),
                url=self._description,
            )
        if isinstance(body, dict) and body.get("status") == "error":
            return self._error_envelope(body, status)
        if status == 503:
            raise _Retryable(self._unavailable(f"is unavailable (HTTP 503){self._quote(response)}"))
        if status >= 500:
            raise self._unavailable(
                f"failed with HTTP {status} {response.reason_phrase}{self._quote(response)}"
            )
        if status == 404:
            raise self._bad(
                f"has no /{path} (HTTP 404): is the URL, including any path prefix, right?"
            )
        if 300 <= status < 400:
            location = _snippet(response.headers.get("location", "somewhere else"))
            raise self._bad(
                f"redirects to {location} (HTTP {status}): a login page or a wrong URL? "
                f"Configure the final URL and credentials instead"
            )
        if status == 429:
            raise self._unavailable("is rate limiting us (HTTP 429 Too Many Requests)")
        if not 200 <= status < 300:
            raise self._bad(
                f"answered HTTP {status} {response.reason_phrase}{self._quote(response)}"
            )
        if body is None:
            content_type = response.headers.get("content-type", "no content type")
            raise self._bad(
                f"answered with something that is not JSON ({_snippet(content_type)})"
                f"{self._quote(response)}. Is this a Prometheus API endpoint, or a login page "
                f"or a proxy in front of one?"
            )
        return self._success_envelope(body)

    def _error_envelope(self, body: dict[str, Any], status: int) -> tuple[Any, tuple[str, ...]]:
        error_type = body.get("errorType")
        error = body.get("error")
        error_type = error_type if isinstance(error_type, str) else ""
        error = _printable(error) if isinstance(error, str) and error else "no reason given"
        if status == 503:
            error = f"is unavailable (HTTP 503, {error_type or 'error'}): {error}"
            raise _Retryable(self._unavailable(_snippet(error)))
        if status >= 500:
            raise self._unavailable(f"failed with HTTP {status} ({error_type or 'error'}): {error}")
        message = f"refused the query ({error_type or 'error'}): {error}"
        raise QueryError(self._scrub(message), error_type=error_type, url=self._description)

    def _success_envelope(self, body: Any) -> tuple[Any, tuple[str, ...]]:
        if not isinstance(body, dict) or "status" not in body:
            raise self._bad("answered JSON that is not a Prometheus API response (no 'status')")
        if body["status"] != "success":
            raise self._bad(f"answered an unknown status {_snippet(str(body['status']))!r}")
        data = body.get("data")
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("resultType"), str)
            or "result" not in data
        ):
            raise self._bad("answered 'success' without a query result in 'data'")
        warnings = body.get("warnings") or []
        if not isinstance(warnings, list):
            raise self._bad("answered 'warnings' that are not a list")
        return data, tuple(self._scrub(_printable(str(w))) for w in warnings)

    # -- result parsing -------------------------------------------------------------------------

    def _instant_samples(self, data: Mapping[str, Any]) -> tuple[Sample, ...]:
        result_type, result = data["resultType"], data["result"]
        if result_type == "vector":
            return tuple(
                Sample(labels=self._labels(item), value=self._value(self._point(item, "value"))[1])
                for item in self._items(result)
            )
        if result_type == "scalar":
            return (Sample(labels={}, value=self._value(result)[1]),)
        if result_type == "string":
            text = result[1] if isinstance(result, list) and len(result) == 2 else result
            raise QueryError(
                self._scrub(
                    f"the expression gives a string ({_snippet(str(text))!r}), not a number"
                ),
                error_type="string_result",
                url=self._description,
            )
        if result_type == "matrix":
            raise QueryError(
                "the expression gives a range vector; an instant query needs an instant vector "
                "(wrap it in rate(), increase() or similar)",
                error_type="range_vector_result",
                url=self._description,
            )
        raise self._bad(f"answered an unknown result type {_snippet(result_type)!r}")

    def _items(self, result: Any) -> list[dict[str, Any]]:
        if not isinstance(result, list) or not all(isinstance(item, dict) for item in result):
            raise self._bad("answered a result that is not a list of series")
        return result

    def _series(self, item: Mapping[str, Any]) -> Series:
        values = self._point(item, "values")
        if not isinstance(values, list):
            raise self._bad("answered a series whose 'values' are not a list")
        return Series(labels=self._labels(item), points=tuple(self._value(v) for v in values))

    def _point(self, item: Mapping[str, Any], key: str) -> Any:
        if key not in item:
            if "histogram" in item or "histograms" in item:
                raise QueryError(
                    "the expression gives native histograms; sretui needs plain numbers "
                    "(use histogram_count(), histogram_sum() or histogram_quantile())",
                    error_type="native_histogram_result",
                    url=self._description,
                )
            raise self._bad(f"answered a series without {key!r}")
        return item[key]

    def _labels(self, item: Mapping[str, Any]) -> dict[str, str]:
        labels = item.get("metric", {})
        if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
        ):
            raise self._bad("answered series labels that are not a map of strings")
        return dict(labels)

    def _value(self, pair: Any) -> tuple[float, float]:
        """A `[unix seconds, "value"]` pair; values are strings and may be NaN or +/-Inf."""
        if not isinstance(pair, list) or len(pair) != 2:
            raise self._bad("answered a sample that is not a [time, value] pair")
        timestamp, value = pair
        try:
            if isinstance(timestamp, bool) or isinstance(value, bool):
                raise TypeError
            return float(timestamp), float(value)
        except (TypeError, ValueError):
            raise self._bad(
                f"answered a sample value that is not a number: {_snippet(repr(value))}"
            ) from None

    # -- credentials ----------------------------------------------------------------------------

    def _auth_headers(self) -> dict[str, str]:
        """Configured headers plus the Authorization header, built fresh for each request."""
        headers = dict(self._endpoint.headers)
        token = self._bearer_token()
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        elif self._endpoint.basic_auth is not None:
            auth = self._endpoint.basic_auth
            try:
                password = auth.resolve_password()
            except OSError as exc:
                raise SourceError(
                    f"cannot read the basic-auth password file {auth.password_file}: "
                    f"{exc.strerror or type(exc).__name__}",
                    url=self._description,
                ) from None
            encoded = self._remember_basic_secret(auth.username, password)
            headers["Authorization"] = f"Basic {encoded}"
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
                token = self._endpoint.bearer_token() or ""
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

    # -- messages -------------------------------------------------------------------------------

    def _unavailable(self, message: str) -> BackendUnavailable:
        return BackendUnavailable(self._scrub(message), url=self._description)

    def _bad(self, message: str) -> BadResponse:
        return BadResponse(self._scrub(message), url=self._description)

    def _reason(self, exc: BaseException) -> str:
        return _snippet(self._scrub(str(exc))) or type(exc).__name__

    def _quote(self, response: httpx.Response) -> str:
        """`: "<start of the body>"` for messages about unexpected answers, or nothing."""
        # Scrub before cutting: a secret straddling the cut would otherwise be half-shown.
        text = _snippet(self._scrub(response.text)) if response.content else ""
        return f': "{text}"' if text else ""

    def _server_says(self, body: Any, response: httpx.Response) -> str:
        """` (the server says: "...")` quoting an error envelope or the body, or nothing."""
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            text = _snippet(self._scrub(body["error"]))
        else:
            text = _snippet(self._scrub(response.text)) if response.content else ""
        return f' (the server says: "{text}")' if text else ""

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            return None
