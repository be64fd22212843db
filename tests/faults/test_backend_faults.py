"""Backends that hang, refuse or are written with secrets in odd places: one ROW per case.

A real Prometheus will not hang on demand, so a `realservers.ScriptedServer` (a real socket on
127.0.0.1) plays the hanging backend. To add a case, add a row to HANG_CASES or SECRET_URLS.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from realservers import HANG, ScriptedServer

from sretui.config.settings import Endpoint
from sretui.sources.alertmanager import AlertmanagerSource
from sretui.sources.base import BackendUnavailable, SourceError
from sretui.sources.prometheus import PrometheusSource

SLACK = 0.35  # seconds beyond the timeout: event loop and socket close

# (source class, timeout, retries): the timeout is the longest a user waits, retries included.
HANG_CASES = [
    (PrometheusSource, 0.5, 2),
    (PrometheusSource, 0.5, 5),
    (AlertmanagerSource, 0.5, 2),
]


async def _first_call(source: PrometheusSource | AlertmanagerSource) -> object:
    if isinstance(source, PrometheusSource):
        return await source.query("up")
    return await source.alerts()


@pytest.mark.parametrize(("kind", "timeout", "retries"), HANG_CASES)
async def test_a_hang_is_reported_within_the_stated_timeout(
    kind: type[PrometheusSource] | type[AlertmanagerSource], timeout: float, retries: int
) -> None:
    async with ScriptedServer(lambda request: asyncio.sleep(0, HANG)) as server:
        source = kind(Endpoint(url=server.url, timeout=timeout), retries=retries)
        started = time.monotonic()
        try:
            with pytest.raises(BackendUnavailable) as caught:
                await _first_call(source)
        finally:
            await source.aclose()
        elapsed = time.monotonic() - started
    assert str(caught.value) == f"{server.url}: no answer within {timeout:g}s"
    assert elapsed <= timeout + SLACK, elapsed


PASSWORD = "PA/SSW0RD"
# URLs whose user:password part must never be shown, parse as they may.
SECRET_URLS = [
    f"http://user:{PASSWORD}@prometheus.test:9090",
    f"http://user:{PASSWORD}@prometheus.test:9090/prefix",
    "http://user:PA@SSW0RD@prometheus.test:9090",
    "http://user:PA:SSW0RD@prometheus.test:9090",
]


@pytest.mark.parametrize("url", SECRET_URLS)
async def test_a_password_in_an_odd_url_is_never_shown(url: str) -> None:
    source = PrometheusSource(Endpoint(url=url, timeout=0.2), retries=0)
    texts = [source.description, repr(source)]
    try:
        await source.query("up")
    except SourceError as exc:
        texts += [str(exc), repr(exc), exc.message]
    finally:
        await source.aclose()
    for text in texts:
        assert "SSW0RD" not in text, text
