"""Snapshots of the budgets screens at 80x24 (SSH on a bastion) and 120x40 (a laptop): the
alert level beside the state, columns dropped by priority, the detail's paging sentence.

Update after a deliberate change with `--snapshot-update`, after looking at the SVGs as PNG."""

from __future__ import annotations

import pytest
from app.pilot_helpers import pressing
from snapshot_apps import demo_app, refreshed

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_budgets_page_beside_state(snap_compare, snapshot_dirs, size) -> None:
    """search-availability first with "healthy PAGE"; only the columns that fit."""
    assert snap_compare(
        demo_app(snapshot_dirs), run_before=pressing("1", then=refreshed), terminal_size=size
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_budget_detail_paging(snap_compare, snapshot_dirs, size) -> None:
    """The paging sentence, the built-in policy marked as such, "Paging now"."""

    async def open_search(pilot) -> None:
        await refreshed(pilot)
        pilot.app.open_budget("search-availability")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(demo_app(snapshot_dirs), run_before=open_search, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview_budgets_panel(snap_compare, snapshot_dirs, size) -> None:
    """The worst SLOs with state and alert level in words."""
    assert snap_compare(demo_app(snapshot_dirs), run_before=refreshed, terminal_size=size)


def test_budgets_no_color_still_says_page(snap_compare, snapshot_dirs, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(
        demo_app(snapshot_dirs), run_before=pressing("1", then=refreshed), terminal_size=(80, 24)
    )
