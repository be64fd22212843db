"""Budget math with exact numbers, including the SRE workbook's relations."""

from datetime import UTC, datetime, timedelta

import pytest

from sretui.domain.budget import (
    PROJECTION_WINDOW,
    WindowReading,
    allowed_downtime,
    budget_state,
    burn_rate,
    error_ratio,
    evaluate,
    failed_report,
    time_to_exhaustion,
    windows_for,
)
from sretui.domain.slo import SLI, SLO, BudgetState, default_alerts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def _slo(objective: float = 99.9, window: timedelta = 30 * D, min_events: float = 0) -> SLO:
    return SLO(
        "checkout-availability",
        "checkout",
        objective,
        window,
        SLI("e[{{window}}]", "t[{{window}}]"),
        alerts=default_alerts(window),
        min_events=min_events,
    )


def test_error_ratio_semantics() -> None:
    assert error_ratio(WindowReading(1.0, 1000.0)) == 0.001
    assert error_ratio(WindowReading(None, 1000.0)) == 0.0  # no 5xx series yet: no errors
    assert error_ratio(WindowReading(5.0, 0.0)) is None  # no traffic: no data, not 0
    assert error_ratio(WindowReading(5.0, None)) is None
    assert error_ratio(WindowReading(float("nan"), 10.0)) is None
    assert error_ratio(WindowReading(1.0, float("nan"))) is None


def test_burn_rate_is_exact() -> None:
    assert 0.0144 / 0.001 != 14.4  # the float trap this avoids
    assert burn_rate(0.0144, 0.001) == 14.4
    assert burn_rate(0.006, 0.001) == 6.0
    assert burn_rate(None, 0.001) is None
    assert burn_rate(0.0, 0.001) == 0.0


def test_workbook_fourteen_point_four_over_one_hour_spends_two_percent() -> None:
    # budget spent in a window = burn rate x window / SLO window
    assert 14.4 * H / (30 * D) == pytest.approx(0.02, abs=1e-15)
    # and the default alerts encode exactly that
    page = default_alerts(30 * D)[0]
    assert page.burn_rate * page.long / (30 * D) == pytest.approx(0.02, abs=1e-15)


def test_workbook_full_budget_lasts_fifty_hours_at_fourteen_point_four() -> None:
    assert time_to_exhaustion(1.0, 30 * D, 14.4) == timedelta(hours=50)
    assert time_to_exhaustion(0.5, 30 * D, 1.0) == timedelta(days=15)
    assert time_to_exhaustion(0.5, 30 * D, 0.0) is None  # nothing burning
    assert time_to_exhaustion(-0.1, 30 * D, 2.0) is None  # already exhausted
    assert time_to_exhaustion(None, 30 * D, 2.0) is None


@pytest.mark.parametrize(
    ("remaining", "state"),
    [
        (1.0, BudgetState.HEALTHY),
        (0.5000001, BudgetState.HEALTHY),
        (0.5, BudgetState.WARNING),
        (0.25000001, BudgetState.WARNING),
        (0.25, BudgetState.CRITICAL),
        (0.0000001, BudgetState.CRITICAL),
        (0.0, BudgetState.EXHAUSTED),
        (-0.4, BudgetState.EXHAUSTED),
        (None, BudgetState.NO_DATA),
    ],
)
def test_budget_state_thresholds(remaining: float | None, state: BudgetState) -> None:
    assert budget_state(remaining) is state


def test_allowed_downtime_table() -> None:
    assert allowed_downtime(99.9, 30 * D) == timedelta(minutes=43, seconds=12)
    assert allowed_downtime(99.9, 28 * D) == timedelta(minutes=40, seconds=19.2)
    assert allowed_downtime(99.99, 30 * D) == timedelta(minutes=4, seconds=19.2)
    assert allowed_downtime(99.0, 7 * D) == timedelta(hours=1, minutes=40, seconds=48)
    assert allowed_downtime(99.5, 365 * D) == timedelta(hours=43, minutes=48)


def test_windows_for_covers_alerts_display_and_slo_window() -> None:
    windows = windows_for(_slo(window=28 * D))
    assert windows == sorted(windows)
    for needed in (timedelta(minutes=5), 30 * timedelta(minutes=1), H, 2 * H, 6 * H, D, 3 * D):
        assert needed in windows
    assert 28 * D in windows and PROJECTION_WINDOW in windows


def _readings(slo: SLO, ratios: dict[timedelta, float], rate: float = 10.0) -> dict:
    return {w: WindowReading(ratios.get(w, 0.0) * rate, rate) for w in windows_for(slo)}


def test_evaluate_healthy_service() -> None:
    slo = _slo()
    report = evaluate(slo, _readings(slo, {30 * D: 0.0002, 6 * H: 0.0004}), NOW)
    assert report.error_ratio == 0.0002
    assert report.budget_consumed == 0.2
    assert report.budget_remaining == 0.8
    assert report.state is BudgetState.HEALTHY
    assert report.burn_rates["6h"] == 0.4
    assert report.burn_rates["30d"] == 0.2
    assert report.burn_rates["5m"] == 0.0
    # 0.4x on a rolling window: the budget settles at 60% and never empties (the straight
    # line would say 0.8 x 30 days / 0.4 = 60 days)
    assert report.time_to_exhaustion is None
    assert report.exhaustion_at is None
    assert report.exhaustion_text() == "not at this rate"
    assert report.firing == ()
    assert report.error is None


def test_evaluate_fast_burn_fires_page_only_when_both_windows_burn() -> None:
    slo = _slo()
    report = evaluate(
        slo,
        _readings(slo, {30 * D: 0.0006, H: 0.015, timedelta(minutes=5): 0.02, 6 * H: 0.003}),
        NOW,
    )
    assert report.budget_remaining == 0.4
    assert report.state is BudgetState.WARNING
    assert [(a.alert.burn_rate, a.firing) for a in report.alerts] == [
        (14.4, True),
        (6.0, False),
        (3.0, False),
        (1.0, False),
    ]
    assert report.alerts[0].long_burn == 15.0 and report.alerts[0].short_burn == 20.0
    # 0.4 x 30 days / 3 (the 6h burn) = 4 days
    assert report.time_to_exhaustion == timedelta(days=4)
    # the short window alone does not fire
    report = evaluate(slo, _readings(slo, {timedelta(minutes=5): 0.02}), NOW)
    assert report.firing == ()


def test_evaluate_exhausted_and_no_data() -> None:
    slo = _slo()
    report = evaluate(slo, _readings(slo, {30 * D: 0.0015, 6 * H: 0.002}), NOW)
    assert report.budget_remaining == -0.5
    assert report.state is BudgetState.EXHAUSTED
    assert report.exhaustion_at is None
    idle = {w: WindowReading(None, 0.0) for w in windows_for(slo)}  # series, no requests
    report = evaluate(slo, idle, NOW)
    assert report.state is BudgetState.NO_DATA
    assert report.budget_remaining is None
    assert all(v is None for v in report.burn_rates.values())


def test_a_total_query_matching_no_series_is_a_configuration_error() -> None:
    # A typo'd metric gives empty vectors everywhere: that is not an idle service.
    slo = _slo()
    empty = {w: WindowReading(None, None) for w in windows_for(slo)}
    report = evaluate(slo, empty, NOW)
    assert report.state is BudgetState.ERROR
    assert report.error == ("no series match total_query over 30d: check its metric and labels")
    assert [a.firing for a in report.alerts] == [None, None, None, None]
    assert report.alerting is None


def test_alerting_is_the_most_severe_firing_alert_beside_a_healthy_state() -> None:
    # search-availability in the demo: the budget is fine, the last hour burns 20x.
    slo = _slo(objective=99.5, window=7 * D)
    five = timedelta(minutes=5)
    ratios = {7 * D: 0.0005, H: 0.1, five: 0.1, 6 * H: 0.02, 30 * timedelta(minutes=1): 0.1}
    readings = _readings(slo, ratios, rate=10.0)
    report = evaluate(slo, readings, NOW)
    assert report.budget_remaining == 0.9
    assert report.state is BudgetState.HEALTHY
    assert report.burn_rates["1h"] == 20.0
    assert [a.firing for a in report.alerts] == [True, True, False, False]
    assert report.alerting == "page"
    ticket_only = _readings(slo, {7 * D: 0.0005, D: 0.01, 2 * H: 0.01}, rate=10.0)
    assert evaluate(slo, ticket_only, NOW).alerting == "ticket"  # 2x over 1d and 2h > 1.4x
    assert evaluate(slo, _readings(slo, {}), NOW).alerting is None


def test_rolling_budget_burning_under_1x_never_empties() -> None:
    slo = _slo()
    report = evaluate(slo, _readings(slo, {30 * D: 0.0002, 6 * H: 0.0002}), NOW)
    # 0.2x: the old straight line said 0.8 x 30 days / 0.2 = 120 days.
    assert report.burn_rates["6h"] == 0.2
    assert report.time_to_exhaustion is None
    assert report.exhaustion_at is None
    assert report.holds_at_this_rate is True
    assert report.exhaustion_text() == "not at this rate"
    # At 1x and above the line stands: 0.8 x 30 days / 2 = 12 days.
    report = evaluate(slo, _readings(slo, {30 * D: 0.0002, 6 * H: 0.002}), NOW)
    assert report.time_to_exhaustion == timedelta(days=12)
    assert report.holds_at_this_rate is False
    assert report.exhaustion_text() == "12 days"
    assert time_to_exhaustion(0.8, 30 * D, 0.2, rolling=True) is None
    assert time_to_exhaustion(0.8, 30 * D, 0.2) == timedelta(days=120)  # calendar windows


def test_policy_needs_half_the_window_covered() -> None:
    slo = _slo()
    readings = _readings(slo, {30 * D: 0.0015})
    report = evaluate(slo, readings, NOW, coverage=0.49)
    assert report.state is BudgetState.EXHAUSTED
    assert report.partial is True
    assert report.policy_state is None
    assert evaluate(slo, readings, NOW, coverage=0.5).policy_state is BudgetState.EXHAUSTED
    assert evaluate(slo, readings, NOW, coverage=1.0).partial is False
    assert evaluate(slo, readings, NOW).policy_state is BudgetState.EXHAUSTED


def test_min_events_suppresses_alerts_on_low_traffic() -> None:
    slo = _slo(min_events=1000)
    # 0.1 req/s over 1h = 360 events: too few to page on
    readings = _readings(slo, {H: 0.5, timedelta(minutes=5): 0.5}, rate=0.1)
    report = evaluate(slo, readings, NOW)
    assert report.alerts[0].suppressed is True
    assert report.alerts[0].firing is False
    # 1 req/s over 1h = 3600 events: pages
    report = evaluate(slo, _readings(slo, {H: 0.5, timedelta(minutes=5): 0.5}, rate=1.0), NOW)
    assert report.alerts[0].firing is True


def test_failed_report_keeps_the_error() -> None:
    report = failed_report(_slo(), "bad_data: parse error at char 5", NOW)
    assert report.state is BudgetState.ERROR
    assert report.error == "bad_data: parse error at char 5"
    assert report.budget_remaining is None
    # the alerts were not read: unknown, not "not firing"
    assert [a.firing for a in report.alerts] == [None, None, None, None]
    assert report.policy_state is None
