"""The apps the snapshot tests photograph: the demo on a pinned clock, and two incidents with
fixed ids and times. Shared by every tests/test_snapshots*.py file."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from conftest import FIXED_NOW

from sretui.app import SreApp, make_app


def demo_app(dirs: tuple[Path, Path]) -> SreApp:
    from sretui.sources.demo import DemoSource

    return make_app(
        demo=True,
        data_dir=str(dirs[1]),
        clock=lambda: FIXED_NOW,
        live=False,
        metrics=DemoSource(seed=7, clock=lambda: FIXED_NOW),
    )


async def refreshed(pilot) -> None:
    await pilot.app.refresh_now("budgets").wait()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def incident_app(dirs: tuple[Path, Path]) -> SreApp:
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
