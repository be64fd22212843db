"""The helpers in tests/realservers.py: history generation, start-up failures, Alertmanager."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import httpx
import pytest
from realservers import (
    RunningServer,
    ServerBinaryMissing,
    ServerFailedToStart,
    constant_rate,
    find_binary,
    openmetrics_counters,
    sample_times,
    start_prometheus,
)

END = 1_795_000_000.0


def test_sample_times_are_dense_near_the_end_and_end_exactly_there() -> None:
    times = sample_times(END - 86400, END, step=300, recent_step=60, recent=6 * 3600)

    assert times[-1] == END
    assert times[0] >= END - 86400
    gaps = [b - a for a, b in itertools.pairwise(times)]
    recent = [gap for t, gap in zip(times[1:], gaps, strict=True) if t > END - 6 * 3600]
    assert set(recent) == {60}
    assert set(gaps) == {60, 300}


def test_openmetrics_counters_text() -> None:
    text = openmetrics_counters(
        {
            'http_requests_total{code="200"}': constant_rate(2.0, END - 120, initial=10),
            'http_requests_total{code="500"}': lambda t: float("nan"),
        },
        start=END - 120,
        end=END,
        recent_step=60,
    )

    assert text.splitlines() == [
        "# TYPE http_requests counter",
        'http_requests_total{code="200"} 10.0 1794999880',
        'http_requests_total{code="200"} 130.0 1794999940',
        'http_requests_total{code="200"} 250.0 1795000000',
        'http_requests_total{code="500"} NaN 1794999880',
        'http_requests_total{code="500"} NaN 1794999940',
        'http_requests_total{code="500"} NaN 1795000000',
        "# EOF",
    ]


def test_times_going_backwards_are_refused() -> None:
    with pytest.raises(ValueError, match="strictly increase"):
        openmetrics_counters({"x_total": lambda t: t}, start=0, end=1, times=[2, 1])


def test_missing_binary_says_to_run_make_test() -> None:
    with pytest.raises(ServerBinaryMissing, match="make test"):
        find_binary("no-such-prometheus-binary")


def test_a_server_that_cannot_start_reports_its_log(tmp_path) -> None:
    with pytest.raises(ServerFailedToStart) as caught:
        start_prometheus(tmp_path, extra_args=["--no-such-flag"])

    assert "exited with status" in str(caught.value)
    assert "no-such-flag" in str(caught.value)  # Prometheus's own complaint, from its log


async def test_backfilled_history_is_queryable_at_its_end(prometheus_factory) -> None:
    end = datetime.now(UTC).replace(microsecond=0).timestamp()
    history = openmetrics_counters(
        {'jobs_total{queue="a"}': constant_rate(0.5, end - 7200)}, start=end - 7200, end=end
    )
    server: RunningServer = prometheus_factory(backfill_openmetrics=history)

    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.url}/api/v1/query",
            data={"query": "rate(jobs_total[5m])", "time": str(end)},
        )

    (sample,) = response.json()["data"]["result"]
    assert float(sample["value"][1]) == pytest.approx(0.5, rel=1e-9)


async def test_alertmanager_accepts_and_lists_an_alert(alertmanager: RunningServer) -> None:
    alert = {
        "labels": {"alertname": "CheckoutBudgetBurn", "service": "checkout", "severity": "page"},
        "annotations": {"summary": "burning 14.4x over 1h and 5m"},
        "startsAt": datetime.now(UTC).isoformat(),
    }
    async with httpx.AsyncClient(base_url=alertmanager.url, timeout=5) as client:
        posted = await client.post("/api/v2/alerts", json=[alert])
        listed = await client.get(
            "/api/v2/alerts", params={"filter": 'alertname="CheckoutBudgetBurn"'}
        )

    assert posted.status_code == 200, posted.text
    (found,) = listed.json()
    assert found["labels"] == alert["labels"]
    assert found["annotations"] == alert["annotations"]
    assert found["status"]["state"] == "active"
