"""`?`: every key that works on the current screen and everywhere, with the ids for [keymap]."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-hint { color: $text-muted; }
    """

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with Vertical(id="help") as box:
            box.border_title = "Keys"
            with VerticalScroll():
                yield Static(self._key_table(), id="help-keys")
            yield Static(
                Text(
                    "Tab moves between panes; arrows and PgUp/PgDn scroll. "
                    'Remap any key in sretui.toml: [keymap] id = "key". '
                    "ctrl+p finds every action by name. Esc closes."
                ),
                id="help-hint",
            )

    def _key_table(self) -> Table:
        app = self.app
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        table.add_column(Text("Key"), no_wrap=True, style="bold")
        table.add_column(Text("Does"))
        table.add_column(Text("id (for [keymap])"), style="dim", no_wrap=True)
        seen: set[tuple[str, str]] = set()
        screen_rows: list[tuple[str, str, str]] = []
        app_rows: list[tuple[str, str, str]] = []
        for active in self.below.active_bindings.values():
            binding: Binding = active.binding
            # Only sretui's own bindings carry ids; widget plumbing (scrolling) is not listed.
            if not binding.description or binding.system or not binding.id:
                continue
            key = app.get_key_display(binding)
            row = (key, binding.description, binding.id or "")
            marker = (binding.action, key)
            if marker in seen:
                continue
            seen.add(marker)
            (app_rows if active.node is app else screen_rows).append(row)
        for title, rows in (("On this screen", screen_rows), ("Everywhere", app_rows)):
            if not rows:
                continue
            table.add_row(Text(title, style="bold underline"), "", "")
            for key, description, binding_id in rows:
                table.add_row(Text(key), Text(description), Text(binding_id))
            table.add_row("", "", "")
        return table

    def action_dismiss_help(self) -> None:
        self.dismiss()
