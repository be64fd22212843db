"""Copying: OSC 52 outside tmux (wrapped for GNU screen), tmux's own buffer inside tmux, and a
toast that says where the text went. The tmux test starts a private tmux server with default
settings (`-f /dev/null`) and reads the buffer back; it is skipped when tmux is not installed."""

import base64
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXED_NOW

from sretui.services.clipboard import clipboard_route, osc52, tmux_load_buffer

TEXT = "INC 🔥 #inc-2026-11-23-checkout [fill in: when]"
B64 = base64.b64encode(TEXT.encode()).decode()


def test_plain_terminal() -> None:
    assert clipboard_route({"TERM": "xterm-256color"}) == "terminal"
    assert osc52(TEXT) == f"\x1b]52;c;{B64}\x07"


def test_gnu_screen() -> None:
    assert clipboard_route({"STY": "123.pts-0", "TERM": "screen"}) == "screen"
    assert osc52(TEXT, screen=True) == f"\x1bP\x1b]52;c;{B64}\x07\x1b\\"


def test_inside_tmux_the_text_goes_to_tmux() -> None:
    assert clipboard_route({"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen"}) == "tmux"


@pytest.fixture
def tmux_server() -> Iterator[dict[str, str]]:
    """A private tmux server with default settings; yields the environment of a program
    running inside it (TMUX set as tmux sets it)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    name = f"sretui-test-{uuid.uuid4().hex[:8]}"
    base = ["tmux", "-L", name, "-f", "/dev/null"]
    subprocess.run([*base, "new-session", "-d", "-x", "80", "-y", "24"], check=True, timeout=10)
    try:
        socket, pid = (
            subprocess.run(
                [*base, "display-message", "-p", "#{socket_path} #{pid}"],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            )
            .stdout.strip()
            .split()
        )
        env = {**os.environ, "TMUX": f"{socket},{pid},0", "TMUX_SERVER": name}
        yield env
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, timeout=10)


def _show_buffer(env: dict[str, str]) -> str:
    return subprocess.run(
        ["tmux", "-L", env["TMUX_SERVER"], "show-buffer"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout


def test_tmux_load_buffer_with_default_settings(tmux_server: dict[str, str]) -> None:
    result = tmux_load_buffer(TEXT, env=tmux_server)
    assert result.ok, result.message
    assert "tmux's paste buffer" in result.message
    assert _show_buffer(tmux_server) == TEXT


async def test_ctrl_o_inside_tmux_lands_in_tmux_buffer(
    tmux_server: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.pilot_helpers import settle

    from sretui.app import make_app
    from sretui.services.incidents import IncidentService
    from sretui.store import Store

    monkeypatch.setenv("TMUX", tmux_server["TMUX"])
    data = tmp_path / "data"
    IncidentService(Store(data), "ada", clock=lambda: FIXED_NOW).declare(
        "Checkout is down", severity="SEV1"
    )
    app = make_app(
        config_dir=str(tmp_path), data_dir=str(data), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        body = app.screen.query_one("#text-body").text
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert _show_buffer(tmux_server) == body
        assert app.clipboard == body
        messages = [n.message for n in app._notifications]
        assert messages[-1].startswith("Copied to tmux's paste buffer"), messages


async def test_outside_tmux_the_toast_says_osc_52(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sretui.app import make_app

    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("STY", "123.pts-0")
    app = make_app(config_dir=str(tmp_path), data_dir=str(tmp_path), live=False)
    async with app.run_test() as pilot:
        app.copy_to_clipboard(TEXT)
        await pilot.pause()
        assert app.clipboard == TEXT
        messages = [n.message for n in app._notifications]
        assert messages == [
            "Copied to your terminal's clipboard through GNU screen (OSC 52; the terminal "
            "must allow it)."
        ]
