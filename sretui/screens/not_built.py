"""The screen of an area that this version of sretui does not have yet. It says so plainly,
and shows what definitions for that area were loaded, so nobody mistakes it for empty data."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from sretui.areas import AREAS_BY_ID
from sretui.screens.base import AreaScreen


class NotBuiltScreen(AreaScreen):
    DEFAULT_CSS = """
    NotBuiltScreen #not-built {
        margin: 1 2;
        padding: 1 2;
        height: auto;
        border: round $secondary;
    }
    NotBuiltScreen #not-built-title { text-style: bold; }
    """

    def __init__(self, area: str) -> None:
        self.AREA = area
        super().__init__(name=area)

    def compose_body(self) -> ComposeResult:
        area = AREAS_BY_ID[self.AREA]
        with Vertical(id="not-built"):
            yield Static(Text(f"{area.title}: not built yet"), id="not-built-title")
            yield Static(Text(f"{area.summary}.\nThis area is not in this version of sretui."))
            loaded = self.runtime.definitions_summary(area.id)
            if loaded:
                yield Static(Text(loaded), id="not-built-loaded")
            yield Static(Text("Press 0 for the overview, ? for every key."))
