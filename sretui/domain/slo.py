"""Service level objectives as defined in slos.toml: the objective, the SLI, the burn-rate alerts
and the error-budget policy. The budget math lives in `sretui.domain.budget`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

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


@dataclass(frozen=True, slots=True)
class SLI:
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


@dataclass(frozen=True, slots=True)
class BurnRateAlert:
    """A multiwindow burn-rate alert: fires when both windows burn faster than `burn_rate`."""

    severity: str
    burn_rate: float
    long: timedelta
    short: timedelta


# (severity, share of the budget spent when the alert fires, long window, short window):
# the SRE workbook's multiwindow, multi-burn-rate alerts for a 30-day SLO.
DEFAULT_ALERT_SHARES: tuple[tuple[str, float, timedelta, timedelta], ...] = (
    ("page", 0.02, timedelta(hours=1), timedelta(minutes=5)),
    ("page", 0.05, timedelta(hours=6), timedelta(minutes=30)),
    ("ticket", 0.10, timedelta(days=1), timedelta(hours=2)),
    ("ticket", 0.10, timedelta(days=3), timedelta(hours=6)),
)


def default_alerts(window: timedelta) -> tuple[BurnRateAlert, ...]:
    """The default alerts for an SLO window: same windows and budget shares as the 30-day set,
    factor = share x window_hours / long_window_hours (28d pages at 13.44x over 1h)."""
    window_hours = Decimal(round(window.total_seconds())) / 3600
    alerts = []
    for severity, share, long, short in DEFAULT_ALERT_SHARES:
        long_hours = Decimal(round(long.total_seconds())) / 3600
        factor = Decimal(str(share)) * window_hours / long_hours
        alerts.append(BurnRateAlert(severity, float(factor), long, short))
    return tuple(alerts)


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


@dataclass(frozen=True, slots=True)
class SLO:
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
    policy: Mapping[BudgetState, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_POLICY)
    min_events: float = 0.0

    @property
    def budget(self) -> float:
        """Allowed error ratio, computed in Decimal: 1 - 0.999 is not 0.001 in floats."""
        return float((Decimal(100) - Decimal(str(self.objective))) / Decimal(100))

    @property
    def max_burn_rate(self) -> float:
        """The highest burn rate possible (every request failing): 1 / budget."""
        return float(Decimal(100) / (Decimal(100) - Decimal(str(self.objective))))

    @property
    def window_label(self) -> str:
        return self.calendar.value if self.calendar else format_duration(self.window)
