"""Replaying an incident's log: a realistic sequence, concurrent writers, broken logs."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sretui.domain import incident as inc
from sretui.domain.incident import (
    EventKind,
    IcsRole,
    Incident,
    IncidentError,
    IncidentEvent,
    IncidentStatus,
    Severity,
    fold,
)

T0 = datetime(2026, 3, 6, 14, 3, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Log:
    """An incident log built by the command functions, as a service would."""

    def __init__(self, **declare: object) -> None:
        self.rng = random.Random(1234)
        options: dict = {
            "by": "alice",
            "at": T0,
            "services": ["checkout"],
            "classification": inc.classify("core", "some"),
        } | declare
        self.events: list[IncidentEvent] = [inc.declare("Checkout errors", rng=self.rng, **options)]

    @property
    def incident(self) -> Incident:
        return fold(self.events)

    def do(self, command, *args, minutes: float, by: str = "alice", **kwargs) -> IncidentEvent:
        event = command(self.incident, *args, by=by, at=at(minutes), rng=self.rng, **kwargs)
        self.events.append(event)
        return event


def realistic() -> tuple[Log, dict[str, IncidentEvent]]:
    log = Log(impact="EU customers cannot pay")
    marks = {}
    log.do(inc.assign_role, "ops", "bob", minutes=2)
    log.do(inc.assign_role, "comms", "dave", minutes=2)
    log.do(inc.assign_role, "sme", "carol", minutes=3)
    log.do(inc.assign_role, "sme", "erin", minutes=3)
    log.do(inc.change_status, "triaged", minutes=4)
    log.do(
        inc.change_severity,
        classification=inc.classify("core", "many"),
        minutes=5,
    )
    marks["pool"] = log.do(inc.add_note, "DB pool exhausted", tag="condition", by="bob", minutes=6)
    log.do(inc.add_note, "rolling back 1.42", tag="action", by="bob", minutes=7)
    log.do(inc.pin, marks["pool"].id, minutes=8)
    log.do(inc.change_status, "responding", minutes=9)
    log.do(inc.post_check_in, "Rolling back", by="dave", minutes=15)
    log.do(inc.change_status, "mitigated", minutes=31)
    log.do(inc.change_status, "resolved", root_cause="Migration dropped an index", minutes=50)
    log.do(inc.change_status, "responding", note="errors are back", minutes=58)
    log.do(inc.clear_role, "sme", person="erin", minutes=59)
    log.do(inc.change_status, "mitigated", minutes=64)
    log.do(inc.change_status, "resolved", minutes=80)
    return log, marks


def test_fold_of_a_realistic_sequence() -> None:
    log, marks = realistic()
    incident = log.incident
    assert incident.id.startswith("INC-20260306-1403-")
    assert incident.title == "Checkout errors"
    assert incident.services == ("checkout",)
    assert incident.channel == "#inc-2026-03-06-checkout-errors"
    assert incident.declared_at == T0
    assert incident.declared_by == "alice"
    assert incident.impact == "EU customers cannot pay"
    assert incident.severity is Severity.SEV1
    assert incident.severity_reason == "matrix: core function down, over 25% of users -> SEV1"
    assert [(c.previous, c.severity) for c in incident.severity_history] == [
        (None, Severity.SEV2),
        (Severity.SEV2, Severity.SEV1),
    ]
    assert incident.status is IncidentStatus.RESOLVED
    assert [(c.at, c.status, c.reopen) for c in incident.status_history] == [
        (at(0), IncidentStatus.DETECTED, False),
        (at(4), IncidentStatus.TRIAGED, False),
        (at(9), IncidentStatus.RESPONDING, False),
        (at(31), IncidentStatus.MITIGATED, False),
        (at(50), IncidentStatus.RESOLVED, False),
        (at(58), IncidentStatus.RESPONDING, True),
        (at(64), IncidentStatus.MITIGATED, False),
        (at(80), IncidentStatus.RESOLVED, False),
    ]
    assert incident.reopened == 1
    assert incident.mitigated_at == at(31)  # the first mitigation
    assert incident.resolved_at == at(80)  # the final resolution
    assert incident.reviewed_at is None
    assert incident.root_cause == "Migration dropped an index"
    assert incident.roles == {
        IcsRole.INCIDENT_COMMANDER: ("alice",),
        IcsRole.COMMUNICATIONS_LEAD: ("dave",),
        IcsRole.OPERATIONS_LEAD: ("bob",),
        IcsRole.SUBJECT_MATTER_EXPERT: ("carol",),
        IcsRole.SCRIBE: (),
    }
    assert incident.commander == "alice"
    assert incident.pinned == (marks["pool"].id,)
    assert [e.text for e in incident.pinned_events] == ["Condition: DB pool exhausted"]
    assert incident.last_check_in_at == at(15)
    assert incident.timeline == tuple(log.events)
    assert len(incident.timeline) == 18
    assert not incident.is_open


def test_reopened_incident_has_no_resolution_time() -> None:
    log, _ = realistic()
    log.events = log.events[:15]  # up to the reopening at minute 58
    incident = log.incident
    assert incident.status is IncidentStatus.RESPONDING
    assert incident.resolved_at is None
    assert incident.mitigated_at == at(31)
    assert incident.is_open
    assert incident.timeline[-1].text == "Reopened: resolved -> responding (errors are back)"


def test_review_and_reopen_from_review() -> None:
    log, _ = realistic()
    log.do(inc.change_status, "reviewed", minutes=3000)
    assert log.incident.reviewed_at == at(3000)
    assert log.incident.resolved_at == at(80)
    log.do(inc.change_status, "resolved", minutes=3001)
    assert log.incident.reviewed_at is None
    assert log.incident.resolved_at == at(80)  # still resolved, since then
    assert log.incident.reopened == 2


def test_fold_keeps_log_order_not_time_order() -> None:
    # Two writers: bob's event was built first (earlier time) but appended second.
    log = Log()
    base = log.incident
    alice = inc.change_status(base, "mitigated", by="alice", at=at(10), rng=log.rng)
    bob = inc.change_status(base, "responding", by="bob", at=at(9), rng=log.rng)
    log.events += [alice, bob]
    incident = log.incident
    assert incident.status is IncidentStatus.RESPONDING  # the last line wins
    assert [e.author for e in incident.timeline] == ["alice", "alice", "bob"]
    # bob's "previous" said detected, but replay compares with the folded status
    assert incident.status_history[-1].previous is IncidentStatus.MITIGATED
    assert incident.status_history[-1].reopen is True
    assert incident.mitigated_at == at(10)


def test_concurrent_duplicates_are_harmless() -> None:
    log = Log()
    log.do(inc.assign_role, "scribe", "sam", minutes=1)
    seen = log.incident
    first = inc.clear_role(seen, "scribe", by="alice", at=at(2), rng=log.rng)
    second = inc.clear_role(seen, "scribe", by="bob", at=at(2), rng=log.rng)
    note = log.do(inc.add_note, "x", minutes=3)
    seen = log.incident
    pins = [inc.pin(seen, note.id, by=who, at=at(4), rng=log.rng) for who in ("a", "b")]
    items = [
        inc.add_action_item(seen, f"item {n}", type="detect", by="a", at=at(5), rng=log.rng)
        for n in (1, 2)
    ]
    log.events += [first, second, *pins, *items]
    incident = log.incident
    assert incident.holders(IcsRole.SCRIBE) == ()
    assert incident.pinned == (note.id,)
    # both items survive; the log order numbers them
    assert [(i.label, i.description) for i in incident.action_items] == [
        ("AI-001", "item 1"),
        ("AI-002", "item 2"),
    ]
    assert len(incident.timeline) == 9


def test_handover_and_action_item_updates_fold() -> None:
    log = Log()
    added = log.do(inc.add_action_item, "Alert on pool saturation", type="detect", minutes=1)
    log.do(inc.hand_over_command, "bob", minutes=2)
    log.do(inc.update_action_item, "ai-001", status="in-progress", owner="carol", minutes=3)
    log.do(inc.update_action_item, added.id, priority="P0", minutes=4)
    incident = log.incident
    assert incident.commander == "bob"
    item = incident.action_items[0]
    assert (item.key, item.owner, item.status.value, item.priority.value, item.type.value) == (
        added.id,
        "carol",
        "in-progress",
        "P0",
        "detect",
    )


def test_alerts_silences_comms_and_postmortem_fold() -> None:
    log = Log()
    log.do(
        inc.link_alert,
        fingerprint="f2",
        alertname="Late",
        starts_at=at(5),
        minutes=6,
    )
    log.do(
        inc.link_alert,
        fingerprint="f1",
        alertname="Early",
        starts_at=at(-12),
        labels={"service": "checkout"},
        minutes=7,
    )
    log.do(
        inc.record_silence,
        silence_id="s-1",
        matchers=['alertname="Early"'],
        ends_at=at(120),
        minutes=8,
    )
    log.do(inc.record_comms, "internal", "INCIDENT: ...", channel="#incidents", minutes=9)
    log.do(inc.record_postmortem, "https://wiki/pm/1", minutes=10)
    log.do(inc.update_impact, "All EU checkouts fail", minutes=11)
    incident = log.incident
    assert [a.alertname for a in incident.alerts] == ["Late", "Early"]
    assert incident.alerts[1].labels == {"service": "checkout"}
    assert incident.first_alert_at == at(-12)
    assert incident.first_detected_at == at(-12)
    assert incident.silences[0].ends_at == at(120)
    assert incident.silences[0].created_by == "alice"
    assert incident.postmortem_link == "https://wiki/pm/1"
    assert incident.impact == "All EU checkouts fail"
    assert incident.last_check_in_at is None  # a sent message is not a check-in


def test_alert_after_declaration_does_not_move_detection() -> None:
    log = Log()
    log.do(inc.link_alert, fingerprint="f", alertname="A", starts_at=at(3), minutes=4)
    assert log.incident.first_detected_at == T0


def test_fold_rejects_an_empty_log() -> None:
    with pytest.raises(IncidentError, match="it is empty"):
        fold([])


def test_fold_rejects_a_log_that_does_not_start_with_a_declaration() -> None:
    log = Log()
    note = log.do(inc.add_note, "x", minutes=1)
    with pytest.raises(IncidentError, match="must start with a 'declared' event, not 'note'"):
        fold([note, *log.events])


def test_fold_rejects_two_declarations() -> None:
    one, two = Log(), Log()
    with pytest.raises(IncidentError, match="second 'declared' event"):
        fold([*one.events, *two.events])


def test_fold_accepts_any_iterable() -> None:
    log, _ = realistic()
    assert fold(iter(log.events)) == fold(log.events)


def test_events_round_tripped_through_json_fold_the_same() -> None:
    log, _ = realistic()
    again = [IncidentEvent.from_json(e.to_json()) for e in log.events]
    assert fold(again) == log.incident
    assert {e.kind for e in log.events} >= {
        EventKind.DECLARED,
        EventKind.NOTE,
        EventKind.SEVERITY_CHANGED,
        EventKind.ROLE_ASSIGNED,
        EventKind.ROLE_CLEARED,
        EventKind.STATUS_CHANGED,
        EventKind.CHECK_IN,
        EventKind.PINNED,
    }
