"""Enter on a budget row: the SLO's budget over its window, its alerts against their
thresholds, what the current burn means in plain words, and what the policy asks for."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from sretui.domain.budget import DOWNTIME_PERIODS, PROJECTION_WINDOW, BudgetReport, allowed_downtime
from sretui.domain.durations import format_duration, humanize_duration
from sretui.domain.slo import POLICY_STATES, BudgetState
from sretui.keys import screen_bindings
from sretui.screens.base import SreScreen
from sretui.services.budgets import BudgetBoard, budget_history
from sretui.widgets.budget_text import (
    STATE_WORDS,
    budget_bar,
    burn_text,
    coverage_text,
    state_with_alerting,
)
from sretui.widgets.chart import BlockChart
from sretui.widgets.key_footer import KeyFooter


def burn_sentence(report: BudgetReport) -> str:
    """What the numbers mean, in one sentence an on-call engineer can repeat."""
    remaining = report.budget_remaining
    window = format_duration(PROJECTION_WINDOW)
    if report.state is BudgetState.ERROR:
        return f"The SLO could not be read: {report.error}"
    if remaining is None:
        return "No traffic in the SLO window, so there is no budget to speak of."
    if remaining <= 0:
        return f"The budget is exhausted: {(1 - remaining) * 100:.1f}% of it is spent."
    burn = report.burn_rates.get(window)
    if report.holds_at_this_rate and burn is not None and burn > 0:
        return (
            f"At the {window} rate ({burn:.2f}x) the remaining {remaining * 100:.1f}% does not "
            "run out: a rolling window that burns slower than 1x never empties "
            "(not at this rate)."
        )
    if burn is None or burn <= 0 or report.time_to_exhaustion is None:
        return (
            f"Nothing is burning at the {window} rate: the remaining {remaining * 100:.1f}% holds."
        )
    return (
        f"At the {window} rate ({burn:.2f}x) the remaining {remaining * 100:.1f}% of the budget "
        f"lasts {humanize_duration(report.time_to_exhaustion)}."
    )


def alerting_sentence(report: BudgetReport) -> str | None:
    """What a firing alert means next to the budget state, or None when nothing fires.

    The state is measured over the whole window and moves slowly; the alerts look at the last
    hours. A budget "healthy" over 30 days can be burning at page speed right now."""
    level = report.alerting
    if level is None:
        return None
    firing = [a for a in report.firing if a.alert.severity == level]
    fastest = max(firing, key=lambda a: a.alert.burn_rate)
    alert = fastest.alert
    long_burn = fastest.long_burn or 0.0
    burning = (
        f"{long_burn:.1f}x over {format_duration(alert.long)} and "
        f"{fastest.short_burn or 0.0:.1f}x over {format_duration(alert.short)}, above the "
        f"{alert.burn_rate:.4g}x {level} threshold"
    )
    remaining = report.budget_remaining
    if remaining is not None and remaining > 0:
        where = f"is still above its policy line ({STATE_WORDS[report.state]}, "
        where += f"{remaining * 100:.1f}% left)"
    else:
        where = "is spent"
    whole = report.slo.window / long_burn if long_burn > 0 else None
    lasts = f" At {long_burn:.1f}x a full budget lasts {humanize_duration(whole)}." if whole else ""
    if level == "page":
        return (
            f"PAGE: the budget {where} but it is burning at page speed: {burning}.{lasts} "
            "Someone must act now; the state only catches up once much of the budget is gone."
        )
    return (
        f"ticket: the budget {where} but it is burning faster than it can last: {burning}."
        f"{lasts} Not urgent, but look at it in working hours."
    )


def policy_text(report: BudgetReport) -> Text:
    """The policy for the state, marked when it is sretui's built-in text, or why none applies."""
    slo = report.slo
    policy = Text("Error-budget policy", style="bold")
    state = report.policy_state
    if state is None:
        if report.state in POLICY_STATES and report.coverage is not None:
            policy.append(
                f"\nNo policy: these numbers come from {coverage_text(report.coverage)} of the "
                f"{slo.window_label} window (the backend has no older data), too little to act on."
            )
        else:
            policy.append("\nNo policy applies while the state is unknown.")
        return policy
    policy.append(f" ({state.value})")
    if slo.policy_is_default(state):
        policy.append(
            f" · built-in default, not your team's: set [slo.policy] {state.value} in slos.toml",
            style="dim",
        )
    if report.alerting == "page":
        policy.append(
            "\n! Paging now: the policy below is for the window as a whole. Until the page is "
            "handled: no chaos experiments, no risky changes.",
            "bold",
        )
    for action in slo.policy[state]:
        policy.append(f"\n• {action}")
    return policy


class BudgetDetailScreen(SreScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("budget_detail")

    DEFAULT_CSS = """
    BudgetDetailScreen #detail { padding: 0 1; }
    BudgetDetailScreen .section { margin-top: 1; height: auto; }
    BudgetDetailScreen #detail-chart { height: auto; }
    """

    def __init__(self, slo_name: str) -> None:
        super().__init__()
        self.slo_name = slo_name

    def compose(self) -> ComposeResult:
        header = self.status_header(f"Budget · {self.slo_name}")
        yield header
        with VerticalScroll(id="detail"):
            yield Static(id="detail-summary")
            yield Static(
                Text("Loading budget history…", style="dim"), id="detail-chart", classes="section"
            )
            yield Static(id="detail-alerts", classes="section")
            yield Static(id="detail-policy", classes="section")
            yield Static(id="detail-downtime", classes="section")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sre.budgets_signal.subscribe(self, self.show_board)
        self.show_board(self.runtime.budget_board)
        self.load_history()

    def show_board(self, board: BudgetBoard) -> None:
        row = board.rows.get(self.slo_name)
        if row is None:
            self.query_one("#detail-summary", Static).update(Text("No numbers yet…", style="dim"))
            return
        report, slo = row.report, row.report.slo
        summary = Text()
        summary.append(f"{slo.name}", style="bold")
        summary.append(f"  {slo.service} · objective {slo.objective:g}% over {slo.window_label}")
        if slo.owner:
            summary.append(f" · owner {slo.owner}")
        if slo.description:
            summary.append(f"\n{slo.description}", style="dim")
        summary.append("\nBudget left ")
        summary.append_text(budget_bar(report.budget_remaining, report.state, width=20))
        summary.append("  ")
        summary.append_text(state_with_alerting(report.state, report.alerting))
        if report.partial:
            summary.append(
                f"\nData covers {coverage_text(report.coverage)} of the {slo.window_label} "
                "window: the backend has nothing older, so these numbers are from that part only.",
                style="yellow",
            )
        paging = alerting_sentence(report)
        if paging is not None:
            summary.append(f"\n{paging}", style="bold" if report.alerting == "page" else "")
        summary.append(f"\n{burn_sentence(report)}")
        if row.error and report.state is not BudgetState.ERROR:
            summary.append(
                f"\nLast refresh failed ({row.error}); numbers are "
                f"{humanize_duration(row.age(self.runtime.now()))} old.",
                style="yellow",
            )
        self.query_one("#detail-summary", Static).update(summary)

        alerts = Table(title="Burn-rate alerts", title_justify="left", box=None, expand=False)
        for column in ("Severity", "Threshold", "Long", "Burn", "Short", "Burn", "Firing"):
            alerts.add_column(Text(column))
        for status in report.alerts:
            alert = status.alert
            firing = Text("FIRING", style="bold red") if status.firing else Text("no")
            if status.firing is None:
                firing = Text("unknown", style="dim")
            elif status.suppressed:
                firing = Text("low traffic", style="dim")
            alerts.add_row(
                alert.severity,
                f"{alert.burn_rate:.4g}x",
                format_duration(alert.long),
                burn_text(status.long_burn, alert.burn_rate),
                format_duration(alert.short),
                burn_text(status.short_burn, alert.burn_rate),
                firing,
            )
        self.query_one("#detail-alerts", Static).update(alerts)

        self.query_one("#detail-policy", Static).update(policy_text(report))

        downtime = Table(title="Allowed downtime", title_justify="left", box=None)
        for name, _ in DOWNTIME_PERIODS:
            downtime.add_column(Text(name))
        downtime.add_row(
            *(humanize_duration(allowed_downtime(slo.objective, p)) for _, p in DOWNTIME_PERIODS)
        )
        self.query_one("#detail-downtime", Static).update(downtime)

    @work(exclusive=True, group="budget-history", exit_on_error=False)
    async def load_history(self) -> None:
        chart = self.query_one("#detail-chart", Static)
        slo = next(
            (s for s in self.runtime.workspace.definitions.slos if s.name == self.slo_name),
            None,
        )
        source = await self.runtime.metrics_source()
        if slo is None or source is None:
            chart.update(Text("No history: no metrics backend.", style="dim"))
            return
        try:
            history = await budget_history(source, slo, self.runtime.now())
        except Exception as exc:  # shown, never a crash: the screen stays usable
            chart.update(Text(f"Budget history unavailable: {exc}", style="red"))
            return
        values = [value for _, value in history]
        title = Text(f"Budget left over the last {slo.window_label}", style="bold")
        if not values:
            chart.update(Group(title, Text("No data in this window.", style="dim")))
            return
        ago = f"{slo.window_label} ago" if slo.calendar is None else f"start of {slo.window_label}"
        chart.update(Group(title, BlockChart(values, height=6, left_label=ago, right_label="now")))

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.sre.refresh_now("budgets")
        self.load_history()
