"""The postmortem: durations to the minute, due dates that skip weekends, the Markdown draft."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sretui.domain import incident as inc
from sretui.domain.incident import Incident, IncidentEvent, Severity, fold, format_minutes
from sretui.domain.postmortem import (
    DEFAULT_POSTMORTEM_DUE,
    business_days_after,
    draft_postmortem,
    incident_durations,
    postmortem_due,
)

# Friday 6 March 2026, 14:03:20 UTC
T0 = datetime(2026, 3, 6, 14, 3, 20, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Log:
    def __init__(self, **declare: object) -> None:
        self.rng = random.Random(2026)
        options: dict = {
            "by": "alice",
            "at": T0,
            "services": ["checkout", "payments"],
            "classification": inc.classify("core", "some"),
            "impact": "EU customers cannot pay",
        } | declare
        self.events: list[IncidentEvent] = [
            inc.declare("Checkout 5xx | EU", rng=self.rng, **options)
        ]

    @property
    def incident(self) -> Incident:
        return fold(self.events)

    def do(self, command, *args, minutes: float, by: str = "alice", **kwargs) -> IncidentEvent:
        event = command(self.incident, *args, by=by, at=at(minutes), rng=self.rng, **kwargs)
        self.events.append(event)
        return event


def scripted() -> tuple[Log, IncidentEvent]:
    """Alert at 13:51:30, declared 14:03:20, mitigated 14:47:20, reopened, resolved 15:10:50."""
    log = Log()
    log.do(
        inc.link_alert,
        fingerprint="abc",
        alertname="CheckoutBurnRate",
        starts_at=T0 - timedelta(minutes=11, seconds=50),
        minutes=1,
    )
    log.do(inc.assign_role, "comms", "dave", minutes=2)
    log.do(inc.assign_role, "ops", "bob", minutes=2)
    gun = log.do(
        inc.add_note, "pool at 100% | all conns busy", tag="condition", by="bob", minutes=5
    )
    log.do(inc.pin, gun.id, minutes=6)
    log.do(inc.change_status, "mitigated", minutes=44)
    log.do(inc.change_status, "resolved", root_cause="Migration dropped an index", minutes=55)
    log.do(inc.change_status, "responding", note="errors back", minutes=60)
    log.do(inc.change_status, "resolved", minutes=67.5)
    log.do(
        inc.add_action_item,
        "Check query plans in CI",
        type="prevent",
        owner="bob",
        priority="P1",
        deadline=date(2026, 3, 20),
        minutes=70,
    )
    log.do(inc.add_action_item, "Page on pool saturation", type="detect", minutes=71)
    return log, gun


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=45, seconds=59), "45 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(hours=1, minutes=7), "1 h 7 min"),
        (timedelta(days=1, hours=2, minutes=5), "26 h 5 min"),
        (timedelta(minutes=-5), "0 min"),
    ],
)
def test_format_minutes(delta: timedelta, text: str) -> None:
    assert format_minutes(delta) == text


def test_durations_of_the_scripted_incident() -> None:
    durations = incident_durations(scripted()[0].incident)
    assert durations.time_to_detect == timedelta(minutes=11, seconds=50)
    assert durations.time_to_mitigate == timedelta(minutes=44)
    assert durations.time_to_resolve == timedelta(minutes=67, seconds=30)
    assert durations.duration == timedelta(minutes=79, seconds=20)
    assert format_minutes(durations.time_to_detect) == "11 min"
    assert format_minutes(durations.time_to_mitigate) == "44 min"
    assert format_minutes(durations.time_to_resolve) == "1 h 7 min"
    assert format_minutes(durations.duration) == "1 h 19 min"


def test_durations_without_an_alert_or_a_resolution() -> None:
    log = Log()
    durations = incident_durations(log.incident)
    assert durations.time_to_detect == timedelta(0)
    assert (durations.time_to_mitigate, durations.time_to_resolve, durations.duration) == (
        None,
        None,
        None,
    )
    log.do(inc.change_status, "resolved", root_cause="x", minutes=30)
    durations = incident_durations(log.incident)
    assert durations.time_to_mitigate == timedelta(minutes=30)  # resolving also mitigates
    assert durations.duration == durations.time_to_resolve == timedelta(minutes=30)


# --- due dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 6), 5, date(2026, 3, 13)),  # Friday -> next Friday
        (date(2026, 3, 5), 5, date(2026, 3, 12)),  # Thursday -> next Thursday
        (date(2026, 3, 7), 5, date(2026, 3, 13)),  # Saturday -> Friday
        (date(2026, 3, 8), 1, date(2026, 3, 9)),  # Sunday -> Monday
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday -> Monday
        (date(2026, 3, 6), 10, date(2026, 3, 20)),
        (date(2026, 3, 6), 0, date(2026, 3, 6)),
    ],
)
def test_business_days_after(start: date, days: int, expected: date) -> None:
    assert business_days_after(start, days) == expected


def test_due_date_follows_severity_and_skips_the_weekend() -> None:
    log, _ = scripted()  # SEV2, resolved on a Friday
    assert postmortem_due(log.incident) == date(2026, 3, 13)
    log.do(inc.change_severity, severity="SEV3", reason="few users", minutes=80)
    assert postmortem_due(log.incident) == date(2026, 3, 20)
    log.do(inc.change_severity, severity="SEV4", reason="one user", minutes=81)
    assert postmortem_due(log.incident) is None
    assert postmortem_due(log.incident, due_days={Severity.SEV4: 15}) == date(2026, 3, 27)


def test_due_date_counts_from_the_local_day_of_resolution() -> None:
    log = Log(at=datetime(2026, 3, 5, 23, 0, tzinfo=UTC))  # Thursday 23:00 UTC
    log.events.append(
        inc.change_status(
            log.incident,
            "resolved",
            root_cause="x",
            by="alice",
            at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC),
        )
    )
    assert postmortem_due(log.incident) == date(2026, 3, 12)
    plus_two = timezone(timedelta(hours=2))  # already Friday there
    assert postmortem_due(log.incident, tz=plus_two) == date(2026, 3, 13)


def test_no_due_date_while_open() -> None:
    assert postmortem_due(Log().incident) is None
    assert DEFAULT_POSTMORTEM_DUE == {Severity.SEV1: 5, Severity.SEV2: 5, Severity.SEV3: 10}


# --- the draft -----------------------------------------------------------------------------


def test_draft_of_the_scripted_incident() -> None:
    log, gun = scripted()
    incident = log.incident
    text = draft_postmortem(incident, at(180))
    lines = text.splitlines()
    assert lines[0] == "# Postmortem: Checkout 5xx | EU"
    assert f"- Incident: {incident.id} (#inc-2026-03-06-checkout-5xx-eu)" in lines
    assert "- Date: 2026-03-06" in lines
    assert "- Severity: SEV2" in lines
    assert "- Status: draft (generated 2026-03-06 17:03 UTC)" in lines
    assert "- Review due: Fri 2026-03-13 (5 business days)" in lines
    assert "- Duration: 1 h 19 min (79 minutes)" in lines
    assert "- What users saw: EU customers cannot pay" in lines
    assert "- Services: checkout, payments" in lines
    assert "SEV2: matrix: core function down, under 25% of users -> SEV2" in lines
    assert "| Incident Commander | alice |" in lines
    assert "| Communications Lead | dave |" in lines
    assert "| Operations Lead | bob |" in lines
    assert "| Scribe | - |" in lines
    assert "How it was detected: alert (CheckoutBurnRate)" in lines
    assert "| Time to detect | first alert -> declared | 11 min |" in lines
    assert "| Time to mitigate | declared -> first mitigated | 44 min |" in lines
    assert "| Time to resolve | declared -> resolved | 1 h 7 min |" in lines
    assert "| Duration | first detected -> resolved | 1 h 19 min |" in lines
    assert "The incident was reopened 1 time(s); see the timeline." in lines
    assert "Migration dropped an index" in lines
    # the timeline: every event but the pin itself, the pinned one marked, pipes escaped
    start = lines.index("## Timeline (UTC)")
    assert lines[start + 2 : start + 4] == ["| Time | Who | What |", "|---|---|---|"]
    timeline = lines[start + 4 : lines.index("## Root cause") - 1]
    assert len(timeline) == len(incident.timeline) - 1  # all but the pin
    assert (
        "| 2026-03-06 14:08 | bob | **[pinned]** Condition: pool at 100% \\| all conns busy |"
        in (timeline)
    )
    assert not any("Pinned:" in row for row in timeline)
    assert "| 2026-03-06 15:03 | alice | Reopened: resolved -> responding (errors back) |" in (
        timeline
    )
    assert gun.id in incident.pinned
    # action items, with placeholders for what is missing
    assert (
        "| AI-001 | prevent | Check query plans in CI | bob | P1 | 2026-03-20 | open | - |" in lines
    )
    assert (
        "| AI-002 | detect | Page on pool saturation | [fill in: owner] | P1 | "
        "[fill in: deadline] | open | - |" in lines
    )
    for heading in ("## What went well", "## What went wrong", "## Where we got lucky"):
        at_heading = lines.index(heading)
        assert lines[at_heading + 2].startswith("- [fill in: ")
    assert "blameless" in text


def test_draft_of_an_open_incident_says_what_is_not_known_yet() -> None:
    log = Log(classification=inc.classify("cosmetic", "one", ["data-loss"]))
    text = draft_postmortem(log.incident, at(10))
    assert "- Review due: set when the incident is resolved" in text
    assert "| Time to detect | first alert -> declared | 0 min (no linked alert: counted" in text
    assert "| Time to mitigate | declared -> first mitigated | not mitigated yet |" in text
    assert "- Data loss: yes (declared with the data-loss trigger)" in text
    assert "How it was detected: [fill in: alert, user report or manual check]" in text
    assert "| AI-001 | [fill in: prevent, detect, mitigate or process] |" in text


def test_draft_for_a_sev4_says_the_postmortem_is_optional() -> None:
    log = Log(classification=inc.classify("cosmetic", "one"))
    log.do(inc.change_status, "resolved", root_cause="typo", minutes=5)
    assert "- Review due: optional for SEV4" in draft_postmortem(log.incident, at(10))


def test_draft_shows_local_times() -> None:
    log, _ = scripted()
    text = draft_postmortem(log.incident, at(180), tz=timezone(timedelta(hours=1), "CET"))
    assert "## Timeline (CET)" in text
    assert "| 2026-03-06 15:03 | alice | Declared SEV2 incident" in text


def test_severity_history_is_listed_when_it_changed() -> None:
    log = Log()
    log.do(
        inc.change_severity,
        classification=inc.classify("core", "one"),
        severity="SEV1",
        reason="VIP customer",
        minutes=3,
    )
    lines = draft_postmortem(log.incident, at(10)).splitlines()
    assert "- 2026-03-06 14:03: declared SEV2" in lines
    assert "- 2026-03-06 14:06: SEV2 -> SEV1 (override)" in lines
