"""Fixtures that run a real Prometheus and Alertmanager on loopback (see docs/real-servers.md).

Every test in this folder is marked `integration`. A missing server binary FAILS the tests that
need it, with a message saying to run `make test`: a silent skip would hide that nothing ran.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from realservers import (
    RunningServer,
    ServerBinaryMissing,
    constant_rate,
    openmetrics_counters,
    start_alertmanager,
    start_prometheus,
)

from sretui.config.settings import Endpoint
from sretui.sources.prometheus import PrometheusSource

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)


@dataclass(frozen=True)
class CheckoutHistory:
    """The counters backfilled into the `prometheus` fixture, and their known shape.

    `http_requests_total{service="checkout",code="200"|"500"}` grow at constant rates for `days`
    days up to `end` (unix seconds, the moment the fixture was built): `total_rate` requests per
    second, of which a fraction `error_ratio` are 500s. Samples are 60 s apart for the last 6 h
    and 300 s apart before.
    """

    start: float
    end: float
    total_rate: float = 10.0
    error_ratio: float = 0.001
    days: int = 3

    @property
    def error_rate(self) -> float:
        return self.total_rate * self.error_ratio

    @property
    def ok_rate(self) -> float:
        return self.total_rate - self.error_rate

    def openmetrics(self) -> str:
        return openmetrics_counters(
            {
                'http_requests_total{service="checkout",code="200"}': constant_rate(
                    self.ok_rate, self.start
                ),
                'http_requests_total{service="checkout",code="500"}': constant_rate(
                    self.error_rate, self.start
                ),
            },
            start=self.start,
            end=self.end,
        )


def _start_or_fail(start: Callable[..., RunningServer], *args: Any, **kwargs: Any) -> RunningServer:
    """Start a server; a missing binary fails the test with the install hint."""
    try:
        return start(*args, **kwargs)
    except ServerBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)


# Module scope, not session: history ends when the module starts, and queries at the server's
# "now" only see rate(...[5m]) data for about 4 minutes after that (docs/real-servers.md).
# A fresh backfilled Prometheus costs well under a second.
@pytest.fixture(scope="module")
def checkout_history() -> CheckoutHistory:
    """Three days of checkout request counters ending now (whole seconds)."""
    end = float(int(time.time()))
    return CheckoutHistory(start=end - 3 * 86400, end=end)


@pytest.fixture(scope="module")
def prometheus(
    tmp_path_factory: pytest.TempPathFactory, checkout_history: CheckoutHistory
) -> Iterator[RunningServer]:
    """A real Prometheus on 127.0.0.1 with `checkout_history` backfilled, for the module."""
    server = _start_or_fail(
        start_prometheus,
        tmp_path_factory.mktemp("prometheus"),
        backfill_openmetrics=checkout_history.openmetrics(),
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real Alertmanager on 127.0.0.1 (null receiver, no clustering), for the session."""
    server = _start_or_fail(start_alertmanager, tmp_path_factory.mktemp("alertmanager"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def prometheus_source(prometheus: RunningServer) -> AsyncIterator[PrometheusSource]:
    """A `PrometheusSource` pointed at the `prometheus` fixture, closed after the test."""
    source = PrometheusSource(Endpoint(url=prometheus.url, timeout=10.0))
    try:
        yield source
    finally:
        await source.aclose()


@pytest.fixture
def prometheus_factory(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start extra Prometheus servers in a test: `prometheus_factory(**start_prometheus kwargs)`.

    Each call gets its own folder under the test's tmp_path; all are stopped after the test.
    """
    started: list[RunningServer] = []

    def start(**kwargs: Any) -> RunningServer:
        server = _start_or_fail(start_prometheus, tmp_path / f"server{len(started)}", **kwargs)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()
