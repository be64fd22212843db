"""The landing screen: a panel per area, and every problem found in the definition files."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from sretui.areas import AREAS
from sretui.screens.base import AreaScreen


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

    def compose_body(self) -> ComposeResult:
        app = self.app
        workspace = app.workspace  # type: ignore[attr-defined]
        with VerticalScroll(id="overview-body"):
            problems = workspace.problems
            if problems:
                scroll = VerticalScroll(id="problems")
                scroll.border_title = (
                    f"{len(problems)} problem{'s' if len(problems) != 1 else ''} "
                    "in definition files (sretui check)"
                )
                with scroll:
                    yield Static(Text("\n".join(str(p) for p in problems)), id="problems-list")
            else:
                files = len(workspace.definitions.files)
                yield Static(
                    Text(f"All {files} definition files are valid. Data: {workspace.data_dir}"),
                    id="problems-ok",
                )
            with Grid(id="panels"):
                for area in AREAS[1:]:
                    body = app.definitions_summary(area.id)  # type: ignore[attr-defined]
                    state = "" if area.built else "Not built yet."
                    text = "\n".join(part for part in (area.summary, body, state) if part)
                    yield AreaPanel(area.id, area.title, area.key, text)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= 110, "-wide")
