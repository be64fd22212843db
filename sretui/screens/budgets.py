"""`1`: every SLO's error budget, worst first; Enter opens the detail."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Static

from sretui.domain.durations import humanize_duration
from sretui.domain.slo import BudgetState
from sretui.keys import screen_bindings
from sretui.screens.base import AreaScreen
from sretui.services.budgets import BudgetBoard
from sretui.widgets.budget_text import budget_bar, burn_text, duration_text, state_text

COLUMNS = (
    "SLO",
    "Budget left",
    "State",
    "1h",
    "6h",
    "1d",
    "3d",
    "Firing",
    "Empty in",
    "Objective",
    "Service",
)


def board_summary(board: BudgetBoard, now: datetime) -> Text:
    """One line: counts per state, refresh time and age, and the backend error if any."""
    rows = board.ordered()
    if board.last_refresh is None:
        return Text("Reading budgets from the backend…", style="dim")
    counts: dict[BudgetState, int] = {}
    for row in rows:
        counts[row.report.state] = counts.get(row.report.state, 0) + 1
    parts = [f"{n} {state.value.replace('_', ' ')}" for state, n in counts.items()]
    text = Text(f"{len(rows)} SLOs: {', '.join(parts)}. ")
    text.append(f"Read {board.last_refresh.astimezone().strftime('%H:%M:%S')}.", style="dim")
    stale = [row for row in rows if row.error]
    if stale:
        oldest = max(row.age(now) for row in stale)
        text.append(f"\n{len(stale)} failed: ", style="bold red")
        text.append(stale[0].error or "")
        if oldest.total_seconds() >= 1:
            text.append(f" (numbers kept from {humanize_duration(oldest)} ago)", style="yellow")
    return text


class BudgetsScreen(AreaScreen):
    AREA = "budgets"
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("budgets")

    DEFAULT_CSS = """
    BudgetsScreen #budgets-status { height: auto; padding: 0 1; }
    BudgetsScreen #budgets-table { height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Reading budgets…", style="dim"), id="budgets-status")
        table: DataTable[Text | str] = DataTable(
            id="budgets-table", cursor_type="row", zebra_stripes=True
        )
        for column in COLUMNS:
            table.add_column(column, key=column)
        yield table

    def on_mount(self) -> None:
        self.sre.budgets_signal.subscribe(self, self.show_board)
        self.show_board(self.runtime.budget_board)
        if not self.runtime.workspace.definitions.slos:
            self.query_one("#budgets-status", Static).update(
                Text("No SLOs defined: add slos.toml to the config dir (see sretui check).")
            )

    def show_board(self, board: BudgetBoard) -> None:
        table = self.query_one("#budgets-table", DataTable)
        selected = None
        if table.row_count and table.cursor_row >= 0:
            selected = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        table.clear()
        for row in board.ordered():
            report = row.report
            firing = report.firing_label
            name = Text(report.slo.name)
            if row.error and report.state is not BudgetState.ERROR:
                name.append(" (stale)", style="yellow")
            table.add_row(
                name,
                budget_bar(report.budget_remaining, report.state),
                state_text(report.state),
                *(burn_text(report.burn_rates.get(w)) for w in ("1h", "6h", "1d", "3d")),
                Text(firing or "-", style="bold red" if firing else "dim"),
                duration_text(report.time_to_exhaustion),
                Text(f"{report.slo.objective:g}% {report.slo.window_label}"),
                Text(report.slo.service),
                key=report.slo.name,
            )
        if selected is not None and selected in board.rows:
            table.move_cursor(row=table.get_row_index(selected))
        status = self.query_one("#budgets-status", Static)
        status.update(board_summary(board, self.runtime.now()))

    def action_refresh(self) -> None:
        self.sre.refresh_now("budgets")
        self.notify("Refreshing budgets…", timeout=2)

    def action_details(self) -> None:
        table = self.query_one("#budgets-table", DataTable)
        if not table.row_count:
            return
        name = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        if name:
            from sretui.screens.budget_detail import BudgetDetailScreen

            self.app.push_screen(BudgetDetailScreen(name))

    @on(DataTable.RowSelected, "#budgets-table")
    def open_selected(self) -> None:
        self.action_details()


SCREEN = BudgetsScreen
