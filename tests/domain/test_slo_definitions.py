from datetime import timedelta
from decimal import Decimal

import pytest

from sretui.domain.slo import (
    SLI,
    SLO,
    BudgetState,
    decimal_fraction,
    default_alerts,
    metric_names,
)


def _slo(objective: float, window: timedelta = timedelta(days=30)) -> SLO:
    return SLO("x", "svc", objective, window, SLI("e[{{window}}]", "t[{{window}}]"))


def test_budget_avoids_the_float_trap() -> None:
    # In floats 1 - 0.999 is 0.0010000000000000009 and (100 - 99.9) / 100 is 0.000999...943.
    assert 1 - 0.999 != 0.001
    assert _slo(99.9).budget == 0.001
    assert _slo(99.95).budget == 0.0005
    assert _slo(99.99).budget == 0.0001
    assert _slo(99.0).budget == 0.01


def test_max_burn_rate_is_one_over_budget() -> None:
    assert _slo(99.9).max_burn_rate == 1000
    assert _slo(99.5).max_burn_rate == 200


def test_default_alerts_for_30_days_are_the_workbook_set() -> None:
    alerts = default_alerts(timedelta(days=30))
    assert [(a.severity, a.burn_rate, a.long, a.short) for a in alerts] == [
        ("page", 14.4, timedelta(hours=1), timedelta(minutes=5)),
        ("page", 6.0, timedelta(hours=6), timedelta(minutes=30)),
        ("ticket", 3.0, timedelta(days=1), timedelta(hours=2)),
        ("ticket", 1.0, timedelta(days=3), timedelta(hours=6)),
    ]


def _table(window: timedelta) -> list[tuple[str, float, timedelta, timedelta]]:
    return [(a.severity, a.burn_rate, a.long, a.short) for a in default_alerts(window)]


H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)


def test_default_alerts_for_28_days_are_sloths_28d_table() -> None:
    # Same windows and shares (2, 5, 10, 10 %) as 30d: factor = share x 672 h / long hours.
    assert _table(28 * D) == [
        ("page", 13.44, H, 5 * M),
        ("page", 5.6, 6 * H, 30 * M),
        ("ticket", 2.8, D, 2 * H),
        ("ticket", 0.9333333333333333, 3 * D, 6 * H),
    ]


def test_default_alerts_for_7_days_are_sloths_7d_table() -> None:
    # Shares 8, 12.5, 20, 42 %: the old derivation ticketed at 0.233x, slower than the budget.
    assert _table(7 * D) == [
        ("page", 13.44, H, 5 * M),
        ("page", 3.5, 6 * H, 30 * M),
        ("ticket", 1.4, D, 2 * H),
        ("ticket", 0.98, 3 * D, 6 * H),
    ]


def test_other_windows_keep_30d_factors_and_scale_the_windows() -> None:
    # 90d: x3 -> 3h/15m, 18h/90m, 3d/6h, 9d/18h.
    assert _table(90 * D) == [
        ("page", 14.4, 3 * H, 15 * M),
        ("page", 6.0, 18 * H, 90 * M),
        ("ticket", 3.0, 3 * D, 6 * H),
        ("ticket", 1.0, 9 * D, 18 * H),
    ]
    # 14d: x14/30 -> short windows 2m20s, 14m, 56m, 2h48m; the first is raised to 5m and its
    # long window to 12 x 5m = 1h.
    assert _table(14 * D) == [
        ("page", 14.4, H, 5 * M),
        ("page", 6.0, 2 * H + 48 * M, 14 * M),
        ("ticket", 3.0, 11 * H + 12 * M, 56 * M),
        ("ticket", 1.0, D + 9 * H + 36 * M, 2 * H + 48 * M),
    ]


def test_a_one_hour_slo_no_longer_pages_at_a_fiftieth() -> None:
    alerts = default_alerts(H)
    # The old derivation paged at 0.02x over 1h, i.e. on any error at all.
    assert [a.burn_rate for a in alerts] == [14.4, 6.0, 3.0, 1.0]
    assert all(a.short == 5 * M and a.long == H for a in alerts)
    assert all(a.long <= H for a in alerts)


def test_metric_names_skip_label_values_and_keywords() -> None:
    query = (
        'sum(rate(http_requests_total{service="a{b[c",code=~"5.."}[5m])) by (le)'
        " - on(x) sum(rate(latency_bucket[5m]))"
    )
    assert metric_names(query) == ["http_requests_total", "latency_bucket"]
    assert metric_names('sum(rate({__name__="x"}[5m]))') == []


def test_policy_is_default_unless_the_team_wrote_it() -> None:
    slo = SLO(
        "x",
        "svc",
        99.9,
        30 * D,
        SLI("e", "t"),
        custom_policy=frozenset({BudgetState.CRITICAL}),
    )
    assert slo.policy_is_default(BudgetState.HEALTHY) is True
    assert slo.policy_is_default(BudgetState.CRITICAL) is False


def test_sli_render_substitutes_both_placeholder_spellings() -> None:
    sli = SLI("sum(rate(e[{{window}}]))", "sum(rate(t[{{.window}}]))")
    assert sli.render(timedelta(hours=1)) == ("sum(rate(e[1h]))", "sum(rate(t[1h]))")
    assert sli.render(timedelta(days=30)) == ("sum(rate(e[30d]))", "sum(rate(t[30d]))")


# -- exact decimal arithmetic without the decimal module ------------------------------------


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("99.95", (9995, 100)),
        ("0.125", (125, 1000)),
        ("100", (100, 1)),
        ("1e-05", (1, 100000)),
        ("1.5e3", (1500, 1)),
        ("-0.5", (-5, 10)),
        (".5", (5, 10)),
    ],
)
def test_decimal_fraction(text: str, fraction: tuple[int, int]) -> None:
    assert decimal_fraction(text) == fraction


@pytest.mark.parametrize(
    "objective", [99.0, 99.5, 99.9, 99.95, 99.97, 99.99, 99.999, 99.9999, 95.123456, 50.0, 0.5]
)
def test_budget_and_max_burn_rate_match_decimal(objective: float) -> None:
    """The figures are the floats nearest the exact decimal results, as Decimal gives them."""
    slo = SLO("s", "svc", objective, timedelta(days=30), SLI("e", "t"))
    exact_budget = (Decimal(100) - Decimal(str(objective))) / Decimal(100)
    assert slo.budget == float(exact_budget)
    assert slo.max_burn_rate == float(1 / exact_budget)
