"""Incidents as an append-only log of events, and the rules that govern them.

The stored form of an incident is its event log (one JSON line per `IncidentEvent`, appended
under a lock by `sretui.store`); the current state is `fold(events)`. Command functions
(`declare`, `add_note`, `change_status`, ...) check a request against the incident as the caller
sees it and return one new event; they never change anything themselves. Severity follows the
team's matrix (`matrix_severity`, `classify`), roles follow the Incident Command System
(`IcsRole`), and status follows DETECT -> TRIAGE -> RESPOND -> MITIGATE -> RESOLVE -> REVIEW.
See docs/incidents.md for the rules and the decisions behind them.
"""

from __future__ import annotations

import random
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, NoReturn, Self, TypeVar

EVENT_SCHEMA_VERSION = 1

TITLE_MAX = 200
NAME_MAX = 100
LINE_MAX = 500
TEXT_MAX = 20_000
SLUG_MAX = 40


class IncidentError(ValueError):
    """A command was asked to do something the incident rules do not allow."""


def _normalize(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


# Short names people type on the command line, by enum class name.
_ALIASES: dict[str, dict[str, str]] = {
    "IcsRole": {
        "ic": "incident_commander",
        "commander": "incident_commander",
        "comms": "communications_lead",
        "cl": "communications_lead",
        "ops": "operations_lead",
        "ol": "operations_lead",
        "sme": "subject_matter_expert",
        "expert": "subject_matter_expert",
    },
    "Severity": {str(n): f"SEV{n}" for n in range(1, 5)},
}


class _ParsedEnum(StrEnum):
    """A StrEnum that also accepts its names, any case, `_`/`-`/spaces, and short aliases."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        key = _normalize(value)
        for member in cls:
            if key in (_normalize(member.value), _normalize(member.name)):
                return member
        alias = _ALIASES.get(cls.__name__, {}).get(key)
        return cls(alias) if alias is not None else None


_E = TypeVar("_E", bound="_ParsedEnum")


def _parse(kind: type[_E], value: _E | str, what: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise IncidentError(f"unknown {what} {value!r}: expected one of {choices}") from None


# --- severity -------------------------------------------------------------------------------


class Severity(_ParsedEnum):
    """SEV1 is the most severe."""

    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"

    @property
    def rank(self) -> int:
        """1 for SEV1 ... 4 for SEV4: lower is more severe."""
        return int(self.value[-1])

    def raised(self, levels: int = 1) -> Severity:
        """This severity `levels` steps more severe, stopping at SEV1."""
        return Severity(f"SEV{max(1, self.rank - levels)}")

    def at_least(self, floor: Severity) -> Severity:
        """The more severe of this severity and `floor`."""
        return self if self.rank <= floor.rank else floor


class Broken(_ParsedEnum):
    """What is broken: the matrix's rows."""

    CORE = "core"
    DEGRADED = "degraded"
    NON_CORE = "non-core"
    COSMETIC = "cosmetic"

    @property
    def label(self) -> str:
        return {
            "core": "core function down",
            "degraded": "degraded performance",
            "non-core": "non-core feature down",
            "cosmetic": "cosmetic or minor",
        }[self.value]


class Reach(_ParsedEnum):
    """Who is affected: the matrix's columns."""

    ONE = "one"
    SOME = "some"
    MANY = "many"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            "one": "one user",
            "some": "under 25% of users",
            "many": "over 25% of users",
            "all": "all users",
        }[self.value]


class Trigger(_ParsedEnum):
    """Facts that raise the severity whatever the matrix says."""

    DATA_LOSS = "data-loss"
    SECURITY_BREACH_PII = "security-breach-pii"
    REVENUE_IMPACT = "revenue-impact"
    SLA_BREACH_IMMINENT = "sla-breach-imminent"

    @property
    def label(self) -> str:
        return {
            "data-loss": "data loss",
            "security-breach-pii": "security breach with PII",
            "revenue-impact": "revenue impact",
            "sla-breach-imminent": "SLA breach imminent",
        }[self.value]


_S1, _S2, _S3, _S4 = Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4
SEVERITY_MATRIX: Mapping[Broken, Mapping[Reach, Severity]] = {
    Broken.CORE: {Reach.ONE: _S3, Reach.SOME: _S2, Reach.MANY: _S1, Reach.ALL: _S1},
    Broken.DEGRADED: {Reach.ONE: _S4, Reach.SOME: _S3, Reach.MANY: _S2, Reach.ALL: _S1},
    Broken.NON_CORE: {Reach.ONE: _S4, Reach.SOME: _S3, Reach.MANY: _S3, Reach.ALL: _S2},
    Broken.COSMETIC: {Reach.ONE: _S4, Reach.SOME: _S4, Reach.MANY: _S3, Reach.ALL: _S3},
}

# Triggers that set a minimum severity. Revenue impact: the playbook says "SEV1 or SEV2"; it is
# SEV2 here, and becomes SEV1 when the matrix says so or an SLA breach is imminent as well.
TRIGGER_FLOORS: Mapping[Trigger, Severity] = {
    Trigger.DATA_LOSS: _S1,
    Trigger.SECURITY_BREACH_PII: _S1,
    Trigger.REVENUE_IMPACT: _S2,
}


def matrix_severity(broken: Broken | str, reach: Reach | str) -> Severity:
    """The severity the matrix gives for what is broken and how many users it reaches."""
    return SEVERITY_MATRIX[_parse(Broken, broken, "impact")][_parse(Reach, reach, "reach")]


@dataclass(frozen=True, slots=True)
class Classification:
    """The severity the matrix and the triggers give, with the answers and the reasons."""

    severity: Severity
    reasons: list[str]
    broken: Broken
    reach: Reach
    triggers: tuple[Trigger, ...] = ()
    matrix_severity: Severity | None = None  # before triggers

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "matrix_severity": (self.matrix_severity or self.severity).value,
            "broken": self.broken.value,
            "reach": self.reach.value,
            "triggers": [t.value for t in self.triggers],
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Classification:
        return cls(
            severity=Severity(data["severity"]),
            reasons=list(data["reasons"]),
            broken=Broken(data["broken"]),
            reach=Reach(data["reach"]),
            triggers=tuple(Trigger(t) for t in data["triggers"]),
            matrix_severity=Severity(data["matrix_severity"]),
        )


def classify(
    broken: Broken | str, reach: Reach | str, triggers: Iterable[Trigger | str] = ()
) -> Classification:
    """Severity from the matrix, then raised by the triggers.

    Floors first (data loss and a PII breach: SEV1; revenue impact: at least SEV2), then an
    imminent SLA breach raises the result one more level. Each step adds a reason, including
    triggers that changed nothing, so the record shows every answer that was given.
    """
    broken = _parse(Broken, broken, "impact")
    reach = _parse(Reach, reach, "reach")
    given = {_parse(Trigger, t, "trigger") for t in triggers}
    ordered = tuple(t for t in Trigger if t in given)
    base = SEVERITY_MATRIX[broken][reach]
    severity = base
    reasons = [f"matrix: {broken.label}, {reach.label} -> {base}"]
    for trigger in ordered:
        floor = TRIGGER_FLOORS.get(trigger)
        if floor is None:
            continue
        raised = severity.at_least(floor)
        minimum = "" if floor is Severity.SEV1 else " at least"
        if raised is severity:
            reasons.append(f"{trigger.label}:{minimum} {floor} (already {severity})")
        else:
            reasons.append(f"{trigger.label}:{minimum} {floor} (raised from {severity})")
        severity = raised
    if Trigger.SLA_BREACH_IMMINENT in given:
        raised = severity.raised()
        if raised is severity:
            reasons.append(f"{Trigger.SLA_BREACH_IMMINENT.label}: already {severity}, the highest")
        else:
            reasons.append(
                f"{Trigger.SLA_BREACH_IMMINENT.label}: one level up, {severity} -> {raised}"
            )
        severity = raised
    return Classification(severity, reasons, broken, reach, ordered, base)


# --- roles, status, small enums ----------------------------------------------------------


class IcsRole(_ParsedEnum):
    """Incident Command System roles. Only subject-matter experts may be several people."""

    INCIDENT_COMMANDER = "incident_commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    OPERATIONS_LEAD = "operations_lead"
    SUBJECT_MATTER_EXPERT = "subject_matter_expert"
    SCRIBE = "scribe"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()

    @property
    def many(self) -> bool:
        """Whether several people may hold this role at once."""
        return self is IcsRole.SUBJECT_MATTER_EXPERT


class IncidentStatus(_ParsedEnum):
    """The workflow, in order. Moving to an earlier status reopens the incident."""

    DETECTED = "detected"
    TRIAGED = "triaged"
    RESPONDING = "responding"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    REVIEWED = "reviewed"

    @property
    def rank(self) -> int:
        return list(IncidentStatus).index(self)

    @property
    def label(self) -> str:
        return self.value.capitalize()


class EventKind(_ParsedEnum):
    """What an event records; each kind has its own `data` payload (checked by from_json)."""

    DECLARED = "declared"
    NOTE = "note"
    SEVERITY_CHANGED = "severity_changed"
    ROLE_ASSIGNED = "role_assigned"
    ROLE_CLEARED = "role_cleared"
    STATUS_CHANGED = "status_changed"
    CHECK_IN = "check_in"
    COMMS_SENT = "comms_sent"
    ALERT_LINKED = "alert_linked"
    SILENCE_CREATED = "silence_created"
    PINNED = "pinned"
    UNPINNED = "unpinned"
    ACTION_ITEM_ADDED = "action_item_added"
    ACTION_ITEM_UPDATED = "action_item_updated"
    ROOT_CAUSE_SET = "root_cause_set"
    IMPACT_UPDATED = "impact_updated"
    POSTMORTEM_DRAFTED = "postmortem_drafted"


class NoteTag(_ParsedEnum):
    """What a note says, for the tactical update (conditions, actions, needs)."""

    CONDITION = "condition"
    ACTION = "action"
    NEED = "need"
    DECISION = "decision"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class CommsKind(_ParsedEnum):
    """Which message was sent (the drafts in `sretui.domain.comms`, or anything else)."""

    INTERNAL = "internal"
    CUSTOMER = "customer"
    TACTICAL = "tactical"
    RESOLUTION = "resolution"
    OTHER = "other"


class ActionItemType(_ParsedEnum):
    PREVENT = "prevent"
    DETECT = "detect"
    MITIGATE = "mitigate"
    PROCESS = "process"


class Priority(_ParsedEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class ActionItemStatus(_ParsedEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"


# --- events -----------------------------------------------------------------------------


def new_event_id(rng: random.Random | None = None) -> str:
    """A random 32-hex-digit id (a UUID4). Pass a seeded `random.Random` for repeatable ids."""
    if rng is None:
        return uuid.uuid4().hex
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """One line of an incident's log: who did what, when, in words and as data."""

    id: str
    at: datetime  # aware, UTC
    author: str
    kind: EventKind
    text: str  # a sentence for the timeline
    data: Mapping[str, Any] = field(default_factory=dict)  # JSON values only

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON object (one line of the incident's log)."""
        return {
            "schema_version": EVENT_SCHEMA_VERSION,
            "id": self.id,
            "at": self.at.isoformat(),
            "author": self.author,
            "kind": self.kind.value,
            "text": self.text,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, record: object) -> IncidentEvent:
        """Read an event written by `to_json`. Raises ValueError naming the field at fault."""
        if not isinstance(record, Mapping):
            raise ValueError(f"an incident event must be a JSON object, got {_show(record)}")
        version = _field(record, "schema_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            _fail("schema_version", "a positive integer", version)
        if version > EVENT_SCHEMA_VERSION:
            raise ValueError(
                f"field 'schema_version': {version} was written by a newer sretui "
                f"(this one reads up to {EVENT_SCHEMA_VERSION})"
            )
        event_id = _field(record, "id")
        if not isinstance(event_id, str) or not event_id.strip():
            _fail("id", "non-empty text", event_id)
        at = _check_time(_field(record, "at"), "at")
        author = _field(record, "author")
        if not isinstance(author, str) or not author.strip():
            _fail("author", "non-empty text", author)
        raw_kind = _field(record, "kind")
        if raw_kind not in {k.value for k in EventKind}:
            _fail("kind", f"an event kind ({', '.join(k.value for k in EventKind)})", raw_kind)
        kind = EventKind(raw_kind)
        text = _field(record, "text")
        if not isinstance(text, str):
            _fail("text", "text", text)
        data = _field(record, "data")
        _PAYLOADS[kind](data, "data")
        assert isinstance(data, Mapping)
        return cls(event_id, at, author, kind, text, dict(data))


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(where: str, expected: str, value: object) -> NoReturn:
    raise ValueError(f"field '{where}': expected {expected}, got {_show(value)}")


def _field(record: Mapping[Any, Any], name: str) -> object:
    if name not in record:
        raise ValueError(f"field '{name}' is missing")
    return record[name]


def _check_time(value: object, where: str) -> datetime:
    expected = "an ISO-8601 time with a UTC offset"
    if not isinstance(value, str):
        _fail(where, expected, value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(where, expected, value)
    if parsed.utcoffset() is None:
        _fail(where, expected, value)
    return parsed.astimezone(UTC)


# Payload checks: each takes the value and where it sits ("data.role") and raises ValueError.
_Check = Callable[[object, str], None]


def _text(value: object, where: str) -> None:
    if not isinstance(value, str):
        _fail(where, "text", value)


def _flag(value: object, where: str) -> None:
    if not isinstance(value, bool):
        _fail(where, "true or false", value)


def _time(value: object, where: str) -> None:
    _check_time(value, where)


def _day(value: object, where: str) -> None:
    if not isinstance(value, str):
        _fail(where, "a date (YYYY-MM-DD)", value)
    try:
        date.fromisoformat(value)
    except ValueError:
        _fail(where, "a date (YYYY-MM-DD)", value)


def _optional(check: _Check) -> _Check:
    def optional(value: object, where: str) -> None:
        if value is not None:
            check(value, where)

    return optional


def _member(kind: type[StrEnum]) -> _Check:
    values = [m.value for m in kind]

    def member(value: object, where: str) -> None:
        if value not in values:
            _fail(where, f"one of {', '.join(values)}", value)

    return member


def _list_of(check: _Check) -> _Check:
    def list_of(value: object, where: str) -> None:
        if not isinstance(value, list):
            _fail(where, "a list", value)
        for index, item in enumerate(value):
            check(item, f"{where}[{index}]")

    return list_of


def _text_map(value: object, where: str) -> None:
    if not isinstance(value, dict):
        _fail(where, "an object of text values", value)
    for key, item in value.items():
        _text(item, f"{where}.{key}")


def _record(spec: Mapping[str, _Check], *, partial: bool = False) -> _Check:
    """An object with the keys of `spec` (all of them, or with `partial` any non-empty subset)."""

    def record(value: object, where: str) -> None:
        if not isinstance(value, dict):
            _fail(where, "an object", value)
        if partial:
            if not value:
                _fail(where, f"at least one of {', '.join(spec)}", value)
            for key in value:
                if key not in spec:
                    _fail(f"{where}.{key}", f"one of the keys {', '.join(spec)}", key)
        for key, check in spec.items():
            if key in value:
                check(value[key], f"{where}.{key}")
            elif not partial:
                raise ValueError(f"field '{where}.{key}' is missing")

    return record


_CLASSIFICATION = _record(
    {
        "severity": _member(Severity),
        "matrix_severity": _member(Severity),
        "broken": _member(Broken),
        "reach": _member(Reach),
        "triggers": _list_of(_member(Trigger)),
        "reasons": _list_of(_text),
    }
)
_ITEM_FIELDS: dict[str, _Check] = {
    "type": _member(ActionItemType),
    "description": _text,
    "owner": _text,
    "priority": _member(Priority),
    "deadline": _optional(_day),
    "status": _member(ActionItemStatus),
    "ticket": _text,
}
_SEVERITY = _member(Severity)
_ROLE = _member(IcsRole)
_STATUS = _member(IncidentStatus)
_PAYLOADS: dict[EventKind, _Check] = {
    EventKind.DECLARED: _record(
        {
            "incident_id": _text,
            "title": _text,
            "services": _list_of(_text),
            "severity": _SEVERITY,
            "severity_reason": _text,
            "classification": _optional(_CLASSIFICATION),
            "commander": _text,
            "channel": _text,
            "impact": _text,
        }
    ),
    EventKind.NOTE: _record({"note": _text, "tag": _optional(_member(NoteTag))}),
    EventKind.SEVERITY_CHANGED: _record(
        {
            "severity": _SEVERITY,
            "previous": _SEVERITY,
            "computed": _optional(_SEVERITY),
            "classification": _optional(_CLASSIFICATION),
            "override": _flag,
            "reason": _text,
        }
    ),
    EventKind.ROLE_ASSIGNED: _record(
        {"role": _ROLE, "person": _text, "previous": _list_of(_text), "handover": _flag}
    ),
    EventKind.ROLE_CLEARED: _record({"role": _ROLE, "person": _text}),
    EventKind.STATUS_CHANGED: _record(
        {
            "status": _STATUS,
            "previous": _STATUS,
            "reopen": _flag,
            "root_cause": _optional(_text),
            "note": _text,
        }
    ),
    EventKind.CHECK_IN: _record({"message": _text}),
    EventKind.COMMS_SENT: _record(
        {"template": _member(CommsKind), "channel": _text, "body": _text}
    ),
    EventKind.ALERT_LINKED: _record(
        {
            "fingerprint": _text,
            "alertname": _text,
            "starts_at": _optional(_time),
            "labels": _text_map,
            "summary": _text,
        }
    ),
    EventKind.SILENCE_CREATED: _record(
        {"silence_id": _text, "matchers": _list_of(_text), "ends_at": _time, "comment": _text}
    ),
    EventKind.PINNED: _record({"event_id": _text}),
    EventKind.UNPINNED: _record({"event_id": _text}),
    EventKind.ACTION_ITEM_ADDED: _record(_ITEM_FIELDS),
    EventKind.ACTION_ITEM_UPDATED: _record(
        {"item": _text, "changes": _record(_ITEM_FIELDS, partial=True)}
    ),
    EventKind.ROOT_CAUSE_SET: _record({"root_cause": _text}),
    EventKind.IMPACT_UPDATED: _record({"impact": _text}),
    EventKind.POSTMORTEM_DRAFTED: _record({"link": _text}),
}


# --- the folded incident ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One step of the status history; `reopen` when it went backwards."""

    at: datetime
    author: str
    status: IncidentStatus
    previous: IncidentStatus | None  # None for the declaration
    reopen: bool = False


@dataclass(frozen=True, slots=True)
class SeverityChange:
    """One entry of the severity history, with what the matrix said and why."""

    at: datetime
    author: str
    severity: Severity
    previous: Severity | None  # None for the declaration
    computed: Severity | None  # what the matrix said, if it was asked
    override: bool
    reason: str


@dataclass(frozen=True, slots=True)
class LinkedAlert:
    """An Alertmanager alert attached to the incident; its start feeds time to detect."""

    fingerprint: str
    alertname: str
    starts_at: datetime | None
    labels: Mapping[str, str]
    summary: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class LinkedSilence:
    """An Alertmanager silence created for the incident (matchers as Alertmanager writes
    them, e.g. `alertname="HighErrorRate"`)."""

    silence_id: str
    matchers: tuple[str, ...]
    ends_at: datetime
    comment: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A postmortem action item. `key` is the id of the event that added it (stable across
    writers); `number` is its place among the items in log order (AI-001, AI-002, ...)."""

    key: str
    number: int
    type: ActionItemType
    description: str
    owner: str = ""
    priority: Priority = Priority.P1
    deadline: date | None = None
    status: ActionItemStatus = ActionItemStatus.OPEN
    ticket: str = ""

    @property
    def label(self) -> str:
        return f"AI-{self.number:03d}"


@dataclass(frozen=True, slots=True)
class Incident:
    """The state of an incident after replaying its log (`fold`)."""

    id: str
    title: str
    services: tuple[str, ...]
    severity: Severity
    severity_reason: str
    classification: Classification | None  # the latest matrix answers
    status: IncidentStatus
    status_history: tuple[StatusChange, ...]
    severity_history: tuple[SeverityChange, ...]
    roles: Mapping[IcsRole, tuple[str, ...]]  # every role, empty tuple when nobody holds it
    channel: str
    declared_at: datetime
    declared_by: str
    impact: str
    mitigated_at: datetime | None  # the first time it reached mitigated (or further)
    resolved_at: datetime | None  # the latest resolution; None while (re)open
    reviewed_at: datetime | None
    reopened: int  # how many times it went backwards
    root_cause: str
    alerts: tuple[LinkedAlert, ...]
    silences: tuple[LinkedSilence, ...]
    pinned: tuple[str, ...]  # event ids, in the order they were pinned
    action_items: tuple[ActionItem, ...]
    last_check_in_at: datetime | None
    postmortem_link: str
    timeline: tuple[IncidentEvent, ...]  # every event, in log order

    @property
    def commander(self) -> str:
        return self.holders(IcsRole.INCIDENT_COMMANDER)[0]

    def holders(self, role: IcsRole) -> tuple[str, ...]:
        return self.roles.get(role, ())

    @property
    def is_open(self) -> bool:
        """Still being worked: not yet resolved (or reopened since)."""
        return self.status.rank < IncidentStatus.RESOLVED.rank

    @property
    def first_alert_at(self) -> datetime | None:
        """When the earliest linked alert started firing."""
        starts = [a.starts_at for a in self.alerts if a.starts_at is not None]
        return min(starts) if starts else None

    @property
    def first_detected_at(self) -> datetime:
        """The earlier of the first linked alert's start and the declaration."""
        first = self.first_alert_at
        return min(first, self.declared_at) if first is not None else self.declared_at

    def event(self, event_id: str) -> IncidentEvent | None:
        return next((e for e in self.timeline if e.id == event_id), None)

    @property
    def pinned_events(self) -> tuple[IncidentEvent, ...]:
        return tuple(e for e in (self.event(i) for i in self.pinned) if e is not None)

    def notes(
        self, tag: NoteTag | None = None, since: datetime | None = None
    ) -> tuple[IncidentEvent, ...]:
        """Note events, optionally only those with `tag`, and only those after `since`."""
        return tuple(
            e
            for e in self.timeline
            if e.kind is EventKind.NOTE
            and (tag is None or e.data.get("tag") == tag.value)
            and (since is None or e.at > since)
        )

    def action_item(self, ref: str) -> ActionItem | None:
        """An action item by label ("AI-002", any case) or by key."""
        wanted = ref.strip().upper()
        for item in self.action_items:
            if item.key == ref.strip() or item.label == wanted:
                return item
        return None


class _Fold:
    """Mutable state while replaying; `incident()` freezes it."""

    def __init__(self, first: IncidentEvent) -> None:
        if first.kind is not EventKind.DECLARED:
            raise IncidentError(
                f"an incident log must start with a 'declared' event, not '{first.kind}'"
            )
        d = first.data
        classification = d["classification"]
        self.id: str = d["incident_id"]
        self.title: str = d["title"]
        self.services: tuple[str, ...] = tuple(d["services"])
        self.severity = Severity(d["severity"])
        self.severity_reason: str = d["severity_reason"]
        self.classification = (
            Classification.from_json(classification) if classification is not None else None
        )
        self.status = IncidentStatus.DETECTED
        self.status_history = [StatusChange(first.at, first.author, self.status, None)]
        self.severity_history = [
            SeverityChange(
                first.at,
                first.author,
                self.severity,
                None,
                self.classification.severity if self.classification else None,
                self.classification is not None and self.classification.severity != self.severity,
                self.severity_reason,
            )
        ]
        self.roles: dict[IcsRole, list[str]] = {role: [] for role in IcsRole}
        self.roles[IcsRole.INCIDENT_COMMANDER] = [d["commander"]]
        self.channel: str = d["channel"]
        self.declared_at = first.at
        self.declared_by = first.author
        self.impact: str = d["impact"]
        self.mitigated_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.reviewed_at: datetime | None = None
        self.reopened = 0
        self.root_cause = ""
        self.alerts: dict[str, LinkedAlert] = {}
        self.silences: dict[str, LinkedSilence] = {}
        self.pinned: list[str] = []
        self.items: dict[str, ActionItem] = {}
        self.last_check_in_at: datetime | None = None
        self.postmortem_link = ""
        self.timeline = [first]

    def apply(self, event: IncidentEvent) -> None:
        self.timeline.append(event)
        d = event.data
        match event.kind:
            case EventKind.DECLARED:
                raise IncidentError(
                    f"event {event.id}: a second 'declared' event; is this two incidents' "
                    "logs in one file?"
                )
            case EventKind.SEVERITY_CHANGED:
                self._severity(event)
            case EventKind.ROLE_ASSIGNED:
                holders = self.roles[IcsRole(d["role"])]
                if IcsRole(d["role"]).many:
                    if d["person"] not in holders:
                        holders.append(d["person"])
                else:
                    holders[:] = [d["person"]]
            case EventKind.ROLE_CLEARED:
                role = IcsRole(d["role"])
                # Two people clearing the same role at once: the second has nothing to do.
                if d["person"] in self.roles[role] and role is not IcsRole.INCIDENT_COMMANDER:
                    self.roles[role].remove(d["person"])
            case EventKind.STATUS_CHANGED:
                self._status(event)
            case EventKind.CHECK_IN:
                self.last_check_in_at = event.at
            case EventKind.ALERT_LINKED:
                starts = d["starts_at"]
                self.alerts.setdefault(
                    d["fingerprint"],
                    LinkedAlert(
                        d["fingerprint"],
                        d["alertname"],
                        _check_time(starts, "starts_at") if starts is not None else None,
                        dict(d["labels"]),
                        d["summary"],
                        event.at,
                    ),
                )
            case EventKind.SILENCE_CREATED:
                self.silences.setdefault(
                    d["silence_id"],
                    LinkedSilence(
                        d["silence_id"],
                        tuple(d["matchers"]),
                        _check_time(d["ends_at"], "ends_at"),
                        d["comment"],
                        event.at,
                        event.author,
                    ),
                )
            case EventKind.PINNED:
                if d["event_id"] not in self.pinned:
                    self.pinned.append(d["event_id"])
            case EventKind.UNPINNED:
                if d["event_id"] in self.pinned:
                    self.pinned.remove(d["event_id"])
            case EventKind.ACTION_ITEM_ADDED:
                self.items[event.id] = _item_from(event.id, len(self.items) + 1, d)
            case EventKind.ACTION_ITEM_UPDATED:
                item = self.items.get(d["item"])
                if item is not None:
                    self.items[item.key] = _item_from(
                        item.key, item.number, {**_item_json(item), **d["changes"]}
                    )
            case EventKind.ROOT_CAUSE_SET:
                self.root_cause = d["root_cause"]
            case EventKind.IMPACT_UPDATED:
                self.impact = d["impact"]
            case EventKind.POSTMORTEM_DRAFTED:
                self.postmortem_link = d["link"]
            case EventKind.NOTE | EventKind.COMMS_SENT:
                pass  # the timeline is their whole effect

    def _severity(self, event: IncidentEvent) -> None:
        d = event.data
        previous = self.severity
        self.severity = Severity(d["severity"])
        asked = d["classification"]
        classification = Classification.from_json(asked) if asked is not None else None
        if classification is not None:
            self.classification = classification
        computed = Severity(d["computed"]) if d["computed"] is not None else None
        self.severity_reason = _severity_reason(
            self.severity, computed, classification.reasons if classification else [], d["reason"]
        )
        self.severity_history.append(
            SeverityChange(
                event.at,
                event.author,
                self.severity,
                previous,
                computed,
                d["override"],
                self.severity_reason,
            )
        )

    def _status(self, event: IncidentEvent) -> None:
        d = event.data
        status = IncidentStatus(d["status"])
        # Log order decides, so compare with the status as folded, not the writer's `previous`.
        previous = self.status
        reopen = status.rank < previous.rank
        self.status = status
        self.status_history.append(StatusChange(event.at, event.author, status, previous, reopen))
        if d["root_cause"]:
            self.root_cause = d["root_cause"]
        if reopen:
            self.reopened += 1
        if status.rank >= IncidentStatus.MITIGATED.rank and self.mitigated_at is None:
            self.mitigated_at = event.at
        if status.rank >= IncidentStatus.RESOLVED.rank:
            if previous.rank < IncidentStatus.RESOLVED.rank:
                self.resolved_at = event.at
        else:
            self.resolved_at = None
        if status is IncidentStatus.REVIEWED:
            self.reviewed_at = event.at
        elif status.rank < IncidentStatus.REVIEWED.rank:
            self.reviewed_at = None

    def incident(self) -> Incident:
        return Incident(
            id=self.id,
            title=self.title,
            services=self.services,
            severity=self.severity,
            severity_reason=self.severity_reason,
            classification=self.classification,
            status=self.status,
            status_history=tuple(self.status_history),
            severity_history=tuple(self.severity_history),
            roles={role: tuple(people) for role, people in self.roles.items()},
            channel=self.channel,
            declared_at=self.declared_at,
            declared_by=self.declared_by,
            impact=self.impact,
            mitigated_at=self.mitigated_at,
            resolved_at=self.resolved_at,
            reviewed_at=self.reviewed_at,
            reopened=self.reopened,
            root_cause=self.root_cause,
            alerts=tuple(self.alerts.values()),
            silences=tuple(self.silences.values()),
            pinned=tuple(self.pinned),
            action_items=tuple(self.items.values()),
            last_check_in_at=self.last_check_in_at,
            postmortem_link=self.postmortem_link,
            timeline=tuple(self.timeline),
        )


def _item_from(key: str, number: int, d: Mapping[str, Any]) -> ActionItem:
    return ActionItem(
        key=key,
        number=number,
        type=ActionItemType(d["type"]),
        description=d["description"],
        owner=d["owner"],
        priority=Priority(d["priority"]),
        deadline=date.fromisoformat(d["deadline"]) if d["deadline"] else None,
        status=ActionItemStatus(d["status"]),
        ticket=d["ticket"],
    )


def _item_json(item: ActionItem) -> dict[str, Any]:
    return {
        "type": item.type.value,
        "description": item.description,
        "owner": item.owner,
        "priority": item.priority.value,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "status": item.status.value,
        "ticket": item.ticket,
    }


def fold(events: Iterable[IncidentEvent]) -> Incident:
    """Replay an incident's log, in the order given, into its current state.

    The order must be the log's order (the order the lines were appended under the store's
    lock), never a sort by time: two engineers' clocks and the moment each event was built
    say nothing about which write the other one saw. Commands are checked when they are made;
    replay accepts whatever the log holds and lets the later event win (clearing a role that
    is already empty, pinning twice and the like change nothing). Raises IncidentError for a
    log that does not start with 'declared' or that declares twice.
    """
    iterator = iter(events)
    first = next(iterator, None)
    if first is None:
        raise IncidentError("an incident log must start with a 'declared' event; it is empty")
    state = _Fold(first)
    for event in iterator:
        state.apply(event)
    return state.incident()


# --- ids, channels, input checks --------------------------------------------------------

_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o, u


def new_incident_id(at: datetime, rng: random.Random | None = None) -> str:
    """`INC-YYYYMMDD-HHMM-xxxx`: the UTC minute of declaration and four random base32
    characters (about a million per minute), so processes need not coordinate."""
    source = rng if rng is not None else random.SystemRandom()
    suffix = "".join(source.choice(_ID_ALPHABET) for _ in range(4))
    return f"INC-{_utc(at, 'at').strftime('%Y%m%d-%H%M')}-{suffix}"


# Letters that Unicode does not decompose into ASCII but that have a usual ASCII spelling.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "\u0131": "i",  # dotless i
    }
)


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """Lowercase ASCII words joined by hyphens: "Checkout: 5xx spike!" -> "checkout-5xx-spike".

    Accented letters lose their accents, a few others are spelled out (ß -> ss), the rest of
    non-ASCII is dropped. Cut at `max_length`, at a word boundary when there is one.
    """
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        slug = slug.strip("-")
    return slug


def channel_name(title: str, at: datetime) -> str:
    """`#inc-YYYY-MM-DD-slug`, dated in UTC; "incident" when the title leaves no slug."""
    return f"#inc-{_utc(at, 'at').strftime('%Y-%m-%d')}-{slugify(title) or 'incident'}"


def _utc(at: object, what: str) -> datetime:
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise IncidentError(f"{what} must be a timezone-aware time, got {_show(at)}")
    return at.astimezone(UTC)


def _lines(text: str) -> list[str]:
    return text.splitlines()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _one_line(value: object, what: str, max_length: int = LINE_MAX) -> str:
    if not isinstance(value, str):
        raise IncidentError(f"{what} must be text, got {_show(value)}")
    text = value.strip()
    if not text:
        raise IncidentError(f"{what} must not be empty")
    if len(_lines(text)) > 1:
        raise IncidentError(f"{what} must be one line")
    if _CONTROL.search(text):
        raise IncidentError(f"{what} must not contain control characters")
    if len(text) > max_length:
        raise IncidentError(f"{what} is {len(text)} characters long; at most {max_length}")
    return text


def _free_text(value: object, what: str, max_length: int = TEXT_MAX) -> str:
    if not isinstance(value, str):
        raise IncidentError(f"{what} must be text, got {_show(value)}")
    text = "\n".join(line.rstrip() for line in _lines(value.strip()))
    if not text:
        raise IncidentError(f"{what} must not be empty")
    if _CONTROL.search(text.replace("\t", " ")):
        raise IncidentError(f"{what} must not contain control characters")
    if len(text) > max_length:
        raise IncidentError(f"{what} is {len(text)} characters long; at most {max_length}")
    return text


def _optional_line(value: str, what: str, max_length: int = LINE_MAX) -> str:
    return _one_line(value, what, max_length) if value.strip() else ""


def _person(value: object, what: str = "author") -> str:
    return _one_line(value, what, NAME_MAX)


def _event(
    kind: EventKind,
    text: str,
    data: dict[str, Any],
    *,
    by: str,
    at: datetime,
    rng: random.Random | None,
) -> IncidentEvent:
    return IncidentEvent(new_event_id(rng), _utc(at, "at"), _person(by), kind, text, data)


def _severity_reason(
    severity: Severity, computed: Severity | None, reasons: Sequence[str], note: str
) -> str:
    if computed is None:
        return f"set to {severity} by hand" + (f": {note}" if note else "")
    matrix = "; ".join(reasons)
    if computed != severity:
        return f"override: {severity} instead of the computed {computed} ({matrix}): {note}"
    return matrix + (f"; {note}" if note else "")


def _severity_choice(
    classification: Classification | None, severity: Severity | str | None, reason: str
) -> tuple[Severity, Severity | None, bool, str]:
    """(chosen severity, computed severity, override?, reason) for declare/change_severity."""
    reason = _optional_line(reason, "reason")
    computed = classification.severity if classification is not None else None
    if severity is None:
        if computed is None:
            raise IncidentError("give a severity, or the matrix answers to compute one")
        return computed, computed, False, reason
    chosen = _parse(Severity, severity, "severity")
    override = computed is not None and chosen != computed
    if override and not reason:
        raise IncidentError(
            f"{chosen} overrides the computed {computed}: say why in a reason of one line"
        )
    return chosen, computed, override, reason


# --- commands ---------------------------------------------------------------------------


def declare(
    title: str,
    *,
    by: str,
    at: datetime,
    services: Sequence[str] = (),
    classification: Classification | None = None,
    severity: Severity | str | None = None,
    reason: str = "",
    commander: str | None = None,
    impact: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """The event that opens an incident. The declaring engineer is incident commander unless
    `commander` names someone else. Severity comes from `classification`, or from `severity`
    (which, when it differs from the classification, is an override and needs a `reason`).
    """
    title = _one_line(title, "title", TITLE_MAX)
    by = _person(by)
    commander = _person(commander, "commander") if commander is not None else by
    chosen, computed, _override, reason = _severity_choice(classification, severity, reason)
    clean_services: list[str] = []
    for service in services:
        name = _one_line(service, "service", NAME_MAX)
        if name not in clean_services:
            clean_services.append(name)
    impact = _optional_line(impact, "impact")
    at = _utc(at, "at")
    incident_id = new_incident_id(at, rng)
    channel = channel_name(title, at)
    severity_reason = _severity_reason(
        chosen, computed, classification.reasons if classification else [], reason
    )
    cmd = f" ({commander} in command)" if commander != by else ""
    return _event(
        EventKind.DECLARED,
        f'Declared {chosen} incident "{title}"{cmd}; channel {channel}',
        {
            "incident_id": incident_id,
            "title": title,
            "services": clean_services,
            "severity": chosen.value,
            "severity_reason": severity_reason,
            "classification": classification.to_json() if classification else None,
            "commander": commander,
            "channel": channel,
            "impact": impact,
        },
        by=by,
        at=at,
        rng=rng,
    )


def add_note(
    incident: Incident,
    note: str,
    *,
    by: str,
    at: datetime,
    tag: NoteTag | str | None = None,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """A note for the timeline; tag it condition, action, need or decision to feed the
    tactical update."""
    note = _free_text(note, "note")
    parsed = _parse(NoteTag, tag, "note tag") if tag is not None else None
    text = f"{parsed.label}: {note}" if parsed else note
    return _event(
        EventKind.NOTE,
        text,
        {"note": note, "tag": parsed.value if parsed else None},
        by=by,
        at=at,
        rng=rng,
    )


def change_severity(
    incident: Incident,
    *,
    by: str,
    at: datetime,
    classification: Classification | None = None,
    severity: Severity | str | None = None,
    reason: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """A new severity, from new matrix answers or set by hand. Choosing other than the matrix
    says is an override: it needs a reason, and the event keeps both severities."""
    chosen, computed, override, reason = _severity_choice(classification, severity, reason)
    if chosen == incident.severity:
        raise IncidentError(f"the incident is already {chosen}")
    direction = "raised" if chosen.rank < incident.severity.rank else "lowered"
    text = f"Severity {direction}: {incident.severity} -> {chosen}"
    if override:
        text += f" (override; the matrix says {computed}): {reason}"
    elif reason:
        text += f": {reason}"
    return _event(
        EventKind.SEVERITY_CHANGED,
        text,
        {
            "severity": chosen.value,
            "previous": incident.severity.value,
            "computed": computed.value if computed else None,
            "classification": classification.to_json() if classification else None,
            "override": override,
            "reason": reason,
        },
        by=by,
        at=at,
        rng=rng,
    )


def assign_role(
    incident: Incident,
    role: IcsRole | str,
    person: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Give `role` to `person`. One holder per role (the previous one steps down), except
    subject-matter experts, who may be many. Naming a new incident commander hands over
    command."""
    parsed = _parse(IcsRole, role, "role")
    if parsed is IcsRole.INCIDENT_COMMANDER:
        return hand_over_command(incident, person, by=by, at=at, rng=rng)
    person = _person(person, "person")
    holders = incident.holders(parsed)
    if person in holders:
        raise IncidentError(f"{person} is already {parsed.label}")
    previous = [] if parsed.many else list(holders)
    text = f"{person} is {parsed.label}" + (f" (was {', '.join(previous)})" if previous else "")
    if parsed.many:
        text = f"{person} joins as {parsed.label}"
    return _event(
        EventKind.ROLE_ASSIGNED,
        text,
        {"role": parsed.value, "person": person, "previous": previous, "handover": False},
        by=by,
        at=at,
        rng=rng,
    )


def hand_over_command(
    incident: Incident,
    to: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Make `to` the incident commander; the current one steps down (the IC owns the handoff
    when the rotation changes)."""
    to = _person(to, "new commander")
    current = incident.commander
    if to == current:
        raise IncidentError(f"{to} is already the incident commander")
    return _event(
        EventKind.ROLE_ASSIGNED,
        f"Command handed over from {current} to {to}",
        {
            "role": IcsRole.INCIDENT_COMMANDER.value,
            "person": to,
            "previous": [current],
            "handover": True,
        },
        by=by,
        at=at,
        rng=rng,
    )


def clear_role(
    incident: Incident,
    role: IcsRole | str,
    *,
    by: str,
    at: datetime,
    person: str | None = None,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Take `role` from its holder (for subject-matter experts, name which one). The
    incident commander cannot be cleared, only handed over."""
    parsed = _parse(IcsRole, role, "role")
    if parsed is IcsRole.INCIDENT_COMMANDER:
        raise IncidentError(
            "an incident always has a commander: hand over command instead of clearing it"
        )
    holders = incident.holders(parsed)
    if not holders:
        raise IncidentError(f"nobody is {parsed.label}")
    if person is None:
        if len(holders) > 1:
            raise IncidentError(
                f"{len(holders)} people are {parsed.label} ({', '.join(holders)}): say which"
            )
        person = holders[0]
    person = _person(person, "person")
    if person not in holders:
        raise IncidentError(f"{person} is not {parsed.label} (holders: {', '.join(holders)})")
    return _event(
        EventKind.ROLE_CLEARED,
        f"{person} is no longer {parsed.label}",
        {"role": parsed.value, "person": person},
        by=by,
        at=at,
        rng=rng,
    )


def change_status(
    incident: Incident,
    status: IncidentStatus | str,
    *,
    by: str,
    at: datetime,
    root_cause: str | None = None,
    note: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Move the incident along its workflow. Any forward move is allowed (steps may be
    skipped); a move backwards reopens it and says so. Reaching resolved needs a root cause
    of one line, given here or set before."""
    parsed = _parse(IncidentStatus, status, "status")
    if parsed is incident.status:
        raise IncidentError(f"the incident is already {parsed}")
    note = _optional_line(note, "note")
    cause = _one_line(root_cause, "root cause") if root_cause is not None else None
    reopen = parsed.rank < incident.status.rank
    crossing_resolved = (
        parsed.rank >= IncidentStatus.RESOLVED.rank
        and incident.status.rank < IncidentStatus.RESOLVED.rank
    )
    if crossing_resolved and not (cause or incident.root_cause):
        raise IncidentError(f"to mark it {parsed}, give the root cause in one line")
    verb = "Reopened" if reopen else "Status"
    text = f"{verb}: {incident.status} -> {parsed}"
    if cause:
        text += f". Root cause: {cause}"
    if note:
        text += f" ({note})"
    return _event(
        EventKind.STATUS_CHANGED,
        text,
        {
            "status": parsed.value,
            "previous": incident.status.value,
            "reopen": reopen,
            "root_cause": cause,
            "note": note,
        },
        by=by,
        at=at,
        rng=rng,
    )


def set_root_cause(
    incident: Incident,
    root_cause: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """State (or restate) the root cause in one line."""
    cause = _one_line(root_cause, "root cause")
    if cause == incident.root_cause:
        raise IncidentError("that is already the root cause")
    return _event(
        EventKind.ROOT_CAUSE_SET,
        f"Root cause: {cause}",
        {"root_cause": cause},
        by=by,
        at=at,
        rng=rng,
    )


def update_impact(
    incident: Incident,
    impact: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Who and what is affected, in one line (used by the communication drafts)."""
    text = _one_line(impact, "impact")
    if text == incident.impact:
        raise IncidentError("the impact already says that")
    return _event(
        EventKind.IMPACT_UPDATED, f"Impact: {text}", {"impact": text}, by=by, at=at, rng=rng
    )


def post_check_in(
    incident: Incident,
    message: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """A status update was posted; the check-in clock starts again from here."""
    message = _free_text(message, "status update")
    return _event(
        EventKind.CHECK_IN,
        f"Status update posted: {message}",
        {"message": message},
        by=by,
        at=at,
        rng=rng,
    )


def record_comms(
    incident: Incident,
    template: CommsKind | str,
    body: str,
    *,
    by: str,
    at: datetime,
    channel: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """A message was sent (internal notice, customer status, tactical update, resolution).
    It does not count as a check-in: post one with `post_check_in`."""
    parsed = _parse(CommsKind, template, "message kind")
    body = _free_text(body, "message")
    channel = _optional_line(channel, "channel", NAME_MAX)
    where = f" to {channel}" if channel else ""
    return _event(
        EventKind.COMMS_SENT,
        f"Sent the {parsed} message{where}",
        {"template": parsed.value, "channel": channel, "body": body},
        by=by,
        at=at,
        rng=rng,
    )


def link_alert(
    incident: Incident,
    *,
    fingerprint: str,
    alertname: str,
    by: str,
    at: datetime,
    starts_at: datetime | None = None,
    labels: Mapping[str, str] | None = None,
    summary: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Attach an alert (Alertmanager's fingerprint identifies it). Its start time counts
    toward time to detect."""
    fingerprint = _one_line(fingerprint, "fingerprint", NAME_MAX)
    alertname = _one_line(alertname, "alert name", NAME_MAX)
    if any(a.fingerprint == fingerprint for a in incident.alerts):
        raise IncidentError(f"alert {alertname} ({fingerprint}) is already linked")
    started = _utc(starts_at, "starts_at") if starts_at is not None else None
    clean_labels = {str(k): str(v) for k, v in (labels or {}).items()}
    summary = _optional_line(summary, "summary")
    return _event(
        EventKind.ALERT_LINKED,
        f"Linked alert {alertname}" + (f": {summary}" if summary else ""),
        {
            "fingerprint": fingerprint,
            "alertname": alertname,
            "starts_at": started.isoformat() if started else None,
            "labels": clean_labels,
            "summary": summary,
        },
        by=by,
        at=at,
        rng=rng,
    )


def record_silence(
    incident: Incident,
    *,
    silence_id: str,
    matchers: Sequence[str],
    ends_at: datetime,
    by: str,
    at: datetime,
    comment: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """An Alertmanager silence made for this incident."""
    silence_id = _one_line(silence_id, "silence id", NAME_MAX)
    if any(s.silence_id == silence_id for s in incident.silences):
        raise IncidentError(f"silence {silence_id} is already recorded")
    clean = [_one_line(m, "matcher") for m in matchers]
    if not clean:
        raise IncidentError("a silence needs at least one matcher")
    ends = _utc(ends_at, "ends_at")
    if ends <= _utc(at, "at"):
        raise IncidentError("a silence must end after it is created")
    comment = _optional_line(comment, "comment")
    return _event(
        EventKind.SILENCE_CREATED,
        f"Silenced {', '.join(clean)} until {ends:%Y-%m-%d %H:%M} UTC",
        {
            "silence_id": silence_id,
            "matchers": clean,
            "ends_at": ends.isoformat(),
            "comment": comment,
        },
        by=by,
        at=at,
        rng=rng,
    )


def pin(
    incident: Incident,
    event_id: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Mark a timeline event as important (the postmortem highlights it)."""
    target = _pinnable(incident, event_id)
    if target.id in incident.pinned:
        raise IncidentError("that event is already pinned")
    return _event(
        EventKind.PINNED,
        f"Pinned: {_first_line(target.text)}",
        {"event_id": target.id},
        by=by,
        at=at,
        rng=rng,
    )


def unpin(
    incident: Incident,
    event_id: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Take the mark off a pinned event."""
    target = _pinnable(incident, event_id)
    if target.id not in incident.pinned:
        raise IncidentError("that event is not pinned")
    return _event(
        EventKind.UNPINNED,
        f"Unpinned: {_first_line(target.text)}",
        {"event_id": target.id},
        by=by,
        at=at,
        rng=rng,
    )


def _pinnable(incident: Incident, event_id: str) -> IncidentEvent:
    target = incident.event(event_id.strip())
    if target is None:
        raise IncidentError(f"no event {event_id!r} in this incident")
    if target.kind in (EventKind.PINNED, EventKind.UNPINNED):
        raise IncidentError("pin the event itself, not a pin")
    return target


def _first_line(text: str) -> str:
    lines = _lines(text)
    first = lines[0] if lines else ""
    return first if len(first) <= 80 else first[:77] + "..."


def add_action_item(
    incident: Incident,
    description: str,
    *,
    type: ActionItemType | str,
    by: str,
    at: datetime,
    owner: str = "",
    priority: Priority | str = Priority.P1,
    deadline: date | None = None,
    status: ActionItemStatus | str = ActionItemStatus.OPEN,
    ticket: str = "",
    rng: random.Random | None = None,
) -> IncidentEvent:
    """A follow-up for the postmortem. Owner and deadline may wait until the review."""
    fields = _item_fields(
        {
            "type": type,
            "description": description,
            "owner": owner,
            "priority": priority,
            "deadline": deadline,
            "status": status,
            "ticket": ticket,
        }
    )
    if not fields["description"]:
        raise IncidentError("description must not be empty")
    owner_text = f" (owner {fields['owner']})" if fields["owner"] else ""
    return _event(
        EventKind.ACTION_ITEM_ADDED,
        f"Action item ({fields['type']}, {fields['priority']}): {fields['description']}"
        + owner_text,
        fields,
        by=by,
        at=at,
        rng=rng,
    )


def update_action_item(
    incident: Incident,
    item: str,
    *,
    by: str,
    at: datetime,
    type: ActionItemType | str | None = None,
    description: str | None = None,
    owner: str | None = None,
    priority: Priority | str | None = None,
    deadline: date | None = None,
    status: ActionItemStatus | str | None = None,
    ticket: str | None = None,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Change fields of an action item, found by label ("AI-002") or key. Only the fields
    given are changed; something must actually change."""
    found = incident.action_item(item)
    if found is None:
        raise IncidentError(f"no action item {item!r}")
    asked = {
        "type": type,
        "description": description,
        "owner": owner,
        "priority": priority,
        "deadline": deadline,
        "status": status,
        "ticket": ticket,
    }
    given = _item_fields({k: v for k, v in asked.items() if v is not None})
    if "description" in given and not given["description"]:
        raise IncidentError("description must not be empty")
    current = _item_json(found)
    changes = {k: v for k, v in given.items() if current[k] != v}
    if not changes:
        raise IncidentError(f"{found.label} already says that")
    said = ", ".join(f"{k} {v if v not in ('', None) else '(none)'}" for k, v in changes.items())
    return _event(
        EventKind.ACTION_ITEM_UPDATED,
        f"{found.label} updated: {said}",
        {"item": found.key, "changes": changes},
        by=by,
        at=at,
        rng=rng,
    )


def _item_fields(given: Mapping[str, Any]) -> dict[str, Any]:
    parsers: dict[str, Callable[[Any], Any]] = {
        "type": lambda v: _parse(ActionItemType, v, "action item type").value,
        "description": lambda v: _optional_line(v, "description"),
        "owner": lambda v: _optional_line(v, "owner", NAME_MAX),
        "priority": lambda v: _parse(Priority, v, "priority").value,
        "deadline": _deadline,
        "status": lambda v: _parse(ActionItemStatus, v, "action item status").value,
        "ticket": lambda v: _optional_line(v, "ticket", NAME_MAX),
    }
    return {key: parsers[key](value) for key, value in given.items()}


def _deadline(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise IncidentError(f"deadline must be a date, got {_show(value)}")
    return value.isoformat()


def record_postmortem(
    incident: Incident,
    link: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> IncidentEvent:
    """Where the postmortem draft was written (a path or a URL)."""
    link = _one_line(link, "postmortem link")
    return _event(
        EventKind.POSTMORTEM_DRAFTED,
        f"Postmortem drafted: {link}",
        {"link": link},
        by=by,
        at=at,
        rng=rng,
    )


# --- check-ins and ICS reminders ---------------------------------------------------------

DEFAULT_CHECK_IN_CADENCE: Mapping[Severity, timedelta] = {
    Severity.SEV1: timedelta(minutes=15),
    Severity.SEV2: timedelta(minutes=30),
}


def next_check_in(
    incident: Incident, cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE
) -> datetime | None:
    """When the next status update is due: the latest check-in (or the declaration) plus the
    cadence for the current severity. None when the severity has no cadence or the incident
    is resolved."""
    every = cadence.get(incident.severity)
    if every is None or not incident.is_open:
        return None
    return (incident.last_check_in_at or incident.declared_at) + every


def check_in_due(
    incident: Incident,
    now: datetime,
    cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE,
) -> timedelta | None:
    """Time left until the next status update is due; negative when it is overdue, None when
    none is due (see `next_check_in`)."""
    due = next_check_in(incident, cadence)
    return None if due is None else due - _utc(now, "now")


def ics_warnings(incident: Incident) -> list[str]:
    """Reminders of the ICS rules that the current roles break (advice, never enforced)."""
    warnings: list[str] = []
    commander = incident.commander
    for role in (IcsRole.OPERATIONS_LEAD, IcsRole.SUBJECT_MATTER_EXPERT):
        if commander in incident.holders(role):
            warnings.append(
                f"{commander} is both Incident Commander and {role.label}: "
                "the commander coordinates and does not debug"
            )
    if (
        incident.is_open
        and incident.severity.rank <= 2
        and not incident.holders(IcsRole.COMMUNICATIONS_LEAD)
    ):
        warnings.append(
            f"no Communications Lead on a {incident.severity} incident: "
            "the commander is doing the updates"
        )
    return warnings


def format_minutes(delta: timedelta) -> str:
    """A duration to the minute, rounded down: "0 min", "45 min", "2 h", "1 h 7 min", "26 h
    5 min". Negative durations are shown as zero."""
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + (f" {minutes} min" if minutes else "")
