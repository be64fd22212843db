"""The synthetic model behind the demo backend: determinism, traffic shape, bursts, counters."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime

import pytest

from sretui.sources.demo import (
    DAY,
    DEMO_SERVICES,
    LATENCY_BOUNDS,
    DemoModel,
    DemoSeries,
)

NOW = datetime(2026, 3, 10, 14, 30, tzinfo=UTC).timestamp()
HOUR = 3600.0
SERVICES = [p.name for p in DEMO_SERVICES]


@pytest.fixture(scope="module")
def model() -> DemoModel:
    return DemoModel(7, NOW)


def series(model: DemoModel, **labels: str) -> DemoSeries:
    found = [s for s in model.series if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, found
    return found[0]


def first_burst(model: DemoModel, service: str, start: float, end: float):
    return next(e for e in model.episodes(service, start, end) if e.cause == "burst")


def test_the_demo_has_five_services_with_the_documented_series(model):
    assert SERVICES == ["checkout", "payments", "search", "auth", "catalog"]
    names = {(s.labels["__name__"], s.labels["service"]) for s in model.series}
    assert len(model.series) == 5 * (4 + 8 + 1)
    assert ("http_requests_total", "auth") in names
    assert ("http_request_duration_seconds_count", "search") in names
    bounds = [s.labels["le"] for s in model.series if "le" in s.labels]
    assert bounds[:8] == ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_and_time_give_the_same_values_in_any_query_order():
    errors = {"service": "search", "code": "503"}
    early, late = NOW - 20 * DAY, NOW - 2 * HOUR
    forward = DemoModel(7, NOW)
    a = series(forward, **errors).increase(early, early + HOUR)
    b = series(forward, **errors).increase(late, late + HOUR)
    backward = DemoModel(7, NOW)
    assert series(backward, **errors).increase(late, late + HOUR) == b
    assert series(backward, **errors).increase(early, early + HOUR) == a
    assert a > 0 and b > 0


def test_a_different_seed_gives_different_bursts_and_values():
    errors = {"service": "checkout", "code": "503"}
    window = (NOW - 7 * DAY, NOW)
    seven, eight = DemoModel(7, NOW), DemoModel(8, NOW)
    assert series(seven, **errors).increase(*window) != series(eight, **errors).increase(*window)
    assert seven.episodes("checkout", *window) != eight.episodes("checkout", *window)


def test_a_burst_draw_depends_only_on_seed_service_and_hour():
    slot = int(NOW // HOUR) - 100
    fresh = DemoModel(7, NOW - 50 * DAY)  # another story time does not move the bursts
    for service in SERVICES:
        assert [fresh.draw_burst(service, s) for s in range(slot, slot + 48)] == [
            DemoModel(7, NOW).draw_burst(service, s) for s in range(slot, slot + 48)
        ]


# --- traffic shape -------------------------------------------------------------------------


def test_traffic_peaks_at_the_services_busy_hour_and_never_goes_negative(model):
    day = math.floor(NOW / DAY) * DAY
    # checkout: 120 req/s on average, peak at 14:00 UTC (x1.6), trough at 02:00 (x0.4)
    assert model.request_rate("checkout", day + 14 * HOUR) == pytest.approx(192.0)
    assert model.request_rate("checkout", day + 2 * HOUR) == pytest.approx(48.0)
    for service in SERVICES:
        rates = [model.request_rate(service, day + m * 60) for m in range(24 * 60)]
        base = model.profiles[service].base_rate
        assert min(rates) == pytest.approx(0.4 * base, rel=1e-4)
        assert max(rates) == pytest.approx(1.6 * base, rel=1e-4)
        assert sum(rates) / len(rates) == pytest.approx(base)


def test_requests_are_the_exact_integral_of_the_rate(model):
    start = NOW - 3 * DAY + 1234.5
    end = start + 5 * HOUR
    midpoint_sum = sum(
        model.request_rate("search", start + i + 0.5) for i in range(int(end - start))
    )
    assert model.requests("search", start, end) == pytest.approx(midpoint_sum, rel=1e-9)
    # a whole day is exactly base rate x 86400, whatever the phase
    assert model.requests("auth", start, start + DAY) == pytest.approx(60 * DAY, rel=1e-12)


# --- bursts and incidents ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [7, 1, 2, 3, 4, 5])
def test_every_service_has_bursts_in_a_week_but_spends_under_2_percent_of_it_bursting(seed):
    demo = DemoModel(seed, NOW)
    for service in SERVICES:
        bursts = [e for e in demo.episodes(service, NOW - 7 * DAY, NOW) if e.cause == "burst"]
        assert bursts, f"{service} has no burst in 7 days with seed {seed}"
        bursting = sum(e.end - e.start for e in bursts)
        assert 0 < bursting / (7 * DAY) < 0.02
        profile = demo.profiles[service]
        for burst in bursts:
            minutes = (burst.end - burst.start) / 60
            assert profile.burst_minutes[0] <= minutes <= profile.burst_minutes[1]
            # a burst never leaves its hour
            assert math.floor(burst.start / HOUR) == math.floor((burst.end - 1e-6) / HOUR)
            low, high = profile.burst_error_ratio
            assert low <= burst.error_ratio <= high


def test_the_error_ratio_rises_during_a_burst_and_latency_worsens(model):
    burst = first_burst(model, "checkout", NOW - 7 * DAY, NOW)
    inside = (burst.start + burst.end) / 2
    assert model.error_ratio("checkout", inside) == burst.error_ratio
    assert model.error_ratio("checkout", burst.start - 1) == 0.0002
    assert model.latency_fraction("checkout", 0.5, burst.start - 1) == 0.996
    assert model.latency_fraction("checkout", 0.5, inside) == 0.86


def test_the_scripted_incidents_sit_around_the_story_time(model):
    search = [e for e in model.episodes("search", NOW - DAY, NOW + DAY) if e.cause == "incident"]
    assert [(e.start, e.end, e.error_ratio) for e in search] == [
        (NOW - 75 * 60, NOW + 165 * 60, 0.10)
    ]
    payments = [e for e in model.episodes("payments", NOW - 7 * DAY, NOW) if e.cause == "incident"]
    five_days_ago_at_1430 = math.floor((NOW - 5 * DAY) / DAY) * DAY + 14.5 * HOUR
    assert [(e.start, e.end, e.error_ratio) for e in payments] == [
        (five_days_ago_at_1430, five_days_ago_at_1430 + 100 * 60, 0.025)
    ]
    assert model.error_ratio("search", NOW) == 0.10


# --- counters ------------------------------------------------------------------------------


def test_counters_never_decrease(model):
    start = NOW - 2 * DAY
    times = [start + 120.0 * i for i in range(int(2 * DAY / 120))]
    for service in SERVICES:  # and closely inside every burst, where the 200s slow down
        for e in model.episodes(service, start, NOW):
            times += [e.start + (e.end - e.start) * k / 20 for k in range(21)]
    times.sort()
    for s in model.series:
        values = [s.sample(t) for t in times]
        assert all(a <= b for a, b in itertools.pairwise(values)), s.labels


def test_counters_have_no_samples_before_the_services_were_deployed(model):
    first = model.first_sample
    assert first == math.floor((NOW - 120 * DAY) / DAY) * DAY
    counter = series(model, service="checkout", code="200")
    assert counter.sample(first - 1) is None
    assert counter.sample(first) == 0.0
    assert counter.increase(first - 2 * DAY, first - DAY) is None
    # a window reaching back before the first sample counts from the first sample
    assert counter.increase(first - DAY, first + HOUR) == counter.increase(first, first + HOUR)


def test_increases_add_up_across_adjacent_windows(model):
    a = NOW - 9 * DAY - 1111.1
    c = NOW - 10.0
    burst = first_burst(model, "search", a + DAY, c)
    b = (burst.start + burst.end) / 2  # split inside a burst and away from midnight
    for s in model.series:
        assert s.increase(a, b) + s.increase(b, c) == pytest.approx(s.increase(a, c), rel=1e-12)
        assert s.sample(c) - s.sample(a) == pytest.approx(s.increase(a, c), rel=1e-9)


def test_codes_add_up_to_all_requests_and_to_the_histogram_count(model):
    window = (NOW - 30 * DAY, NOW)
    for service in SERVICES:
        by_code = [series(model, service=service, code=c).increase(*window) for c in
                   ("200", "404", "500", "503")]  # fmt: skip
        requests = model.requests(service, *window)
        assert math.fsum(by_code) == pytest.approx(requests, rel=1e-12)
        count = series(model, __name__="http_request_duration_seconds_count", service=service)
        assert count.increase(*window) == pytest.approx(requests, rel=1e-12)
        buckets = [series(model, service=service, le=le).increase(*window)
                   for le in ("0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf")]  # fmt: skip
        assert buckets == sorted(buckets)
        assert buckets[-1] == pytest.approx(requests, rel=1e-12)


def midpoint(rate, start: float, seconds: int, step: float = 0.1) -> float:
    """Midpoint-rule integral of rate(t) over [start, start + seconds]."""
    count = round(seconds / step)
    return math.fsum(rate(start + (i + 0.5) * step) for i in range(count)) * step


def test_the_5xx_counters_are_the_integral_of_rate_times_error_ratio(model):
    """Closed form against a quadrature of the instantaneous model (bursts included)."""
    burst = first_burst(model, "catalog", NOW - 7 * DAY, NOW)
    start = burst.start - 1800.25
    quadrature = midpoint(
        lambda t: model.request_rate("catalog", t) * model.error_ratio("catalog", t), start, 3600
    )
    five_xx = sum(
        series(model, service="catalog", code=c).increase(start, start + HOUR)
        for c in ("500", "503")
    )
    # each burst edge can put the midpoint rule off by half a step of the jump in error rate
    assert five_xx == pytest.approx(quadrature, rel=2e-4)
    assert five_xx / model.requests("catalog", start, start + HOUR) > 0.0005 * 2  # the burst shows


def test_latency_buckets_are_the_integral_of_rate_times_fraction(model):
    burst = first_burst(model, "checkout", NOW - 7 * DAY, NOW)
    start = burst.start - 600.5
    quadrature = midpoint(
        lambda t: model.request_rate("checkout", t) * model.latency_fraction("checkout", 0.5, t),
        start,
        2400,
    )
    bucket = series(model, service="checkout", le="0.5").increase(start, start + 2400)
    assert bucket == pytest.approx(quadrature, rel=1e-5)
    assert LATENCY_BOUNDS[3] == 0.5
