"""Copy to the clipboard of the terminal the engineer is sitting at, even over SSH.

OSC 52 asks the terminal emulator itself to set its clipboard, so it works from a bastion. tmux
swallows unknown escape sequences unless they are wrapped in its DCS passthrough (and
`set -g allow-passthrough on` or `set-clipboard on` lets them out); screen needs its own DCS."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


def osc52(text: str, *, env: Mapping[str, str] | None = None) -> str:
    """The escape sequence that puts `text` on the clipboard, wrapped for tmux or screen."""
    env = os.environ if env is None else env
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if env.get("TMUX"):
        # DCS passthrough: every ESC inside is doubled.
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        return "\x1bP" + sequence + "\x1b\\"
    return sequence


def copy_text(app: App[object], text: str) -> None:
    """Copy with OSC 52, wrapped for tmux/screen so it reaches the terminal over SSH."""
    app._clipboard = text
    if app._driver is not None:
        app._driver.write(osc52(text))
