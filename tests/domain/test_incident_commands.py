"""Commands: what they record, and the clear errors for what the rules do not allow."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sretui.domain import incident as inc
from sretui.domain.incident import (
    EventKind,
    IcsRole,
    Incident,
    IncidentError,
    IncidentEvent,
    Severity,
    channel_name,
    check_in_due,
    fold,
    new_incident_id,
    next_check_in,
    slugify,
)

T0 = datetime(2026, 3, 6, 14, 3, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Log:
    def __init__(self, **declare: object) -> None:
        self.rng = random.Random(77)
        options: dict = {
            "by": "alice",
            "at": T0,
            "classification": inc.classify("core", "some"),
        } | declare
        self.events: list[IncidentEvent] = [inc.declare("Checkout errors", rng=self.rng, **options)]

    @property
    def incident(self) -> Incident:
        return fold(self.events)

    def do(self, command, *args, minutes: float = 1, by: str = "alice", **kwargs) -> IncidentEvent:
        event = command(self.incident, *args, by=by, at=at(minutes), rng=self.rng, **kwargs)
        self.events.append(event)
        return event


# --- declaring ---------------------------------------------------------------------------


def test_declare_records_everything() -> None:
    event = inc.declare(
        "  Checkout errors  ",
        by="alice",
        at=datetime(2026, 3, 6, 15, 3, 40, tzinfo=timezone(timedelta(hours=1))),
        services=["checkout", "payments", "checkout"],
        classification=inc.classify("core", "some"),
        impact="EU checkouts fail",
        rng=random.Random(3),
    )
    assert event.kind is EventKind.DECLARED
    assert event.at == datetime(2026, 3, 6, 14, 3, 40, tzinfo=UTC)
    assert event.author == "alice"
    data = event.data
    assert re.fullmatch(r"INC-20260306-1403-[0-9a-hjkmnp-tv-z]{4}", data["incident_id"])
    assert data["title"] == "Checkout errors"
    assert data["services"] == ["checkout", "payments"]
    assert data["severity"] == "SEV2"
    assert data["commander"] == "alice"
    assert data["channel"] == "#inc-2026-03-06-checkout-errors"
    assert data["severity_reason"] == "matrix: core function down, under 25% of users -> SEV2"
    assert data["classification"]["broken"] == "core"
    assert event.text == (
        'Declared SEV2 incident "Checkout errors"; channel #inc-2026-03-06-checkout-errors'
    )
    incident = fold([event])
    assert incident.commander == "alice"
    assert incident.status is inc.IncidentStatus.DETECTED


def test_declare_names_another_commander() -> None:
    event = inc.declare("x", by="alice", at=T0, severity="sev3", commander="bob")
    assert fold([event]).commander == "bob"
    assert "(bob in command)" in event.text
    assert fold([event]).severity_reason == "set to SEV3 by hand"


def test_declare_override_is_recorded_with_the_computed_severity() -> None:
    event = inc.declare(
        "x",
        by="alice",
        at=T0,
        classification=inc.classify("cosmetic", "one"),
        severity="SEV2",
        reason="the launch is today",
    )
    incident = fold([event])
    assert incident.severity is Severity.SEV2
    assert incident.severity_reason == (
        "override: SEV2 instead of the computed SEV4 "
        "(matrix: cosmetic or minor, one user -> SEV4): the launch is today"
    )
    first = incident.severity_history[0]
    assert (first.severity, first.computed, first.override) == (
        Severity.SEV2,
        Severity.SEV4,
        True,
    )
    assert event.data["classification"]["severity"] == "SEV4"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "title must not be empty"),
        ({"title": "two\nlines"}, "title must be one line"),
        ({"title": "bell\x07"}, "title must not contain control characters"),
        ({"title": "x" * 201}, "title is 201 characters long; at most 200"),
        ({"by": ""}, "author must not be empty"),
        ({"classification": None}, "give a severity, or the matrix answers"),
        ({"severity": "SEV7"}, "unknown severity 'SEV7'"),
        ({"severity": "SEV1"}, "SEV1 overrides the computed SEV2: say why"),
        ({"at": datetime(2026, 3, 6, 14, 3)}, "at must be a timezone-aware time"),
        ({"services": ["ok", ""]}, "service must not be empty"),
        ({"commander": " "}, "commander must not be empty"),
    ],
)
def test_declare_rejects(kwargs: dict, message: str) -> None:
    options: dict = {
        "title": "Checkout errors",
        "by": "alice",
        "at": T0,
        "classification": inc.classify("core", "some"),
    } | kwargs
    title = options.pop("title")
    with pytest.raises(IncidentError, match=re.escape(message)):
        inc.declare(title, **options)


def test_incident_ids_are_unique_without_coordination() -> None:
    ids = {new_incident_id(T0) for _ in range(500)}
    assert len(ids) >= 499  # a million suffixes a minute: a clash here is all but impossible
    assert new_incident_id(T0, random.Random(1)) == new_incident_id(T0, random.Random(1))
    assert new_incident_id(at(0.5), random.Random(1)).startswith("INC-20260306-1403-")


# --- channel names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Checkout errors", "checkout-errors"),
        ("Checkout: 5xx spike!!! (EU/US)", "checkout-5xx-spike-eu-us"),
        ("  --Leading & trailing--  ", "leading-trailing"),
        ("Café Crème brûlée", "cafe-creme-brulee"),
        ("Straße für Ærø", "strasse-fur-aero"),
        ("Łódź outage", "lodz-outage"),
        ("支付失败 payments", "payments"),
        ("支付失败", ""),
        ("🔥🔥 fire 🔥", "fire"),
        ("snake_case and CamelCase", "snake-case-and-camelcase"),
        ("ﬁ ligature and ① circled", "fi-ligature-and-1-circled"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slug_of_a_long_title_is_cut_at_a_word() -> None:
    title = "Payments API returns intermittent gateway timeouts for card authorisations in EU"
    slug = slugify(title)
    assert slug == "payments-api-returns-intermittent"
    assert len(slug) <= 40
    assert slugify("a" * 60) == "a" * 40
    assert slugify("word " + "b" * 50) == "word"
    assert slugify("exactly-forty-characters-long-slug-abcde") == (
        "exactly-forty-characters-long-slug-abcde"
    )


def test_channel_name() -> None:
    assert channel_name("Checkout errors", T0) == "#inc-2026-03-06-checkout-errors"
    late = datetime(2026, 3, 7, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert channel_name("x", late) == "#inc-2026-03-06-x"  # dated in UTC
    assert channel_name("支付失败", T0) == "#inc-2026-03-06-incident"


# --- severity changes ----------------------------------------------------------------------


def test_change_severity_from_the_matrix() -> None:
    log = Log()
    event = log.do(inc.change_severity, classification=inc.classify("core", "all"))
    assert event.text == "Severity raised: SEV2 -> SEV1"
    assert event.data == {
        "severity": "SEV1",
        "previous": "SEV2",
        "computed": "SEV1",
        "classification": inc.classify("core", "all").to_json(),
        "override": False,
        "reason": "",
    }


def test_change_severity_override_keeps_both() -> None:
    log = Log()
    event = log.do(
        inc.change_severity,
        classification=inc.classify("degraded", "some"),
        severity="SEV1",
        reason="payments partner escalated",
    )
    assert event.data["computed"] == "SEV3"
    assert event.data["severity"] == "SEV1"
    assert event.data["override"] is True
    assert event.text == (
        "Severity raised: SEV2 -> SEV1 (override; the matrix says SEV3): payments partner escalated"
    )
    incident = log.incident
    assert incident.classification == inc.classify("degraded", "some")
    assert incident.severity_history[-1].override is True
    assert incident.severity_reason.startswith("override: SEV1 instead of the computed SEV3")


def test_change_severity_by_hand() -> None:
    log = Log()
    event = log.do(inc.change_severity, severity="SEV4", reason="one customer only")
    assert event.text == "Severity lowered: SEV2 -> SEV4: one customer only"
    assert log.incident.severity_reason == "set to SEV4 by hand: one customer only"
    assert log.incident.severity_history[-1].computed is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"severity": "SEV2"}, "the incident is already SEV2"),
        ({"classification": inc.classify("core", "some")}, "the incident is already SEV2"),
        ({}, "give a severity, or the matrix answers"),
        (
            {"classification": inc.classify("core", "all"), "severity": "SEV3"},
            "SEV3 overrides the computed SEV1",
        ),
        ({"severity": "SEV1", "reason": "a\nb"}, "reason must be one line"),
    ],
)
def test_change_severity_rejects(kwargs: dict, message: str) -> None:
    with pytest.raises(IncidentError, match=message):
        Log().do(inc.change_severity, **kwargs)


# --- roles -------------------------------------------------------------------------------


def test_assigning_a_single_role_replaces_its_holder() -> None:
    log = Log()
    log.do(inc.assign_role, "ops", "bob")
    event = log.do(inc.assign_role, IcsRole.OPERATIONS_LEAD, "carol")
    assert event.text == "carol is Operations Lead (was bob)"
    assert event.data["previous"] == ["bob"]
    assert log.incident.holders(IcsRole.OPERATIONS_LEAD) == ("carol",)


def test_experts_may_be_many() -> None:
    log = Log()
    log.do(inc.assign_role, "sme", "carol")
    event = log.do(inc.assign_role, "sme", "erin")
    assert event.text == "erin joins as Subject Matter Expert"
    assert log.incident.holders(IcsRole.SUBJECT_MATTER_EXPERT) == ("carol", "erin")
    log.do(inc.clear_role, "sme", person="carol")
    assert log.incident.holders(IcsRole.SUBJECT_MATTER_EXPERT) == ("erin",)


def test_naming_a_commander_hands_over_command() -> None:
    log = Log()
    event = log.do(inc.assign_role, "ic", "bob")
    assert event.text == "Command handed over from alice to bob"
    assert event.data == {
        "role": "incident_commander",
        "person": "bob",
        "previous": ["alice"],
        "handover": True,
    }
    assert log.incident.commander == "bob"


@pytest.mark.parametrize(
    ("setup", "command", "args", "kwargs", "message"),
    [
        ([], inc.assign_role, ("janitor", "bob"), {}, "unknown role 'janitor': expected one of"),
        ([], inc.assign_role, ("ops", " "), {}, "person must not be empty"),
        ([("ops", "bob")], inc.assign_role, ("ops", "bob"), {}, "bob is already Operations Lead"),
        ([], inc.clear_role, ("scribe",), {}, "nobody is Scribe"),
        ([], inc.clear_role, ("ic",), {}, "always has a commander: hand over command"),
        ([], inc.clear_role, ("nope",), {}, "unknown role 'nope'"),
        (
            [("sme", "carol"), ("sme", "erin")],
            inc.clear_role,
            ("sme",),
            {},
            r"2 people are Subject Matter Expert \(carol, erin\): say which",
        ),
        ([("sme", "carol")], inc.clear_role, ("sme",), {"person": "zed"}, "zed is not Subject"),
        ([], inc.hand_over_command, ("alice",), {}, "alice is already the incident commander"),
        ([], inc.assign_role, ("ic", "alice"), {}, "alice is already the incident commander"),
    ],
)
def test_role_commands_reject(setup, command, args, kwargs, message: str) -> None:
    log = Log()
    for role, person in setup:
        log.do(inc.assign_role, role, person)
    with pytest.raises(IncidentError, match=message):
        log.do(command, *args, **kwargs)


def test_ics_warnings() -> None:
    log = Log()
    assert inc.ics_warnings(log.incident) == [
        "no Communications Lead on a SEV2 incident: the commander is doing the updates"
    ]
    log.do(inc.assign_role, "comms", "dave")
    log.do(inc.assign_role, "ops", "alice")
    assert inc.ics_warnings(log.incident) == [
        "alice is both Incident Commander and Operations Lead: "
        "the commander coordinates and does not debug"
    ]
    quiet = Log(classification=inc.classify("cosmetic", "one"))
    assert inc.ics_warnings(quiet.incident) == []


# --- status ------------------------------------------------------------------------------


def test_forward_moves_may_skip_steps() -> None:
    log = Log()
    event = log.do(inc.change_status, "mitigated", note="rolled back")
    assert event.text == "Status: detected -> mitigated (rolled back)"
    assert event.data["reopen"] is False


def test_resolving_needs_a_root_cause() -> None:
    log = Log()
    with pytest.raises(IncidentError, match="to mark it resolved, give the root cause"):
        log.do(inc.change_status, "resolved")
    with pytest.raises(IncidentError, match="to mark it reviewed, give the root cause"):
        log.do(inc.change_status, "reviewed")
    with pytest.raises(IncidentError, match="root cause must be one line"):
        log.do(inc.change_status, "resolved", root_cause="a\nb")
    with pytest.raises(IncidentError, match="root cause must not be empty"):
        log.do(inc.change_status, "resolved", root_cause="  ")
    event = log.do(inc.change_status, "resolved", root_cause="bad deploy")
    assert event.text == "Status: detected -> resolved. Root cause: bad deploy"


def test_root_cause_set_earlier_is_enough_to_resolve() -> None:
    log = Log()
    log.do(inc.set_root_cause, "expired certificate")
    event = log.do(inc.change_status, "resolved")
    assert event.data["root_cause"] is None
    assert log.incident.root_cause == "expired certificate"


def test_going_back_is_a_reopen() -> None:
    log = Log()
    log.do(inc.change_status, "resolved", root_cause="bad deploy", minutes=10)
    event = log.do(inc.change_status, "responding", note="errors are back", minutes=20)
    assert event.text == "Reopened: resolved -> responding (errors are back)"
    assert event.data["reopen"] is True
    # resolving again needs no new root cause
    log.do(inc.change_status, "resolved", minutes=30)
    assert log.incident.resolved_at == at(30)


@pytest.mark.parametrize(
    ("status", "message"),
    [("detected", "the incident is already detected"), ("fixed", "unknown status 'fixed'")],
)
def test_change_status_rejects(status: str, message: str) -> None:
    with pytest.raises(IncidentError, match=message):
        Log().do(inc.change_status, status)


# --- the other commands --------------------------------------------------------------------


def test_notes() -> None:
    log = Log()
    event = log.do(inc.add_note, "  need a DBA  \r\n  on call  ", tag="need")
    assert event.text == "Need: need a DBA\n  on call"
    assert event.data == {"note": "need a DBA\n  on call", "tag": "need"}
    assert log.do(inc.add_note, "plain").data == {"note": "plain", "tag": None}
    with pytest.raises(IncidentError, match="note must not be empty"):
        log.do(inc.add_note, " \n ")
    with pytest.raises(IncidentError, match="unknown note tag 'gossip'"):
        log.do(inc.add_note, "x", tag="gossip")
    with pytest.raises(IncidentError, match="note must not contain control characters"):
        log.do(inc.add_note, "escape \x1b[31m red")


def test_pin_and_unpin() -> None:
    log = Log()
    note = log.do(inc.add_note, "the smoking gun")
    pinned = log.do(inc.pin, note.id)
    assert pinned.text == "Pinned: the smoking gun"
    with pytest.raises(IncidentError, match="already pinned"):
        log.do(inc.pin, note.id)
    with pytest.raises(IncidentError, match="pin the event itself"):
        log.do(inc.pin, pinned.id)
    with pytest.raises(IncidentError, match="no event 'nope' in this incident"):
        log.do(inc.pin, "nope")
    log.do(inc.unpin, note.id)
    assert log.incident.pinned == ()
    with pytest.raises(IncidentError, match="that event is not pinned"):
        log.do(inc.unpin, note.id)


def test_alerts_and_silences_reject_duplicates_and_bad_times() -> None:
    log = Log()
    log.do(inc.link_alert, fingerprint="f1", alertname="HighErrors")
    with pytest.raises(IncidentError, match=r"alert HighErrors \(f1\) is already linked"):
        log.do(inc.link_alert, fingerprint="f1", alertname="HighErrors")
    with pytest.raises(IncidentError, match="starts_at must be a timezone-aware time"):
        log.do(inc.link_alert, fingerprint="f2", alertname="A", starts_at=datetime(2026, 1, 1))
    log.do(inc.record_silence, silence_id="s1", matchers=["a=b"], ends_at=at(60), minutes=1)
    with pytest.raises(IncidentError, match="silence s1 is already recorded"):
        log.do(inc.record_silence, silence_id="s1", matchers=["a=b"], ends_at=at(60))
    with pytest.raises(IncidentError, match="at least one matcher"):
        log.do(inc.record_silence, silence_id="s2", matchers=[], ends_at=at(60))
    with pytest.raises(IncidentError, match="must end after it is created"):
        log.do(inc.record_silence, silence_id="s2", matchers=["a=b"], ends_at=at(1), minutes=1)


def test_comms_check_ins_impact_root_cause_and_postmortem_reject_empty_or_same() -> None:
    log = Log(impact="slow")
    with pytest.raises(IncidentError, match="message must not be empty"):
        log.do(inc.record_comms, "internal", " ")
    with pytest.raises(IncidentError, match="unknown message kind 'fax'"):
        log.do(inc.record_comms, "fax", "hello")
    with pytest.raises(IncidentError, match="status update must not be empty"):
        log.do(inc.post_check_in, "")
    with pytest.raises(IncidentError, match="the impact already says that"):
        log.do(inc.update_impact, "slow")
    log.do(inc.set_root_cause, "cert expired")
    with pytest.raises(IncidentError, match="that is already the root cause"):
        log.do(inc.set_root_cause, "cert expired")
    with pytest.raises(IncidentError, match="postmortem link must not be empty"):
        log.do(inc.record_postmortem, "")


def test_action_items() -> None:
    log = Log()
    event = log.do(
        inc.add_action_item,
        "Alert on pool saturation",
        type="detect",
        owner="bob",
        priority="p0",
        deadline=date(2026, 3, 20),
    )
    assert event.text == "Action item (detect, P0): Alert on pool saturation (owner bob)"
    assert event.data == {
        "type": "detect",
        "description": "Alert on pool saturation",
        "owner": "bob",
        "priority": "P0",
        "deadline": "2026-03-20",
        "status": "open",
        "ticket": "",
    }
    update = log.do(inc.update_action_item, "AI-001", status="done", ticket="OPS-1", owner="bob")
    assert update.data == {"item": event.id, "changes": {"status": "done", "ticket": "OPS-1"}}
    assert update.text == "AI-001 updated: status done, ticket OPS-1"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "blame"}, "unknown action item type 'blame'"),
        ({"type": "prevent", "priority": "P5"}, "unknown priority 'P5'"),
        ({"type": "prevent", "status": "wontfix"}, "unknown action item status 'wontfix'"),
        ({"type": "prevent", "deadline": T0}, "deadline must be a date"),
        ({"type": "prevent", "description": " "}, "description must not be empty"),
    ],
)
def test_add_action_item_rejects(kwargs: dict, message: str) -> None:
    options = {"description": "Add a canary"} | kwargs
    description = options.pop("description")
    with pytest.raises(IncidentError, match=message):
        Log().do(inc.add_action_item, description, **options)


def test_update_action_item_rejects() -> None:
    log = Log()
    log.do(inc.add_action_item, "Add a canary", type="prevent", owner="bob")
    with pytest.raises(IncidentError, match="no action item 'AI-002'"):
        log.do(inc.update_action_item, "AI-002", status="done")
    with pytest.raises(IncidentError, match="AI-001 already says that"):
        log.do(inc.update_action_item, "AI-001", owner="bob")
    with pytest.raises(IncidentError, match="AI-001 already says that"):
        log.do(inc.update_action_item, "AI-001")
    with pytest.raises(IncidentError, match="description must not be empty"):
        log.do(inc.update_action_item, "AI-001", description="")


def test_commands_never_change_the_incident() -> None:
    log = Log()
    before = log.incident
    inc.add_note(before, "x", by="bob", at=at(1))
    inc.change_status(before, "mitigated", by="bob", at=at(1))
    assert log.incident == before
    assert len(log.events) == 1


# --- check-ins -----------------------------------------------------------------------------


def test_sev1_check_in_every_fifteen_minutes() -> None:
    log = Log(classification=inc.classify("core", "all"))
    assert next_check_in(log.incident) == at(15)
    assert check_in_due(log.incident, at(10)) == timedelta(minutes=5)
    assert check_in_due(log.incident, at(22)) == timedelta(minutes=-7)
    log.do(inc.post_check_in, "rolling back", minutes=20)
    assert next_check_in(log.incident) == at(35)
    assert check_in_due(log.incident, at(22)) == timedelta(minutes=13)


def test_sev2_check_in_every_thirty_minutes() -> None:
    log = Log()
    assert next_check_in(log.incident) == at(30)
    log.do(inc.post_check_in, "still looking", minutes=12)
    assert check_in_due(log.incident, at(50)) == timedelta(minutes=-8)


def test_sev3_and_sev4_have_no_check_ins_unless_configured() -> None:
    log = Log(classification=inc.classify("degraded", "some"))
    assert log.incident.severity is Severity.SEV3
    assert next_check_in(log.incident) is None
    assert check_in_due(log.incident, at(500)) is None
    cadence = {Severity.SEV3: timedelta(hours=2)}
    assert next_check_in(log.incident, cadence) == at(120)
    assert check_in_due(log.incident, at(100), cadence) == timedelta(minutes=20)


def test_cadence_follows_the_current_severity_and_stops_when_resolved() -> None:
    log = Log()
    log.do(inc.change_severity, classification=inc.classify("core", "all"), minutes=40)
    # declared 0, no check-in since: a SEV1 is due 15 minutes after the declaration
    assert check_in_due(log.incident, at(41)) == timedelta(minutes=-26)
    log.do(inc.change_status, "mitigated", minutes=42)
    assert next_check_in(log.incident) == at(15)
    log.do(inc.change_status, "resolved", root_cause="x", minutes=43)
    assert next_check_in(log.incident) is None


def test_check_in_due_needs_an_aware_now() -> None:
    with pytest.raises(IncidentError, match="now must be a timezone-aware time"):
        check_in_due(Log().incident, datetime(2026, 3, 6, 14, 10))
