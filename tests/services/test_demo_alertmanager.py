"""The demo's synthetic Alertmanager and its seeded incident: alerts follow the demo burn,
silences mute and expire in memory, and the seed folds into one open incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import FIXED_NOW

from sretui.services.alerts import AlertService
from sretui.services.demo_seed import TITLE, seed_demo
from sretui.services.incidents import IncidentService
from sretui.services.workspace import open_workspace
from sretui.sources.alertmanager import Matcher
from sretui.store import Store


def _demo(tmp_path: Path):
    workspace = open_workspace(demo=True, data_dir=str(tmp_path))
    assert workspace.has_alertmanager
    return workspace.alertmanager_source(clock=lambda: FIXED_NOW)


async def test_alerts_follow_the_demo_burn(tmp_path: Path) -> None:
    from sretui.services.budgets import BudgetService
    from sretui.sources.demo import DemoSource

    manager = _demo(tmp_path)
    alerts = await manager.alerts()
    workspace = open_workspace(demo=True, data_dir=str(tmp_path))
    reports = await BudgetService(
        DemoSource(seed=7, clock=lambda: FIXED_NOW), workspace.definitions.slos,
        clock=lambda: FIXED_NOW,
    ).refresh()  # fmt: skip
    firing = {
        (r.slo.name, a.alert.severity, a.alert.long) for r in reports for a in r.alerts if a.firing
    }
    assert firing, "the demo story burns search's budget"
    shown = {(a.labels["slo"], a.labels["severity"], a.labels["long_window"]) for a in alerts}
    assert len(shown) == len(firing)
    assert {s for s, _, _ in shown} == {s for s, _, _ in firing}
    page = next(a for a in alerts if a.labels["severity"] == "page")
    assert page.name == "SearchAvailabilityErrorBudgetBurn"
    assert page.labels["service"] == "search"
    assert page.state == "active" and page.starts_at < FIXED_NOW
    assert "burning its error budget" in page.annotations["summary"]


async def test_silences_mute_and_expire_in_memory(tmp_path: Path) -> None:
    manager = _demo(tmp_path)
    [page, *_] = [a for a in await manager.alerts() if a.labels["severity"] == "page"]
    made = await AlertService(manager).silence(
        page, duration=timedelta(hours=1), comment="INC demo", created_by="ada", now=FIXED_NOW
    )
    assert made.ends_at == FIXED_NOW + timedelta(hours=1)
    assert page.fingerprint not in {a.fingerprint for a in await manager.alerts()}
    muted = {a.fingerprint: a for a in await manager.alerts(silenced=True)}
    assert muted[page.fingerprint].state == "suppressed"
    assert muted[page.fingerprint].silenced_by == (made.silence_id,)
    [silence] = await manager.silences()
    assert (silence.state, silence.created_by, silence.comment) == ("active", "ada", "INC demo")
    await manager.expire_silence(made.silence_id)
    [silence] = await manager.silences()
    assert silence.state == "expired"
    assert page.fingerprint in {a.fingerprint for a in await manager.alerts()}
    only_search = await manager.alerts(filters=[Matcher("service", "search")])
    assert only_search and all(a.labels["service"] == "search" for a in only_search)
    assert await manager.alerts(filters=[Matcher("service", "nope")]) == []


def test_the_demo_opens_with_one_open_incident(tmp_path: Path) -> None:
    now = datetime(2026, 11, 23, 14, 5, 30, tzinfo=UTC)
    incident_id = seed_demo(tmp_path, "demo", now=lambda: now)
    assert incident_id == "INC-20261123-1340-demo"
    [loaded] = IncidentService(Store(tmp_path), "demo").list()
    assert loaded.problems == []
    incident = loaded.incident
    assert (incident.id, incident.title, incident.severity.value) == (incident_id, TITLE, "SEV2")
    assert incident.is_open and incident.status.value == "responding"
    assert incident.commander == "demo"
    assert incident.holders("communications_lead") == ("grace",)
    assert incident.channel == "#inc-2026-11-23-search-results-failing-for-many-users"
    assert len(incident.timeline) == 7
    assert seed_demo(tmp_path, "demo") is None  # never twice


def test_open_workspace_seeds_only_the_throw_away_dir(tmp_path: Path) -> None:
    workspace = open_workspace(demo=True)
    [loaded] = IncidentService(workspace.store(), "x").list()
    assert loaded.incident.title == TITLE
    explicit = open_workspace(demo=True, data_dir=str(tmp_path))
    assert IncidentService(explicit.store(), "x").list() == []
