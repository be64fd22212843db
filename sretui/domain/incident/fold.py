"""Replaying an incident's log into its current state.

The payload records are imported inside each function: they bring in msgspec, which
`sretui check` and `--help` (which import this package) never need.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from msgspec import structs

from sretui.domain.incident.errors import IncidentError
from sretui.domain.incident.events import IncidentEvent
from sretui.domain.incident.roles import IcsRole, IncidentStatus
from sretui.domain.incident.severity import Classification, Severity, severity_reason
from sretui.domain.incident.state import (
    ActionItem,
    Incident,
    LinkedAlert,
    LinkedSilence,
    SeverityChange,
    StatusChange,
)

if TYPE_CHECKING:
    from sretui.domain.incident import payloads as p


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


def classification_of(record: p.ClassificationRecord | None) -> Classification | None:
    """The stored matrix answers as a Classification."""

    if record is None:
        return None
    return Classification(
        severity=record.severity,
        reasons=list(record.reasons),
        broken=record.broken,
        reach=record.reach,
        triggers=tuple(record.triggers),
        matrix_severity=record.matrix_severity,
    )


class _Fold:
    """Mutable state while replaying; `incident()` freezes it."""

    def __init__(self, first: IncidentEvent) -> None:
        from sretui.domain.incident import payloads as p

        declared = first.payload
        if not isinstance(declared, p.Declared):
            raise IncidentError(
                f"an incident log must start with a 'declared' event, not '{first.kind}'"
            )
        self.id = declared.incident_id
        self.title = declared.title
        self.services = tuple(declared.services)
        self.severity: Severity = declared.severity
        self.severity_reason = declared.severity_reason
        self.classification = classification_of(declared.classification)
        self.status = IncidentStatus.DETECTED
        self.status_history = [StatusChange(first.at, first.author, self.status, None)]
        computed = self.classification.severity if self.classification else None
        self.severity_history = [
            SeverityChange(
                first.at,
                first.author,
                self.severity,
                None,
                computed,
                computed is not None and computed != self.severity,
                self.severity_reason,
            )
        ]
        self.roles: dict[IcsRole, list[str]] = {role: [] for role in IcsRole}
        self.roles[IcsRole.INCIDENT_COMMANDER] = [declared.commander]
        self.channel = declared.channel
        self.declared_at = first.at
        self.declared_by = first.author
        self.impact = declared.impact
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
        from sretui.domain.incident import payloads as p

        self.timeline.append(event)
        match event.payload:
            case p.Declared():
                raise IncidentError(
                    f"event {event.id}: a second 'declared' event; is this two incidents' "
                    "logs in one file?"
                )
            case p.SeverityChanged() as change:
                self._severity(event, change)
            case p.RoleAssigned(role=role, person=person):
                holders = self.roles[role]
                if role.many:
                    if person not in holders:
                        holders.append(person)
                else:
                    holders[:] = [person]
            case p.RoleCleared(role=role, person=person):
                # Two people clearing the same role at once: the second has nothing to do.
                if person in self.roles[role] and role is not IcsRole.INCIDENT_COMMANDER:
                    self.roles[role].remove(person)
            case p.StatusChanged() as change:
                self._status(event, change)
            case p.CheckIn():
                self.last_check_in_at = event.at
            case p.AlertLinked() as alert:
                starts = alert.starts_at.astimezone(UTC) if alert.starts_at else None
                self.alerts.setdefault(
                    alert.fingerprint,
                    LinkedAlert(
                        alert.fingerprint,
                        alert.alertname,
                        starts,
                        dict(alert.labels),
                        alert.summary,
                        event.at,
                    ),
                )
            case p.SilenceCreated() as silence:
                self.silences.setdefault(
                    silence.silence_id,
                    LinkedSilence(
                        silence.silence_id,
                        tuple(silence.matchers),
                        silence.ends_at.astimezone(UTC),
                        silence.comment,
                        event.at,
                        event.author,
                    ),
                )
            case p.Pinned(event_id=target):
                if target not in self.pinned:
                    self.pinned.append(target)
            case p.Unpinned(event_id=target):
                if target in self.pinned:
                    self.pinned.remove(target)
            case p.ActionItemAdded() as added:
                self.items[event.id] = ActionItem(
                    event.id,
                    len(self.items) + 1,
                    added.type,
                    added.description,
                    added.owner,
                    added.priority,
                    added.deadline,
                    added.status,
                    added.ticket,
                )
            case p.ActionItemUpdated(item=key, changes=changes):
                item = self.items.get(key)
                if item is not None:
                    self.items[item.key] = _updated(item, changes)
            case p.RootCauseSet(root_cause=cause):
                self.root_cause = cause
            case p.ImpactUpdated(impact=impact):
                self.impact = impact
            case p.PostmortemDrafted(link=link):
                self.postmortem_link = link
            case _:
                pass  # notes and sent messages: the timeline is their whole effect

    def _severity(self, event: IncidentEvent, change: p.SeverityChanged) -> None:

        previous = self.severity
        self.severity = change.severity
        classification = classification_of(change.classification)
        if classification is not None:
            self.classification = classification
        self.severity_reason = severity_reason(
            self.severity,
            change.computed,
            classification.reasons if classification else [],
            change.reason,
        )
        self.severity_history.append(
            SeverityChange(
                event.at,
                event.author,
                self.severity,
                previous,
                change.computed,
                change.override,
                self.severity_reason,
            )
        )

    def _status(self, event: IncidentEvent, change: p.StatusChanged) -> None:

        status = change.status
        # Log order decides, so compare with the status as folded, not the writer's `previous`.
        previous = self.status
        reopen = status.rank < previous.rank
        self.status = status
        self.status_history.append(StatusChange(event.at, event.author, status, previous, reopen))
        if change.root_cause:
            self.root_cause = change.root_cause
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


def _updated(item: ActionItem, changes: p.ActionItemChanges) -> ActionItem:
    """`item` with the fields that `changes` sets."""
    import msgspec

    values = {
        name: getattr(changes, name)
        for name in changes.__struct_fields__
        if getattr(changes, name) is not msgspec.UNSET
    }
    return structs.replace(item, **values)
