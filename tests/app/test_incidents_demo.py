"""The demo, as a new user meets it: one open incident and firing alerts from the synthetic
Alertmanager, so every key the help screen lists on the incidents screen does something."""

from __future__ import annotations

from app.pilot_helpers import press, settle
from textual.widgets import DataTable

from sretui.app import make_app
from sretui.keys import SCREEN_KEYS
from sretui.screens.full_text import FullTextScreen
from sretui.screens.incident_forms import ChoicePrompt, Confirm, DeclareForm, TextPrompt
from sretui.screens.incident_text import IncidentTextScreen
from sretui.screens.incidents import IncidentsScreen
from sretui.screens.silences import SilencesScreen
from sretui.services.demo_seed import TITLE

# What each incidents key opens in the demo (or says, for I: no action items yet).
OPENS = {
    "n": DeclareForm,
    "a": TextPrompt,
    "o": ChoicePrompt,
    "s": ChoicePrompt,
    "u": IncidentTextScreen,
    "v": ChoicePrompt,
    "i": TextPrompt,
    "p": ChoicePrompt,
    "P": IncidentTextScreen,
    "d": DeclareForm,
    "x": ChoicePrompt,
    "S": SilencesScreen,
    "t": FullTextScreen,
}


async def test_every_incidents_key_does_something_in_the_demo() -> None:
    app = make_app(demo=True, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        await app.refresh_now("alerts").wait()
        await settle(pilot)
        table = app.screen.query_one("#incidents-table", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[5]) == TITLE
        alerts = app.screen.query_one("#alerts-table", DataTable)
        assert alerts.row_count >= 1
        assert str(alerts.get_row_at(0)[0]) == "SearchAvailabilityErrorBudgetBurn"
        keys = {spec.key for spec in SCREEN_KEYS["incidents"]}
        assert keys == {*OPENS, "I", "A"}
        for key, screen in OPENS.items():
            await press(pilot, key)
            assert isinstance(app.screen, screen), key
            await press(pilot, "escape")
            if isinstance(app.screen, Confirm):  # d: the form was filled from the alert
                await press(pilot, "y")
            assert isinstance(app.screen, IncidentsScreen), key
        await press(pilot, "I")
        assert [n.message for n in app._notifications][-1].startswith("No action items yet")
        await press(pilot, "A")
        assert app.screen.show_all and table.row_count == 1


async def test_silence_a_demo_alert_and_expire_it() -> None:
    app = make_app(demo=True, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        await app.refresh_now("alerts").wait()
        await settle(pilot)
        alerts = app.screen.query_one("#alerts-table", DataTable)
        before = alerts.row_count
        await press(pilot, "x", "enter")  # 30 minutes
        await press(pilot, *"rolling back", "enter", "y")
        incident = app.runtime.incident_service().list()[0].incident
        assert incident.silences and incident.silences[0].comment == "rolling back"
        await app.refresh_now("alerts").wait()
        await settle(pilot)
        states = [str(alerts.get_row_at(i)[2]) for i in range(alerts.row_count)]
        assert alerts.row_count == before and states.count("silenced") == 1
        await press(pilot, "S")
        silences = app.screen.query_one("#silences-table", DataTable)
        assert str(silences.get_row_at(0)[0]) == "active"
        await press(pilot, "e", "y")
        await settle(pilot)
        assert str(silences.get_row_at(0)[0]) == "expired"
