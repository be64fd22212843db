from datetime import timedelta

import pytest

from sretui.domain.slo import SLI, SLO, default_alerts


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


@pytest.mark.parametrize(
    ("days", "rates"),
    [
        (28, [13.44, 5.6, 2.8, 0.9333333333333333]),
        (7, [3.36, 1.4, 0.7, 0.2333333333333333]),
    ],
)
def test_default_alerts_keep_budget_shares_for_other_windows(days: int, rates: list[float]) -> None:
    alerts = default_alerts(timedelta(days=days))
    assert [a.burn_rate for a in alerts] == pytest.approx(rates, rel=1e-12)
    # Each alert still spends 2%, 5%, 10%, 10% of the budget over its long window.
    shares = [a.burn_rate * a.long / timedelta(days=days) for a in alerts]
    assert shares == pytest.approx([0.02, 0.05, 0.10, 0.10], rel=1e-12)


def test_sli_render_substitutes_both_placeholder_spellings() -> None:
    sli = SLI("sum(rate(e[{{window}}]))", "sum(rate(t[{{.window}}]))")
    assert sli.render(timedelta(hours=1)) == ("sum(rate(e[1h]))", "sum(rate(t[1h]))")
    assert sli.render(timedelta(days=30)) == ("sum(rate(e[30d]))", "sum(rate(t[30d]))")
