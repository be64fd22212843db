"""Outside text that looks like Textual markup (`[/full]`, `[@click=app.quit]`) is shown as
it is, everywhere the incidents screens put it: table cells, the detail, dialog border titles
and bodies, option lists, notifications, the drafts and silences screens. Before, `[/full]` in
an alert name crashed the app with a MarkupError when it reached a border title."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from app.pilot_helpers import border_title, press, settle
from conftest import FIXED_NOW
from textual.widgets import DataTable, OptionList, Static

from sretui.app import make_app
from sretui.screens.incident_forms import ChoicePrompt, Confirm, TextPrompt
from sretui.screens.incident_text import IncidentTextScreen
from sretui.screens.silences import SilencesScreen
from sretui.services.workspace import Workspace
from sretui.sources.alertmanager import Alert, Matcher, Silence

MARK = "[/full] [@click=app.quit]q[/]"


class MarkupAlertmanager:
    """An Alertmanager whose every string is markup-like."""

    def __init__(self) -> None:
        self.made: list[Silence] = []

    async def alerts(self, **_: object) -> list[Alert]:
        return [
            Alert(
                fingerprint="f1",
                labels={"alertname": f"Burn{MARK}", "service": MARK},
                annotations={"summary": f"Summary {MARK}"},
                starts_at=FIXED_NOW - timedelta(minutes=7),
                ends_at=None,
                state="active",
            )
        ]

    async def silences(self) -> list[Silence]:
        return self.made

    async def create_silence(self, matchers: tuple[Matcher, ...], **kwargs: object) -> str:
        self.made.append(
            Silence(
                id="s1",
                matchers=tuple(matchers),
                starts_at=FIXED_NOW,
                ends_at=kwargs["ends_at"],  # type: ignore[arg-type]
                created_by=f"ada{MARK}",
                comment=str(kwargs["comment"]),
                state="active",
            )
        )
        return "s1"

    async def expire_silence(self, silence_id: str) -> None:
        pass

    async def aclose(self) -> None:
        pass


def _toasts(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def _row(table: DataTable, index: int = 0) -> list[str]:
    return [str(cell) for cell in table.get_row_at(index)]


async def test_markup_in_outside_text_is_shown_as_text_everywhere(
    config_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = MarkupAlertmanager()
    monkeypatch.setattr(Workspace, "has_alertmanager", property(lambda self: True))
    monkeypatch.setattr(Workspace, "alertmanager_source", lambda self, clock=None: manager)
    monkeypatch.delenv("TMUX", raising=False)
    now = [FIXED_NOW]
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: now[0], live=False
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "2")
        await app.refresh_now("alerts").wait()
        await settle(pilot)
        alerts = app.screen.query_one("#alerts-table", DataTable)
        assert _row(alerts)[0] == f"Burn{MARK}" and MARK in _row(alerts)[3]

        # d: declare from the alert; its summary is the title; a markup commander too
        await press(pilot, "d")
        assert str(app.screen.query_one("#title").value) == f"Summary {MARK}"
        app.screen.query_one("#commander").value = f"grace{MARK}"
        await press(pilot, "tab", "c", "tab", "m", "ctrl+s")
        table = app.screen.query_one("#incidents-table", DataTable)
        assert _row(table)[5] == f"Summary {MARK}" and _row(table)[4] == f"grace{MARK}"
        detail = str(app.screen.query_one("#incident-detail", Static).content)
        assert f"Summary {MARK}" in detail and f"grace{MARK}" in detail
        assert any(f"IC grace{MARK}" in toast for toast in _toasts(app))

        # a: a note; p lists it; o: a role holder with markup in the name
        await press(pilot, "a")
        app.screen.query_one("#prompt-input").value = f"note {MARK}"
        await press(pilot, "enter")
        await press(pilot, "p")
        options = app.screen.query_one(OptionList)
        assert MARK in str(options.get_option_at_index(0).prompt)
        await press(pilot, "escape", "o", "down", "enter")
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("#prompt-input").value = f"linus{MARK}"
        await press(pilot, "enter")
        assert f"linus{MARK}" in str(app.screen.query_one("#incident-detail", Static).content)

        # x: the alert name goes into a border title, the labels into the confirmation
        await press(pilot, "x")
        assert isinstance(app.screen, ChoicePrompt)
        assert border_title(app) == f"Silence Burn{MARK} for"
        await press(pilot, "enter")
        app.screen.query_one("#prompt-input").value = f"why {MARK}"
        await press(pilot, "enter")
        assert isinstance(app.screen, Confirm)
        body = str(app.screen.query_one("#choice-body", Static).content)
        assert f"service={MARK}" in body and f"why {MARK}" in body
        await press(pilot, "y")
        assert any(f"Silenced Burn{MARK} until" in toast for toast in _toasts(app))

        # S: the silence's author, matchers and comment
        await press(pilot, "S")
        assert isinstance(app.screen, SilencesScreen)
        row = _row(app.screen.query_one("#silences-table", DataTable))
        assert row[2] == f"ada{MARK}" and row[4] == f"why {MARK}" and "[/full]" in row[3]
        await press(pilot, "e")
        assert MARK not in border_title(app)  # a fixed title, the id in the body
        await press(pilot, "n", "escape")

        # u: the drafts screen; the bell's toast names the title
        await press(pilot, "u")
        assert isinstance(app.screen, IncidentTextScreen)
        assert f"Summary {MARK}" in app.screen.body
        await press(pilot, "escape")
        now[0] = FIXED_NOW + timedelta(minutes=16)
        app.screen.tick()
        await settle(pilot)
        assert any(f"Summary {MARK}: a status update is due" in t for t in _toasts(app))
        assert app.is_running  # nothing crashed, [@click=app.quit] quit nothing
