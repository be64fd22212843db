"""Snapshots of the incidents screens at 80x24 (SSH on a bastion) and 120x40 (a laptop).

The screens read and append in workers: every snapshot waits for them (`settle`), so a busy
machine cannot catch a half-drawn screen. Update after a deliberate change with
`pytest tests/test_snapshots_incidents.py --snapshot-update`, after looking at the SVGs."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from app.pilot_helpers import pressing
from conftest import FIXED_NOW

from sretui.app import make_app

SIZES = [(80, 24), (120, 40)]


def _incident_app(dirs: tuple[Path, Path]):
    """Two incidents with fixed ids and times (seeded rng, pinned clock)."""
    from sretui.domain.incident import add_note, assign_role, classify, pin
    from sretui.services.incidents import IncidentService
    from sretui.store import Store

    config, data = dirs
    rng = random.Random(7)
    at = [FIXED_NOW - timedelta(minutes=25)]
    service = IncidentService(Store(data), "ada", clock=lambda: at[0])
    first = service.declare(
        "Checkout is down",
        services=["checkout", "payments"],
        classification=classify("core", "many"),
        rng=rng,
    )
    at[0] += timedelta(minutes=3)
    service.apply(first.id, assign_role, "comms", "grace", rng=rng)
    at[0] += timedelta(minutes=4)
    service.apply(first.id, add_note, "Rolled back deploy 1234; errors falling", rng=rng)
    note = service.load(first.id).incident.timeline[-1]
    service.apply(first.id, pin, note.id, rng=rng)
    at[0] = FIXED_NOW - timedelta(hours=2)
    service.declare("Search results slow", severity="SEV3", rng=rng)
    return make_app(config_dir=str(config), data_dir=str(data), clock=lambda: FIXED_NOW, live=False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_incidents(snap_compare, snapshot_dirs, size) -> None:
    app = _incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2"), terminal_size=size)


def test_declare_form_answered_with_letters(snap_compare, snapshot_dirs) -> None:
    keys = ("2", "n", *"Checkout is down", "tab", "c", "tab", "m")
    app = _incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing(*keys), terminal_size=(80, 24))


def test_status_starts_on_the_next_state(snap_compare, snapshot_dirs) -> None:
    app = _incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2", "s"), terminal_size=(80, 24))


def test_incident_drafts(snap_compare, snapshot_dirs) -> None:
    app = _incident_app(snapshot_dirs)
    assert snap_compare(app, run_before=pressing("2", "u"), terminal_size=(80, 24))
