"""Error-budget math: error ratios, burn rates, budget remaining, state, multiwindow alerts and
time to exhaustion. Pure functions over numbers the metrics source returned; see DESIGN.md
("Contracts") for the definitions these implement."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sretui.domain.durations import format_duration, humanize_duration
from sretui.domain.slo import POLICY_STATES, SLO, BudgetState, BurnRateAlert

# The burn-rate windows shown for every SLO, besides the alert windows and the SLO window.
DISPLAY_WINDOWS: tuple[timedelta, ...] = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=3),
)
# Which burn rate projects the exhaustion time: long enough to ignore a blip, short enough to
# react within a shift.
PROJECTION_WINDOW = timedelta(hours=6)

DOWNTIME_PERIODS: tuple[tuple[str, timedelta], ...] = (
    ("day", timedelta(days=1)),
    ("week", timedelta(days=7)),
    ("28 days", timedelta(days=28)),
    ("30 days", timedelta(days=30)),
    ("quarter", timedelta(days=90)),
    ("year", timedelta(days=365)),
)
# Below this share of the SLO window covered by data, the state is too unsure to act on.
POLICY_MIN_COVERAGE = 0.5
# Alert levels, most severe first: `alerting` is the first one with a firing alert.
ALERTING_LEVELS = ("page", "ticket")
NOT_AT_THIS_RATE = "not at this rate"
# How the alert level reads: a word, so it shows without colour too.
ALERTING_WORDS = {"page": "PAGE", "ticket": "ticket"}


@dataclass(frozen=True, slots=True)
class WindowReading:
    """What the backend said for one window: the error and total queries' values.

    None means the query returned no data (an empty vector)."""

    errors: float | None
    total: float | None


@dataclass(frozen=True, slots=True)
class AlertStatus:
    alert: BurnRateAlert
    long_burn: float | None
    short_burn: float | None
    firing: bool | None  # None: unknown, the SLO could not be read
    suppressed: bool = False  # too few events to trust (min_events)


@dataclass(frozen=True, slots=True)
class BudgetReport:
    slo: SLO
    error_ratio: float | None
    budget_consumed: float | None
    budget_remaining: float | None
    state: BudgetState
    burn_rates: Mapping[str, float | None]
    alerts: tuple[AlertStatus, ...]
    exhaustion_at: datetime | None
    time_to_exhaustion: timedelta | None
    error: str | None = None
    generated_at: datetime | None = None
    windows: Mapping[str, WindowReading] = field(default_factory=dict)
    # The share of the SLO window the backend has data for (1.0: all of it); None: unknown.
    coverage: float | None = None
    # True when a rolling budget burns slower than 1x: it never empties at this rate.
    holds_at_this_rate: bool = False

    @property
    def firing(self) -> tuple[AlertStatus, ...]:
        return tuple(a for a in self.alerts if a.firing)

    @property
    def alerting(self) -> str | None:
        """The most severe firing alert: "page", "ticket", or None (nothing fires, or the SLO
        could not be read)."""
        severities = {a.alert.severity for a in self.firing}
        return next((level for level in ALERTING_LEVELS if level in severities), None)

    @property
    def partial(self) -> bool:
        """The backend's data starts after the SLO window does."""
        return self.coverage is not None and self.coverage < 1.0

    @property
    def policy_state(self) -> BudgetState | None:
        """The state whose policy applies, or None: no policy state (no data, error), or a
        state computed from less than half the window."""
        if self.state not in POLICY_STATES:
            return None
        if self.coverage is not None and self.coverage < POLICY_MIN_COVERAGE:
            return None
        return self.state

    def exhaustion_text(self, parts: int = 2) -> str:
        """When the budget runs out at the projection rate, in words, for tables."""
        if self.holds_at_this_rate:
            return NOT_AT_THIS_RATE
        if self.time_to_exhaustion is None:
            return "-"
        return humanize_duration(self.time_to_exhaustion, parts=parts)

    @property
    def firing_label(self) -> str:
        """The fastest firing alert and how many more fire: "page 14.4x +2", or ""."""
        firing = sorted(self.firing, key=lambda a: -a.alert.burn_rate)
        if not firing:
            return ""
        first = f"{firing[0].alert.severity} {firing[0].alert.burn_rate:.4g}x"
        return first + (f" +{len(firing) - 1}" if len(firing) > 1 else "")


def format_coverage(coverage: float | None) -> str:
    """How much of the SLO window the numbers come from: "8%", "0.0046%", "100%", "-"."""
    if coverage is None:
        return "-"
    if coverage >= 1:
        return "100%"
    percent = coverage * 100
    if percent < 1:
        return f"{percent:.2g}%" if percent > 0 else "0%"
    return f"{math.floor(percent):.0f}%"


def error_ratio(reading: WindowReading) -> float | None:
    """errors / total for one window; None when there is no traffic or no data.

    An empty error vector with traffic means no errors happened (Prometheus has no 5xx series
    until the first 5xx), so it counts as 0. NaN from either side is no data."""
    total = reading.total
    if total is None or math.isnan(total) or total <= 0 or math.isinf(total):
        return None
    errors = 0.0 if reading.errors is None else reading.errors
    if math.isnan(errors):
        return None
    return max(errors, 0.0) / total


def burn_rate(ratio: float | None, budget: float) -> float | None:
    """How many times faster than the SLO allows the budget is being spent."""
    if ratio is None:
        return None
    return float(Decimal(repr(ratio)) / Decimal(repr(budget)))


def budget_state(remaining: float | None) -> BudgetState:
    if remaining is None:
        return BudgetState.NO_DATA
    if remaining > 0.5:
        return BudgetState.HEALTHY
    if remaining > 0.25:
        return BudgetState.WARNING
    if remaining > 0:
        return BudgetState.CRITICAL
    return BudgetState.EXHAUSTED


def time_to_exhaustion(
    remaining: float | None, slo_window: timedelta, burn: float | None, *, rolling: bool = False
) -> timedelta | None:
    """remaining x SLO window / burn rate. None when nothing is burning or nothing is left,
    and for a rolling window burning slower than 1x: errors leave the window as fast as new
    ones come in, so the budget settles at 1 - burn and never empties."""
    if remaining is None or burn is None or burn <= 0 or remaining <= 0:
        return None
    if rolling and burn < 1:
        return None
    return slo_window * (remaining / burn)


def allowed_downtime(objective: float, period: timedelta) -> timedelta:
    """How long a service may be fully down in `period` and still meet `objective` percent."""
    budget = (Decimal(100) - Decimal(str(objective))) / Decimal(100)
    return timedelta(seconds=float(budget * Decimal(round(period.total_seconds(), 6))))


def windows_for(slo: SLO) -> list[timedelta]:
    """Every window whose error ratio the report needs, shortest first."""
    wanted = set(DISPLAY_WINDOWS) | {slo.window, PROJECTION_WINDOW}
    for alert in slo.alerts:
        wanted |= {alert.long, alert.short}
    return sorted(wanted)


def evaluate(
    slo: SLO,
    readings: Mapping[timedelta, WindowReading],
    now: datetime,
    *,
    slo_window: timedelta | None = None,
    coverage: float | None = None,
) -> BudgetReport:
    """Turn the readings for each window into the budget report.

    `slo_window` overrides the window used for budget consumption (calendar SLOs pass the time
    elapsed in the current month or week). `coverage` is the share of that window the backend
    has data for. A total query with no series at all over the budget window is a
    configuration problem (a typo'd metric or label), reported as an `error`, not as an idle
    service: an idle service has series whose rate is zero."""
    budget = slo.budget
    consumption_window = slo_window or slo.window
    whole = readings.get(consumption_window)
    if whole is not None and whole.total is None:
        window_text = format_duration(consumption_window)
        return failed_report(
            slo, f"no series match total_query over {window_text}: check its metric and labels", now
        )
    ratios = {window: error_ratio(reading) for window, reading in readings.items()}
    burns = {window: burn_rate(ratio, budget) for window, ratio in ratios.items()}
    slo_ratio = ratios.get(consumption_window)
    consumed = burn_rate(slo_ratio, budget)
    remaining = None if consumed is None else float(Decimal(1) - Decimal(repr(consumed)))
    alerts = tuple(_alert_status(slo, alert, burns, readings) for alert in slo.alerts)
    projection = burns.get(PROJECTION_WINDOW)
    rolling = slo.calendar is None
    ttl = time_to_exhaustion(remaining, slo.window, projection, rolling=rolling)
    holds = (
        rolling
        and remaining is not None
        and remaining > 0
        and projection is not None
        and projection < 1
    )
    return BudgetReport(
        slo=slo,
        error_ratio=slo_ratio,
        budget_consumed=consumed,
        budget_remaining=remaining,
        state=budget_state(remaining),
        burn_rates={format_duration(w): burns.get(w) for w in sorted(readings)},
        alerts=alerts,
        exhaustion_at=now + ttl if ttl is not None else None,
        time_to_exhaustion=ttl,
        generated_at=now,
        windows={format_duration(w): r for w, r in sorted(readings.items())},
        coverage=coverage,
        holds_at_this_rate=holds,
    )


def failed_report(slo: SLO, error: str, now: datetime) -> BudgetReport:
    """The report for an SLO whose queries the backend refused."""
    return BudgetReport(
        slo=slo,
        error_ratio=None,
        budget_consumed=None,
        budget_remaining=None,
        state=BudgetState.ERROR,
        burn_rates={},
        alerts=tuple(AlertStatus(a, None, None, None) for a in slo.alerts),
        exhaustion_at=None,
        time_to_exhaustion=None,
        error=error,
        generated_at=now,
    )


def _alert_status(
    slo: SLO,
    alert: BurnRateAlert,
    burns: Mapping[timedelta, float | None],
    readings: Mapping[timedelta, WindowReading],
) -> AlertStatus:
    long_burn = burns.get(alert.long)
    short_burn = burns.get(alert.short)
    firing = (
        long_burn is not None
        and short_burn is not None
        and long_burn > alert.burn_rate
        and short_burn > alert.burn_rate
    )
    suppressed = False
    if firing and slo.min_events > 0:
        # SLI queries are per-second rates (Sloth style): events = rate x window seconds.
        total = readings[alert.long].total if alert.long in readings else None
        events = (total or 0.0) * alert.long.total_seconds()
        if events < slo.min_events:
            firing, suppressed = False, True
    return AlertStatus(alert, long_burn, short_burn, firing, suppressed)
