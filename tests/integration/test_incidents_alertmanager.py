"""The incidents screen against a real Alertmanager: see a firing alert, declare an incident
from it, silence it (after confirming), and expire the silence, all with keys."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from conftest import write
from realservers import RunningServer
from textual.widgets import DataTable

from sretui.app import make_app
from sretui.screens.incident_forms import ChoicePrompt, DeclareForm, TextPrompt
from sretui.screens.silences import SilencesScreen
from sretui.services.workspace import examples_dir


async def _wait_for(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _post_alert(url: str, name: str) -> None:
    now = datetime.now(UTC)
    alert = {
        "labels": {"alertname": name, "service": "checkout", "severity": "page"},
        "annotations": {"summary": "Checkout error budget burning 14x"},
        "startsAt": (now - timedelta(minutes=7)).isoformat(),
        "endsAt": (now + timedelta(hours=1)).isoformat(),
    }
    httpx.post(f"{url}/api/v2/alerts", json=[alert]).raise_for_status()


async def test_declare_from_an_alert_then_silence_and_expire(
    tmp_path: Path, alertmanager: RunningServer
) -> None:
    config = tmp_path / "config"
    shutil.copytree(examples_dir(), config)
    write(config / "sretui.toml", f'user = "ada"\n[alertmanager]\nurl = "{alertmanager.url}"\n')
    name = f"CheckoutBurn{tmp_path.name[-6:]}"
    _post_alert(alertmanager.url, name)
    app = make_app(config_dir=str(config), data_dir=str(tmp_path / "data"), live=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("2")
        await app.refresh_now("alerts").wait()
        await pilot.pause()
        table = app.screen.query_one("#alerts-table", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert name in names
        table.move_cursor(row=names.index(name))
        row = [str(c) for c in table.get_row_at(names.index(name))]
        assert row[1] == "7 minutes" and row[2] == "active" and "service=checkout" in row[3]

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DeclareForm)
        assert app.screen.query_one("#title").value == "Checkout error budget burning 14x"
        await pilot.press("tab", "enter", "down", "enter", "tab", "enter", "down", "down", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _wait_for(lambda: len(app.runtime.incident_service().list()) == 1)
        [loaded] = app.runtime.incident_service().list()
        incident = loaded.incident
        assert [a.alertname for a in incident.alerts] == [name]
        assert incident.services == ("checkout",)

        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        await pilot.press("down", "enter")  # 1h
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"mitigating, see incident", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)  # the confirmation
        await pilot.press("enter")
        await _wait_for(
            lambda: any(
                e.kind.value == "silence_created"
                for e in app.runtime.incident_service().load(incident.id).incident.timeline
            )
        )
        client = await app.runtime.alertmanager()
        assert client is not None
        silences = [s for s in await client.silences() if s.comment == "mitigating, see incident"]
        assert len(silences) == 1 and silences[0].state == "active"
        assert silences[0].created_by == "ada"

        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SilencesScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        silence_table = app.screen.query_one("#silences-table", DataTable)
        keys = [
            silence_table.coordinate_to_cell_key((i, 0)).row_key.value
            for i in range(silence_table.row_count)
        ]
        silence_table.move_cursor(row=keys.index(silences[0].id))
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # yes, expire
        silence_id = silences[0].id

        async def expired() -> bool:
            return any(s.id == silence_id and s.state == "expired" for s in await client.silences())

        for _ in range(50):
            if await expired():
                break
            await asyncio.sleep(0.1)
        assert await expired()
