"""Events as JSON lines: exact round trips for every kind, and clear errors for bad records."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sretui.domain import incident as inc
from sretui.domain.incident import EventKind, IncidentEvent, fold, new_event_id
from sretui.domain.text import has_control

T0 = datetime(2026, 3, 6, 14, 3, tzinfo=UTC)


def every_kind() -> list[IncidentEvent]:
    rng = random.Random(99)
    events = [
        inc.declare(
            "Checkout errors",
            by="alice",
            at=T0,
            services=["checkout", "payments"],
            classification=inc.classify("degraded", "many", ["revenue-impact"]),
            severity="SEV1",
            reason="CEO is watching",
            commander="bob",
            impact="slow checkout",
            rng=rng,
        )
    ]

    def do(command, *args, **kwargs) -> IncidentEvent:
        minute = len(events)
        event = command(
            fold(events), *args, by="alice", at=T0 + timedelta(minutes=minute), rng=rng, **kwargs
        )
        events.append(event)
        return event

    note = do(inc.add_note, "line one\nline two\u2028still two", tag="need")
    do(inc.change_severity, severity="SEV2", reason="contained")
    do(inc.assign_role, "sme", "carol")
    do(inc.clear_role, "sme")
    do(inc.hand_over_command, "alice")
    do(inc.change_status, "resolved", root_cause="bad index")
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
    do(inc.update_action_item, "AI-001", status="done", deadline=date(2026, 3, 19))
    do(inc.set_root_cause, "Migration dropped an index")
    do(inc.update_impact, "checkout p99 over 5 s")
    do(inc.record_postmortem, "docs/pm/INC.md")
    return events


EVENTS = every_kind()


def test_the_fixture_covers_every_kind() -> None:
    assert {e.kind for e in EVENTS} == set(EventKind)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.kind.value)
def test_round_trip(event: IncidentEvent) -> None:
    record = event.to_json()
    assert IncidentEvent.from_json(record) == event
    line = json.dumps(record, ensure_ascii=False)
    again = IncidentEvent.from_json(json.loads(line))
    assert again == event
    assert again.to_json() == record
    assert record["at"].endswith("+00:00")
    assert record["schema_version"] == 1


def test_a_whole_log_round_trips_and_folds_the_same() -> None:
    lines = [json.dumps(e.to_json()) for e in EVENTS]
    assert fold(IncidentEvent.from_json(json.loads(line)) for line in lines) == fold(EVENTS)


def test_record_layout() -> None:
    record = EVENTS[1].to_json()
    assert list(record) == ["schema_version", "id", "at", "author", "kind", "text", "data"]
    assert record["kind"] == "note"
    # every kind of line break in a note is stored as "\n"
    assert record["data"] == {"note": "line one\nline two\nstill two", "tag": "need"}


def test_other_offsets_are_read_as_utc() -> None:
    record = EVENTS[1].to_json() | {"at": "2026-03-06T16:04:00+02:00"}
    event = IncidentEvent.from_json(record)
    assert event.at == datetime(2026, 3, 6, 14, 4, tzinfo=UTC)
    assert event.at.tzinfo is UTC


# Any text sretui can write: every character but surrogates and control characters (tab and
# line feed are allowed), which its inputs refuse and its reader refuses too.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)).filter(lambda c: not has_control(c)),
    min_size=0,
    max_size=40,
)
times = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
)


@settings(max_examples=150, deadline=None)
@given(
    author=texts.filter(str.strip),
    text=texts,
    note=texts,
    at=times,
    tag=st.sampled_from([None, "condition", "action", "need", "decision"]),
    seed=st.integers(0, 2**32),
)
def test_round_trip_any_text_and_time(
    author: str, text: str, note: str, at: datetime, tag: str | None, seed: int
) -> None:
    event = IncidentEvent(
        id=new_event_id(random.Random(seed)),
        at=at.astimezone(UTC),
        author=author,
        kind=EventKind.NOTE,
        text=text,
        data={"note": note, "tag": tag},
    )
    line = json.dumps(event.to_json(), ensure_ascii=False)
    assert "\n" not in line
    assert IncidentEvent.from_json(json.loads(line)) == event


@settings(max_examples=100, deadline=None)
@given(
    field=st.sampled_from(["author", "text", "note"]),
    before=texts,
    control=st.sampled_from([*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0))]).filter(
        lambda c: c not in "\t\n"
    ),
)
def test_a_control_character_in_any_text_is_refused_naming_the_field(
    field: str, before: str, control: str
) -> None:
    record = EVENTS[1].to_json()
    value = f"x{before}{control}"
    if field == "note":
        record["data"] = {**record["data"], "note": value}
    else:
        record[field] = value
    name = "data.note" if field == "note" else field
    with pytest.raises(ValueError, match=rf"^field '{name}': holds a control character"):
        IncidentEvent.from_json(record)


printable = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
lines = st.text(alphabet=printable, min_size=1, max_size=40).filter(str.strip)
notes = st.text(alphabet=st.one_of(printable, st.just("\n")), min_size=1, max_size=80)


@settings(max_examples=100, deadline=None)
@given(title=lines, person=lines, note=notes, cause=lines, at=times)
def test_commands_make_events_that_round_trip(
    title: str, person: str, note: str, cause: str, at: datetime
) -> None:
    rng = random.Random(0)
    try:
        events = [inc.declare(title, by=person, at=at, severity="SEV2", rng=rng)]
        events.append(inc.add_note(fold(events), note, by=person, at=at, rng=rng))
        events.append(inc.assign_role(fold(events), "sme", person, by=person, at=at, rng=rng))
        events.append(
            inc.change_status(fold(events), "resolved", root_cause=cause, by=person, at=at, rng=rng)
        )
    except inc.IncidentError:
        assume(False)
    for event in events:
        line = json.dumps(event.to_json(), ensure_ascii=False)
        assert IncidentEvent.from_json(json.loads(line)) == event
    assert fold(events).title == title.strip()
    assert fold(events).root_cause == cause.strip()


def test_event_ids_are_uuid4_hex_and_repeatable_with_a_seed() -> None:
    a = new_event_id(random.Random(5))
    assert a == new_event_id(random.Random(5))
    assert a != new_event_id(random.Random(6))
    assert len(a) == 32
    assert a[12] == "4"  # the UUID version digit
    assert len({new_event_id() for _ in range(100)}) == 100


GOOD = EVENTS[2].to_json()  # severity_changed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": ""}, "field 'id': expected non-empty text"),
        ({"id": 7}, "field 'id': expected non-empty text, got 7"),
        ({"at": "yesterday"}, "field 'at': expected an ISO-8601 time with a UTC offset"),
        ({"at": "2026-03-06T14:03:00"}, "field 'at': expected an ISO-8601 time with a UTC"),
        ({"author": " "}, "field 'author': expected non-empty text"),
        ({"kind": "exploded"}, "field 'kind': expected an event kind"),
        ({"text": None}, "field 'text': expected text, got None"),
        ({"data": []}, r"field 'data': expected an object, got \[\]"),
        ({"schema_version": "1"}, "field 'schema_version': expected a positive integer"),
        ({"schema_version": 2}, "field 'schema_version': 2 was written by a newer sretui"),
        ({"data": GOOD["data"] | {"severity": "SEV9"}}, "field 'data.severity': expected one of"),
        ({"data": GOOD["data"] | {"override": "yes"}}, "field 'data.override': expected true or"),
        (
            {"data": {k: v for k, v in GOOD["data"].items() if k != "reason"}},
            "field 'data.reason' is missing",
        ),
    ],
)
def test_from_json_names_the_bad_field(change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IncidentEvent.from_json(GOOD | change)


@pytest.mark.parametrize(
    "missing", ["schema_version", "id", "at", "author", "kind", "text", "data"]
)
def test_from_json_names_a_missing_field(missing: str) -> None:
    record = {k: v for k, v in GOOD.items() if k != missing}
    with pytest.raises(ValueError, match=f"field '{missing}' is missing"):
        IncidentEvent.from_json(record)


def test_from_json_rejects_non_objects() -> None:
    with pytest.raises(ValueError, match="must be a JSON object, got"):
        IncidentEvent.from_json(["not", "an", "object"])


def _kind(kind: EventKind) -> dict:
    return next(e for e in EVENTS if e.kind is kind).to_json()


@pytest.mark.parametrize(
    ("kind", "data_change", "message"),
    [
        (EventKind.ROLE_ASSIGNED, {"role": "janitor"}, "field 'data.role': expected one of"),
        (EventKind.ROLE_ASSIGNED, {"previous": ["a", 1]}, r"field 'data.previous\[1\]': expected"),
        (EventKind.ALERT_LINKED, {"starts_at": "soon"}, "field 'data.starts_at': expected an ISO"),
        (EventKind.ALERT_LINKED, {"labels": {"a": 1}}, "field 'data.labels.a': expected text"),
        (EventKind.ACTION_ITEM_ADDED, {"deadline": "next week"}, "field 'data.deadline': expec"),
        (EventKind.ACTION_ITEM_ADDED, {"priority": "P9"}, "field 'data.priority': expected one"),
        (EventKind.ACTION_ITEM_UPDATED, {"changes": {}}, "field 'data.changes': expected at le"),
        (
            EventKind.ACTION_ITEM_UPDATED,
            {"changes": {"colour": "red"}},
            "field 'data.changes.colour': expected one of the keys",
        ),
        (
            EventKind.DECLARED,
            {"classification": {"severity": "SEV1"}},
            "field 'data.classification.matrix_severity' is missing",
        ),
        (EventKind.STATUS_CHANGED, {"status": "exploded"}, "field 'data.status': expected one"),
        (EventKind.NOTE, {"tag": "gossip"}, "field 'data.tag': expected one of"),
    ],
)
def test_from_json_checks_each_kinds_payload(
    kind: EventKind, data_change: dict, message: str
) -> None:
    record = _kind(kind)
    record["data"] = record["data"] | data_change
    with pytest.raises(ValueError, match=message):
        IncidentEvent.from_json(record)
