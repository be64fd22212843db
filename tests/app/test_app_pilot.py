"""The app driven with real key presses (Textual Pilot)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from conftest import FIXED_NOW, write
from textual.command import CommandPalette
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static

from sretui.app import SreApp, make_app
from sretui.screens.budgets import BudgetsScreen
from sretui.screens.help import HelpScreen
from sretui.screens.incidents import IncidentsScreen
from sretui.screens.not_built import NotBuiltScreen
from sretui.screens.overview import OverviewScreen
from sretui.sources.base import BackendUnavailable, InstantResult, RangeResult
from sretui.widgets.status_header import StatusHeader


def _text(app: SreApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def _app(config_dir: Path, data_dir: Path, **kwargs: object) -> SreApp:
    return make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, **kwargs
    )


async def test_number_keys_switch_areas(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, BudgetsScreen)
        assert app.screen.query_one(StatusHeader).area_title == "Error budgets"
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, IncidentsScreen)
        expected = {
            "3": "Runbooks: not built yet",
            "4": "Handoff: not built yet",
            "5": "Toil: not built yet",
            "6": "Game day: not built yet",
        }
        for key, title in expected.items():
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, NotBuiltScreen)
            assert _text(app, "#not-built-title") == title
            header = app.screen.query_one(StatusHeader)
            assert header.area_title == title.split(":")[0]
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


async def test_first_screen_is_the_overview_without_a_switch(
    config_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overview is the app's first screen, not a blank default screen switched away from:
    that switch parsed the whole stylesheet twice more before the first frame (about 80 ms of
    the demo's start-up on a pseudo-terminal)."""
    reparses: list[None] = []
    reparse = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        reparses.append(None)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert app.current_mode == "overview"
        assert len(app.screen_stack) == 1
        assert len(reparses) <= 1, f"{len(reparses)} stylesheet reparses before the first frame"
        await pilot.press("1", "0")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


async def test_not_built_screen_says_what_was_loaded(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert _text(app, "#not-built-loaded") == "1 game-day plan defined."


async def test_overview_panels_and_header(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert str(screen.query_one("#problems-ok", Static).content) == (
            f"All 4 definition files are valid. Data: {data_dir}"
        )
        assert screen.query_one("#panel-budgets").border_title == "1 Error budgets"
        header = screen.query_one(StatusHeader)
        assert header.on_call == "on call: ada (2nd grace)"
        assert header.health_text.plain == "backend none"
        assert header.clock_text == FIXED_NOW.astimezone().strftime("%H:%M:%S")


async def test_overview_lists_problems_instead_of_crashing(
    config_dir: Path, data_dir: Path
) -> None:
    write(config_dir / "sretui.toml", 'user = "ada"\n[prometheus]\nurl = 9090\n')
    broken = write(config_dir / "runbooks" / "broken.toml", "title = \n")
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        problems = app.screen.query_one("#problems")
        assert problems.border_title == "2 problems in definition files (sretui check)"
        assert _text(app, "#problems-list").splitlines() == [
            f"{config_dir / 'sretui.toml'}:3: prometheus.url: expected a string, got the number "
            "9090",
            f"{broken}:1: invalid TOML: Invalid value",
        ]
        # The areas whose files are fine still open.
        await pilot.press("3")
        await pilot.pause()
        assert _text(app, "#not-built-loaded") == "2 runbooks defined."


async def test_help_shows_every_key_and_closes(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", Static).content
        rows = list(zip(*(col.cells for col in table.columns), strict=True))  # type: ignore[attr-defined]
        shown = {(str(k), str(d), str(i)) for k, d, i in rows if str(i)}
        assert shown >= {
            ("0", "Overview", "overview"),
            ("1", "Budgets", "budgets"),
            ("6", "Game day", "gameday"),
            ("?", "Help", "help"),
            ("^p", "Commands", "command_palette"),
            ("^q", "Quit", "quit"),
        }
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


async def test_command_palette_reaches_every_area(config_dir: Path, data_dir: Path) -> None:
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"go to toil")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.current_mode == "toil"
        assert _text(app, "#not-built-title") == "Toil: not built yet"


async def test_keymap_from_settings_remaps_keys(config_dir: Path, data_dir: Path) -> None:
    write(config_dir / "sretui.toml", '[keymap]\nbudgets = "b"\nhelp = "f1"\n')
    app = _app(config_dir, data_dir, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.current_mode == "overview"  # "1" no longer switches
        await pilot.press("b")
        await pilot.pause()
        assert app.current_mode == "budgets"
        assert isinstance(app.screen, BudgetsScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


class FlakySource:
    """A backend that answers, then hangs, then refuses: faults no real server gives on demand."""

    description = "flaky://test"

    def __init__(self) -> None:
        self.mode = "ok"

    async def probe(self) -> None:
        if self.mode == "hang":
            await asyncio.sleep(3600)
        if self.mode == "down":
            raise BackendUnavailable("connection refused", url=self.description)

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        return InstantResult()

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        return RangeResult()

    async def aclose(self) -> None:
        return None


async def test_header_health_goes_stale_and_recovers(config_dir: Path, data_dir: Path) -> None:
    (config_dir / "sretui.toml").write_text(
        '[prometheus]\nurl = "http://127.0.0.1:9"\ntimeout = 0.2\n'
    )
    source = FlakySource()
    now = [FIXED_NOW]
    app = make_app(
        config_dir=str(config_dir),
        data_dir=str(data_dir),
        clock=lambda: now[0],
        live=False,
        metrics=source,
    )

    async def check_health() -> None:
        await app.loops["health"].run().wait()
        await pilot.pause()  # the header hears the signal on its next message

    async with app.run_test(size=(80, 24)) as pilot:
        header = app.screen.query_one(StatusHeader)
        await check_health()
        assert header.health_text.plain == "backend ok"
        source.mode = "hang"
        now[0] = FIXED_NOW.replace(second=42)
        await check_health()
        assert header.health_text.plain == "backend stale 42s"
        source.mode = "down"
        now[0] = FIXED_NOW.replace(minute=15)
        await check_health()
        assert header.health_text.plain == "backend down"
        assert str(header.tooltip) == "flaky://test: connection refused"
        source.mode = "ok"
        await check_health()
        assert header.health_text.plain == "backend ok"
        await pilot.press("2")  # a screen opened later shows the same state
        await pilot.pause()
        assert app.screen.query_one(StatusHeader).health_text.plain == "backend ok"
