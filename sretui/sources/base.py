"""The interface every metrics source implements, and the errors it raises.

Kept free of httpx and Textual so that offline code can import the types. The Prometheus client
(`sretui.sources.prometheus`) and the synthetic demo backend (`sretui.sources.demo`) both satisfy
`MetricsSource`, so services never know which one they talk to.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

SNIPPET_LENGTH = 160
"""The most characters of outside text (a body, a header) quoted in a message."""


def printable(text: str) -> str:
    """Text from outside on one line, without control characters or terminal escapes."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def snippet(text: str) -> str:
    """A short, single-line, printable quotation of text from outside."""
    flat = printable(text)
    return flat if len(flat) <= SNIPPET_LENGTH else flat[: SNIPPET_LENGTH - 1] + "…"


class SourceError(Exception):
    """The metrics backend did not give a usable answer."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return f"{self.url}: {self.message}" if self.url else self.message


class BackendUnavailable(SourceError):
    """Connection refused, DNS failure, timeout, or a 5xx: the backend is down or overloaded."""


class QueryError(SourceError):
    """The backend understood the request and refused the query (bad PromQL, execution error)."""

    def __init__(self, message: str, *, error_type: str = "", url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.error_type = error_type


class BadResponse(SourceError):
    """The backend answered, but not with the Prometheus API envelope (garbage, HTML, a lie)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One element of an instant vector. `value` may be NaN or +/-Inf."""

    labels: Mapping[str, str]
    value: float


@dataclass(frozen=True, slots=True)
class InstantResult:
    """The answer to an instant query. An empty vector means "no data", never zero."""

    samples: tuple[Sample, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def value(self) -> float | None:
        """The single value of a one-element vector (or scalar), None when there is no data.

        A vector with several elements is summed: SLI queries are expected to aggregate, and a
        query that forgot `sum()` should still give the total rather than an arbitrary element.
        NaN samples are skipped; a vector of only NaN is "no data".
        """
        values = [s.value for s in self.samples if not math.isnan(s.value)]
        return math.fsum(values) if values else None


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a range query: (unix seconds, value) points in time order."""

    labels: Mapping[str, str]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class RangeResult:
    series: tuple[Series, ...] = ()
    warnings: tuple[str, ...] = field(default=())


@runtime_checkable
class MetricsSource(Protocol):
    """What sretui needs from a metrics backend."""

    @property
    def description(self) -> str:
        """A short human name for the backend, e.g. its URL or "demo (seed 7)". Never a secret."""
        ...

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        """Evaluate a PromQL expression at one instant (now when `at` is None)."""
        ...

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        """Evaluate a PromQL expression over [start, end] every `step_seconds`."""
        ...

    async def probe(self) -> None:
        """Cheap health check; returns when the backend answers queries, raises SourceError."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
