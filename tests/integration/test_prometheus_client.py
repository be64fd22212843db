"""PrometheusSource against a real Prometheus on loopback with backfilled checkout counters.

Tolerance: the backfilled counters are exactly linear in time and written with full float
precision, and every window is aligned with the sample grid, so rate() has nothing to
extrapolate wrongly; what is left is float rounding on counter values of about 2.6e6, i.e. about
1e-10 relative. `rel=1e-9` is therefore tight enough to catch a wrong window, series or label
and loose enough for rounding.
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

import pytest
from realservers import RunningServer

from sretui.config.settings import Endpoint
from sretui.sources.base import BackendUnavailable, BadResponse, QueryError
from sretui.sources.prometheus import PrometheusSource

ERRORS = 'sum(rate(http_requests_total{{service="checkout",code=~"5.."}}[{window}]))'
TOTAL = 'sum(rate(http_requests_total{{service="checkout"}}[{window}]))'


def history_end(history) -> datetime:
    return datetime.fromtimestamp(history.end, UTC)


@pytest.mark.parametrize("window", ["5m", "1h", "6h", "1d", "2d"])
async def test_error_ratio_matches_the_backfilled_rates(
    prometheus_source: PrometheusSource, checkout_history, window: str
) -> None:
    at = history_end(checkout_history)
    errors = await prometheus_source.query(ERRORS.format(window=window), at)
    total = await prometheus_source.query(TOTAL.format(window=window), at)

    assert total.value == pytest.approx(10.0, rel=1e-9)
    assert errors.value == pytest.approx(0.01, rel=1e-9)
    assert errors.value / total.value == pytest.approx(0.001, rel=1e-9)
    assert errors.warnings == () and total.warnings == ()


async def test_history_reaches_the_present(prometheus_source: PrometheusSource) -> None:
    # At the server's "now", seconds after the last sample, the shortest window has data. The
    # total is exactly 10/s only while now - end < 66 s (extrapolation stops short after that),
    # but the ratio stays exact because both series are extrapolated alike.
    errors = await prometheus_source.query(ERRORS.format(window="5m"))
    total = await prometheus_source.query(TOTAL.format(window="5m"))

    assert total.value is not None and 0 < total.value <= 10.0 * (1 + 1e-9)
    assert errors.value / total.value == pytest.approx(0.001, rel=1e-9)


async def test_labels_of_each_series_are_kept(
    prometheus_source: PrometheusSource, checkout_history
) -> None:
    result = await prometheus_source.query(
        'sum by (code) (rate(http_requests_total{service="checkout"}[1h]))',
        history_end(checkout_history),
    )

    by_code = {sample.labels["code"]: sample.value for sample in result.samples}
    assert by_code == {"200": pytest.approx(9.99, rel=1e-9), "500": pytest.approx(0.01, rel=1e-9)}
    assert result.value == pytest.approx(10.0, rel=1e-9)  # a vector sums


async def test_missing_metric_is_no_data_not_zero(prometheus_source: PrometheusSource) -> None:
    result = await prometheus_source.query('sum(rate(no_such_metric_total{service="x"}[5m]))')

    assert result.samples == ()
    assert result.value is None


@pytest.mark.parametrize(
    ("expr", "expected"),
    [("0/0", math.nan), ("vector(0)/0", math.nan), ("1/0", math.inf), ("-1/0", -math.inf)],
)
async def test_nan_and_infinities(
    prometheus_source: PrometheusSource, expr: str, expected: float
) -> None:
    result = await prometheus_source.query(expr)

    assert len(result.samples) == 1
    value = result.samples[0].value
    if math.isnan(expected):
        assert math.isnan(value)
        assert result.value is None  # NaN alone is "no data"
    else:
        assert value == expected
        assert result.value == expected


async def test_range_query_points(prometheus_source: PrometheusSource, checkout_history) -> None:
    end = history_end(checkout_history)
    start = end - timedelta(hours=1)

    result = await prometheus_source.query_range(TOTAL.format(window="5m"), start, end, 60)

    (series,) = result.series
    assert series.labels == {}
    assert [t for t, _ in series.points] == [start.timestamp() + 60 * i for i in range(61)]
    assert all(v == pytest.approx(10.0, rel=1e-9) for _, v in series.points)


async def test_range_query_step_is_clamped_to_what_prometheus_accepts(
    prometheus_source: PrometheusSource, checkout_history
) -> None:
    # 30 days at 1 s would be 2.6 million points: Prometheus refuses more than 11,000 a series.
    end = history_end(checkout_history)
    start = end - timedelta(days=30)

    result = await prometheus_source.query_range("vector(1)", start, end, 1)

    (series,) = result.series
    step = math.ceil(30 * 86400 / 11_000)  # 236 s
    times = [t for t, _ in series.points]
    assert {b - a for a, b in itertools.pairwise(times)} == {step}
    assert len(times) == 30 * 86400 // step + 1 == 10_984
    assert times[0] == start.timestamp()


async def test_bad_query_is_a_query_error_with_prometheus_message(
    prometheus_source: PrometheusSource, prometheus: RunningServer
) -> None:
    with pytest.raises(QueryError) as caught:
        await prometheus_source.query("sum(rate(http_requests_total[5m]")

    error = caught.value
    assert error.error_type == "bad_data"
    assert "parse error" in error.message
    assert error.url == prometheus.url
    assert str(error).startswith(f"{prometheus.url}: refused the query (bad_data): ")


async def test_execution_error_is_a_query_error(prometheus_source: PrometheusSource) -> None:
    with pytest.raises(QueryError) as caught:
        await prometheus_source.query("http_requests_total * on() group_left http_requests_total")

    assert caught.value.error_type == "execution"
    assert "many-to-many matching not allowed" in caught.value.message


@pytest.mark.parametrize(
    ("expr", "error_type"),
    [('"hello"', "string_result"), ("http_requests_total[5m]", "range_vector_result")],
)
async def test_results_that_are_not_numbers_are_refused(
    prometheus_source: PrometheusSource, expr: str, error_type: str
) -> None:
    with pytest.raises(QueryError) as caught:
        await prometheus_source.query(expr)

    assert caught.value.error_type == error_type


async def test_probe_answers(prometheus_source: PrometheusSource) -> None:
    await prometheus_source.probe()


async def test_naive_datetimes_are_refused(prometheus_source: PrometheusSource) -> None:
    naive = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(ValueError, match="naive"):
        await prometheus_source.query("vector(1)", naive)
    with pytest.raises(ValueError, match="naive"):
        await prometheus_source.query_range("vector(1)", naive, datetime.now(UTC), 60)


async def test_path_prefix_then_stopped_server(prometheus_factory) -> None:
    server = prometheus_factory(route_prefix="/prometheus")
    assert server.url.endswith("/prometheus")
    source = PrometheusSource(Endpoint(url=server.url + "/", timeout=2.0))
    without_prefix = PrometheusSource(Endpoint(url=server.url.removesuffix("/prometheus")))
    try:
        await source.probe()
        assert source.description == server.url

        with pytest.raises(BadResponse, match="path prefix"):
            await without_prefix.probe()

        server.stop()
        with pytest.raises(BackendUnavailable) as caught:
            await source.query("vector(1)")
        assert str(caught.value).startswith(f"{server.url}: cannot connect")
    finally:
        await source.aclose()
        await without_prefix.aclose()
