"""The one-line header: app and area on the left; who is on call, backend health and the clock
on the right. One widget (not five) because start-up time is a feature."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from sretui.domain.health import HealthState, HealthStatus
from sretui.domain.text import safe_text

if TYPE_CHECKING:
    from textual.signal import Signal

HEALTH_STYLES = {
    HealthState.OK: "bold green",
    HealthState.STALE: "bold yellow",
    HealthState.DOWN: "bold white on red",
    HealthState.UNCHECKED: "dim",
    HealthState.NONE: "dim",
}


class StatusHeader(Widget):
    """Shows the app's shared state, following the app's health and clock signals."""

    DEFAULT_CSS = """
    StatusHeader {
        height: 1;
        dock: top;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    health: reactive[HealthStatus] = reactive(HealthStatus(HealthState.NONE), layout=False)
    now: reactive[datetime | None] = reactive(None, layout=False)

    def __init__(
        self,
        area_title: str,
        on_call: str = "",
        *,
        health: HealthStatus | None = None,
        now: datetime | None = None,
        health_signal: Signal[HealthStatus] | None = None,
        clock_signal: Signal[datetime] | None = None,
    ) -> None:
        super().__init__()
        self.area_title = area_title
        self.on_call = on_call
        self._signals = (health_signal, clock_signal)
        if health is not None:
            self.set_reactive(StatusHeader.health, health)
        self.set_reactive(StatusHeader.now, now)

    def on_mount(self) -> None:
        health_signal, clock_signal = self._signals
        if health_signal is not None:
            health_signal.subscribe(self, self._show_health)
        if clock_signal is not None:
            clock_signal.subscribe(self, self._show_time)
        self.watch_health(self.health)

    def _show_health(self, status: HealthStatus) -> None:
        self.health = status

    def _show_time(self, now: datetime) -> None:
        self.now = now

    @property
    def health_text(self) -> Text:
        text = Text("backend ")
        text.append(self.health.label, style=HEALTH_STYLES[self.health.state])
        return text

    @property
    def clock_text(self) -> str:
        return self.now.astimezone().strftime("%H:%M:%S") if self.now else ""

    def render(self) -> RenderableType:
        grid = Table.grid(expand=True)
        grid.add_column(justify="left", no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        right = Text.assemble(self.on_call, "  ", self.health_text, "  ", self.clock_text)
        grid.add_row(Text(f"sretui · {self.area_title}", style="bold"), right)
        return grid

    def watch_health(self, status: HealthStatus) -> None:
        # Server text: a Text, so markup in an error body is shown, never parsed.
        self.tooltip = Text(safe_text(status.error)) if status.error else None
