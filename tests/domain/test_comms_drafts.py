"""Communication drafts: each carries the incident's facts, and placeholders for the rest."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sretui.domain import incident as inc
from sretui.domain.comms import (
    customer_status,
    internal_notification,
    resolution_notice,
    tactical_update,
)
from sretui.domain.incident import Incident, IncidentError, IncidentEvent, Severity, fold

T0 = datetime(2026, 3, 6, 14, 3, 20, tzinfo=UTC)  # a Friday


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Log:
    def __init__(self, **declare: object) -> None:
        self.rng = random.Random(11)
        options: dict = {
            "by": "alice",
            "at": T0,
            "services": ["checkout", "payments"],
            "classification": inc.classify("core", "all"),
            "impact": "EU checkouts fail with 503",
        } | declare
        self.events: list[IncidentEvent] = [
            inc.declare("DB pool exhaustion on checkout-db", rng=self.rng, **options)
        ]

    @property
    def incident(self) -> Incident:
        return fold(self.events)

    def do(self, command, *args, minutes: float, by: str = "alice", **kwargs) -> IncidentEvent:
        event = command(self.incident, *args, by=by, at=at(minutes), rng=self.rng, **kwargs)
        self.events.append(event)
        return event


def test_internal_notification() -> None:
    log = Log()
    log.do(inc.assign_role, "comms", "dave", minutes=1)
    incident = log.incident
    assert internal_notification(incident, at(4)) == "\n".join(
        [
            "INCIDENT: DB pool exhaustion on checkout-db",
            f"Id: {incident.id}",
            "Severity: SEV1",
            "Services: checkout, payments",
            "Impact: EU checkouts fail with 503",
            "Status: Investigating",
            "IC: alice",
            "Comms: dave",
            "Channel: #inc-2026-03-06-db-pool-exhaustion-on-checkout-db",
            "Next update: 2026-03-06 14:22 UTC (every 15 minutes)",
        ]
    )


def test_internal_notification_placeholders_and_local_time() -> None:
    log = Log(services=[], impact="", classification=inc.classify("degraded", "some"))
    log.do(inc.change_status, "mitigated", minutes=3)
    text = internal_notification(log.incident, at(4), tz=timezone(timedelta(hours=1), "CET"))
    lines = text.splitlines()
    assert "Services: [fill in: services affected]" in lines
    assert "Impact: [fill in: who and what is affected]" in lines
    assert "Status: Mitigated, root cause investigation ongoing" in lines
    assert "Next update: [fill in: when]" in lines  # SEV3 has no cadence
    assert not any(line.startswith("Comms:") for line in lines)
    sev2 = Log(classification=inc.classify("core", "some"))
    assert internal_notification(
        sev2.incident, at(4), tz=timezone(timedelta(hours=1), "CET")
    ).endswith("Next update: 2026-03-06 15:37 CET (every 30 minutes)")


def test_customer_status_while_investigating() -> None:
    log = Log()
    text = customer_status(log.incident, at(5))
    assert text == "\n".join(
        [
            "checkout, payments - Investigating",
            "",
            "We are currently investigating reports of [fill in: the symptom, in customers' "
            "words]. Some users may experience [fill in: what users may notice; internally: "
            "EU checkouts fail with 503]. Our team is actively working on a resolution.",
            "We will provide an update within 15 minutes.",
        ]
    )
    # the internal title never reaches customers
    assert "DB pool" not in text


def test_customer_status_when_mitigated_and_resolved() -> None:
    log = Log(classification=inc.classify("core", "some"))
    log.do(inc.change_status, "mitigated", minutes=20)
    mitigated = customer_status(log.incident, at(21))
    assert mitigated.splitlines()[0] == "checkout, payments - Monitoring a fix"
    assert "We will provide an update within 30 minutes." in mitigated
    log.do(
        inc.link_alert,
        fingerprint="f",
        alertname="Burn",
        starts_at=T0 - timedelta(minutes=10),
        minutes=22,
    )
    log.do(inc.change_status, "resolved", root_cause="pool too small", minutes=40)
    resolved = customer_status(log.incident, at(41))
    assert resolved.splitlines()[0] == "checkout, payments - Resolved"
    assert "Between 2026-03-06 13:53 UTC and 2026-03-06 14:43 UTC" in resolved
    assert "pool too small" not in resolved


def test_tactical_update_from_notes_since_the_last_check_in() -> None:
    log = Log()
    log.do(inc.add_note, "old condition", tag="condition", by="bob", minutes=2)
    log.do(inc.post_check_in, "first update", by="dave", minutes=10)
    log.do(inc.add_note, "pool at 100%\nreplica lag 30 s", tag="condition", by="bob", minutes=12)
    log.do(inc.add_note, "failing over to replica", tag="action", by="bob", minutes=13)
    log.do(inc.add_note, "untagged chatter", by="erin", minutes=14)
    log.do(
        inc.record_silence,
        silence_id="s1",
        matchers=['alertname="Burn"'],
        ends_at=at(120),
        minutes=15,
    )
    log.do(inc.change_status, "responding", minutes=16)
    incident = log.incident
    assert tactical_update(incident, at(20)) == "\n".join(
        [
            f"TACTICAL UPDATE: DB pool exhaustion on checkout-db ({incident.id})",
            "As of 2026-03-06 14:23 UTC: SEV1, Responding, IC alice "
            "(since the update at 2026-03-06 14:13 UTC)",
            "",
            "Conditions:",
            "- 14:15 bob: pool at 100%",
            "  replica lag 30 s",
            "",
            "Actions:",
            "- 14:16 bob: failing over to replica",
            '- 14:18 alice: Silenced alertname="Burn" until 2026-03-06 16:03 UTC',
            "- 14:19 alice: Status: detected -> responding",
            "",
            "Needs:",
            "- [fill in: what we need, or 'nothing']",
            "",
            "Next update: 2026-03-06 14:38 UTC (every 15 minutes)",
        ]
    )


def test_tactical_update_with_nothing_recorded() -> None:
    text = tactical_update(Log().incident, at(3))
    assert "(since the declaration)" in text
    assert "Conditions:\n- [fill in: what we see now]" in text
    assert "Actions:\n- [fill in: what we are doing, and who]" in text
    assert "Needs:\n- [fill in: what we need, or 'nothing']" in text


def test_resolution_notice() -> None:
    log = Log()
    log.do(
        inc.link_alert,
        fingerprint="f",
        alertname="Burn",
        starts_at=T0 - timedelta(minutes=4, seconds=30),
        minutes=1,
    )
    log.do(inc.change_status, "mitigated", minutes=30)
    log.do(inc.change_status, "resolved", root_cause="Pool sized for last year's peak", minutes=62)
    incident = log.incident
    assert resolution_notice(incident) == "\n".join(
        [
            "RESOLVED: DB pool exhaustion on checkout-db",
            f"Id: {incident.id}",
            "Duration: 1 h 6 min",  # 13:58:50 -> 15:05:20
            "Impact: EU checkouts fail with 503",
            "Root cause: Pool sized for last year's peak",
            "Postmortem: [fill in: link] (due Fri 2026-03-13, 5 business days)",
        ]
    )
    log.do(inc.record_postmortem, "https://wiki/pm/42", minutes=70)
    log.do(inc.change_severity, severity="SEV4", reason="one tenant", minutes=71)
    assert resolution_notice(log.incident).endswith(
        "Postmortem: https://wiki/pm/42 (optional for SEV4)"
    )
    assert resolution_notice(log.incident, due_days={Severity.SEV4: 2}).endswith(
        "(due Tue 2026-03-10, 2 business days)"
    )


def test_resolution_notice_needs_a_resolved_incident() -> None:
    with pytest.raises(IncidentError, match="is detected, not resolved"):
        resolution_notice(Log().incident)


def test_drafts_add_no_markup_only_placeholders() -> None:
    log = Log(impact="", services=[])
    incident = log.incident
    for text in (
        internal_notification(incident, at(1)),
        customer_status(incident, at(1)),
        tactical_update(incident, at(1)),
    ):
        brackets = re.findall(r"\[[^\]]*\]", text)
        assert brackets
        assert all(b.startswith("[fill in: ") for b in brackets), brackets
        assert "\x1b" not in text


def test_outside_text_is_passed_through_verbatim() -> None:
    # showing it safely (as Text, markup=False) is the screen's job
    incident = Log(impact="[bold]red[/] users").incident
    assert "Impact: [bold]red[/] users" in internal_notification(incident, at(1))
