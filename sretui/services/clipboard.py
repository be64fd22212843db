"""Where copied text goes, and handing it to tmux.

Inside tmux (3.3 with default settings) an OSC 52 from a program is ignored
(`set-clipboard external`) and the DCS passthrough wrapper is dropped (`allow-passthrough off`),
so the text is given to tmux itself: `tmux load-buffer -w -` puts it in tmux's paste buffer and
forwards it to the outer terminal's clipboard where tmux allows that. Elsewhere the terminal
gets OSC 52 (wrapped for GNU screen). Plain stdlib; the subprocess runs in a worker thread."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Route = Literal["tmux", "screen", "terminal"]

TMUX_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class CopyResult:
    ok: bool
    message: str  # for the toast: where the text went, or why it did not


def clipboard_route(env: Mapping[str, str] | None = None) -> Route:
    """tmux when running inside tmux, screen inside GNU screen, else the terminal itself."""
    env = os.environ if env is None else env
    if env.get("TMUX"):
        return "tmux"
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        return "screen"
    return "terminal"


def osc52(text: str, *, screen: bool = False) -> str:
    """The escape sequence that asks the terminal to put `text` on its clipboard."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if screen:
        return "\x1bP" + sequence + "\x1b\\"  # screen's DCS passthrough
    return sequence


def tmux_load_buffer(text: str, *, env: Mapping[str, str] | None = None) -> CopyResult:
    """Give `text` to the tmux server this process runs in (found through $TMUX). Blocks: call
    it from a thread. `-w` (tmux 3.2+) also sets the outer terminal's clipboard where tmux's
    `set-clipboard` allows; an older tmux refuses `-w` and gets the buffer only."""
    environ = dict(os.environ if env is None else env)
    data = text.encode("utf-8")
    attempts = (["tmux", "load-buffer", "-w", "-"], ["tmux", "load-buffer", "-"])
    error = ""
    for command in attempts:
        try:
            done = subprocess.run(
                command,
                input=data,
                env=environ,
                capture_output=True,
                timeout=TMUX_TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            return CopyResult(False, "Copy failed: TMUX is set but the tmux command is not found.")
        except subprocess.TimeoutExpired:
            return CopyResult(False, "Copy failed: tmux did not answer within 5 seconds.")
        if done.returncode == 0:
            if "-w" in command:
                return CopyResult(
                    True,
                    "Copied to tmux's paste buffer (prefix ] pastes) and, where tmux "
                    "allows, your terminal's clipboard.",
                )
            return CopyResult(True, "Copied to tmux's paste buffer (prefix ] pastes).")
        error = done.stderr.decode("utf-8", "replace").strip()
    return CopyResult(False, f"Copy failed: tmux said {error or 'nothing'}.")
