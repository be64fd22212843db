"""Time to first screen: the installed `sretui --demo` against a bare Textual app (Header, Footer).

Each run starts a fresh process on a real pseudo-terminal (80x24, TERM=xterm-256color) and stops
the clock when the first full frame is on screen, read from the bytes the process writes: the
footer is the last row Textual draws, so the frame is complete once the footer's key text
(`^q Quit` for sretui, `^p palette` for the bare app) has arrived. The process is then asked to
quit with ctrl+q, as a user would. Nothing is subclassed or patched: sretui runs as users run it,
through the console script `.venv/bin/sretui`; the bare app runs the same way, as a script.

Both are timed with a warm bytecode cache and with PYTHONDONTWRITEBYTECODE=1 and an empty
PYTHONPYCACHEPREFIX (everything compiled from source), in interleaved runs. Prints the medians
and their ratio per mode. Goal: ratio <= 1.3 in both.

    .venv/bin/python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from _common import MODES, PYTHON, SRETUI, Mode, interleaved, median_ms, ratio_line, spread_ms

BARE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


if __name__ == "__main__":
    Bare().run()
"""

# Escape sequences Textual writes: CSI (cursor moves, colours, modes), OSC (titles) and the rest.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -~]")
TIMEOUT = 60.0


@dataclass(frozen=True)
class Target:
    name: str
    argv: list[str]
    footer: bytes  # key text in the footer: once drawn, the first frame is complete


def first_frame(target: Target, mode: Mode) -> float:
    """Seconds from spawning `target` to its first full frame on an 80x24 pseudo-terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with mode.environment() as env:
        env = {**env, "TERM": "xterm-256color"}
        for name in ("COLUMNS", "LINES", "TEXTUAL", "NO_COLOR", "TMUX"):
            env.pop(name, None)
        started = time.perf_counter()
        child = subprocess.Popen(
            target.argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        output = b""
        elapsed: float | None = None
        try:
            while elapsed is None:
                if time.perf_counter() - started > TIMEOUT:
                    raise SystemExit(f"{target.name}: no frame after {TIMEOUT:.0f} s")
                ready, _, _ = select.select([master], [], [], 0.5)
                if not ready:
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise SystemExit(f"{target.name} exited before drawing: {output[-400:]!r}")
                output += chunk
                if target.footer in _ESCAPES.sub(b"", output[-8192:]):
                    elapsed = time.perf_counter() - started
            _quit(child, master)
        finally:
            os.close(master)
            if child.poll() is None:
                child.kill()
                child.wait()
    return elapsed


def _quit(child: subprocess.Popen[bytes], master: int) -> None:
    """ctrl+q, reading the terminal meanwhile so that the child never blocks on a write."""
    os.write(master, b"\x11")
    deadline = time.monotonic() + 10
    while child.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                os.read(master, 65536)
            except OSError:
                break
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    child.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each, per mode")
    args = parser.parse_args()
    if not Path(SRETUI).exists():
        sys.exit(f"{SRETUI} is missing: run `make demo` or pip install -e . first")
    with tempfile.TemporaryDirectory(prefix="sretui-bench-") as tmp:
        bare_script = Path(tmp) / "bare_app.py"
        bare_script.write_text(BARE_APP, encoding="utf-8")
        targets = {
            "bare": Target("bare Textual app", [PYTHON, str(bare_script)], b"^p palette"),
            "sretui": Target("sretui --demo", [SRETUI, "--demo"], b"^q Quit"),
        }
        print(f"started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {args.runs} runs each per mode")
        for mode in MODES:
            for target in targets.values():  # fill the file cache (and the bytecode cache)
                first_frame(target, mode)
            times = interleaved(
                list(targets), args.runs, lambda name, mode=mode: first_frame(targets[name], mode)
            )
            for key, target in targets.items():
                print(
                    f"startup {mode.name} {target.name}: median {median_ms(times[key])}"
                    f" (range {spread_ms(times[key])})"
                )
            ratio_line(f"startup {mode.name} ratio", times["sretui"], times["bare"])


if __name__ == "__main__":
    main()
