"""Copy to the clipboard of the engineer at the keyboard, even over SSH, and say where it went.

Inside tmux the text is handed to tmux (`services.clipboard.tmux_load_buffer`, a subprocess, so
in a thread worker); elsewhere the terminal gets OSC 52, wrapped for GNU screen. The app keeps
its own copy too (`App.clipboard`), for pasting inside the app.

Private Textual API, on purpose: `_clipboard` (the app's own copy, which `App.clipboard` reads)
and `_driver.write` (the only way to send an escape sequence other than Textual's plain
OSC 52, which GNU screen swallows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sretui.services.clipboard import CopyResult, clipboard_route, osc52, tmux_load_buffer

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["copy_text", "osc52"]

TERMINAL_MESSAGE = "Copied to your terminal's clipboard (OSC 52; the terminal must allow it)."


def copy_text(app: App[object], text: str) -> None:
    """Copy `text` and tell the engineer where it went (a toast)."""
    app._clipboard = text
    route = clipboard_route()
    if route == "tmux":
        app.run_worker(
            lambda: _to_tmux(app, text),
            thread=True,
            group="clipboard",
            exclusive=True,
            exit_on_error=False,
        )
        return
    if app._driver is not None:
        app._driver.write(osc52(text, screen=route == "screen"))
    message = TERMINAL_MESSAGE
    if route == "screen":
        message = message.replace("(OSC 52;", "through GNU screen (OSC 52;")
    app.notify(message, timeout=4, markup=False)


def _to_tmux(app: App[object], text: str) -> None:
    result: CopyResult = tmux_load_buffer(text)
    app.call_from_thread(
        app.notify,
        result.message,
        severity="information" if result.ok else "error",
        timeout=4,
        markup=False,
    )
