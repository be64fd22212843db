"""The incidents screen with real keys: declare, roles, lifecycle, notes, drafts, check-ins."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

from conftest import FIXED_NOW, write
from textual.widgets import DataTable, Static, TextArea

from sretui.app import SreApp, make_app
from sretui.domain.incident import IcsRole, IncidentStatus, Severity, add_note
from sretui.screens.incident_forms import ChoicePrompt, DeclareForm, TextPrompt
from sretui.screens.incident_text import IncidentTextScreen
from sretui.screens.incidents import IncidentsScreen
from sretui.services.incidents import IncidentService
from sretui.store import Store


def _app(config_dir: Path, data_dir: Path, now: list, **kwargs: object) -> SreApp:
    return make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: now[0], **kwargs
    )


async def _declare(pilot, title: str = "Checkout is down") -> None:
    """n, the title, core function down, over 25% of users, ctrl+s: the handful of keys."""
    await pilot.press("n")
    await pilot.pause()
    await pilot.press(*title)
    await pilot.press("tab", "enter", "down", "enter")  # what is broken: core function down
    await pilot.pause()
    await pilot.press("tab", "enter", "down", "down", "down", "enter")  # over 25% of users
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


def _only(app: SreApp):
    [loaded] = app.runtime.incident_service().list(include_closed=True)
    return loaded.incident


async def test_declare_with_a_handful_of_keys(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "No open incidents" in str(app.screen.query_one("#incidents-empty", Static).content)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DeclareForm)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentsScreen)
        await _declare(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        incident = _only(app)
        assert incident.title == "Checkout is down"
        assert incident.severity is Severity.SEV1
        assert incident.commander == "ada"  # the declaring engineer
        assert incident.channel == "#inc-2026-11-23-checkout-is-down"
        detail = str(app.screen.query_one("#incident-detail", Static).content)
        assert "SEV1 DETECTED  Checkout is down" in detail
        assert f"{'Communications Lead':<22}(empty)" in detail
        assert "Next update: in 15:00" in detail


async def test_form_says_what_is_missing(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(app.screen.query_one("#form-error", Static).content) == "A title is needed."
        await pilot.press(*"Search slow", "ctrl+s")
        await pilot.pause()
        assert str(app.screen.query_one("#form-error", Static).content) == (
            "Answer both matrix questions, or pick a severity."
        )


async def test_roles_lifecycle_notes_and_pins(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await _declare(pilot)
        # o: pick Communications Lead, type a name
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePrompt)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"grace", "enter")
        await pilot.pause()
        assert _only(app).holders(IcsRole.COMMUNICATIONS_LEAD) == ("grace",)
        # a: a note
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"rolled back deploy 1234", "enter")
        await pilot.pause()
        assert _only(app).timeline[-1].text == "rolled back deploy 1234"
        # p: pin the note (the newest event is listed first)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        incident = _only(app)
        assert incident.pinned == (incident.timeline[-2].id,)
        # s: mitigated, then resolved (asks for the root cause, opens the resolution notice)
        now[0] = FIXED_NOW + timedelta(minutes=44)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # triaged, responding, mitigated
        await pilot.pause()
        assert _only(app).status is IncidentStatus.MITIGATED
        now[0] = FIXED_NOW + timedelta(minutes=67)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # ... resolved
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"bad config push", "enter")
        await pilot.pause()
        incident = _only(app)
        assert incident.status is IncidentStatus.RESOLVED
        assert incident.root_cause == "bad config push"
        assert isinstance(app.screen, IncidentTextScreen)
        body = app.screen.query_one("#text-body", TextArea).text
        assert "bad config push" in body and "1 h 7 min" in body
        await pilot.press("escape")
        await pilot.pause()
        # s again: going back is a reopen, recorded
        await pilot.press("A", "s")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # mitigated (reopen)
        await pilot.pause()
        incident = _only(app)
        assert incident.status is IncidentStatus.MITIGATED
        assert incident.reopened == 1
        assert "reopen" in incident.timeline[-1].text.lower()


async def test_drafts_copy_save_and_sent_resets_the_check_in(
    config_dir: Path, data_dir: Path
) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await _declare(pilot)
        now[0] = FIXED_NOW + timedelta(minutes=20)  # SEV1: an update was due at 15 min
        screen = app.screen
        screen.tick()
        assert "OVERDUE 5 minutes" in str(screen.query_one("#incident-detail", Static).content)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, IncidentTextScreen)
        body = app.screen.query_one("#text-body", TextArea).text
        assert "Checkout is down" in body and "SEV1" in body and "#inc-2026-11-23" in body
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.clipboard == body
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = data_dir / "exports" / f"{_only(app).id}-internal.txt"
        assert saved.read_text() == body
        assert saved.stat().st_mode & 0o777 == 0o600
        await pilot.press("ctrl+n")  # the next draft: customer-facing
        await pilot.pause()
        assert app.screen.kind == "customer"
        await pilot.press("ctrl+r")
        await pilot.pause()
        incident = _only(app)
        kinds = [e.kind.value for e in incident.timeline[-2:]]
        assert kinds == ["comms_sent", "check_in"]
        assert incident.last_check_in_at == now[0]
        await pilot.press("escape")
        await pilot.pause()
        app.screen.tick()
        assert "in 15:00" in str(app.screen.query_one("#incident-detail", Static).content)


async def test_the_bell_rings_once_when_an_update_falls_due(
    config_dir: Path, data_dir: Path
) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    rings = []
    app.bell = lambda: rings.append(now[0])  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await _declare(pilot)
        screen = app.screen
        now[0] = FIXED_NOW + timedelta(minutes=14, seconds=59)
        screen.tick()
        assert rings == []
        now[0] = FIXED_NOW + timedelta(minutes=15)
        screen.tick()
        screen.tick()
        assert rings == [FIXED_NOW + timedelta(minutes=15)]


async def test_another_process_changes_show_within_two_seconds(
    config_dir: Path, data_dir: Path
) -> None:
    write(config_dir / "sretui.toml", 'user = "ada"\n[refresh]\nstate = 0.5\n')
    service = IncidentService(Store(data_dir), "bob")
    incident = service.declare("Payments slow", severity="SEV2")
    app = make_app(config_dir=str(config_dir), data_dir=str(data_dir))  # live: polling on
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#incidents-table", DataTable)
        assert table.row_count == 1
        # bob, in another process (here: another service on the same files), adds a note
        service.apply(incident.id, add_note, "bob: payments DB failover started")
        other = IncidentService(Store(data_dir), "carol")
        other.declare("Search errors", severity="SEV3")
        start = time.monotonic()
        while time.monotonic() - start < 2.0:
            await asyncio.sleep(0.1)
            if table.row_count == 2:
                break
        assert table.row_count == 2
        detail = str(app.screen.query_one("#incident-detail", Static).content)
        assert "payments DB failover started" in detail


async def test_severity_change_and_action_items(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await _declare(pilot)
        # v: SEV1 -> SEV2 with a reason
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("enter")  # the first choice other than SEV1: SEV2
        await pilot.pause()
        await pilot.press(*"only EU users affected", "enter")
        await pilot.pause()
        incident = _only(app)
        assert incident.severity is Severity.SEV2
        assert "only EU users affected" in incident.timeline[-1].text
        # i: add an action item
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"Add a canary stage for config pushes", "enter")
        await pilot.pause()
        await pilot.press("enter")  # kind: prevent
        await pilot.pause()
        await pilot.press("enter")  # priority: P0
        await pilot.pause()
        await pilot.press(*"team-checkout", "enter")
        await pilot.pause()
        [item] = _only(app).action_items
        assert (item.label, item.type.value, item.priority.value, item.owner) == (
            "AI-001",
            "prevent",
            "P0",
            "team-checkout",
        )
        detail = str(app.screen.query_one("#incident-detail", Static).content)
        assert "AI-001 [open] P0 prevent: Add a canary stage for config pushes" in detail
        # I: mark it done
        await pilot.press("I")
        await pilot.pause()
        await pilot.press("enter")  # the only item
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # open, in-progress, done
        await pilot.pause()
        assert _only(app).action_items[0].status.value == "done"


async def test_every_incident_action_is_in_the_palette(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for action in ("Declare", "Note", "Roles", "Status", "Update", "Severity", "Pin",
                       "Postmortem", "Action item", "Silence alert", "Silences"):  # fmt: skip
            assert f"Incidents: {action}" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"incidents: declare")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DeclareForm)


async def test_trigger_checkboxes_show_their_state_without_colour(
    config_dir: Path, data_dir: Path
) -> None:
    from sretui.screens.incident_forms import Tick

    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "n")
        await pilot.pause()
        box = app.screen.query_one("#trigger-data-loss", Tick)
        assert box.BUTTON_INNER == " "
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value is True and box.BUTTON_INNER == "X"
