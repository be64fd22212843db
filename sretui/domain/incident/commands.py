"""Commands on an incident's course: declare, notes, severity, status, cause, updates.

Each command checks a request against the incident as the caller sees it and returns the
Change it makes; `@command` stamps it into the event (see `change.py`). Nothing is changed
here: the caller appends the event to the log.

The payload records are imported inside each function: they bring in msgspec, which
`sretui check` and `--help` (which import this package) never need.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sretui.domain.incident.change import Change, command
from sretui.domain.incident.choices import parse_choice
from sretui.domain.incident.errors import IncidentError
from sretui.domain.incident.inputs import (
    NAME_MAX,
    TITLE_MAX,
    free_text,
    one_line,
    optional_line,
    person,
    utc,
)
from sretui.domain.incident.kinds import CommsKind, EventKind, NoteTag
from sretui.domain.incident.naming import channel_name, new_incident_id
from sretui.domain.incident.roles import IncidentStatus
from sretui.domain.incident.severity import Classification, Severity, severity_reason
from sretui.domain.incident.state import Incident

if TYPE_CHECKING:
    import random

    from sretui.domain.incident import payloads as p


def _record(classification: Classification | None) -> p.ClassificationRecord | None:
    from sretui.domain.incident import payloads as p

    if classification is None:
        return None
    return p.ClassificationRecord(
        severity=classification.severity,
        matrix_severity=classification.matrix_severity or classification.severity,
        broken=classification.broken,
        reach=classification.reach,
        triggers=list(classification.triggers),
        reasons=list(classification.reasons),
    )


def _severity_choice(
    classification: Classification | None, severity: Severity | str | None, reason: str
) -> tuple[Severity, Severity | None, bool, str]:
    """(chosen severity, computed severity, override?, reason) for declare/change_severity."""
    reason = optional_line(reason, "reason")
    computed = classification.severity if classification is not None else None
    if severity is None:
        if computed is None:
            raise IncidentError("give a severity, or the matrix answers to compute one")
        return computed, computed, False, reason
    chosen = parse_choice(Severity, severity, "severity")
    override = computed is not None and chosen != computed
    if override and not reason:
        raise IncidentError(
            f"{chosen} overrides the computed {computed}: say why in a reason of one line"
        )
    return chosen, computed, override, reason


@command
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
) -> Change:
    """The event that opens an incident. The declaring engineer is incident commander unless
    `commander` names someone else. Severity comes from `classification`, or from `severity`
    (which, when it differs from the classification, is an override and needs a `reason`).
    """
    from sretui.domain.incident import payloads as p

    title = one_line(title, "title", TITLE_MAX)
    by = person(by)
    commander = person(commander, "commander") if commander is not None else by
    chosen, computed, _override, reason = _severity_choice(classification, severity, reason)
    clean_services: list[str] = []
    for service in services:
        name = one_line(service, "service", NAME_MAX)
        if name not in clean_services:
            clean_services.append(name)
    impact = optional_line(impact, "impact")
    at = utc(at, "at")
    channel = channel_name(title, at)
    in_command = f" ({commander} in command)" if commander != by else ""
    return Change(
        EventKind.DECLARED,
        f'Declared {chosen} incident "{title}"{in_command}; channel {channel}',
        p.Declared(
            incident_id=new_incident_id(at, rng),
            title=title,
            services=clean_services,
            severity=chosen,
            severity_reason=severity_reason(
                chosen, computed, classification.reasons if classification else [], reason
            ),
            classification=_record(classification),
            commander=commander,
            channel=channel,
            impact=impact,
        ),
    )


@command
def add_note(
    incident: Incident,
    note: str,
    *,
    by: str,
    at: datetime,
    tag: NoteTag | str | None = None,
    rng: random.Random | None = None,
) -> Change:
    """A note for the timeline; tag it condition, action, need or decision to feed the
    tactical update."""
    from sretui.domain.incident import payloads as p

    note = free_text(note, "note")
    parsed = parse_choice(NoteTag, tag, "note tag") if tag is not None else None
    text = f"{parsed.label}: {note}" if parsed else note
    return Change(EventKind.NOTE, text, p.NoteAdded(note=note, tag=parsed))


@command
def change_severity(
    incident: Incident,
    *,
    by: str,
    at: datetime,
    classification: Classification | None = None,
    severity: Severity | str | None = None,
    reason: str = "",
    rng: random.Random | None = None,
) -> Change:
    """A new severity, from new matrix answers or set by hand. Choosing other than the matrix
    says is an override: it needs a reason, and the event keeps both severities."""
    from sretui.domain.incident import payloads as p

    chosen, computed, override, reason = _severity_choice(classification, severity, reason)
    if chosen == incident.severity:
        raise IncidentError(f"the incident is already {chosen}")
    direction = "raised" if chosen.rank < incident.severity.rank else "lowered"
    text = f"Severity {direction}: {incident.severity} -> {chosen}"
    if override:
        text += f" (override; the matrix says {computed}): {reason}"
    elif reason:
        text += f": {reason}"
    return Change(
        EventKind.SEVERITY_CHANGED,
        text,
        p.SeverityChanged(
            severity=chosen,
            previous=incident.severity,
            computed=computed,
            classification=_record(classification),
            override=override,
            reason=reason,
        ),
    )


@command
def change_status(
    incident: Incident,
    status: IncidentStatus | str,
    *,
    by: str,
    at: datetime,
    root_cause: str | None = None,
    note: str = "",
    rng: random.Random | None = None,
) -> Change:
    """Move the incident along its workflow. Any forward move is allowed (steps may be
    skipped); a move backwards reopens it and says so. Reaching resolved needs a root cause
    of one line, given here or set before."""
    from sretui.domain.incident import payloads as p

    parsed = parse_choice(IncidentStatus, status, "status")
    if parsed is incident.status:
        raise IncidentError(f"the incident is already {parsed}")
    note = optional_line(note, "note")
    cause = one_line(root_cause, "root cause") if root_cause is not None else None
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
    return Change(
        EventKind.STATUS_CHANGED,
        text,
        p.StatusChanged(
            status=parsed, previous=incident.status, reopen=reopen, root_cause=cause, note=note
        ),
    )


@command
def set_root_cause(
    incident: Incident,
    root_cause: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """State (or restate) the root cause in one line."""
    from sretui.domain.incident import payloads as p

    cause = one_line(root_cause, "root cause")
    if cause == incident.root_cause:
        raise IncidentError("that is already the root cause")
    return Change(EventKind.ROOT_CAUSE_SET, f"Root cause: {cause}", p.RootCauseSet(cause))


@command
def update_impact(
    incident: Incident,
    impact: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """Who and what is affected, in one line (used by the communication drafts)."""
    from sretui.domain.incident import payloads as p

    text = one_line(impact, "impact")
    if text == incident.impact:
        raise IncidentError("the impact already says that")
    return Change(EventKind.IMPACT_UPDATED, f"Impact: {text}", p.ImpactUpdated(text))


@command
def post_check_in(
    incident: Incident,
    message: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """A status update was posted; the check-in clock starts again from here."""
    from sretui.domain.incident import payloads as p

    message = free_text(message, "status update")
    return Change(EventKind.CHECK_IN, f"Status update posted: {message}", p.CheckIn(message))


@command
def record_comms(
    incident: Incident,
    template: CommsKind | str,
    body: str,
    *,
    by: str,
    at: datetime,
    channel: str = "",
    rng: random.Random | None = None,
) -> Change:
    """A message was sent (internal notice, customer status, tactical update, resolution).
    It does not count as a check-in: post one with `post_check_in`."""
    from sretui.domain.incident import payloads as p

    parsed = parse_choice(CommsKind, template, "message kind")
    body = free_text(body, "message")
    channel = optional_line(channel, "channel", NAME_MAX)
    where = f" to {channel}" if channel else ""
    return Change(
        EventKind.COMMS_SENT,
        f"Sent the {parsed} message{where}",
        p.CommsSent(template=parsed, channel=channel, body=body),
    )


@command
def record_postmortem(
    incident: Incident,
    link: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """Where the postmortem draft was written (a path or a URL)."""
    from sretui.domain.incident import payloads as p

    link = one_line(link, "postmortem link")
    return Change(
        EventKind.POSTMORTEM_DRAFTED, f"Postmortem drafted: {link}", p.PostmortemDrafted(link)
    )
