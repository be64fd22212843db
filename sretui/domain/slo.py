"""Service level objectives as defined in slos.toml: the objective, the SLI, the burn-rate alerts
and the error-budget policy. The budget math lives in `sretui.domain.budget`."""

import re
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple

from sretui.domain.durations import format_duration

WINDOW_PLACEHOLDERS = ("{{window}}", "{{.window}}")


class BudgetState(StrEnum):
    HEALTHY = "healthy"
    WARNING = "warning"
    CRITICAL = "critical"
    EXHAUSTED = "exhausted"
    NO_DATA = "no_data"
    ERROR = "error"


class Calendar(StrEnum):
    MONTH = "month"
    WEEK = "week"


class SLI(NamedTuple):
    """Sloth-style ratio SLI: both queries carry a `{{window}}` placeholder."""

    error_query: str
    total_query: str

    def render(self, window: timedelta) -> tuple[str, str]:
        """The (error, total) queries with the window substituted, e.g. "[1h]"."""
        return self.render_text(format_duration(window))

    def render_text(self, window: str) -> tuple[str, str]:
        """The queries with an already formatted window ("1h", "30d") substituted."""
        return _substitute(self.error_query, window), _substitute(self.total_query, window)


def _substitute(query: str, window: str) -> str:
    for placeholder in WINDOW_PLACEHOLDERS:
        query = query.replace(placeholder, window)
    return query


def has_window_placeholder(query: str) -> bool:
    return any(p in query for p in WINDOW_PLACEHOLDERS)


class BurnRateAlert(NamedTuple):
    """A multiwindow burn-rate alert: fires when both windows burn faster than `burn_rate`."""

    severity: str
    burn_rate: float
    long: timedelta
    short: timedelta


ALERT_SEVERITIES = ("page", "ticket")

# Sloth's published multiwindow, multi-burn-rate alerts: (severity, long window, short window)
# and, per SLO window, the share of the budget each alert has spent when it fires.
ALERT_WINDOWS: tuple[tuple[str, timedelta, timedelta], ...] = (
    ("page", timedelta(hours=1), timedelta(minutes=5)),
    ("page", timedelta(hours=6), timedelta(minutes=30)),
    ("ticket", timedelta(days=1), timedelta(hours=2)),
    ("ticket", timedelta(days=3), timedelta(hours=6)),
)
ALERT_SHARES: Mapping[timedelta, tuple[str, str, str, str]] = {
    timedelta(days=30): ("0.02", "0.05", "0.10", "0.10"),
    timedelta(days=28): ("0.02", "0.05", "0.10", "0.10"),
    timedelta(days=7): ("0.08", "0.125", "0.20", "0.42"),
}
# For any other SLO window: the 30d factors, with both windows scaled by window / 30d.
SCALED_FACTORS = (14.4, 6.0, 3.0, 1.0)
MIN_SHORT_WINDOW = timedelta(minutes=5)
# Sloth's long windows are 12x their short ones; kept when a short window is raised to 5m.
LONG_TO_SHORT = 12


def decimal_fraction(text: str) -> tuple[int, int]:
    """A decimal number as written ("99.95", "0.125", "1e-05") as an exact fraction of two
    integers, (9995, 100). Dividing them (`/` on ints rounds once, correctly) gives the float
    nearest the decimal result, as `decimal.Decimal` would, without importing it (about 1 ms of
    an offline command's start)."""
    mantissa, _, exponent = text.strip().lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    numerator = int(whole + fraction)
    power = int(exponent or 0) - len(fraction)
    if power >= 0:
        return numerator * 10**power, 1
    return numerator, 10**-power


def default_alerts(window: timedelta) -> tuple[BurnRateAlert, ...]:
    """The default alerts for an SLO window, from Sloth's tables.

    30d, 28d and 7d use the published budget shares over 1h/5m, 6h/30m, 1d/2h and 3d/6h:
    factor = share x window_hours / long_window_hours (30d: 14.4, 6, 3, 1; 28d: 13.44, 5.6,
    2.8, 0.933; 7d: 13.44, 3.5, 1.4, 0.98). Any other window keeps the 30d factors and scales
    both windows by window / 30d, short windows at least 5m (and then long = 12 x short)."""
    shares = ALERT_SHARES.get(window)
    if shares is not None:
        window_seconds = round(window.total_seconds())
        alerts: list[BurnRateAlert] = []
        for (severity, long, short), share in zip(ALERT_WINDOWS, shares, strict=True):
            numerator, denominator = decimal_fraction(share)
            factor = (numerator * window_seconds) / (denominator * round(long.total_seconds()))
            alerts.append(BurnRateAlert(severity, factor, long, short))
        return tuple(alerts)
    scale = window / timedelta(days=30)
    scaled: list[BurnRateAlert] = []
    for (severity, long, short), rate in zip(ALERT_WINDOWS, SCALED_FACTORS, strict=True):
        short_scaled = max(_whole_seconds(short * scale), MIN_SHORT_WINDOW)
        long_scaled = max(_whole_seconds(long * scale), short_scaled * LONG_TO_SHORT)
        scaled.append(BurnRateAlert(severity, rate, min(long_scaled, window), short_scaled))
    return tuple(scaled)


def _whole_seconds(delta: timedelta) -> timedelta:
    return timedelta(seconds=round(delta.total_seconds()))


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{\[])")


def metric_names(query: str) -> list[str]:
    """The metric names a PromQL query selects (`name{...}` or `name[...]`), in order.

    A plain scan, not a parser: string literals are blanked first so label values never
    count; a selector written only as `{__name__="x"}` is not found."""
    blanked = _STRING.sub('""', query)
    names: list[str] = []
    for match in _SELECTOR.finditer(blanked):
        if match.group(1) not in names and match.group(1) not in ("by", "without", "on"):
            names.append(match.group(1))
    return names


# What the error-budget policy asks for in each state (from the team's policy template).
DEFAULT_POLICY: Mapping[BudgetState, tuple[str, ...]] = {
    BudgetState.HEALTHY: (
        "Normal development velocity; feature work has priority.",
        "Chaos experiments are allowed.",
    ),
    BudgetState.WARNING: (
        "Watch the service more closely.",
        "Review recent changes for risk.",
        "Risky deployments only in business hours.",
        "No chaos experiments.",
    ),
    BudgetState.CRITICAL: (
        "Feature freeze: reliability work only.",
        "Every deployment needs SRE approval and a rollback plan.",
        "Review the error budget daily.",
    ),
    BudgetState.EXHAUSTED: (
        "Complete deployment freeze (security, compliance and data-loss fixes excepted).",
        "Engineering redirected to reliability; VP Engineering notified.",
        "A postmortem is required for the exhaustion.",
        "The freeze holds until the budget recovers to 10%.",
    ),
}

POLICY_STATES = (
    BudgetState.HEALTHY,
    BudgetState.WARNING,
    BudgetState.CRITICAL,
    BudgetState.EXHAUSTED,
)


class SLO(NamedTuple):
    """One service level objective."""

    name: str
    service: str
    objective: float  # percent, e.g. 99.9
    window: timedelta  # rolling window; for calendar SLOs the nominal length (30d / 7d)
    sli: SLI
    description: str = ""
    owner: str = ""
    calendar: Calendar | None = None
    alerts: tuple[BurnRateAlert, ...] = ()
    policy: Mapping[BudgetState, tuple[str, ...]] = DEFAULT_POLICY
    min_events: float = 0.0
    # The states whose policy text the team wrote; the others show the built-in default.
    custom_policy: frozenset[BudgetState] = frozenset()

    @property
    def budget(self) -> float:
        """Allowed error ratio, computed exactly: 1 - 0.999 is not 0.001 in floats."""
        numerator, denominator = decimal_fraction(str(self.objective))
        return (100 * denominator - numerator) / (100 * denominator)

    @property
    def max_burn_rate(self) -> float:
        """The highest burn rate possible (every request failing): 1 / budget."""
        numerator, denominator = decimal_fraction(str(self.objective))
        return (100 * denominator) / (100 * denominator - numerator)

    def policy_is_default(self, state: BudgetState) -> bool:
        """True when the policy shown for `state` is sretui's built-in text, not the team's."""
        return state not in self.custom_policy

    @property
    def window_label(self) -> str:
        return self.calendar.value if self.calendar else format_duration(self.window)
