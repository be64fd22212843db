"""What every area screen shares: the status header on top, the key footer at the bottom."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from sretui.areas import AREAS_BY_ID
from sretui.widgets.status_header import StatusHeader


class AreaScreen(Screen[None]):
    """Base for the screen of one area (one app mode). Subclasses implement `compose_body`."""

    AREA = "overview"

    def compose(self) -> ComposeResult:
        app = self.app
        header = StatusHeader(AREAS_BY_ID[self.AREA].title, getattr(app, "on_call_label", ""))
        header.health = getattr(app, "health", header.health)
        clock = getattr(app, "now", None)
        header.now = clock() if callable(clock) else None
        yield header
        yield from self.compose_body()
        yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()
