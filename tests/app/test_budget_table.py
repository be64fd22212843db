"""BudgetTable draws exactly what a plain DataTable draws, while redrawing less.

It reaches into DataTable's caches (widgets/budget_table.py): these tests compare every line it
draws with a plain DataTable given the same rows, so a Textual release that changes those caches
fails here, not on a user's screen."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.cache import LRUCache
from textual.containers import Horizontal
from textual.widgets import DataTable

from sretui.widgets.budget_table import BudgetTable

COLUMNS = ("slo", "left", "burn")
ROWS = {f"slo-{n:02}": (f"slo-{n:02}", f"{100 - n}%", f"{n / 10:.2f}x") for n in range(30)}


def _cells(values: tuple[str, ...]) -> list[Text]:
    return [Text(value, style="bold" if value.endswith("x") else "") for value in values]


class TwoTables(App[None]):
    """The same rows in a BudgetTable and in a plain DataTable, side by side."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield BudgetTable(id="ours", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="plain", cursor_type="row", zebra_stripes=True)

    AUTO_FOCUS = None  # one of them focused would draw its header and cursor apart

    def on_mount(self) -> None:
        for table in self.tables():
            for key in COLUMNS:
                table.add_column(key, key=key, width=10)
            for name, values in ROWS.items():
                table.add_row(*_cells(values), key=name)

    def tables(self) -> tuple[BudgetTable, DataTable[Any]]:
        return self.query_one("#ours", BudgetTable), self.query_one("#plain", DataTable)


def _drawn(table: DataTable[Any]) -> list[list[tuple[str, str, object]]]:
    """Every visible line: each segment's text, style and mouse metadata (row and column)."""
    lines = []
    for y in range(table.size.height):
        strip = table.render_line(y)
        lines.append([(s.text, str(s.style), s.style.meta if s.style else None) for s in strip])
    return lines


class _CountingCache(LRUCache[Any, Any]):
    """DataTable's cache of drawn cells, counting the cells put in it: the cells drawn."""

    drawn = 0

    def set(self, key: Any, value: Any) -> None:
        self.drawn += 1
        super().set(key, value)

    __setitem__ = set


def _count_cell_renders(table: DataTable[Any]) -> _CountingCache:
    """Count the cells `table` draws from now on (not those it finds drawn already)."""
    counting = _CountingCache(table._cell_render_cache.maxsize)
    for key in list(table._cell_render_cache.keys()):
        counting[key] = table._cell_render_cache[key]
    counting.drawn = 0
    table._cell_render_cache = counting
    return counting


async def _settle(pilot: Any) -> None:
    """Until the tables are laid out and drawn for good (DataTable drops what it drew on any
    Resize, and the first comes after the first frame)."""
    await pilot.pause()
    await pilot.pause(0.1)
    for table in pilot.app.tables():
        _drawn(table)


async def test_updated_rows_are_drawn_as_a_datatable_draws_them() -> None:
    app = TwoTables()
    async with app.run_test(size=(80, 20)) as pilot:
        ours, plain = app.tables()
        await _settle(pilot)
        assert _drawn(ours) == _drawn(plain)
        drawn = _count_cell_renders(ours)
        ours.update_rows({"slo-02": {"left": Text("12%", style="red")}})
        plain.update_cell("slo-02", "left", Text("12%", style="red"))
        await pilot.pause()
        assert _drawn(ours) == _drawn(plain)
        assert drawn.drawn == len(COLUMNS)  # that row only
        assert [str(c) for c in ours.get_row("slo-02")] == ["slo-02", "12%", "0.20x"]


async def test_reordered_rows_are_drawn_as_a_datatable_sorts_them() -> None:
    app = TwoTables()
    async with app.run_test(size=(80, 20)) as pilot:
        ours, plain = app.tables()
        await _settle(pilot)
        order = list(ROWS)
        order.insert(3, order.pop(6))  # one SLO got worse: rows 3-6 move
        rank = {name: index for index, name in enumerate(order)}
        drawn = _count_cell_renders(ours)
        ours.reorder(order)
        plain.sort("slo", key=lambda cell: rank[cell.plain])
        await pilot.pause()
        assert [ours.get_row_at(i)[0].plain for i in range(ours.row_count)] == order
        assert _drawn(ours) == _drawn(plain)  # the mouse metadata names the new rows too
        assert drawn.drawn == 4 * len(COLUMNS)
        ours.reorder(order)  # the same order again: nothing to draw
        await pilot.pause()
        assert drawn.drawn == 4 * len(COLUMNS)


async def test_a_new_theme_redraws_every_cell_in_its_colours() -> None:
    app = TwoTables()
    async with app.run_test(size=(80, 20)) as pilot:
        ours, plain = app.tables()
        await _settle(pilot)
        before = _drawn(ours)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert _drawn(ours) != before
        assert _drawn(ours) == _drawn(plain)


async def test_new_css_for_the_cursor_alone_redraws_the_cursor() -> None:
    # The cursor's colours are not part of DataTable's cache keys: only dropping the drawn
    # cells when a style pass changed them shows the new cursor.
    app = TwoTables()
    async with app.run_test(size=(80, 20)) as pilot:
        ours, plain = app.tables()
        await _settle(pilot)
        before = _drawn(ours)
        app.stylesheet.add_source(
            "DataTable > .datatable--cursor { background: #ff0000; }", read_from=("test", "")
        )
        app.refresh_css()
        await pilot.pause()
        assert _drawn(ours) != before
        assert _drawn(ours) == _drawn(plain)
        assert "on #ff0000" in _drawn(ours)[1][0][1]  # the cursor is on the first row


async def test_styles_applied_again_unchanged_keep_the_drawn_cells() -> None:
    app = TwoTables()
    async with app.run_test(size=(80, 20)) as pilot:
        ours, plain = app.tables()
        await _settle(pilot)
        drawn = _count_cell_renders(ours)
        app.screen.update_node_styles()  # what Textual does each time a screen is shown
        await pilot.pause()
        assert drawn.drawn == 0
        assert _drawn(ours) == _drawn(plain)


async def test_rows_that_are_not_there_are_refused() -> None:
    app = TwoTables()
    async with app.run_test(size=(80, 20)):
        ours, _ = app.tables()
        with pytest.raises(KeyError, match="nope"):
            ours.update_rows({"nope": {"left": Text("1%")}})
        with pytest.raises(ValueError, match="every row"):
            ours.reorder(list(ROWS)[1:])
