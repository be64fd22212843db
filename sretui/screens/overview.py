"""The landing screen: a panel per area, and every problem found in the definition files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from sretui.areas import AREAS
from sretui.domain.durations import humanize_duration
from sretui.domain.slo import BudgetState
from sretui.domain.text import safe_text
from sretui.screens.base import AreaScreen
from sretui.services.budgets import STATE_ORDER, BudgetBoard
from sretui.widgets.budget_text import alerting_text, state_text, state_with_alerting

if TYPE_CHECKING:
    from sretui.domain.incident import Incident


class AreaPanel(Static):
    """One area's panel on the overview."""

    DEFAULT_CSS = """
    AreaPanel {
        height: auto;
        min-height: 4;
        border: round $secondary;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, area_id: str, title: str, key: str, body: str) -> None:
        super().__init__(Text(body), id=f"panel-{area_id}")
        self.border_title = f"{key} {title}"


class OverviewScreen(AreaScreen):
    AREA = "overview"

    DEFAULT_CSS = """
    OverviewScreen #overview-body { padding: 0 1; }
    OverviewScreen #problems {
        height: auto;
        max-height: 10;
        border: round $error;
        padding: 0 1;
    }
    OverviewScreen #problems-ok {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    OverviewScreen #panels {
        grid-size: 2;
        grid-gutter: 0 1;
        height: auto;
    }
    OverviewScreen.-wide #panels { grid-size: 3; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.open_incidents: list[Incident] = []
        self.unreadable = 0  # incident logs that could not be read

    def compose_body(self) -> ComposeResult:
        workspace = self.runtime.workspace
        with VerticalScroll(id="overview-body"):
            problems = workspace.problems
            if problems:
                scroll = VerticalScroll(id="problems")
                scroll.border_title = (
                    f"{len(problems)} problem{'s' if len(problems) != 1 else ''} "
                    "in definition files (sretui check)"
                )
                with scroll:
                    listed = "\n".join(str(p) for p in problems)
                    yield Static(Text(safe_text(listed, keep_newlines=True)), id="problems-list")
            else:
                files = len(workspace.definitions.files)
                yield Static(
                    Text(f"All {files} definition files are valid. Data: {workspace.data_dir}"),
                    id="problems-ok",
                )
            with Grid(id="panels"):
                for area in AREAS[1:]:
                    body = self.runtime.definitions_summary(area.id)
                    state = "" if area.built else "Not built yet."
                    text = "\n".join(part for part in (area.summary, body, state) if part)
                    yield AreaPanel(area.id, area.title, area.key, text)

    def on_mount(self) -> None:
        self.sre.budgets_signal.subscribe(self, self.show_budgets)
        self.sre.incidents_signal.subscribe(self, self.load_incidents)
        self.load_incidents()
        self.set_interval(5.0, self.show_incidents)
        if self.runtime.budget_board.last_refresh is not None:
            self.show_budgets(self.runtime.budget_board)

    @work(exclusive=True, group="overview-incidents", thread=True, exit_on_error=False)
    def load_incidents(self, _changed: object = None) -> None:
        """Read and fold the open incidents in a thread (a shared data dir may be slow); on
        mount and whenever the app reports a change on disk, never on a timer."""
        app = self.app
        listed = self.runtime.incident_service().list()
        self.unreadable = len(listed.unreadable)
        app.call_from_thread(self.show_incidents, [i.incident for i in listed])

    def show_incidents(self, incidents: list[Incident] | None = None) -> None:
        """Open incidents by severity, each with its age and when the next update is due.
        Without an argument, redraws the last ones read (ages and countdowns move on)."""
        from sretui.widgets.incident_cells import SEVERITY_STYLES, check_in_text

        if incidents is not None:
            self.open_incidents = incidents
        open_incidents = self.open_incidents
        text = Text()
        if self.unreadable:
            logs = "log" if self.unreadable == 1 else "logs"
            text.append(f"! {self.unreadable} incident {logs} unreadable", style="bold yellow")
            text.append(" (sretui incident list says why)\n", style="dim")
        if not open_incidents:
            text.append("No open incidents. Press 2, then n to declare.", style="dim")
        else:
            counts: dict[str, int] = {}
            for incident in open_incidents:
                counts[incident.severity.value] = counts.get(incident.severity.value, 0) + 1
            for severity, count in sorted(counts.items()):
                if text:
                    text.append("  ")
                text.append(f"{count} ")
                text.append(severity, style=SEVERITY_STYLES[severity])
            now = self.runtime.now()
            for incident in open_incidents[:3]:
                text.append("\n")
                text.append(f"{incident.severity.value} ", style="bold")
                text.append(f"{humanize_duration(now - incident.declared_at, parts=1)} ")
                cadence = self.runtime.workspace.check_in_cadence
                text.append_text(check_in_text(incident, now, cadence))
                text.append(f" {safe_text(incident.title)}")
        self.query_one("#panel-incidents", AreaPanel).update(text)

    def show_budgets(self, board: BudgetBoard) -> None:
        """Counts per state, how many SLOs page, and the three worst SLOs (a paging one counts
        as worse than any budget state), each with its state and alert level in words."""
        rows = board.ordered()
        counts: dict[BudgetState, int] = {}
        for row in rows:
            counts[row.report.state] = counts.get(row.report.state, 0) + 1
        text = Text()
        for state in STATE_ORDER:
            if counts.get(state):
                if text:
                    text.append("  ")
                text.append(f"{counts[state]} ")
                text.append_text(state_text(state))
        paging = sum(1 for row in rows if row.report.alerting == "page")
        if paging:
            text.append(f"  {paging} ")
            text.append_text(alerting_text("page"))
        for row in rows[:3]:
            report = row.report
            left = report.budget_remaining
            text.append("\n")
            text.append(" -- " if left is None else f"{left * 100:3.0f}%", style="bold")
            text.append(" ")
            text.append_text(state_with_alerting(report.state, report.alerting))
            text.append(f" {safe_text(report.slo.name)}")
        self.query_one("#panel-budgets", AreaPanel).update(text)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= 110, "-wide")


SCREEN = OverviewScreen
