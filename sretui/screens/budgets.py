"""`1`: every SLO's error budget, worst first; Enter opens the detail.

The table is updated in place on each refresh (changed cells only, in one batch, then the rows
that moved), never rebuilt, so 200 SLOs refresh without stalling the UI (see
widgets/budget_table.py). Columns have a priority: on a narrow terminal the least important
ones are left out, so nothing needs horizontal scrolling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from sretui.domain.durations import humanize_duration
from sretui.domain.slo import BudgetState
from sretui.keys import screen_bindings
from sretui.screens.base import AreaScreen
from sretui.services.budgets import BudgetBoard, BudgetRow
from sretui.widgets.budget_table import BudgetTable
from sretui.widgets.budget_text import (
    budget_bar,
    burn_text,
    coverage_text,
    state_with_alerting,
)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int  # content width; the table adds one cell of padding on each side
    priority: int  # lower stays longer when the terminal is narrow


CELL_PADDING = 2
SCROLLBAR = 2
MIN_NAME_WIDTH = 12
COLUMNS: tuple[Column, ...] = (
    Column("slo", "SLO", 0, 0),  # as wide as the longest name needs
    Column("left", "Budget left", 14, 2),
    Column("state", "State", 16, 1),  # "EXHAUSTED ticket"
    Column("1h", "1h", 7, 3),
    Column("6h", "6h", 7, 4),
    Column("1d", "1d", 7, 6),
    Column("3d", "3d", 7, 7),
    Column("empty", "Empty in", 16, 5),
    Column("firing", "Firing", 13, 8),
    Column("objective", "Objective", 12, 9),
    Column("service", "Service", 12, 10),
)
BURN_COLUMNS = ("1h", "6h", "1d", "3d")


def name_cell(row: BudgetRow) -> Text:
    """The SLO's name, with markers: "(stale)", "(data 2%)"."""
    report = row.report
    cell = Text(report.slo.name)
    if row.error and report.state is not BudgetState.ERROR:
        cell.append(" (stale)", style="yellow")
    if report.partial:
        cell.append(f" (data {coverage_text(report.coverage)})", style="yellow")
    return cell


def row_cells(row: BudgetRow) -> dict[str, Text]:
    """Every column's cell for one row, by column key."""
    report = row.report
    firing = report.firing_label
    cells: dict[str, Text] = {
        "slo": name_cell(row),
        "left": budget_bar(report.budget_remaining, report.state),
        "state": state_with_alerting(report.state, report.alerting),
        "empty": Text(
            report.exhaustion_text(parts=1), style="" if report.time_to_exhaustion else "dim"
        ),
        "firing": Text(firing or "-", style="bold red" if firing else "dim"),
        "objective": Text(f"{report.slo.objective:g}% {report.slo.window_label}"),
        "service": Text(report.slo.service),
    }
    for window in BURN_COLUMNS:
        cells[window] = burn_text(report.burn_rates.get(window))
    return cells


def choose_columns(width: int, name_width: int) -> tuple[Column, ...]:
    """The columns that fit in `width` cells, most important first, shown in table order.

    The name column takes what its longest name needs, but leaves room for the state and
    the budget bar."""
    by_priority = sorted(COLUMNS, key=lambda c: c.priority)
    room = width - SCROLLBAR
    essentials = sum(c.width + CELL_PADDING for c in by_priority[1:3])
    name = max(MIN_NAME_WIDTH, min(name_width, room - essentials - CELL_PADDING))
    chosen = {"slo": name}
    used = name + CELL_PADDING
    for column in by_priority[1:]:
        if used + column.width + CELL_PADDING <= room:
            chosen[column.key] = column.width
            used += column.width + CELL_PADDING
    return tuple(
        Column(c.key, c.label, chosen[c.key], c.priority) for c in COLUMNS if c.key in chosen
    )


def _same(a: Text, b: Text) -> bool:
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


def board_summary(board: BudgetBoard, now: datetime) -> Text:
    """One line: counts per state and paging SLOs, refresh time, and the backend error if any."""
    rows = board.ordered()
    if board.last_refresh is None:
        return Text("Reading budgets from the backend…", style="dim")
    counts: dict[BudgetState, int] = {}
    for row in rows:
        counts[row.report.state] = counts.get(row.report.state, 0) + 1
    parts = [f"{n} {state.value.replace('_', ' ')}" for state, n in counts.items()]
    text = Text(f"{len(rows)} SLOs: {', '.join(parts)}. ")
    paging = sum(1 for row in rows if row.report.alerting == "page")
    if paging:
        text.append(f"{paging} paging. ", style="bold red")
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

    def __init__(self) -> None:
        super().__init__()
        self._columns: tuple[Column, ...] = ()
        self._shown: dict[str, dict[str, Text]] = {}  # the cells on screen, by SLO name
        self._order: list[str] = []
        self._board: BudgetBoard | None = None
        self._width = 0

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Reading budgets…", style="dim"), id="budgets-status")
        yield BudgetTable(id="budgets-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.sre.budgets_signal.subscribe(self, self.show_board)
        self.show_board(self.runtime.budget_board)
        if not self.runtime.workspace.definitions.slos:
            self.query_one("#budgets-status", Static).update(
                Text("No SLOs defined: add slos.toml to the config dir (see sretui check).")
            )

    def on_resize(self, event: events.Resize) -> None:
        # Screens get a Resize each time they are shown again: lay out only on a new width.
        if self._board is not None and event.size.width != self._width:
            self.show_board(self._board)

    def show_board(self, board: BudgetBoard) -> None:
        self._board = board
        table = self.query_one("#budgets-table", BudgetTable)
        ordered = board.ordered()
        cells = {row.report.slo.name: row_cells(row) for row in ordered}
        name_width = max((cell["slo"].cell_len for cell in cells.values()), default=0)
        self._width = self.size.width or self.app.size.width
        columns = choose_columns(self._width, name_width)
        if columns != self._columns:
            self._rebuild(table, columns, cells)
        else:
            self._update(table, cells)
        order = [row.report.slo.name for row in ordered]
        if order != self._order:
            self._sort(table, order)
            self._order = order
        status = self.query_one("#budgets-status", Static)
        status.update(board_summary(board, self.runtime.now()))

    def _rebuild(
        self, table: BudgetTable, columns: tuple[Column, ...], cells: dict[str, dict[str, Text]]
    ) -> None:
        """New columns (first show, a resize, a longer name): the only full rebuild."""
        selected = self._selected(table)
        table.clear(columns=True)
        for column in columns:
            table.add_column(column.label, width=column.width, key=column.key)
        self._columns = columns
        self._shown = {}
        self._order = []
        for name, row in cells.items():
            table.add_row(*(row[c.key] for c in columns), key=name)
            self._shown[name] = row
        if selected in self._shown:
            table.move_cursor(row=table.get_row_index(selected))

    def _update(self, table: BudgetTable, cells: dict[str, dict[str, Text]]) -> None:
        """Change only the cells whose text or style changed, in one batch that redraws only
        their rows; add and drop rows as SLOs come and go."""
        for name in [n for n in self._shown if n not in cells]:
            table.remove_row(name)
            del self._shown[name]
        changes: dict[str, dict[str, Text]] = {}
        for name, row in cells.items():
            shown = self._shown.get(name)
            if shown is None:
                table.add_row(*(row[c.key] for c in self._columns), key=name)
            else:
                changed = {
                    column.key: row[column.key]
                    for column in self._columns
                    if not _same(shown[column.key], row[column.key])
                }
                if changed:
                    changes[name] = changed
            self._shown[name] = row
        table.update_rows(changes)

    def _sort(self, table: BudgetTable, order: list[str]) -> None:
        """Put rows in worst-first order, keeping the cursor on the same SLO."""
        selected = self._selected(table)
        table.reorder(order)
        if selected in self._shown:
            table.move_cursor(row=table.get_row_index(selected))

    @staticmethod
    def _selected(table: DataTable[Text]) -> str | None:
        if not table.row_count or table.cursor_row < 0:
            return None
        return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

    def action_refresh(self) -> None:
        self.sre.refresh_now("budgets")
        self.notify("Refreshing budgets…", timeout=2)

    def action_details(self) -> None:
        table = self.query_one("#budgets-table", DataTable)
        name = self._selected(table)
        if name:
            from sretui.screens.budget_detail import BudgetDetailScreen

            self.app.push_screen(BudgetDetailScreen(name))

    @on(DataTable.RowSelected, "#budgets-table")
    def open_selected(self) -> None:
        self.action_details()


SCREEN = BudgetsScreen
