"""Snapshot tests of each screen at 80x24 (SSH on a bastion) and 120x40 (a laptop).

Update after a deliberate change with `make snapshots`, then look at snapshot_report.html."""

from __future__ import annotations

from pathlib import Path

import pytest
from app.pilot_helpers import pressing
from conftest import FIXED_NOW
from snapshot_apps import demo_app, incident_app, refreshed

from sretui.app import make_app

SIZES = [(80, 24), (120, 40)]


def _app(dirs: tuple[Path, Path]):
    config, data = dirs
    return make_app(config_dir=str(config), data_dir=str(data), clock=lambda: FIXED_NOW, live=False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview(snap_compare, snapshot_dirs, size) -> None:
    assert snap_compare(_app(snapshot_dirs), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, snapshot_dirs, size) -> None:
    assert snap_compare(
        _app(snapshot_dirs), run_before=pressing("question_mark"), terminal_size=size
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview_with_problems(snap_compare, snapshot_dirs, size) -> None:
    config, _ = snapshot_dirs
    (config / "sretui.toml").write_text('user = "ada"\nrefresh = 5\n')
    (config / "runbooks" / "broken.toml").write_text("title = \n")
    assert snap_compare(_app(snapshot_dirs), terminal_size=size)


def test_area_not_built(snap_compare, snapshot_dirs) -> None:
    assert snap_compare(_app(snapshot_dirs), run_before=pressing("5"), terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_budget_detail(snap_compare, snapshot_dirs, size) -> None:
    async def open_search(pilot) -> None:
        await refreshed(pilot)
        await pilot.press("1")
        await pilot.pause()
        table = pilot.app.screen.query_one("#budgets-table")
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=names.index("search-availability"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(demo_app(snapshot_dirs), run_before=open_search, terminal_size=size)


def test_budgets_backend_down(snap_compare, snapshot_dirs) -> None:
    """Numbers kept from before the outage, marked stale, with the error and their age."""
    from datetime import timedelta

    from sretui.sources.demo import DemoSource

    now = [FIXED_NOW]
    outage = (FIXED_NOW + timedelta(minutes=1), FIXED_NOW + timedelta(hours=1))
    app = make_app(
        demo=True,
        data_dir=str(snapshot_dirs[1]),
        clock=lambda: now[0],
        live=False,
        metrics=DemoSource(seed=7, clock=lambda: now[0], outages=[outage]),
    )

    async def go_down(pilot) -> None:
        await refreshed(pilot)
        now[0] = FIXED_NOW + timedelta(minutes=4)
        await refreshed(pilot)
        await pilot.app.refresh_now("health").wait()
        await pilot.pause()

    assert snap_compare(app, run_before=pressing("1", then=go_down), terminal_size=(80, 24))


def test_overview_with_incidents(snap_compare, snapshot_dirs) -> None:
    async def loaded(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(incident_app(snapshot_dirs), run_before=loaded, terminal_size=(80, 24))
