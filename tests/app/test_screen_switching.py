"""Switching screens does the least it can: the footer and the drawn table are kept, and what
changed while a screen was hidden (a theme, the keymap) still shows when it comes back."""

from __future__ import annotations

import threading
from pathlib import Path

from conftest import FIXED_NOW

from sretui.app import SreApp
from sretui.services.runtime import Runtime
from sretui.services.workspace import open_workspace
from sretui.sources.demo import DemoSource
from sretui.widgets.budget_table import BudgetTable


def _demo_app(data_dir: Path) -> SreApp:
    workspace = open_workspace(demo=True, data_dir=str(data_dir))
    source = DemoSource(seed=7, clock=lambda: FIXED_NOW)
    return SreApp(Runtime(workspace, clock=lambda: FIXED_NOW, metrics=source), live=False)


async def test_coming_back_keeps_the_footer_keys(data_dir: Path) -> None:
    app = _demo_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        screen = app.screen
        keys = list(screen.query("FooterKey"))
        assert [key.key for key in keys] == ["r", "question_mark", "ctrl+q"]
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert app.screen is screen
        assert list(screen.query("FooterKey")) == keys  # the same widgets, not mounted again


async def test_a_new_keymap_shows_in_the_footer(data_dir: Path) -> None:
    app = _demo_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        app.set_keymap({"budgets.refresh": "f5"})
        await pilot.pause()
        assert [key.key for key in app.screen.query("FooterKey")] == [
            "f5",
            "question_mark",
            "ctrl+q",
        ]


async def test_a_theme_chosen_on_another_screen_shows_on_coming_back(data_dir: Path) -> None:
    app = _demo_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        table = app.screen.query_one(BudgetTable)
        before = table.rich_style
        await pilot.press("2")
        await pilot.pause()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        after = table.rich_style
        assert after != before
        app.screen.update_node_styles()  # styling it again now changes nothing: it was up to date
        await pilot.pause()
        assert table.rich_style == after


async def test_the_backend_thread_ends_with_the_app(data_dir: Path) -> None:
    app = _demo_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        assert any(t.name == "sretui-backend" for t in threading.enumerate())
    assert not any(t.name == "sretui-backend" for t in threading.enumerate())
