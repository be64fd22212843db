"""The data dir refuses a write (a full disk, a read-only file, a lock): the CLI says one line
naming the file and exits 1; the app says it in a notification, keeps what was typed, and
keeps running. A row of WRITE_FAULTS is one way a write fails."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from app.pilot_helpers import press
from conftest import FIXED_NOW
from textual.widgets import Input

from sretui.app import make_app
from sretui.cli import main
from sretui.screens.incident_forms import TextPrompt
from sretui.screens.incident_text import IncidentTextScreen
from sretui.services.incidents import IncidentService
from sretui.store import Store
from sretui.store import files as store_files

WRITE_FAULTS = [
    pytest.param(errno.ENOSPC, "No space left on device", id="full-disk"),
    pytest.param(errno.EACCES, "Permission denied", id="read-only"),
    pytest.param(errno.EROFS, "Read-only file system", id="read-only-fs"),
]


@pytest.fixture
def incident_id(data_dir: Path) -> str:
    return (
        IncidentService(Store(data_dir), "ada", clock=lambda: FIXED_NOW)
        .declare("Checkout errors", severity="SEV2")
        .id
    )


def _refuse_writes(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(store_files, "_write_all", refused)
    monkeypatch.setattr(store_files.os, "replace", refused)


@pytest.mark.parametrize(("code", "reason"), WRITE_FAULTS)
def test_cli_says_one_line_naming_the_file(
    code: int,
    reason: str,
    incident_id: str,
    config_dir: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _refuse_writes(monkeypatch, code)
    common = ["--config-dir", str(config_dir), "--data-dir", str(data_dir)]
    for argv in (["note", incident_id, "hello"], ["new", "--title", "x", "--severity", "SEV3"]):
        assert main(["incident", *argv, *common]) == 1
        _, err = capsys.readouterr()
        [line] = err.splitlines()
        assert line.startswith(f"sretui: {data_dir}") and reason in line
    log = (data_dir / "incidents" / f"{incident_id}.jsonl").read_text()
    assert log.count("\n") == 1 and "hello" not in log  # nothing torn, nothing half-written


@pytest.mark.parametrize(("code", "reason"), WRITE_FAULTS)
async def test_app_says_it_keeps_the_note_and_keeps_running(
    code: int,
    reason: str,
    incident_id: str,
    config_dir: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "2")
        _refuse_writes(monkeypatch, code)
        await press(pilot, "a")
        await pilot.press(*"hello")
        await press(pilot, "enter")
        said = " | ".join(str(n.message) for n in app._notifications)
        assert reason in said and f"{incident_id}.jsonl" in said
        await press(pilot, "a")
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.query_one(Input).value == "hello"  # kept, to try again
        await press(pilot, "escape", "u")
        assert isinstance(app.screen, IncidentTextScreen)
        await press(pilot, "ctrl+r", "y")  # mark sent (y: with its [fill in] parts)
        await press(pilot, "ctrl+s")  # save the draft under exports/
        assert app.is_running and app.return_code is None
        said = " | ".join(str(n.message) for n in app._notifications)
        assert said.count(reason) == 3
        assert isinstance(app.screen, IncidentTextScreen)  # the draft is still there to retry
