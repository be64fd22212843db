"""The state of an incident after replaying its log, and the records it is made of."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from msgspec import Struct

from sretui.domain.incident.events import IncidentEvent
from sretui.domain.incident.kinds import (
    ActionItemStatus,
    ActionItemType,
    EventKind,
    NoteTag,
    Priority,
)
from sretui.domain.incident.roles import IcsRole, IncidentStatus
from sretui.domain.incident.severity import Classification, Severity


class StatusChange(Struct, frozen=True):
    """One step of the status history; `reopen` when it went backwards."""

    at: datetime
    author: str
    status: IncidentStatus
    previous: IncidentStatus | None  # None for the declaration
    reopen: bool = False


class SeverityChange(Struct, frozen=True):
    """One entry of the severity history, with what the matrix said and why."""

    at: datetime
    author: str
    severity: Severity
    previous: Severity | None  # None for the declaration
    computed: Severity | None  # what the matrix said, if it was asked
    override: bool
    reason: str


class LinkedAlert(Struct, frozen=True):
    """An Alertmanager alert attached to the incident; its start feeds time to detect."""

    fingerprint: str
    alertname: str
    starts_at: datetime | None
    labels: Mapping[str, str]
    summary: str
    linked_at: datetime


class LinkedSilence(Struct, frozen=True):
    """An Alertmanager silence created for the incident (matchers as Alertmanager writes
    them, e.g. `alertname="HighErrorRate"`)."""

    silence_id: str
    matchers: tuple[str, ...]
    ends_at: datetime
    comment: str
    created_at: datetime
    created_by: str


class ActionItem(Struct, frozen=True):
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


class Incident(Struct, frozen=True):
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
