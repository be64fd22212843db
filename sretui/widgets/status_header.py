"""The one-line header: app and area, who is on call, backend health, clock."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from sretui.domain.health import HealthState, HealthStatus

HEALTH_STYLES = {
    HealthState.OK: "bold green",
    HealthState.STALE: "bold yellow",
    HealthState.DOWN: "bold white on red",
    HealthState.UNCHECKED: "dim",
    HealthState.NONE: "dim",
}


class StatusHeader(Horizontal):
    """Shows the app's shared state; the app pushes updates with `update_*`."""

    DEFAULT_CSS = """
    StatusHeader {
        height: 1;
        dock: top;
        background: $panel;
        color: $foreground;
    }
    StatusHeader > Static { width: auto; padding: 0 1; }
    StatusHeader #title { text-style: bold; }
    StatusHeader #spacer { width: 1fr; }
    """

    def __init__(self, area_title: str) -> None:
        super().__init__()
        self.area_title = area_title

    def compose(self) -> ComposeResult:
        yield Static(Text(f"sretui · {self.area_title}"), id="title")
        yield Static("", id="spacer")
        yield Static("", id="oncall")
        yield Static("", id="health")
        yield Static("", id="clock")

    def on_mount(self) -> None:
        app = self.app
        oncall = getattr(app, "on_call_label", "")
        self.query_one("#oncall", Static).update(Text(oncall))
        self.update_health(getattr(app, "health", HealthStatus(HealthState.NONE)))
        clock = getattr(app, "now", None)
        if callable(clock):
            self.update_clock(clock())

    def update_health(self, status: HealthStatus) -> None:
        text = Text("backend ")
        text.append(status.label, style=HEALTH_STYLES[status.state])
        self.query_one("#health", Static).update(text)
        self.query_one("#health", Static).tooltip = status.error

    def update_clock(self, now: datetime) -> None:
        self.query_one("#clock", Static).update(Text(now.astimezone().strftime("%H:%M:%S")))
