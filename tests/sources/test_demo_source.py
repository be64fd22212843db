"""DemoSource as the app sees it: the MetricsSource interface, SLI queries, ranges, outages."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from sretui.config.definitions import load_definitions
from sretui.services.workspace import examples_dir
from sretui.sources.base import BackendUnavailable, MetricsSource, QueryError, Sample
from sretui.sources.demo import DemoSource

NOW = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
CHECKOUT_ERRORS = 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[1h]))'
CHECKOUT_TOTAL = 'sum(rate(http_requests_total{service="checkout"}[1h]))'


def clock_at(moment: datetime):
    return lambda: moment


@pytest.fixture
def source() -> DemoSource:
    return DemoSource(clock=clock_at(NOW))


def sli(service: str, window: str, errors: str = '=~"5.."') -> tuple[str, str]:
    return (
        f'sum(rate(http_requests_total{{service="{service}",code{errors}}}[{window}]))',
        f'sum(rate(http_requests_total{{service="{service}"}}[{window}]))',
    )


async def error_ratio(source: DemoSource, service: str, window: str) -> float:
    errors, total = sli(service, window)
    result = await source.query(f"{errors} / {total}")
    assert result.value is not None
    return result.value


def test_it_is_a_metrics_source_with_a_short_description():
    assert isinstance(DemoSource(), MetricsSource)
    assert DemoSource().description == "demo (seed 7)"
    assert DemoSource(seed=3).description == "demo (seed 3)"


async def test_the_sli_ratio_matches_the_models_own_integrals(source):
    result = await source.query(f"{CHECKOUT_ERRORS} / {CHECKOUT_TOTAL}")
    assert len(result.samples) == 1
    assert result.samples[0].labels == {}
    # The same ratio, from the model's closed-form request integral and its episode list.
    model = source.model
    end = NOW.timestamp()
    start = end - 3600
    requests = model.requests("checkout", start, end)
    episode_requests = episode_errors = 0.0
    for episode in model.episodes("checkout", start, end):
        count = model.requests("checkout", max(episode.start, start), min(episode.end, end))
        episode_requests += count
        episode_errors += episode.error_ratio * count
    expected = (0.0002 * (requests - episode_requests) + episode_errors) / requests
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.value == pytest.approx(0.0002, rel=1e-12)  # no burst in checkout's last hour


async def test_the_sli_ratio_over_a_window_with_a_burst(source):
    model = source.model
    burst = next(e for e in model.episodes("search", NOW.timestamp() - 86400, NOW.timestamp())
                 if e.cause == "burst")  # fmt: skip
    at = datetime.fromtimestamp(burst.end + 60, UTC)
    errors, total = sli("search", "30m")
    result = await source.query(f"{errors} / {total}", at=at)
    end = at.timestamp()
    start = end - 1800
    during = model.requests("search", burst.start, burst.end)
    requests = model.requests("search", start, end)
    expected = (0.001 * (requests - during) + burst.error_ratio * during) / requests
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.value > 0.002


async def test_rate_is_increase_divided_by_the_window(source):
    increase = await source.query('sum(increase(http_requests_total{service="auth"}[1h]))')
    rate = await source.query('sum(rate(http_requests_total{service="auth"}[1h]))')
    assert increase.value is not None and rate.value is not None
    assert rate.value == pytest.approx(increase.value / 3600, rel=1e-12)
    expected = source.model.requests("auth", NOW.timestamp() - 3600, NOW.timestamp())
    assert increase.value == pytest.approx(expected, rel=1e-12)


async def test_rate_is_higher_at_the_daily_peak_than_at_the_trough(source):
    expr = 'sum(rate(http_requests_total{service="checkout"}[5m]))'
    peak = await source.query(expr, at=datetime(2026, 3, 9, 14, 2, 30, tzinfo=UTC))
    trough = await source.query(expr, at=datetime(2026, 3, 9, 2, 2, 30, tzinfo=UTC))
    assert peak.value == pytest.approx(192.0, rel=1e-4)
    assert trough.value == pytest.approx(48.0, rel=1e-4)


async def test_an_unknown_service_is_no_data_not_zero(source):
    errors, total = sli("nope", "1h")
    for expr in (errors, total, f"{errors} / {total}"):
        result = await source.query(expr)
        assert result.samples == ()
        assert result.value is None


async def test_queries_use_the_clock_and_take_naive_times_as_utc(source):
    now = await source.query(CHECKOUT_TOTAL)
    explicit = await source.query(CHECKOUT_TOTAL, at=NOW)
    naive = await source.query(CHECKOUT_TOTAL, at=NOW.replace(tzinfo=None))
    assert now == explicit == naive


async def test_a_scalar_answer_is_one_unlabelled_sample(source):
    result = await source.query("1 + 2 * 3")
    assert result.samples == (Sample({}, 7.0),)
    assert (await source.query("vector(0) / 0")).value is None  # NaN only: no data


async def test_every_query_of_the_bundled_examples_is_answered(source):
    defs = load_definitions(examples_dir())
    queries = [c.query for plan in defs.gamedays for c in (*plan.steady_state, *plan.abort)]
    for slo in defs.slos:
        for alert in slo.alerts:
            for window in (alert.long, alert.short):
                queries.extend(slo.sli.render(window))
        queries.extend(slo.sli.render(slo.window))
    assert len(queries) == 2 + 6 * (4 * 2 + 1) * 2
    for expr in queries:
        result = await source.query(expr)
        assert len(result.samples) == 1, expr
        assert result.value is not None and math.isfinite(result.value) and result.value >= 0


async def test_a_syntax_error_is_bad_data_with_the_parsers_message(source):
    with pytest.raises(QueryError) as caught:
        await source.query('sum(rate(http_requests_total{service="search"}[5m])')
    assert caught.value.error_type == "bad_data"
    assert str(caught.value) == "parse error: unclosed left parenthesis"


async def test_bad_queries_raise_bad_data_with_the_position(source):
    with pytest.raises(QueryError) as caught:
        await source.query("sum(irate(http_requests_total[5m]))")
    assert caught.value.error_type == "bad_data"
    assert str(caught.value).startswith('parse error at char 5: function "irate" is not supported')


async def test_the_bundled_latency_sli_parses_and_stays_within_its_objective(source):
    errors = """
sum(rate(http_request_duration_seconds_count{service="checkout"}[30d]))
  - sum(rate(http_request_duration_seconds_bucket{service="checkout",le="0.5"}[30d]))
"""
    total = 'sum(rate(http_request_duration_seconds_count{service="checkout"}[30d]))'
    slow = (await source.query(errors)).value
    all_requests = (await source.query(total)).value
    assert slow is not None and all_requests is not None
    assert 0.004 < slow / all_requests < 0.01  # 99% objective, budget partly spent


async def test_histogram_quantile_shows_search_slow_during_its_incident(source):
    p99 = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="{s}"}[5m])))'  # noqa: E501
    during = (await source.query(p99.replace("{s}", "search"))).value
    calm = (await source.query(p99.replace("{s}", "auth"))).value
    # degraded: 98.5% within 2.5 s, 99.7% within 5 s -> 2.5 + 2.5 * (0.5 / 1.2)
    assert during == pytest.approx(2.5 + 2.5 * 0.5 / 1.2)
    # normal: 96% within 0.25 s, 99.2% within 0.5 s -> 0.25 + 0.25 * (3 / 3.2)
    assert calm == pytest.approx(0.25 + 0.25 * 3 / 3.2)


# --- the demo's story ------------------------------------------------------------------------


async def test_the_demo_opens_with_search_burning_fast_and_payments_nearly_out(source):
    budgets = {"checkout": 0.001, "payments": 0.0005, "search": 0.005, "auth": 0.0001}
    windows = {"checkout": "30d", "payments": "28d", "search": "7d", "auth": "30d"}
    remaining = {}
    for service, budget in budgets.items():
        remaining[service] = 1 - await error_ratio(source, service, windows[service]) / budget
    assert remaining["payments"] == pytest.approx(0.15, abs=0.05)  # critical: 0 < r <= 0.25
    assert remaining["checkout"] > 0.5 and remaining["auth"] > 0.5  # healthy
    assert 0.5 < remaining["search"] < 0.75
    # search pages: both the 1h and the 5m window burn faster than 14.4x
    for window in ("1h", "5m"):
        assert await error_ratio(source, "search", window) / 0.005 == pytest.approx(20.0)
    assert await error_ratio(source, "checkout", "1h") / 0.001 < 1


async def test_the_bundled_game_day_steady_state_holds_for_payments(source):
    ok, total = sli("payments", "5m", errors='!~"5.."')
    assert (await source.query(f"{ok} / {total}")).value == pytest.approx(0.9997)


# --- query_range ---------------------------------------------------------------------------


async def test_query_range_evaluates_at_every_step(source):
    start = NOW - timedelta(hours=1)
    result = await source.query_range(CHECKOUT_TOTAL, start, NOW, 60)
    assert len(result.series) == 1
    points = result.series[0].points
    assert len(points) == 61
    assert points[0][0] == start.timestamp()
    assert points[-1][0] == NOW.timestamp()
    for t, value in (points[0], points[30], points[-1]):
        instant = await source.query(CHECKOUT_TOTAL, at=datetime.fromtimestamp(t, UTC))
        assert value == instant.value


async def test_query_range_keeps_series_apart_by_labels(source):
    result = await source.query_range(
        'sum by (code) (rate(http_requests_total{service="auth"}[5m]))',
        NOW - timedelta(minutes=10),
        NOW,
        300,
    )
    assert [s.labels for s in result.series] == [
        {"code": "200"},
        {"code": "404"},
        {"code": "500"},
        {"code": "503"},
    ]
    assert all(len(s.points) == 3 for s in result.series)


async def test_query_range_allows_11000_steps_and_refuses_more(source):
    start = NOW - timedelta(seconds=11_000)
    result = await source.query_range("vector(1)", start, NOW, 1)
    assert len(result.series[0].points) == 11_001  # Prometheus counts steps, not points
    with pytest.raises(QueryError) as caught:
        await source.query_range("vector(1)", start - timedelta(seconds=1), NOW, 1)
    assert caught.value.error_type == "bad_data"
    assert "exceeded maximum resolution of 11,000 points per timeseries" in str(caught.value)


@pytest.mark.parametrize(
    ("start", "end", "step", "message"),
    [
        (NOW, NOW, 0, "zero or negative query resolution step widths are not accepted"),
        (NOW, NOW, -5, "zero or negative query resolution step widths are not accepted"),
        (NOW, NOW - timedelta(seconds=1), 60, "end timestamp must not be before start time"),
    ],
)
async def test_query_range_refuses_bad_ranges(source, start, end, step, message):
    with pytest.raises(QueryError, match=message):
        await source.query_range("vector(1)", start, end, step)


async def test_query_range_of_nothing_is_no_series(source):
    errors, _ = sli("nope", "5m")
    result = await source.query_range(errors, NOW - timedelta(hours=1), NOW, 60)
    assert result.series == ()


# --- outages -------------------------------------------------------------------------------


async def test_an_outage_makes_every_call_fail_until_it_ends():
    now = [NOW - timedelta(minutes=1)]
    outage = (NOW, NOW + timedelta(minutes=5))
    source = DemoSource(clock=lambda: now[0], outages=[outage])
    await source.probe()
    assert (await source.query(CHECKOUT_TOTAL)).value is not None
    now[0] = NOW + timedelta(minutes=2)
    with pytest.raises(BackendUnavailable, match="simulated outage until 2026-03-10T14:35:00"):
        await source.probe()
    with pytest.raises(BackendUnavailable):
        await source.query(CHECKOUT_TOTAL, at=NOW - timedelta(hours=1))
    with pytest.raises(BackendUnavailable):
        await source.query_range(CHECKOUT_TOTAL, NOW - timedelta(hours=1), NOW, 60)
    now[0] = NOW + timedelta(minutes=5)
    await source.probe()
    assert (await source.query(CHECKOUT_TOTAL)).value is not None
    await source.aclose()


def test_an_outage_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        DemoSource(outages=[(NOW, NOW - timedelta(minutes=1))])


# --- speed ---------------------------------------------------------------------------------


async def test_a_30_day_sli_query_is_fast():
    source = DemoSource(clock=clock_at(NOW))
    errors, total = sli("payments", "30d")
    expr = f"{errors} / {total}"
    started = time.perf_counter()
    await source.query(expr)  # cold: draws 720 hours of bursts
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(50):
        await source.query(expr)
    warm = (time.perf_counter() - started) / 50
    # measured about 2 ms cold and 0.1 ms warm; the bounds leave room for slow CI machines
    assert cold < 0.05
    assert warm < 0.005


async def test_raw_counters_count_since_the_services_were_deployed(source):
    result = await source.query('http_requests_total{service="search",code="503"}')
    (sample,) = result.samples
    assert sample.labels == {"__name__": "http_requests_total", "service": "search", "code": "503"}
    first = source.model.first_sample
    expected = next(s for s in source.model.series if s.labels == sample.labels).increase(
        first, NOW.timestamp()
    )
    assert sample.value == expected
    long_ago = datetime.fromtimestamp(first - 1, UTC)
    assert (await source.query('http_requests_total{service="search"}', at=long_ago)).samples == ()
    assert math.isfinite(sample.value) and sample.value > 0


def test_the_demo_backend_imports_neither_textual_nor_httpx():
    code = (
        "import sys, sretui.sources.demo; "
        "print(sorted(m for m in ('textual', 'httpx') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_creating_the_demo_source_leaves_the_query_evaluator_for_the_first_query():
    # The app creates its source while it draws the first frame: keep that cheap.
    code = (
        "import sys; from sretui.sources.demo import DemoSource; DemoSource(); "
        "print(sorted(m for m in ('promql_parser', 'sretui.sources.promql_subset') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
