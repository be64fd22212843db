"""The typed payload (`data`) of each kind of incident event, as stored in the log.

Field order is the order on disk. Fields whose value may be null are still required: a record
always carries every key, as the first version wrote it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from sretui.domain.incident.kinds import (
    ActionItemStatus,
    ActionItemType,
    CommsKind,
    EventKind,
    NoteTag,
    Priority,
)
from sretui.domain.incident.roles import IcsRole, IncidentStatus
from sretui.domain.incident.severity import Broken, Reach, Severity, Trigger

UtcTime = Annotated[datetime, msgspec.Meta(tz=True)]


class Payload(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of every event payload."""


class ClassificationRecord(Payload, frozen=True):
    severity: Severity
    matrix_severity: Severity
    broken: Broken
    reach: Reach
    triggers: list[Trigger]
    reasons: list[str]


class Declared(Payload, frozen=True):
    incident_id: str
    title: str
    services: list[str]
    severity: Severity
    severity_reason: str
    classification: ClassificationRecord | None
    commander: str
    channel: str
    impact: str


class NoteAdded(Payload, frozen=True):
    note: str
    tag: NoteTag | None


class SeverityChanged(Payload, frozen=True):
    severity: Severity
    previous: Severity
    computed: Severity | None
    classification: ClassificationRecord | None
    override: bool
    reason: str


class RoleAssigned(Payload, frozen=True):
    role: IcsRole
    person: str
    previous: list[str]
    handover: bool


class RoleCleared(Payload, frozen=True):
    role: IcsRole
    person: str


class StatusChanged(Payload, frozen=True):
    status: IncidentStatus
    previous: IncidentStatus
    reopen: bool
    root_cause: str | None
    note: str


class CheckIn(Payload, frozen=True):
    message: str


class CommsSent(Payload, frozen=True):
    template: CommsKind
    channel: str
    body: str


class AlertLinked(Payload, frozen=True):
    fingerprint: str
    alertname: str
    starts_at: UtcTime | None
    labels: dict[str, str]
    summary: str


class SilenceCreated(Payload, frozen=True):
    silence_id: str
    matchers: list[str]
    ends_at: UtcTime
    comment: str


class Pinned(Payload, frozen=True):
    event_id: str


class Unpinned(Payload, frozen=True):
    event_id: str


class ActionItemAdded(Payload, frozen=True):
    type: ActionItemType
    description: str
    owner: str
    priority: Priority
    deadline: date | None
    status: ActionItemStatus
    ticket: str


class ActionItemChanges(Payload, frozen=True):
    """The fields of an action item that an update changes (at least one)."""

    type: ActionItemType | UnsetType = UNSET
    description: str | UnsetType = UNSET
    owner: str | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    deadline: date | UnsetType | None = UNSET
    status: ActionItemStatus | UnsetType = UNSET
    ticket: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        if all(getattr(self, name) is UNSET for name in self.__struct_fields__):
            raise ValueError(f"expected at least one of {', '.join(self.__struct_fields__)}")


class ActionItemUpdated(Payload, frozen=True):
    item: str
    changes: ActionItemChanges


class RootCauseSet(Payload, frozen=True):
    root_cause: str


class ImpactUpdated(Payload, frozen=True):
    impact: str


class PostmortemDrafted(Payload, frozen=True):
    link: str


PAYLOAD_TYPES: dict[EventKind, type[Payload]] = {
    EventKind.DECLARED: Declared,
    EventKind.NOTE: NoteAdded,
    EventKind.SEVERITY_CHANGED: SeverityChanged,
    EventKind.ROLE_ASSIGNED: RoleAssigned,
    EventKind.ROLE_CLEARED: RoleCleared,
    EventKind.STATUS_CHANGED: StatusChanged,
    EventKind.CHECK_IN: CheckIn,
    EventKind.COMMS_SENT: CommsSent,
    EventKind.ALERT_LINKED: AlertLinked,
    EventKind.SILENCE_CREATED: SilenceCreated,
    EventKind.PINNED: Pinned,
    EventKind.UNPINNED: Unpinned,
    EventKind.ACTION_ITEM_ADDED: ActionItemAdded,
    EventKind.ACTION_ITEM_UPDATED: ActionItemUpdated,
    EventKind.ROOT_CAUSE_SET: RootCauseSet,
    EventKind.IMPACT_UPDATED: ImpactUpdated,
    EventKind.POSTMORTEM_DRAFTED: PostmortemDrafted,
}
