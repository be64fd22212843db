"""S on the incidents screen: Alertmanager's silences, newest first; e expires one (asks)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from sretui.domain.text import safe_text
from sretui.keys import screen_bindings
from sretui.screens.base import SreScreen
from sretui.screens.incident_forms import Confirm, confirmed
from sretui.services.alerts import AlertError, AlertService
from sretui.widgets.key_footer import KeyFooter


class SilencesScreen(SreScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("silences")

    DEFAULT_CSS = """
    SilencesScreen #silences-status { height: auto; padding: 0 1; }
    SilencesScreen #silences-table { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        header = self.status_header("Silences")
        yield header
        yield Static(Text("Reading silences…", style="dim"), id="silences-status")
        table: DataTable[Text | str] = DataTable(id="silences-table", cursor_type="row")
        for column in ("State", "Ends", "By", "Matchers", "Comment", "Id"):
            table.add_column(column, key=column)
        yield table
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.action_refresh()

    async def alerts(self) -> AlertService:
        return AlertService(await self.runtime.alertmanager())

    @work(exclusive=True, group="silences", exit_on_error=False)
    async def action_refresh(self) -> None:
        status = self.query_one("#silences-status", Static)
        try:
            silences = await (await self.alerts()).silences()
        except AlertError as exc:
            status.update(Text(str(exc), style="bold red"))
            return
        table = self.query_one("#silences-table", DataTable)
        table.clear()
        for silence in silences:
            table.add_row(
                Text(silence.state, style="bold" if silence.state == "active" else "dim"),
                Text(f"{silence.ends_at.astimezone():%m-%d %H:%M}"),
                Text(safe_text(silence.created_by)),
                Text(" ".join(safe_text(str(m)) for m in silence.matchers)),
                Text(safe_text(silence.comment)),
                Text(silence.id[:8], style="dim"),
                key=silence.id,
            )
        active = sum(1 for s in silences if s.state == "active")
        status.update(Text(f"{active} active of {len(silences)} silences. e expires one."))

    @work(exclusive=True, group="silences-expire", exit_on_error=False)
    async def action_expire(self) -> None:
        table = self.query_one("#silences-table", DataTable)
        if not table.row_count:
            return
        silence_id = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        if not silence_id:
            return
        answer = await self.app.push_screen_wait(
            Confirm(
                "Expire this silence?",
                f"Silence {safe_text(silence_id)}: its alerts will notify again.",
                yes="Yes, expire it now",
            )
        )
        if not confirmed(answer):
            return
        try:
            await (await self.alerts()).expire(silence_id)
        except AlertError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Silence expired.")
        self.action_refresh()
        self.sre.refresh_now("alerts")

    def action_back(self) -> None:
        self.dismiss()
