"""Incidents on disk: one append-only JSONL log per incident under `incidents/` in the data dir,
kept by the shared event log (`services/eventlog.py`).

Every change is a domain command that validates against the folded state and returns one event;
the event is appended under the log's lock, so engineers in separate processes (two app
instances, the CLI) never lose each other's events. Reading folds the log again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sretui.domain.incident import (
    DEFAULT_CHECK_IN_CADENCE,
    Incident,
    IncidentError,
    IncidentEvent,
    Severity,
    declare,
    fold,
    next_check_in,
)
from sretui.services.eventlog import EventLog, FoldError, LogNotFound
from sretui.services.incident_rows import FOLDER
from sretui.store import DocumentError, Store, StoreError

# What a write from a screen can fail with besides an IncidentError: a read-only or full disk,
# a symlinked log. The message starts with the file's path. Screens catch these (they may not
# import the store) and say so in a toast, keeping what was typed.
SAVE_ERRORS: tuple[type[Exception], ...] = (StoreError, OSError)


def utc_now() -> datetime:
    return datetime.now(UTC)


P = ParamSpec("P")
T = TypeVar("T")


class IncidentStoreError(IncidentError):
    """The data dir refused a read or a write (read-only, full, a lock held, a symlink): the
    message names the file and the reason. An IncidentError, so every screen that reports a
    refused command reports this too, and keeps what was typed."""


def said_as_incident_error(method: Callable[P, T]) -> Callable[P, T]:
    """Run `method`, turning a StoreError into an IncidentStoreError (same message)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except StoreError as error:
            raise IncidentStoreError(str(error)) from error

    return wrapper


class IncidentNotFound(IncidentError):
    """No incident matches the id the user gave (or more than one does)."""


@dataclass(slots=True)
class LoadedIncident:
    incident: Incident
    problems: list[DocumentError] = field(default_factory=list)  # bad lines, skipped


class IncidentList(list[LoadedIncident]):
    """Incidents as `IncidentService.list` found them, and the logs it could not read: each
    one line naming the file and what is wrong with it. A list, so callers that only want the
    incidents use it as one; every caller that shows the list must also say `unreadable`."""

    def __init__(self, loaded: list[LoadedIncident], unreadable: list[str]) -> None:
        super().__init__(loaded)
        self.unreadable = unreadable


def incident_log(store: Store) -> EventLog[IncidentEvent, Incident]:
    """The incidents' event logs: `incidents/<id>.jsonl`, IncidentEvent lines, `fold`."""
    return EventLog(
        store,
        FOLDER,
        IncidentEvent,
        fold,
        what="incident",
        list_hint="`sretui incident list --all` shows every id",
    )


class IncidentService:
    """Declare, change and read incidents for one engineer (`user`)."""

    def __init__(self, store: Store, user: str, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.user = user
        self.clock = clock
        self.log = incident_log(store)

    # -- reading ----------------------------------------------------------------------------

    def names(self) -> list[str]:
        return self.log.names()

    @said_as_incident_error
    def load(self, incident_id: str) -> LoadedIncident:
        """Fold the incident's log. Corrupt lines are skipped and reported, never fatal."""
        return self._load(self.resolve(incident_id))

    @said_as_incident_error
    def list(self, *, include_closed: bool = False) -> IncidentList:
        """Incidents, most severe and then newest first; closed ones only when asked. The
        folder is scanned once. A log that cannot be read is left out and said in
        `unreadable`, so one broken log never hides the others, and is never hidden itself."""
        loaded = []
        ids, unreadable = self.log.scan()
        for full_id in ids:
            try:
                item = self._load(full_id)
            except (IncidentError, StoreError) as error:  # e.g. a log nobody may read
                unreadable.append(str(error))
                continue
            if include_closed or item.incident.is_open:
                loaded.append(item)
        loaded.sort(key=lambda i: (i.incident.severity.rank, -i.incident.declared_at.timestamp()))
        return IncidentList(loaded, unreadable)

    @said_as_incident_error
    def load_exact(self, full_id: str) -> LoadedIncident:
        """Fold the log of `full_id` (a full id, as a folder scan gives it: no resolving)."""
        return self._load(full_id)

    def resolve(self, given: str) -> str:
        """The full id for `given`: a full id, or a unique tail of one (e.g. its last 4)."""
        try:
            return self.log.resolve(given)
        except LogNotFound as error:
            raise IncidentNotFound(str(error)) from None

    def _load(self, full_id: str) -> LoadedIncident:
        try:
            folded = self.log.load(full_id)
        except FoldError as error:
            raise IncidentError(str(error)) from error
        if folded.state.id != full_id:  # a copied or renamed log: never list one incident twice
            raise IncidentError(
                f"{self.store.path(self.log.name(full_id))}: holds incident {folded.state.id}, "
                "not the one its file is named for (a copy or a rename?); left out"
            )
        return LoadedIncident(folded.state, folded.problems)

    # -- writing ----------------------------------------------------------------------------

    @said_as_incident_error
    def declare(self, title: str, **kwargs: Any) -> Incident:
        """Declare an incident; the log is created with the `declared` event."""
        for _ in range(5):
            event = declare(title, by=self.user, at=self.clock(), **kwargs)
            incident = fold([event])
            if not self.log.exists(incident.id):  # ids carry a random suffix; a clash is rare
                self.log.append(incident.id, event)
                return incident
        raise IncidentError("could not find a free incident id")  # pragma: no cover

    @said_as_incident_error
    def apply(
        self, incident_id: str, command: Callable[..., IncidentEvent], *args: Any, **kwargs: Any
    ) -> Incident:
        """Run a domain command against the current state and append its event."""
        full_id = self.resolve(incident_id)
        current = self._load(full_id).incident
        event = command(current, *args, by=self.user, at=self.clock(), **kwargs)
        self.log.append(full_id, event)
        return fold([*current.timeline, event])

    def export(self, incident_id: str, kind: str, text: str) -> Path:
        """Save a draft or the postmortem under `exports/` in the data dir, atomically; a saved
        postmortem is recorded on the incident. Returns the file's path."""
        from sretui.domain.incident import record_postmortem
        from sretui.services.exports import save_text

        full_id = self.resolve(incident_id)
        suffix = "md" if kind == "postmortem" else "txt"
        path = save_text(self.store.root / "exports" / f"{full_id}-{kind}.{suffix}", text)
        if kind == "postmortem":
            self.apply(full_id, record_postmortem, str(path))
        return path


def incident_json(
    incident: Incident, cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE
) -> dict[str, Any]:
    """The `--json` shape of one incident."""
    check_in = next_check_in(incident, cadence)
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value,
        "severity_reason": incident.severity_reason,
        "status": incident.status.value,
        "services": list(incident.services),
        "channel": incident.channel,
        "declared_at": incident.declared_at.isoformat(),
        "declared_by": incident.declared_by,
        "roles": {role.value: list(holders) for role, holders in incident.roles.items()},
        "mitigated_at": incident.mitigated_at.isoformat() if incident.mitigated_at else None,
        "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        "root_cause": incident.root_cause or None,
        "next_check_in": check_in.isoformat() if check_in and incident.is_open else None,
        "timeline": [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "author": e.author,
                "kind": e.kind.value,
                "text": e.text,
                "pinned": e.id in incident.pinned,
            }
            for e in incident.timeline
        ],
        "action_items": [
            {
                "id": item.label,
                "description": item.description,
                "type": item.type.value,
                "owner": item.owner or None,
                "priority": item.priority.value,
                "deadline": item.deadline.isoformat() if item.deadline else None,
                "status": item.status.value,
                "ticket": item.ticket or None,
            }
            for item in incident.action_items
        ],
    }


def describe(incident: Incident) -> str:
    """The whole incident as plain text, every text in full: what `sretui incident show` prints
    and the app's full-text view (`t`) shows. Outside text is NOT neutralised here: the edge
    that writes it does that (the CLI's SafeStream, the screen's safe_text)."""
    lines = [
        f"{incident.id}  {incident.severity.value}  {incident.status.value}",
        incident.title,
        f"channel {incident.channel}; services {', '.join(incident.services) or '-'}",
        f"severity: {incident.severity_reason}",
        "roles:",
    ]
    for role, holders in incident.roles.items():
        lines.append(f"  {role.label}: {', '.join(holders) if holders else '(empty)'}")
    if incident.root_cause:
        lines.append(f"root cause: {incident.root_cause}")
    if incident.action_items:
        lines.append("action items:")
        for item in incident.action_items:
            owner = item.owner or "no owner yet"
            lines.append(
                f"  {item.label} [{item.status.value}] {item.priority.value} {item.type.value}: "
                f"{item.description} ({owner})"
            )
    lines.append("timeline:")
    for event in incident.timeline:
        pin = "*" if event.id in incident.pinned else " "
        lines.append(f" {pin}{event.at.astimezone():%Y-%m-%d %H:%M} {event.author}: {event.text}")
    return "\n".join(lines)
