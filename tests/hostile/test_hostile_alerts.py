"""Every payload of `payloads.PAYLOADS` from a real Alertmanager, through every place the app
shows it: the alerts table (name, labels), the silence dialog's border title, the declare form
filled from an alert, and the silences screen (author, matchers, comment).

Alertmanager accepts any UTF-8 in label values, annotations and silence comments, so anyone
who can push an alert (every service's alert rules) or create a silence can put these in
front of the on-call engineer. One alert and one silence per payload, all at once.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from app.pilot_helpers import border_title, press, settle
from conftest import write
from hostile.payloads import PAYLOADS, forbidden_in
from realservers import RunningServer, start_alertmanager
from textual.widgets import DataTable, Input

from sretui.app import make_app
from sretui.screens.incident_forms import ChoicePrompt, DeclareForm
from sretui.screens.silences import SilencesScreen
from sretui.services.workspace import examples_dir


@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_alertmanager(tmp_path_factory.mktemp("alertmanager"))
    try:
        now = datetime.now(UTC)
        alerts = [
            {
                "labels": {
                    "alertname": f"P{i:02d} {p.text}",
                    "service": p.text,
                    "team": f"t {p.text}",
                },
                "annotations": {"summary": p.text, "description": p.text},
                "startsAt": (now - timedelta(minutes=5)).isoformat(),
                "endsAt": (now + timedelta(hours=1)).isoformat(),
            }
            for i, p in enumerate(PAYLOADS)
        ]
        httpx.post(f"{server.url}/api/v2/alerts", json=alerts, timeout=10).raise_for_status()
        for i, p in enumerate(PAYLOADS):
            silence = {
                "matchers": [
                    {"name": "alertname", "value": f"Q{i:02d} {p.text}", "isRegex": False}
                ],
                "startsAt": now.isoformat(),
                "endsAt": (now + timedelta(hours=2)).isoformat(),
                "createdBy": f"by {p.text}",
                "comment": f"why {p.text}",
            }
            posted = httpx.post(f"{server.url}/api/v2/silences", json=silence, timeout=10)
            posted.raise_for_status()
        yield server
    finally:
        server.stop()


def _cells(table: DataTable) -> list[str]:
    return [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]


async def test_alertmanager_text_is_shown_as_text(
    tmp_path: Path, alertmanager: RunningServer
) -> None:
    config = tmp_path / "config"
    shutil.copytree(examples_dir(), config)
    write(config / "sretui.toml", f'user = "ada"\n[alertmanager]\nurl = "{alertmanager.url}"\n')
    app = make_app(config_dir=str(config), data_dir=str(tmp_path / "data"), live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "2")
        await app.refresh_now("alerts").wait()
        await settle(pilot)
        table = app.screen.query_one("#alerts-table", DataTable)
        assert table.row_count == len(PAYLOADS)
        seen = _cells(table)

        table.focus()
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await press(pilot, "x")  # silence: the alert's name in the border title
            assert isinstance(app.screen, ChoicePrompt)
            seen.append(border_title(app))
            await press(pilot, "escape", "d")  # declare from it: the summary as the title
            assert isinstance(app.screen, DeclareForm)
            seen.append(app.screen.query_one("#title", Input).value)
            seen.append(app.screen.query_one("#services", Input).value)
            await press(pilot, "escape")
            assert app.is_running

        await press(pilot, "S")
        assert isinstance(app.screen, SilencesScreen)
        silences = _cells(app.screen.query_one("#silences-table", DataTable))
        assert app.is_running and app.return_code is None

    written = "\n".join([*seen, *silences])
    assert forbidden_in(written) == []
    for payload in PAYLOADS:
        if payload.kind == "markup":
            assert payload.text in "\n".join(seen), payload.name  # name and labels, literally
            assert f"why {payload.text}" in "\n".join(silences), payload.name
    assert "<U+202E>" in "\n".join(seen) and "<U+202E>" in "\n".join(silences)
