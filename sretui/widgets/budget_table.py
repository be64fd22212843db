"""The budgets table: a DataTable that redraws only what changed.

DataTable keys every drawn cell on one update count, so it throws them all away when any cell
changes, and again each time Textual applies CSS to the screen, which it does every time the
screen is shown. With 200 SLOs on a 2-core machine each of those was a redraw of every visible
row (70-250 ms with the event loop held), the main cause of slow key presses on the budgets
screen. Here a style pass drops the drawn cells only if the styles they were drawn with changed
(a theme switch, a CSS reload), and `update_rows` and `reorder` drop only the rows they
changed or moved.

This reaches into DataTable's data and caches (`_data`, `_row_locations`, the render caches,
`_clear_caches`): see docs/architecture.md, "Private Textual API". The tests in
tests/app/test_budget_table.py compare what it draws with what a plain DataTable draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


class BudgetTable(DataTable[Text]):
    """A DataTable whose drawn cells survive a style pass that changes nothing, and whose
    rows can be updated without redrawing the others."""

    _drawn_with: tuple[Style, ...] | None = None
    _restyled = True  # styles were applied since the cells were last checked against them

    def notify_style_update(self) -> None:
        # Skip DataTable's version (it drops every drawn cell): `render_lines` decides, once the
        # component styles (applied after this call) are in place too.
        ScrollView.notify_style_update(self)
        self._restyled = True
        self.refresh()

    def _cell_styles(self) -> tuple[Style, ...]:
        """Every style the cells are drawn with: the table's own and each component's."""
        names = sorted(self.COMPONENT_CLASSES)
        return (
            self.rich_style,
            *(self.get_component_rich_style(name) for name in names),
            *(self.get_component_styles(name).rich_style for name in names),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._restyled:
            self._restyled = False
            drawn_with = self._cell_styles()
            if drawn_with != self._drawn_with:
                self._drawn_with = drawn_with
                self._clear_caches()
        return super().render_lines(crop)

    def update_rows(self, changes: Mapping[str, Mapping[str, Text]]) -> None:
        """Put new values in cells (by row key, then column key); only those rows are drawn
        again. Rows keep their place: `reorder` moves them."""
        if not changes:
            return
        rows = {self._row_key(name) for name in changes}
        for name, cells in changes.items():
            data = self._data[self._row_key(name)]
            for column, value in cells.items():
                data[ColumnKey(column)] = value
        self._forget(rows)

    def reorder(self, names: Sequence[str]) -> None:
        """Show the rows in this order (every row key once); only the rows that moved are drawn
        again, where DataTable.sort draws every row again."""
        keys = {key.value: key for key in self._data}
        if len(names) != len(keys) or set(names) != keys.keys():
            raise ValueError("reorder needs every row of the table, each once")
        locations = self._row_locations
        moved = {
            keys[name] for index, name in enumerate(names) if locations.get(keys[name]) != index
        }
        if not moved:
            return
        for index, name in enumerate(names):
            if keys[name] in moved:
                locations[keys[name]] = index  # a permutation: both directions end consistent
        self._offset_cache.clear()  # both keyed on the update count, which stays
        self._ordered_row_cache.clear()
        self._forget(moved)

    def _row_key(self, name: str) -> RowKey:
        key = RowKey(name)
        if key not in self._data:
            raise KeyError(f"no row {name!r} in the table")
        return key

    def _forget(self, rows: set[RowKey]) -> None:
        """Drop what was drawn of these rows, and redraw."""
        for cache in (self._row_render_cache, self._cell_render_cache):
            for key in [key for key in cache.keys() if key[0] in rows]:  # noqa: SIM118 (no __iter__)
                cache.discard(key)
        # Both keyed by position, not by row: cheap to build again from the row cache.
        self._row_renderable_cache.clear()
        self._line_cache.clear()
        self.refresh()
