"""The app's refresh loops and lifecycle, as a user meets them."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from textual.widgets import DataTable

from sretui.app import make_app


async def test_demo_budgets_are_read_in_the_first_round(tmp_path: Path) -> None:
    """The first budgets round used to find the metrics client 'made' but not there yet (the
    health probe was still building it) and waited a whole refresh interval for the next."""
    app = make_app(demo=True, data_dir=str(tmp_path))  # live: the real start-up path
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        while app.loops["budgets"].rounds == 0:
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#budgets-table", DataTable)
        assert table.row_count == len(app.runtime.workspace.definitions.slos) > 0


async def test_one_client_however_many_ask_at_once(tmp_path: Path) -> None:
    from sretui.services.runtime import Runtime
    from sretui.services.workspace import open_workspace

    runtime = Runtime(open_workspace(demo=True, data_dir=str(tmp_path)))
    first, second, third = await asyncio.gather(*(runtime.metrics_source() for _ in range(3)))
    assert first is not None and first is second is third
    await runtime.aclose()


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_closing_the_terminal_removes_the_demo_data_dir(tmp_path: Path) -> None:
    """SIGHUP (the terminal or the SSH session went away) ends the app cleanly, so the demo's
    throw-away data dir does not pile up in /tmp."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "TERM": "xterm-256color", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sretui", "--demo"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    try:
        screen = _read_until(leader, b"Quit", timeout=60)
        assert b"Quit" in screen, screen[-2000:]
        names = [p.name for p in temp.iterdir()]
        assert len(names) == 1 and names[0].startswith("sretui-demo-"), names
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            _read_until(leader, b"\x00never", timeout=0.5)  # keep the terminal drained
        assert proc.poll() is not None, "still running 30 s after SIGHUP"
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert list(temp.iterdir()) == []


async def test_a_keymap_clash_is_said_when_the_app_starts(tmp_path: Path) -> None:
    from conftest import write

    config = tmp_path / "config"
    write(config / "sretui.toml", '[keymap]\nbudgets = "2"\n')  # 2 is incidents already
    app = make_app(config_dir=str(config), data_dir=str(tmp_path / "data"), live=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any(line.startswith("[keymap] budgets:") for line in said), said
