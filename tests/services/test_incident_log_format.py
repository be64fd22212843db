"""The on-disk format did not change: a log written by sretui before the typed records (the
fixture in data/, made by the previous domain/incident.py with a seeded random) reads back
identically and folds to the same incident, and today's commands write the same bytes."""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType

from sretui.domain import incident as inc
from sretui.domain.incident import IncidentEvent
from sretui.services.incidents import IncidentService, incident_json
from sretui.store import Store

DATA = Path(__file__).parent / "data"
LOG = DATA / "incident-v1.jsonl"
FOLDED = DATA / "incident-v1.folded.json"
INCIDENT_ID = "INC-20260306-1403-srcb"
T0 = datetime(2026, 3, 6, 14, 3, tzinfo=UTC)


def every_kind(inc: ModuleType) -> list[IncidentEvent]:
    rng = random.Random(99)
    events = [
        inc.declare(
            "Checkout errors \u2013 ünïcode title ß",
            by="alice",
            at=T0,
            services=["checkout", "payments"],
            classification=inc.classify(
                "degraded", "many", ["revenue-impact", "sla-breach-imminent"]
            ),
            severity="SEV1",
            reason="CEO is watching",
            commander="bob",
            impact="slow checkout",
            rng=rng,
        )
    ]

    def do(command, *args, **kwargs):
        minute = len(events)
        at = T0 + timedelta(minutes=minute, seconds=7, microseconds=1234 * minute)
        event = command(inc.fold(events), *args, by="alice", at=at, rng=rng, **kwargs)
        events.append(event)
        return event

    note = do(inc.add_note, 'line one\nline two\u2028still two "quoted" [b]markup[/b]', tag="need")
    do(inc.add_note, "untagged")
    do(inc.change_severity, severity="SEV2", reason="contained")
    do(inc.change_severity, classification=inc.classify("core", "all"))
    do(inc.assign_role, "sme", "carol")
    do(inc.assign_role, "ops", "dave")
    do(inc.clear_role, "sme")
    do(inc.hand_over_command, "alice")
    do(inc.change_status, "mitigated")
    do(inc.change_status, "resolved", root_cause="bad index")
    do(inc.change_status, "responding", note="errors are back")
    do(inc.post_check_in, "all good")
    do(inc.record_comms, "customer", "We are investigating", channel="statuspage")
    do(
        inc.link_alert,
        fingerprint="ab12",
        alertname="HighErrorRate",
        starts_at=T0 - timedelta(minutes=7, seconds=30, microseconds=5),
        labels={"service": "checkout", "severity": "page"},
        summary="5xx at 4%",
    )
    do(inc.link_alert, fingerprint="cd34", alertname="Latency")
    do(
        inc.record_silence,
        silence_id="0f1e",
        matchers=['alertname="HighErrorRate"', 'service="checkout"'],
        ends_at=T0 + timedelta(hours=2),
        comment="during incident",
    )
    do(inc.pin, note.id)
    do(inc.unpin, note.id)
    do(
        inc.add_action_item,
        "Add an index check to CI",
        type="prevent",
        owner="bob",
        priority="P0",
        deadline=date(2026, 3, 20),
        ticket="OPS-12",
    )
    do(inc.add_action_item, "Page on slow queries", type="detect")
    do(inc.update_action_item, "AI-001", status="done", deadline=date(2026, 3, 19))
    do(
        inc.update_action_item,
        "AI-002",
        owner="erin",
        priority="P2",
        type="mitigate",
        description="Alert on p99",
        ticket="OPS-13",
        status="in-progress",
    )
    do(inc.set_root_cause, "Migration dropped an index")
    do(inc.update_impact, "checkout p99 over 5 s")
    do(inc.record_postmortem, "docs/pm/INC.md")
    return events


def test_every_line_reads_back_to_the_same_record() -> None:
    lines = LOG.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 26
    kinds = set()
    for line in lines:
        event = IncidentEvent.from_json(json.loads(line))
        kinds.add(event.kind)
        assert json.dumps(event.to_json(), ensure_ascii=False) == line
    assert kinds == set(inc.EventKind)


def test_the_log_folds_to_the_same_incident(tmp_path: Path) -> None:
    (tmp_path / "incidents").mkdir(mode=0o700)
    shutil.copy(LOG, tmp_path / "incidents" / f"{INCIDENT_ID}.jsonl")
    loaded = IncidentService(Store(tmp_path), "ada").load("srcb")
    assert loaded.problems == []
    got = incident_json(loaded.incident)
    expected = json.loads(FOLDED.read_text(encoding="utf-8"))
    extra = expected.pop("extra")
    assert got == expected
    incident = loaded.incident
    assert [
        [
            *(c.at.isoformat(), c.author, c.severity.value, c.previous and c.previous.value),
            *(c.computed and c.computed.value, c.override, c.reason),
        ]
        for c in incident.severity_history
    ] == extra["severity_history"]
    assert [
        [c.at.isoformat(), c.author, c.status.value, c.previous and c.previous.value, c.reopen]
        for c in incident.status_history
    ] == extra["status_history"]
    assert incident.classification is not None
    assert incident.classification.to_json() == extra["classification"]
    assert [
        [
            *(a.fingerprint, a.alertname, a.starts_at and a.starts_at.isoformat()),
            *(dict(a.labels), a.summary, a.linked_at.isoformat()),
        ]
        for a in incident.alerts
    ] == extra["alerts"]
    assert [
        [
            *(s.silence_id, list(s.matchers), s.ends_at.isoformat(), s.comment),
            *(s.created_at.isoformat(), s.created_by),
        ]
        for s in incident.silences
    ] == extra["silences"]
    assert incident.first_detected_at.isoformat() == extra["first_detected_at"]
    assert [i.key for i in incident.action_items] == extra["action_item_keys"]
    assert (incident.impact, incident.reopened, incident.postmortem_link) == (
        extra["impact"],
        extra["reopened"],
        extra["postmortem_link"],
    )


def test_todays_commands_write_the_same_bytes(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for event in every_kind(inc):
        store.append(f"incidents/{INCIDENT_ID}.jsonl", event.to_json())
    assert (tmp_path / "incidents" / f"{INCIDENT_ID}.jsonl").read_bytes() == LOG.read_bytes()
