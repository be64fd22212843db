"""Snapshots of the incidents screens at 80x24 (SSH on a bastion) and 120x40 (a laptop).

The screens read and append in workers: every snapshot waits for them (`settle`), so a busy
machine cannot catch a half-drawn screen. Update after a deliberate change with
`pytest tests/test_snapshots_incidents.py --snapshot-update`, after looking at the SVGs."""

from __future__ import annotations

import pytest
from app.pilot_helpers import pressing
from snapshot_apps import incident_app

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_incidents(snap_compare, snapshot_dirs, size) -> None:
    app = incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2"), terminal_size=size)


def test_declare_form_answered_with_letters(snap_compare, snapshot_dirs) -> None:
    keys = ("2", "n", *"Checkout is down", "tab", "c", "tab", "m")
    app = incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing(*keys), terminal_size=(80, 24))


def test_status_starts_on_the_next_state(snap_compare, snapshot_dirs) -> None:
    app = incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2", "s"), terminal_size=(80, 24))


def test_incident_drafts(snap_compare, snapshot_dirs) -> None:
    app = incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2", "u"), terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_full_text(snap_compare, snapshot_dirs, size) -> None:
    app = incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2", "t"), terminal_size=size)
