"""A client for the Prometheus HTTP query API (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics).

Built on `sretui.sources.http.HttpBackend` (one connection pool, bounded concurrency, quick
retries when the backend is briefly unavailable, credentials in headers only, secrets scrubbed
from every message); this module adds the query API's envelope and result types.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import httpx

from sretui.domain.endpoint import Endpoint
from sretui.sources.base import (
    SNIPPET_LENGTH,
    InstantResult,
    QueryError,
    RangeResult,
    Sample,
    Series,
    printable,
    snippet,
)
from sretui.sources.http import HttpBackend, Unauthorized

__all__ = [
    "MAX_POINTS_PER_SERIES",
    "SNIPPET_LENGTH",
    "PrometheusSource",
    "Unauthorized",
    "clamp_step",
    "unix_seconds",
]

MAX_POINTS_PER_SERIES: Final = 11_000
"""Prometheus refuses range queries where (end - start) / step exceeds this."""


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


class PrometheusSource(HttpBackend):
    """Reads metrics from anything that speaks the Prometheus HTTP query API.

    One instance keeps one connection pool; at most `max_concurrency` requests are in flight at
    once. A 503, a timeout or a failed connection is retried up to `retries` times with
    exponential backoff and jitter; query errors and other 4xx answers are never retried.
    Sending, credentials and secret scrubbing are `HttpBackend`'s, shared with Alertmanager.
    """

    api_name = "Prometheus API"

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_concurrency: int = 8,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            endpoint, max_concurrency=max_concurrency, retries=retries, transport=transport
        )

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

    # -- requests -----------------------------------------------------------------------------

    async def _call(self, path: str, form: Mapping[str, str]) -> tuple[Any, tuple[str, ...]]:
        """POST `form` to `path` (with `HttpBackend`'s retries); the `data` and `warnings` of a
        success, or the right error."""
        response = await self._send("POST", path, form=form)
        return self._envelope(response, path)

    def _envelope(self, response: httpx.Response, path: str) -> tuple[Any, tuple[str, ...]]:
        """Turn an answer into (data, warnings) or the right error."""
        status = response.status_code
        body = self._json(response)
        if status not in (401, 403) and isinstance(body, dict) and body.get("status") == "error":
            return self._error_envelope(body, status)
        self._raise_for_status(response, path)
        if body is None:
            content_type = response.headers.get("content-type", "no content type")
            raise self._bad(
                f"answered with something that is not JSON ({snippet(content_type)})"
                f"{self._quote(response)}. Is this a Prometheus API endpoint, or a login page "
                f"or a proxy in front of one?"
            )
        return self._success_envelope(body)

    def _error_envelope(self, body: dict[str, Any], status: int) -> tuple[Any, tuple[str, ...]]:
        error_type = body.get("errorType")
        error = body.get("error")
        error_type = error_type if isinstance(error_type, str) else ""
        error = printable(error) if isinstance(error, str) and error else "no reason given"
        if status == 503:
            error = f"is unavailable (HTTP 503, {error_type or 'error'}): {error}"
            raise self._unavailable(snippet(error))
        if status >= 500:
            raise self._unavailable(f"failed with HTTP {status} ({error_type or 'error'}): {error}")
        message = f"refused the query ({error_type or 'error'}): {error}"
        raise QueryError(self._scrub(message), error_type=error_type, url=self._description)

    def _success_envelope(self, body: Any) -> tuple[Any, tuple[str, ...]]:
        if not isinstance(body, dict) or "status" not in body:
            raise self._bad("answered JSON that is not a Prometheus API response (no 'status')")
        if body["status"] != "success":
            raise self._bad(f"answered an unknown status {snippet(str(body['status']))!r}")
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
        return data, tuple(self._scrub(printable(str(w))) for w in warnings)

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
                    f"the expression gives a string ({snippet(str(text))!r}), not a number"
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
        raise self._bad(f"answered an unknown result type {snippet(result_type)!r}")

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
                f"answered a sample value that is not a number: {snippet(repr(value))}"
            ) from None
