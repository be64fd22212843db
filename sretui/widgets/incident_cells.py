"""How incident facts read in a table cell: severity colours and the check-in countdown.
Light on purpose (no Textual widgets) so the overview can use it at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from rich.text import Text

from sretui.domain.durations import humanize_duration
from sretui.domain.incident import DEFAULT_CHECK_IN_CADENCE, Incident, Severity, next_check_in

SEVERITY_STYLES = {"SEV1": "bold white on red", "SEV2": "bold red", "SEV3": "yellow", "SEV4": ""}


def check_in_text(
    incident: Incident,
    now: datetime,
    cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE,
) -> Text:
    """Next update: "in 12:00", "OVERDUE 3 minutes" (a word, not only a colour), or "-"."""
    due = next_check_in(incident, cadence)
    if due is None or not incident.is_open:
        return Text("-", style="dim")
    left = due - now
    if left.total_seconds() < 0:
        return Text(f"OVERDUE {humanize_duration(-left, parts=1)}", style="bold white on red")
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    style = "bold yellow" if left < timedelta(minutes=5) else ""
    return Text(f"in {minutes}:{seconds:02d}", style=style)
