"""Time to first screen: `sretui --demo` against a bare Textual app with a Header and Footer.

Each run is a fresh interpreter on a real pseudo-terminal (80x24), exiting on Textual's `Ready`
event (sent once the first frame is on screen). Prints the median of several interleaved runs of
each and their ratio. Goal: ratio <= 1.3.

    .venv/bin/python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time

BARE = """
from textual.app import App
from textual.widgets import Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()

    def on_ready(self):
        self.exit()

Bare().run()
"""

SRETUI = """
from sretui.app import SreApp
from sretui.cli import build_parser
from sretui.services.workspace import open_workspace

class FirstScreen(SreApp):
    def on_ready(self):
        self.exit()

args = build_parser().parse_args(["--demo"])
FirstScreen(open_workspace(demo=True)).run()
"""


def time_once(code: str) -> float:
    """Seconds from spawning the interpreter to its exit after the first frame."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    code_ = proc.wait(timeout=60)
    elapsed = time.perf_counter() - start
    os.close(slave)
    os.close(master)
    if code_ != 0:
        raise SystemExit(f"benchmark child exited with {code_}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    time_once(BARE)  # warm the file cache and bytecode for both before measuring
    time_once(SRETUI)
    bare: list[float] = []
    ours: list[float] = []
    for _ in range(args.runs):
        bare.append(time_once(BARE))
        ours.append(time_once(SRETUI))
    bare_median = statistics.median(bare)
    ours_median = statistics.median(ours)
    ratio = ours_median / bare_median
    print(f"bare Textual app (Header+Footer): median {bare_median * 1000:.0f} ms over {args.runs}")
    print(f"sretui --demo, first screen:      median {ours_median * 1000:.0f} ms over {args.runs}")
    print(f"ratio: {ratio:.2f}x (goal <= 1.30x) {'OK' if ratio <= 1.3 else 'OVER'}")


if __name__ == "__main__":
    main()
