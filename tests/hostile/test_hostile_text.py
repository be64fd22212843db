"""Every payload of `payloads.PAYLOADS` through every place sretui shows outside text.

A row of FIELDS is one place: a function that writes an incident log holding the payload
there (as someone with access to a shared data dir could). Each (payload, place) is read back
by the CLI (`incident show`, `incident list`), asserting on what it writes, and by the app
(the incidents screen), asserting on what is on screen and that the app is still running.
A new area adds its places as rows: a writer for its files, and the command and screen that
show them (see docs/threat-model.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from app.pilot_helpers import press
from conftest import FIXED_NOW
from hostile.payloads import PAYLOADS, Payload, forbidden_in
from textual.widgets import DataTable, Static

from sretui.app import make_app
from sretui.cli import main
from sretui.domain.incident import (
    IncidentEvent,
    add_note,
    assign_role,
    declare,
    fold,
    set_root_cause,
)
from sretui.domain.text import has_control

MARK = "HOSTILEMARK"


def _events(field: str) -> list[IncidentEvent]:
    """A small incident log with MARK in `field` (and ordinary text everywhere else)."""
    at = FIXED_NOW - timedelta(minutes=30)
    declared = declare(
        MARK if field == "title" else "Checkout errors",
        by="ada",
        at=at,
        services=[MARK if field == "service" else "checkout"],
        severity="SEV2",
    )
    incident = fold([declared])
    later = at + timedelta(minutes=1)
    return [
        declared,
        add_note(incident, MARK if field == "note" else "looking", by=_by(field), at=later),
        assign_role(
            incident, "operations_lead", MARK if field == "holder" else "carol", by="ada", at=later
        ),
        set_root_cause(
            incident, MARK if field == "root-cause" else "a bad deploy", by="ada", at=later
        ),
    ]


def _by(field: str) -> str:
    return MARK if field == "author" else "bob"


def incident_writer(field: str) -> Callable[[Path, str], str]:
    def write(data_dir: Path, payload: str) -> str:
        events = _events(field)
        incident_id = fold(events).id
        lines = "".join(json.dumps(e.to_json()) + "\n" for e in events)
        lines = lines.replace(MARK, json.dumps(payload)[1:-1])  # JSON-escaped, as a writer would
        folder = data_dir / "incidents"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{incident_id}.jsonl").write_text(lines, encoding="utf-8")
        return incident_id

    return write


# place -> writer(data_dir, payload) -> incident id
FIELDS: dict[str, Callable[[Path, str], str]] = {
    field: incident_writer(field)
    for field in ("title", "note", "author", "service", "holder", "root-cause")
}

CASES = [
    pytest.param(field, payload, id=f"{field}-{payload.name}")
    for field in FIELDS
    for payload in PAYLOADS
]


def _check_written(written: str, payload: Payload) -> None:
    assert forbidden_in(written) == []
    assert "Traceback" not in written
    if payload.kind == "markup":
        assert payload.text in written  # shown as the text it is
    if payload.kind == "bidi":
        assert "<U+" in written  # seen, not obeyed


@pytest.mark.parametrize(("field", "payload"), CASES)
def test_cli_writes_outside_text_as_text(
    field: str,
    payload: Payload,
    config_dir: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    incident_id = FIELDS[field](data_dir, payload.text)
    common = ["--config-dir", str(config_dir), "--data-dir", str(data_dir)]
    show = main(["incident", "show", incident_id[-4:], *common])
    shown = capsys.readouterr()
    listed_code = main(["incident", "list", "--all", *common])
    listed = capsys.readouterr()
    _check_written(shown.out + shown.err, payload)
    assert forbidden_in(listed.out + listed.err) == []
    if has_control(payload.text):
        # sretui never writes a control character: the line is refused, said with its file
        assert "holds a control character" in shown.err + listed.err
        assert f"{incident_id}.jsonl" in shown.err + listed.err
    else:
        assert show == 0 and listed_code == 0


def test_cli_bytes_on_a_real_stdout_hold_no_escape(config_dir: Path, data_dir: Path) -> None:
    """The same, through the console script's real stdout and stderr (bytes, not str)."""
    hostile = "\x1b]52;c;aGVsbG8=\x07 \x1b[2J \u202e [@click=app.quit]q[/]"
    incident_id = FIELDS["note"](data_dir, "[@click=app.quit]q[/] \u202e")
    FIELDS["author"](data_dir, hostile)
    common = ["--config-dir", str(config_dir), "--data-dir", str(data_dir)]
    for argv in (["show", incident_id], ["list", "--all"], ["new", "--severity", hostile]):
        result = subprocess.run(
            [sys.executable, "-m", "sretui", "incident", *argv, *common],
            capture_output=True,
            timeout=60,
        )
        written = result.stdout + result.stderr
        assert b"\x1b" not in written and b"\x07" not in written, written
        assert "\u202e".encode() not in written
        assert b"Traceback" not in written
    assert (
        b"[@click=app.quit]q[/] <U+202E>"
        in subprocess.run(
            [sys.executable, "-m", "sretui", "incident", "show", incident_id, *common],
            capture_output=True,
            timeout=60,
        ).stdout
    )


def _screen_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    table = screen.query_one("#incidents-table", DataTable)
    cells = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
    detail = screen.query_one("#incident-detail", Static)
    return "\n".join([*cells, str(detail.render())])


@pytest.mark.parametrize("field", list(FIELDS))
async def test_app_shows_outside_text_as_text(field: str, config_dir: Path, data_dir: Path) -> None:
    """Every payload at once in one data dir (one incident each), each incident selected."""
    for payload in PAYLOADS:
        FIELDS[field](data_dir, payload.text)
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "2")
        table = app.screen.query_one("#incidents-table", DataTable)
        seen = []
        for _ in range(table.row_count):
            seen.append(_screen_text(app))
            await press(pilot, "down")
        assert app.is_running and app.return_code is None
        written = "\n".join(seen)
        assert forbidden_in(written) == []
        for payload in PAYLOADS:
            if payload.kind == "markup" and not has_control(payload.text):
                assert payload.text in written, payload.name
        assert "<U+202E>" in written


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
async def test_backend_error_in_the_header_tooltip_is_text(
    payload: Payload, config_dir: Path, data_dir: Path
) -> None:
    """A backend's error body (set here as the header's health) goes into the tooltip as
    text: no escape reaches the terminal, markup is not parsed, hovering keeps the app up."""
    from sretui.domain.health import HealthState, HealthStatus
    from sretui.widgets.status_header import StatusHeader

    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(120, 30)) as pilot:
        header = app.screen.query_one(StatusHeader)
        header.health = HealthStatus(HealthState.DOWN, error=f"500: {payload.text}")
        await press(pilot)
        await pilot.hover(StatusHeader)
        await press(pilot)
        tooltip = str(header.tooltip)
        assert forbidden_in(tooltip) == []
        if payload.kind == "markup":
            assert payload.text in tooltip
        assert app.is_running and app.return_code is None
