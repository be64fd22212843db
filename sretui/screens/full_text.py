"""The whole of one incident, every text in full however long (`t` on the incidents screen).

The detail pane cuts each text at 2,000 characters so that a 10 MB note cannot stall its
redraws; this view is where the rest is read. The text is made safe and wrapped to the screen's
width in a thread, then shown in a `Log`, which draws only the lines in view: a 10 MB note
scrolls like a short one.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import Log, Static

from sretui.domain.text import safe_text
from sretui.keys import screen_bindings
from sretui.screens.base import SreScreen
from sretui.widgets.key_footer import KeyFooter

CHUNK = 10_000  # lines written to the Log between two turns of the event loop


def wrapped(text: str, width: int) -> list[str]:
    """`text` (outside text) made safe line by line and wrapped to `width` columns, breaking
    at the last space that fits, else mid-word. Linear in the length: for a 10 MB note, a
    few hundred thousand slices, not a regex over the whole."""
    width = max(width, 10)
    out: list[str] = []
    for raw in text.split("\n"):
        line = safe_text(raw)
        start, end = 0, len(line)
        while end - start > width:
            cut = line.rfind(" ", start, start + width + 1)
            if cut <= start:
                out.append(line[start : start + width])
                start += width
            else:
                out.append(line[start:cut])
                start = cut + 1
        out.append(line[start:] or " ")  # Log.write_lines drops empty lines: keep the gap
    return out


class FullTextScreen(SreScreen):
    """A read-only, scrolling view of one long text, titled with its (outside) title."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("full_text")
    DEFAULT_CSS = """
    FullTextScreen #full-text-title { padding: 0 1; height: auto; max-height: 3; }
    FullTextScreen #full-text { height: 1fr; }
    """

    class Wrapped(Message):
        def __init__(self, lines: list[str], width: int) -> None:
            super().__init__()
            self.lines = lines
            self.width = width

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.text_title = title
        self.text = text
        self.shown_width = 0

    def compose(self) -> ComposeResult:
        yield self.status_header("Full text")
        title = Text(safe_text(self.text_title)[:300], style="bold")
        title.append(f"  ({len(self.text):,} characters; Esc goes back)", style="dim")
        yield Static(title, id="full-text-title")
        yield Log(id="full-text", auto_scroll=False)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(Log).focus()

    def on_resize(self, event: Resize) -> None:
        width = self.query_one(Log).scrollable_content_region.width - 1
        if width > 0 and width != self.shown_width:
            self.wrap(width)

    @work(thread=True, exclusive=True, group="full-text-wrap", exit_on_error=False)
    def wrap(self, width: int) -> None:
        self.post_message(self.Wrapped(wrapped(self.text, width), width))

    @on(Wrapped)
    def show_wrapped(self, message: Wrapped) -> None:
        self.shown_width = message.width
        self.fill(message.lines)

    @work(exclusive=True, group="full-text-fill", exit_on_error=False)
    async def fill(self, lines: list[str]) -> None:
        """The lines into the Log in chunks, yielding between them, so that a 10 MB text
        (a quarter of a million lines) never holds the event loop for long, and Esc or a
        resize (which starts this again) is handled at once."""
        log = self.query_one(Log)
        line = log.scroll_offset.y
        log.clear()
        for start in range(0, len(lines), CHUNK):
            log.write_lines(lines[start : start + CHUNK], scroll_end=False)
            await asyncio.sleep(0)
        log.scroll_to(y=min(line, max(len(lines) - 1, 0)), animate=False)

    def action_back(self) -> None:
        self.dismiss()

    def action_top(self) -> None:
        self.query_one(Log).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one(Log).scroll_end(animate=False)
