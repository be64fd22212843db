"""Refreshing error budgets: query every window of every SLO at one instant, turn the answers
into `BudgetReport`s, and keep the last good numbers when the backend fails."""

from __future__ import annotations

import asyncio
import contextlib
import math
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from sretui.domain.budget import (
    BudgetReport,
    WindowReading,
    burn_rate,
    error_ratio,
    evaluate,
    failed_report,
    windows_for,
)
from sretui.domain.durations import format_duration
from sretui.domain.slo import SLO, BudgetState, Calendar, metric_names
from sretui.sources.base import InstantResult, MetricsSource, QueryError, Sample, SourceError

STATE_ORDER = {
    BudgetState.ERROR: 0,
    BudgetState.EXHAUSTED: 1,
    BudgetState.CRITICAL: 2,
    BudgetState.WARNING: 3,
    BudgetState.NO_DATA: 4,
    BudgetState.HEALTHY: 5,
}

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


def calendar_start(calendar: Calendar, now: datetime) -> datetime:
    """Start of the current calendar month or ISO week (Monday), in UTC."""
    now = now.astimezone(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if calendar is Calendar.MONTH:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def consumption_window(slo: SLO, now: datetime) -> timedelta:
    """The window the budget is measured over: the rolling window, or for calendar SLOs the
    time since the month or week began (whole minutes, at least one)."""
    if slo.calendar is None:
        return slo.window
    elapsed = now - calendar_start(slo.calendar, now)
    return max(timedelta(minutes=int(elapsed.total_seconds() // 60)), timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """One SLO's latest report, plus how old its numbers are when the last refresh failed."""

    report: BudgetReport
    refreshed_at: datetime  # when `report`'s numbers were read
    error: str | None = None  # the latest refresh's failure, when numbers are kept from before

    @property
    def slo(self) -> SLO:
        return self.report.slo

    def age(self, now: datetime) -> timedelta:
        return now - self.refreshed_at


@dataclass(slots=True)
class BudgetBoard:
    """The rows the screen shows, worst first, updated by refresh results."""

    rows: dict[str, BudgetRow] = field(default_factory=dict)
    last_refresh: datetime | None = None

    def apply(self, reports: Sequence[BudgetReport], now: datetime) -> None:
        for report in reports:
            previous = self.rows.get(report.slo.name)
            kept = previous is not None and previous.report.state is not BudgetState.ERROR
            if report.state is BudgetState.ERROR and kept:
                # Keep the last good numbers, say how old they are and why.
                assert previous is not None
                self.rows[report.slo.name] = replace(previous, error=report.error)
            else:
                self.rows[report.slo.name] = BudgetRow(report, now, report.error)
        self.last_refresh = now

    def ordered(self) -> list[BudgetRow]:
        return sort_worst_first(self.rows.values())


def worst_first_key(report: BudgetReport) -> tuple[int, float, str]:
    """Errors first, then every SLO with a firing page (whatever its budget state says: it is
    being paged on), then exhausted, critical, warning, no data, healthy; then by remaining."""
    if report.state is BudgetState.ERROR:
        rank = 0
    elif report.alerting == "page":
        rank = 1
    else:
        rank = 1 + STATE_ORDER[report.state]
    remaining = report.budget_remaining
    return (rank, remaining if remaining is not None else math.inf, report.slo.name)


def sort_worst_first(rows: Any) -> list[Any]:
    """Rows or reports in `worst_first_key` order."""

    def key(row: Any) -> tuple[int, float, str]:
        return worst_first_key(row.report if isinstance(row, BudgetRow) else row)

    return sorted(rows, key=key)


PART_LABEL = "sretui_part"
COMBINED_PROBE = f'label_replace(vector(1), "{PART_LABEL}", "a", "", "") or vector(2)'
# Whether each source answered COMBINED_PROBE, for as long as the source lives.
_COMBINED: weakref.WeakKeyDictionary[MetricsSource, bool] = weakref.WeakKeyDictionary()


def combined_query(slo: SLO, windows: Sequence[timedelta]) -> str:
    """One PromQL query for every window's error and total query, each part tagged
    `sretui_part="e<i>"` or `"t<i>"`."""
    parts = []
    for index, window in enumerate(windows):
        error_query, total_query = slo.sli.render(window)
        for tag, query in (("e", error_query), ("t", total_query)):
            parts.append(f'label_replace(({query}), "{PART_LABEL}", "{tag}{index}", "", "")')
    return "\nor\n".join(parts)


def split_combined(
    answer: InstantResult, windows: Sequence[timedelta]
) -> dict[timedelta, WindowReading]:
    """The readings per window from a `combined_query` answer (a part with no samples is an
    empty vector: no data, as from a separate query)."""
    parts: dict[str, list[Sample]] = {}
    for sample in answer.samples:
        parts.setdefault(sample.labels.get(PART_LABEL, ""), []).append(sample)

    def value(tag: str) -> float | None:
        return InstantResult(tuple(parts.get(tag, ()))).value

    return {
        window: WindowReading(value(f"e{index}"), value(f"t{index}"))
        for index, window in enumerate(windows)
    }


# Coverage is looked for on a grid of this many steps across the window, then refined.
COVERAGE_STEPS = 120
MIN_COVERAGE_STEP = timedelta(minutes=5)
FINE_COVERAGE_STEP = timedelta(minutes=1)


class BudgetService:
    """Evaluates SLOs against a metrics source."""

    def __init__(
        self,
        source: MetricsSource,
        slos: Sequence[SLO],
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.source = source
        self.slos = list(slos)
        self.clock = clock

    async def evaluate_slo(self, slo: SLO, now: datetime) -> BudgetReport:
        """All windows of one SLO at the instant `now`. A refused query or an unreachable
        backend gives an `error` report for this SLO only."""
        budget_window = consumption_window(slo, now)
        windows = sorted(set(windows_for(slo)) - {slo.window} | {budget_window})
        try:
            readings = await self._read_all(slo, windows, now)
        except SourceError as exc:
            return failed_report(slo, str(exc), now)
        whole = readings[budget_window]
        try:
            if whole.total is not None and whole.errors is None:
                missing = await self._missing_error_metric(slo, budget_window, now)
                if missing is not None:
                    return failed_report(slo, missing, now)
            coverage = await self.coverage(slo, budget_window, now)
        except SourceError as exc:
            return failed_report(slo, str(exc), now)
        return evaluate(slo, readings, now, slo_window=budget_window, coverage=coverage)

    async def _missing_error_metric(self, slo: SLO, window: timedelta, now: datetime) -> str | None:
        """Why an empty error vector is a typo rather than "no errors": a metric named only in
        error_query that has no series at all over the window. Metrics the total query uses
        exist (it answered). A backend that cannot answer the check leaves the doubt open."""
        used = set(metric_names(slo.sli.total_query))
        window_text = format_duration(window)
        for name in metric_names(slo.sli.error_query):
            if name in used:
                continue
            try:
                absent = await self.source.query(f"absent_over_time({name}[{window_text}])", now)
            except SourceError:
                return None
            if absent.value is not None:
                return (
                    f"no series match error_query: no metric named {name!r} "
                    f"over {window_text}: check its name"
                )
        return None

    async def coverage(self, slo: SLO, window: timedelta, now: datetime) -> float:
        """The share of `window` (ending now) that the backend has SLI data for.

        One instant query in the usual case: the total query, rendered over one grid step, at
        the window's start plus a step. If that is empty, a range query on the same grid finds
        the first step with data, and a second one at 1m steps over the step before it finds
        the minute. The result errs low by at most a minute and the 5m rate window."""
        minutes = int(window.total_seconds() // 60 // COVERAGE_STEPS)
        step = max(timedelta(minutes=minutes), MIN_COVERAGE_STEP)
        start = now - window + step
        if start >= now:
            return 1.0
        _, coarse_query = slo.sli.render(step)
        if (await self.source.query(coarse_query, start)).value is not None:
            return 1.0
        coarse = await self.source.query_range(coarse_query, start, now, step.total_seconds())
        first = _first_stamp(coarse)
        if first is None:
            return 0.0
        _, fine_query = slo.sli.render(MIN_COVERAGE_STEP)
        fine_start = max(first - step.total_seconds(), (now - window).timestamp())
        fine = await self.source.query_range(
            fine_query,
            datetime.fromtimestamp(fine_start, UTC),
            datetime.fromtimestamp(first, UTC),
            FINE_COVERAGE_STEP.total_seconds(),
        )
        first = _first_stamp(fine) or first
        covered = now.timestamp() - first
        return max(0.0, min(1.0, covered / window.total_seconds()))

    async def _read_all(
        self, slo: SLO, windows: Sequence[timedelta], now: datetime
    ) -> dict[timedelta, WindowReading]:
        """Every window's error and total, in one request when the backend can take it.

        One query per SLO instead of two per window: 200 SLOs cost 200 requests, not 3,000,
        which keeps the event loop (and the backend) free while they refresh. Each part is
        tagged with `label_replace` and the parts are joined with `or`; every part is evaluated
        at the same instant, so the numbers are the same as from separate queries. A backend
        without these (the demo) or an SLO whose query it refuses is read window by window,
        which also gives a refused query its own error message."""
        if await self._takes_combined_queries():
            try:
                answer = await self.source.query(combined_query(slo, windows), now)
            except QueryError:
                pass
            else:
                return split_combined(answer, windows)
        answers = await _gather_all(*(self._read(slo, w, now) for w in windows))
        return dict(zip(windows, answers, strict=True))

    async def _takes_combined_queries(self) -> bool:
        try:
            known = _COMBINED.get(self.source)
        except TypeError:  # a source that cannot be weakly referenced: ask every time
            known = None
        if known is not None:
            return known
        try:
            await self.source.query(COMBINED_PROBE)
            takes = True
        except QueryError:
            takes = False
        except SourceError:
            return False  # down: ask again next time
        with contextlib.suppress(TypeError):
            _COMBINED[self.source] = takes
        return takes

    async def _read(self, slo: SLO, window: timedelta, now: datetime) -> WindowReading:
        error_query, total_query = slo.sli.render(window)
        errors, total = await _gather_all(
            self.source.query(error_query, now), self.source.query(total_query, now)
        )
        return WindowReading(errors.value, total.value)

    async def refresh(self, names: Sequence[str] | None = None) -> list[BudgetReport]:
        """Evaluate every SLO (or those named) at one shared instant."""
        now = self.clock()
        chosen = [s for s in self.slos if names is None or s.name in names]
        await self._takes_combined_queries()  # once, before every SLO asks at the same time
        return list(await asyncio.gather(*(self.evaluate_slo(s, now) for s in chosen)))


async def _gather_all(*awaitables: Awaitable[T]) -> list[T]:
    """Like asyncio.gather, but waits for EVERY awaitable before raising the first error.

    Plain gather raises as soon as one fails and leaves the others running; when the CLI's
    asyncio.run() then closes the loop, their errors print as "Task exception was never
    retrieved" / "unhandled exception during asyncio.run() shutdown" (issue #8)."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return cast("list[T]", results)


def report_json(report: BudgetReport) -> dict[str, Any]:
    """One SLO in the `sretui budget --json` shape (DESIGN.md, "Contracts")."""
    slo = report.slo
    return {
        "name": slo.name,
        "service": slo.service,
        "objective": slo.objective,
        "window": slo.window_label,
        "error_ratio": report.error_ratio,
        "budget_consumed": report.budget_consumed,
        "budget_remaining": report.budget_remaining,
        "state": report.state.value,
        "burn_rates": dict(report.burn_rates),
        "alerts": [
            {
                "severity": a.alert.severity,
                "burn_rate": a.alert.burn_rate,
                "long": format_duration(a.alert.long),
                "short": format_duration(a.alert.short),
                "firing": a.firing,
            }
            for a in report.alerts
        ],
        "alerting": report.alerting,
        "coverage": report.coverage,
        "exhaustion_at": report.exhaustion_at.isoformat() if report.exhaustion_at else None,
        "error": report.error,
    }


def _first_stamp(result: Any) -> float | None:
    """The earliest time any series of a range result has a number."""
    stamps = [
        stamp for series in result.series for stamp, value in series.points if not math.isnan(value)
    ]
    return min(stamps, default=None)


async def budget_history(
    source: MetricsSource, slo: SLO, now: datetime, points: int = 120
) -> list[tuple[datetime, float | None]]:
    """Budget remaining at `points` instants across the SLO window ending now, from two range
    queries (errors and totals over the SLO window at each step)."""
    window = consumption_window(slo, now)
    start = now - window
    step = max(window.total_seconds() / points, 60.0)
    error_query, total_query = slo.sli.render(slo.window)
    errors, totals = await _gather_all(
        source.query_range(error_query, start, now, step),
        source.query_range(total_query, start, now, step),
    )

    def by_time(result: Any) -> dict[float, float]:
        summed: dict[float, float] = {}
        for series in result.series:
            for stamp, value in series.points:
                if not math.isnan(value):
                    summed[stamp] = summed.get(stamp, 0.0) + value
        return summed

    error_points, total_points = by_time(errors), by_time(totals)
    history: list[tuple[datetime, float | None]] = []
    for stamp in sorted(total_points):
        reading = WindowReading(error_points.get(stamp), total_points[stamp])
        consumed = burn_rate(error_ratio(reading), slo.budget)
        remaining = None if consumed is None else 1.0 - consumed
        history.append((datetime.fromtimestamp(stamp, UTC), remaining))
    return history
