"""How budget numbers read on screen: bars, percentages, burn rates and state words.

State is always a word as well as a colour, so it reads with NO_COLOR and on a monochrome
terminal."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text

from sretui.domain.budget import ALERTING_WORDS, format_coverage
from sretui.domain.durations import humanize_duration
from sretui.domain.slo import BudgetState

coverage_text = format_coverage  # how screens say it

STATE_STYLES = {
    BudgetState.HEALTHY: "green",
    BudgetState.WARNING: "yellow",
    BudgetState.CRITICAL: "bold red",
    BudgetState.EXHAUSTED: "bold white on red",
    BudgetState.NO_DATA: "dim",
    BudgetState.ERROR: "bold magenta",
}
STATE_WORDS = {
    BudgetState.HEALTHY: "healthy",
    BudgetState.WARNING: "WARNING",
    BudgetState.CRITICAL: "CRITICAL",
    BudgetState.EXHAUSTED: "EXHAUSTED",
    BudgetState.NO_DATA: "no data",
    BudgetState.ERROR: "ERROR",
}


# The alert level is a word too: a healthy budget burning at page speed must read as paging.
ALERTING_STYLES = {"page": "bold white on red", "ticket": "bold yellow"}


def state_text(state: BudgetState) -> Text:
    return Text(STATE_WORDS[state], style=STATE_STYLES[state])


def alerting_text(alerting: str | None) -> Text:
    """`PAGE` or `ticket` for the most severe firing alert; empty when nothing fires."""
    if alerting is None:
        return Text()
    return Text(ALERTING_WORDS.get(alerting, alerting), style=ALERTING_STYLES.get(alerting, ""))


def state_with_alerting(state: BudgetState, alerting: str | None) -> Text:
    """`healthy PAGE`: the budget-policy state, then the alert level when one fires."""
    text = state_text(state)
    if alerting is not None:
        text.append(" ")
        text.append_text(alerting_text(alerting))
    return text


def budget_bar(remaining: float | None, state: BudgetState, width: int = 6) -> Text:
    """`█████░░░  62.3%`: the bar is clamped to [0, 1]; the number is not (it may be negative)."""
    if remaining is None:
        return Text("░" * width + "      -", style="dim")
    filled = round(max(0.0, min(1.0, remaining)) * width)
    text = Text("█" * filled, style=STATE_STYLES[state])
    text.append("░" * (width - filled), style="dim")
    text.append(f" {remaining * 100:6.1f}%")
    return text


def burn_text(burn: float | None, threshold: float | None = None) -> Text:
    if burn is None:
        return Text("-", style="dim")
    style = "bold red" if threshold is not None and burn > threshold else ""
    return Text(f"{burn:.2f}x", style=style)


def duration_text(delta: timedelta | None) -> str:
    return humanize_duration(delta) if delta is not None else "-"
