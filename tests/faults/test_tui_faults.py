"""Faults of the disk x the writes a screen makes: one table (docs/threat-model.md).

Each row: keys that open the dialog, the text a person types, the keys that submit. With the
disk failing (an injected OSError in the store's one write path), the row asserts:
- a toast names the file and the reason, and the app is still running;
- nothing torn: every line of every log still parses;
- nothing lost: pressing the opening keys again offers what was typed, and once the disk is
  back, submitting saves it.
Add a case by adding a ROW to ROWS."""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from app.pilot_helpers import press
from conftest import FIXED_NOW
from textual.widgets import Checkbox, Input, Select, TextArea

import sretui.store.files as store_files
from sretui.app import make_app
from sretui.screens.incident_forms import DeclareForm, TextPrompt
from sretui.screens.incident_text import IncidentTextScreen

DECLARE = ["n", *"Checkout is down", "tab", "c", "tab", "m", "ctrl+s"]


@dataclass(frozen=True)
class Row:
    name: str
    open_keys: tuple[str, ...]  # up to the text prompt
    typed: str
    submit: tuple[str, ...] = ("enter",)


ROWS = [
    Row("note (a)", ("a",), "rolled back deploy 1234"),
    Row("role (o)", ("o", "down", "enter"), "grace"),
    Row("severity (v)", ("v", "enter"), "only EU users affected"),
    Row("action item (i)", ("i",), "Add a canary stage", ("enter", "enter", "enter", "escape")),
]

FAULTS = [
    ("ENOSPC", "No space left on device"),
    ("EROFS", "Read-only file system"),
    ("EACCES", "Permission denied"),
]


class Disk:
    """The store's one write path (`_write_all`, used by every append and every replace),
    failing with `errno` while `broken` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
        self.broken = False
        real = store_files._write_all

        def write_all(fd: int, data: bytes) -> None:
            if self.broken:
                raise OSError(code, os.strerror(code))
            real(fd, data)

        monkeypatch.setattr(store_files, "_write_all", write_all)


def _log_lines_parse(data_dir: Path) -> None:
    for log in data_dir.rglob("*.jsonl"):
        raw = log.read_bytes()
        assert not raw or raw.endswith(b"\n"), f"{log}: torn"
        for line in raw.decode().splitlines():
            assert isinstance(json.loads(line), dict)


def _toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize(("code", "reason"), FAULTS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
async def test_a_failed_write_is_said_and_what_was_typed_is_kept(
    row: Row,
    code: str,
    reason: str,
    config_dir: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    disk = Disk(monkeypatch, getattr(errno, code))
    app = make_app(config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        await press(pilot, *DECLARE)
        [loaded] = app.runtime.incident_service().list(include_closed=True)
        log = data_dir / "incidents" / f"{loaded.incident.id}.jsonl"
        before = log.read_bytes()

        disk.broken = True
        await press(pilot, *row.open_keys)
        assert isinstance(app.screen, TextPrompt)
        await press(pilot, *row.typed, *row.submit)
        assert app.is_running
        toast = _toasts(app)[-1]
        assert str(log) in toast and reason in toast, toast
        assert log.read_bytes() == before
        _log_lines_parse(data_dir)

        disk.broken = False
        await press(pilot, *row.open_keys)
        assert app.screen.query_one(Input).value == row.typed
        await press(pilot, *row.submit)
        assert row.typed in log.read_text()


@pytest.mark.parametrize(("code", "reason"), FAULTS)
@pytest.mark.parametrize(
    ("keys", "what"),
    [(("ctrl+r", "y"), "comms_sent"), (("ctrl+s",), "export")],
    ids=["sent", "save"],
)
async def test_a_draft_that_cannot_be_saved_or_marked_sent_stays_in_the_editor(
    keys: tuple[str, ...],
    what: str,
    code: str,
    reason: str,
    config_dir: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    disk = Disk(monkeypatch, getattr(errno, code))
    app = make_app(config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        await press(pilot, *DECLARE)
        await press(pilot, "u")
        assert isinstance(app.screen, IncidentTextScreen)
        editor = app.screen.query_one("#text-body", TextArea)
        editor.text = editor.text + "\nedited by hand"
        body = editor.text

        disk.broken = True
        await press(pilot, *keys)
        assert app.is_running
        assert isinstance(app.screen, IncidentTextScreen)
        assert app.screen.query_one("#text-body", TextArea).text == body
        toast = _toasts(app)[-1]
        assert str(data_dir) in toast and reason in toast, toast
        _log_lines_parse(data_dir)

        disk.broken = False
        await press(pilot, *keys)
        if what == "comms_sent":
            [loaded] = app.runtime.incident_service().list(include_closed=True)
            assert "comms_sent" in [e.kind.value for e in loaded.incident.timeline]
        else:
            [saved] = (data_dir / "exports").glob("[!.]*")
            assert saved.read_text() == body


@pytest.mark.parametrize(("code", "reason"), FAULTS)
async def test_a_declare_the_disk_refused_keeps_every_answer(
    code: str, reason: str, config_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = Disk(monkeypatch, getattr(errno, code))
    app = make_app(config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        disk.broken = True
        await press(pilot, "n", *"Checkout is down", "tab", "c", "tab", "m")
        await press(pilot, "tab", "space", "ctrl+s")  # with the first trigger ticked
        assert app.is_running
        toast = _toasts(app)[-1]
        assert str(data_dir) in toast and reason in toast and "kept" in toast, toast
        assert not list(data_dir.rglob("*.jsonl"))

        disk.broken = False
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, DeclareForm)
        assert form.query_one("#title", Input).value == "Checkout is down"
        assert form.query_one("#broken", Select).value == "core"
        assert form.query_one("#reach", Select).value == "many"
        assert [t.value for t in form.query(Checkbox)].count(True) == 1
        await press(pilot, "ctrl+s")
        [loaded] = app.runtime.incident_service().list(include_closed=True)
        assert loaded.incident.title == "Checkout is down"
        await press(pilot, "n")  # declared: the next form starts empty
        assert app.screen.query_one("#title", Input).value == ""
