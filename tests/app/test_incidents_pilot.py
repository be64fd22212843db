"""The incidents screen with real keys: declare, roles, lifecycle, notes, drafts, check-ins.

Reads and appends run in workers: `pilot_helpers.settle` waits for them (never for a worker
that is waiting on an open dialog), instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from app.pilot_helpers import press, settle
from conftest import FIXED_NOW, write
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static, TextArea

from sretui.app import SreApp, make_app
from sretui.domain.incident import IcsRole, IncidentStatus, Severity, add_note
from sretui.screens.incident_forms import ChoicePrompt, Confirm, DeclareForm, TextPrompt
from sretui.screens.incident_text import IncidentTextScreen
from sretui.screens.incidents import IncidentsScreen
from sretui.services.incidents import IncidentService
from sretui.store import Store

TITLE = "Checkout is down"
# The common case: n, the title, Tab, c (core function down), Tab, m (many users), ctrl+s.
DECLARE_KEYS = ["n", *TITLE, "tab", "c", "tab", "m", "ctrl+s"]


def _app(config_dir: Path, data_dir: Path, now: list, **kwargs: object) -> SreApp:
    return make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: now[0], **kwargs
    )


async def _declare(pilot, title: str = TITLE) -> None:
    await press(pilot, "n")
    await press(pilot, *title, "tab", "c", "tab", "m", "ctrl+s")


def _only(app: SreApp):
    [loaded] = app.runtime.incident_service().list(include_closed=True)
    return loaded.incident


def _detail(app: SreApp) -> str:
    return str(app.screen.query_one("#incident-detail", Static).content)


async def test_declare_takes_six_keys_besides_the_title(config_dir: Path, data_dir: Path) -> None:
    assert len(DECLARE_KEYS) - len(TITLE) == 6
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        assert "No open incidents" in str(app.screen.query_one("#incidents-empty", Static).content)
        await press(pilot, *DECLARE_KEYS)
        assert isinstance(app.screen, IncidentsScreen)
        incident = _only(app)
        assert incident.title == "Checkout is down"
        assert incident.severity is Severity.SEV1
        assert "core function down, over 25% of users" in incident.severity_reason
        assert incident.commander == "ada"  # the declaring engineer
        assert incident.channel == "#inc-2026-11-23-checkout-is-down"
        table = app.screen.query_one("#incidents-table", DataTable)
        assert table.row_count == 1
        detail = _detail(app)
        assert "SEV1 DETECTED  Checkout is down" in detail
        assert f"{'Communications Lead':<22}(empty)" in detail
        assert "Next update: in 15:00" in detail


async def test_a_letter_picks_in_a_closed_choice(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "n", "tab")
        broken = app.screen.query_one("#broken")
        assert broken.has_focus and not broken.expanded
        await press(pilot, "d")
        assert broken.value == "degraded"
        await press(pilot, "tab", "s")
        assert app.screen.query_one("#reach").value == "some"
        assert "Severity SEV3" in str(app.screen.query_one("#severity", Static).content)
        await press(pilot, "shift+tab", "m")  # m: minor or cosmetic
        assert broken.value == "cosmetic"


async def test_form_says_what_is_missing(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "n")
        await press(pilot, "ctrl+s")
        assert str(app.screen.query_one("#form-error", Static).content) == "A title is needed."
        await press(pilot, *"Search slow", "ctrl+s")
        assert str(app.screen.query_one("#form-error", Static).content) == (
            "Answer both matrix questions, or pick a severity."
        )


async def test_a_title_over_200_characters_keeps_the_form_and_every_answer(
    config_dir: Path, data_dir: Path
) -> None:
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "n")
        form = app.screen
        form.query_one("#title", Input).value = "x" * 201
        await press(pilot, "tab", "c", "tab", "m", "ctrl+s")
        assert app.screen is form
        error = str(form.query_one("#form-error", Static).content)
        assert error == "Title is 201 characters long; at most 200"
        assert form.query_one("#broken").value == "core"
        assert form.query_one("#reach").value == "many"
        assert app.runtime.incident_service().list(include_closed=True) == []
        form.query_one("#title", Input).value = "x" * 200
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, IncidentsScreen)
        assert _only(app).title == "x" * 200


async def test_esc_on_a_filled_form_asks_before_discarding(
    config_dir: Path, data_dir: Path
) -> None:
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "n", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, IncidentsScreen)
        await press(pilot, "n", *"Payments down", "tab", "c")
        await press(pilot, "escape")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")  # no: back to the form, answers kept
        assert isinstance(app.screen, DeclareForm)
        assert app.screen.query_one("#title", Input).value == "Payments down"
        assert app.screen.query_one("#broken").value == "core"
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, IncidentsScreen)
        assert app.runtime.incident_service().list(include_closed=True) == []


async def test_roles_lifecycle_notes_and_pins(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        await _declare(pilot)
        # o: pick Communications Lead, type a name
        await press(pilot, "o")
        assert isinstance(app.screen, ChoicePrompt)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, TextPrompt)
        await press(pilot, *"grace", "enter")
        assert _only(app).holders(IcsRole.COMMUNICATIONS_LEAD) == ("grace",)
        # a: a note
        await press(pilot, "a")
        await press(pilot, *"rolled back deploy 1234", "enter")
        assert _only(app).timeline[-1].text == "rolled back deploy 1234"
        # p: pin the note (the newest event is listed first)
        await press(pilot, "p")
        await press(pilot, "enter")
        incident = _only(app)
        assert incident.pinned == (incident.timeline[-2].id,)
        # s: the cursor starts on the next forward state; two downs: mitigated
        now[0] = FIXED_NOW + timedelta(minutes=44)
        await press(pilot, "s")
        assert app.screen.query_one("#choices").highlighted == 0
        assert app.screen.choices[0] == ("triaged", "triaged")
        await press(pilot, "down", "down", "enter")  # triaged, responding, mitigated
        assert _only(app).status is IncidentStatus.MITIGATED
        # s then Enter moves forward (to resolved), never back: reopens are listed last
        now[0] = FIXED_NOW + timedelta(minutes=67)
        await press(pilot, "s")
        assert [v for _, v in app.screen.choices] == [
            "resolved", "reviewed", "responding", "triaged", "detected"
        ]  # fmt: skip
        await press(pilot, "enter")
        assert isinstance(app.screen, TextPrompt)  # the root cause
        await press(pilot, *"bad config push", "enter")
        incident = _only(app)
        assert incident.status is IncidentStatus.RESOLVED
        assert incident.root_cause == "bad config push"
        assert isinstance(app.screen, IncidentTextScreen)
        body = app.screen.query_one("#text-body", TextArea).text
        assert "bad config push" in body and "1 h 7 min" in body
        await press(pilot, "escape")
        # s again: going back is a reopen; it asks first, and asks why
        await press(pilot, "A", "s")
        await press(pilot, "down", "enter")  # reviewed, then mitigated (reopen)
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")
        assert isinstance(app.screen, IncidentsScreen)
        assert _only(app).status is IncidentStatus.RESOLVED
        await press(pilot, "s", "down", "enter", "y")
        assert isinstance(app.screen, TextPrompt)
        await press(pilot, *"errors came back", "enter")
        incident = _only(app)
        assert incident.status is IncidentStatus.MITIGATED
        assert incident.reopened == 1
        last = incident.timeline[-1].text
        assert "reopen" in last.lower() and "errors came back" in last


async def test_the_age_column_ticks(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        await _declare(pilot)
        table = app.screen.query_one("#incidents-table", DataTable)
        assert str(table.get_cell(_only(app).id, "Age")) == "0 seconds"
        now[0] = FIXED_NOW + timedelta(minutes=3, seconds=10)
        app.screen.tick()
        await settle(pilot)
        assert str(table.get_cell(_only(app).id, "Age")) == "3 minutes"


async def test_the_timeline_scrolls_to_every_event(config_dir: Path, data_dir: Path) -> None:
    service = IncidentService(Store(data_dir), "ada", clock=lambda: FIXED_NOW)
    incident = service.declare("Search errors", severity="SEV2")
    for number in range(1, 41):
        service.apply(incident.id, add_note, f"note number {number:02d}")
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        detail = _detail(app)
        assert "note number 01" in detail and "note number 40" in detail
        assert "41 events" in detail
        scroll = app.screen.query_one("#incident-detail-scroll", VerticalScroll)
        assert scroll.size.height >= 8  # fills what the table leaves
        assert scroll.max_scroll_y > 30  # 41 events do not fit: the pane scrolls
        await press(pilot, "tab")
        assert scroll.has_focus
        await press(pilot, "end")
        assert scroll.scroll_y == scroll.max_scroll_y
        await press(pilot, "home")
        assert scroll.scroll_y == 0


def _messages(app: SreApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_drafts_copy_save_and_sent_resets_the_check_in(
    config_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("STY", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        await _declare(pilot)
        now[0] = FIXED_NOW + timedelta(minutes=20)  # SEV1: an update was due at 15 min
        app.screen.tick()
        assert "OVERDUE 5 minutes" in _detail(app)
        await press(pilot, "u")
        assert isinstance(app.screen, IncidentTextScreen)
        body = app.screen.query_one("#text-body", TextArea).text
        assert "Checkout is down" in body and "SEV1" in body and "#inc-2026-11-23" in body
        await press(pilot, "ctrl+o")
        assert app.clipboard == body
        assert "Copied to your terminal's clipboard (OSC 52" in _messages(app)[-1]
        await press(pilot, "ctrl+s")
        saved = data_dir / "exports" / f"{_only(app).id}-internal.txt"
        assert saved.read_text() == body
        assert saved.stat().st_mode & 0o777 == 0o600
        await press(pilot, "ctrl+n")  # not edited: the next draft at once
        assert app.screen.kind == "customer"
        await press(pilot, "ctrl+r")  # the customer draft has [fill in: ...] parts: asks
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")
        assert isinstance(app.screen, IncidentTextScreen)
        assert [e.kind.value for e in _only(app).timeline][-1] != "comms_sent"
        await press(pilot, "ctrl+r", "y")
        incident = _only(app)
        kinds = [e.kind.value for e in incident.timeline[-2:]]
        assert kinds == ["comms_sent", "check_in"]
        assert incident.last_check_in_at == now[0]
        await press(pilot, "escape")
        app.screen.tick()
        assert "in 15:00" in _detail(app)


async def test_an_edited_draft_is_not_dropped_unasked(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        await _declare(pilot)
        await press(pilot, "u")
        await press(pilot, *"Edited: ")
        edited = app.screen.query_one("#text-body", TextArea).text
        assert edited.startswith("Edited: INCIDENT: Checkout is down")
        for key in ("ctrl+n", "escape"):
            await press(pilot, key)
            assert isinstance(app.screen, Confirm), key
            await press(pilot, "n")
            assert isinstance(app.screen, IncidentTextScreen)
            assert app.screen.kind == "internal"
            assert app.screen.query_one("#text-body", TextArea).text == edited
        await press(pilot, "ctrl+n", "y")
        assert app.screen.kind == "customer"
        await press(pilot, "escape")  # not edited: leaves at once
        assert isinstance(app.screen, IncidentsScreen)


async def test_the_bell_rings_once_when_an_update_falls_due(
    config_dir: Path, data_dir: Path
) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    rings = []
    app.bell = lambda: rings.append(now[0])  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
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
        await settle(pilot)
        table = app.screen.query_one("#incidents-table", DataTable)
        assert table.row_count == 1
        # bob, in another process (here: another service on the same files), adds a note
        service.apply(incident.id, add_note, "bob: payments DB failover started")
        other = IncidentService(Store(data_dir), "carol")
        other.declare("Search errors", severity="SEV3")
        start = time.monotonic()
        while time.monotonic() - start < 2.0:
            await asyncio.sleep(0.1)  # polling the real clock: this test is about wall time
            if table.row_count == 2:
                break
        assert table.row_count == 2
        assert "payments DB failover started" in _detail(app)


async def test_severity_change_and_action_items(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        await _declare(pilot)
        # v: SEV1 -> SEV2 with a reason
        await press(pilot, "v")
        await press(pilot, "enter")  # the first choice other than SEV1: SEV2
        await press(pilot, *"only EU users affected", "enter")
        incident = _only(app)
        assert incident.severity is Severity.SEV2
        assert "only EU users affected" in incident.timeline[-1].text
        # i: add an action item, owner decided later (Esc)
        await press(pilot, "i")
        await press(pilot, *"Add a canary stage for config pushes", "enter")
        await press(pilot, "enter")  # kind: prevent
        await press(pilot, "enter")  # priority: P0
        await press(pilot, "escape")  # owner: later
        [item] = _only(app).action_items
        assert (item.label, item.type.value, item.priority.value, item.owner) == (
            "AI-001",
            "prevent",
            "P0",
            "",
        )
        assert "AI-001 [open] P0 prevent: Add a canary stage for config pushes" in _detail(app)
        assert "(no owner yet)" in _detail(app)
        # I: the owner, set later
        await press(pilot, "I", "enter")  # the only item
        await press(pilot, "down", "enter")  # status, owner
        assert isinstance(app.screen, TextPrompt)
        await press(pilot, *"team-checkout", "enter")
        assert _only(app).action_items[0].owner == "team-checkout"
        assert "(team-checkout)" in _detail(app)
        # I: mark it done (the cursor starts on its status now)
        await press(pilot, "I", "enter", "enter")
        await press(pilot, "down", "down", "enter")  # open, in-progress, done
        assert _only(app).action_items[0].status.value == "done"


async def test_no_alertmanager_message_keeps_its_brackets(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "2", "x")
        expected = "No Alertmanager configured ([alertmanager] url in sretui.toml)."
        assert _messages(app)[-1] == expected
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert any(expected in shown for shown in toasts), toasts


async def test_every_incident_action_is_in_the_palette(config_dir: Path, data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _app(config_dir, data_dir, now, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for action in ("Declare", "Note", "Roles", "Status", "Update", "Severity", "Pin",
                       "Postmortem", "Action item", "Silence alert", "Silences"):  # fmt: skip
            assert f"Incidents: {action}" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"incidents: declare")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeclareForm)


async def test_trigger_checkboxes_show_their_state_without_colour(
    config_dir: Path, data_dir: Path
) -> None:
    from sretui.screens.incident_forms import Tick

    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "n")
        box = app.screen.query_one("#trigger-data-loss", Tick)
        assert box.BUTTON_INNER == " "
        box.focus()
        await press(pilot, "space")
        assert box.value is True and box.BUTTON_INNER == "X"


async def test_dialog_keys_follow_the_keymap(config_dir: Path, data_dir: Path) -> None:
    write(config_dir / "sretui.toml", 'user = "ada"\n[keymap]\n"declare.submit" = "ctrl+d"\n')
    app = _app(config_dir, data_dir, [FIXED_NOW], live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "n", *TITLE, "tab", "c", "tab", "m", "ctrl+s")
        assert isinstance(app.screen, DeclareForm)  # ctrl+s no longer declares
        await press(pilot, "ctrl+d")
        assert isinstance(app.screen, IncidentsScreen)
        assert _only(app).title == TITLE
