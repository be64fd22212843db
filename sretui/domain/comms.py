"""Drafts of the messages an incident sends: the internal notification, the customer-facing
status, the tactical update (conditions, actions, needs) and the resolution notice.

Each draft is plain text filled from the incident. What the record cannot know is left as a
`[fill in: ...]` placeholder, so nothing half-finished goes out unnoticed. The customer draft
never quotes internal text (the title, notes) directly: internal wording appears only as a
hint inside a placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo

from sretui.domain.durations import humanize_duration
from sretui.domain.incident import (
    DEFAULT_CHECK_IN_CADENCE,
    EventKind,
    IcsRole,
    Incident,
    IncidentError,
    IncidentEvent,
    IncidentStatus,
    NoteTag,
    Severity,
    format_minutes,
)
from sretui.domain.postmortem import (
    DEFAULT_POSTMORTEM_DUE,
    fill_in,
    incident_durations,
    postmortem_due,
)


def _clock(at: datetime, tz: tzinfo) -> str:
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _status_words(status: IncidentStatus) -> str:
    if status.rank >= IncidentStatus.RESOLVED.rank:
        return "Resolved"
    if status is IncidentStatus.MITIGATED:
        return "Mitigated, root cause investigation ongoing"
    return "Investigating"


def _next_update(
    incident: Incident, now: datetime, cadence: Mapping[Severity, timedelta], tz: tzinfo
) -> str:
    # The draft is itself the update being posted now, so the next one is a cadence from now.
    every = cadence.get(incident.severity)
    if not incident.is_open:
        return "none (resolved)"
    if every is None:
        return fill_in("when")
    return f"{_clock(now + every, tz)} (every {humanize_duration(every)})"


def internal_notification(
    incident: Incident,
    now: datetime,
    *,
    cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE,
    tz: tzinfo = UTC,
) -> str:
    """The first notice to the company: what, how bad, who leads, where to follow."""
    lines = [
        f"INCIDENT: {_one_line(incident.title)}",
        f"Id: {incident.id}",
        f"Severity: {incident.severity}",
        f"Services: {', '.join(incident.services) or fill_in('services affected')}",
        f"Impact: {_one_line(incident.impact) or fill_in('who and what is affected')}",
        f"Status: {_status_words(incident.status)}",
        f"IC: {incident.commander}",
    ]
    comms = incident.holders(IcsRole.COMMUNICATIONS_LEAD)
    if comms:
        lines.append(f"Comms: {', '.join(comms)}")
    lines += [
        f"Channel: {incident.channel}",
        f"Next update: {_next_update(incident, now, cadence, tz)}",
    ]
    return "\n".join(lines)


def customer_status(
    incident: Incident,
    now: datetime,
    *,
    cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE,
    tz: tzinfo = UTC,
) -> str:
    """A status-page message in customers' words, worded for the current status."""
    services = ", ".join(incident.services) or fill_in("service name customers know")
    symptom = fill_in("the symptom, in customers' words")
    hint = f"; internally: {_one_line(incident.impact)}" if incident.impact else ""
    visible = fill_in(f"what users may notice{hint}")
    every = cadence.get(incident.severity)
    within = f"within {humanize_duration(every)}" if every else fill_in("when")
    if not incident.is_open:
        resolved_at = incident.resolved_at or now
        return "\n".join(
            [
                f"{services} - Resolved",
                "",
                f"Between {_clock(incident.first_detected_at, tz)} and "
                f"{_clock(resolved_at, tz)}, some users experienced {symptom}. "
                "The issue has been resolved and the service is operating normally.",
                "We apologise for the disruption.",
            ]
        )
    if incident.status is IncidentStatus.MITIGATED:
        return "\n".join(
            [
                f"{services} - Monitoring a fix",
                "",
                f"We have applied a fix for {symptom} and are monitoring the results. "
                f"Some users may still experience {visible}.",
                f"We will provide an update {within}.",
            ]
        )
    return "\n".join(
        [
            f"{services} - Investigating",
            "",
            f"We are currently investigating reports of {symptom}. "
            f"Some users may experience {visible}. "
            "Our team is actively working on a resolution.",
            f"We will provide an update {within}.",
        ]
    )


def _bullet(event: IncidentEvent, tz: tzinfo, text: str) -> str:
    lines = text.splitlines() or [""]
    head = f"- {event.at.astimezone(tz):%H:%M} {event.author}: {lines[0]}"
    return "\n".join([head, *(f"  {line}" for line in lines[1:])])


def tactical_update(
    incident: Incident,
    now: datetime,
    *,
    cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE,
    tz: tzinfo = UTC,
) -> str:
    """Conditions, actions and needs since the last status update (or since the declaration):
    from notes tagged condition / action / need; status changes and silences count as
    actions. A section with nothing recorded gets a placeholder."""
    since = incident.last_check_in_at
    recent = [e for e in incident.timeline if since is None or e.at > since]

    def notes(tag: NoteTag) -> list[str]:
        return [_bullet(e, tz, e.data["note"]) for e in incident.notes(tag, since)]

    actions = [
        _bullet(e, tz, e.data["note"] if e.kind is EventKind.NOTE else e.text)
        for e in recent
        if (e.kind is EventKind.NOTE and e.data.get("tag") == NoteTag.ACTION.value)
        or e.kind in (EventKind.STATUS_CHANGED, EventKind.SILENCE_CREATED)
    ]
    sections = (
        ("Conditions", notes(NoteTag.CONDITION), "what we see now"),
        ("Actions", actions, "what we are doing, and who"),
        ("Needs", notes(NoteTag.NEED), "what we need, or 'nothing'"),
    )
    period = f"since the update at {_clock(since, tz)}" if since else "since the declaration"
    lines = [
        f"TACTICAL UPDATE: {_one_line(incident.title)} ({incident.id})",
        f"As of {_clock(now, tz)}: {incident.severity}, {incident.status.label}, "
        f"IC {incident.commander} ({period})",
    ]
    for heading, bullets, missing in sections:
        lines += ["", f"{heading}:", *(bullets or [f"- {fill_in(missing)}"])]
    lines += ["", f"Next update: {_next_update(incident, now, cadence, tz)}"]
    return "\n".join(lines)


def resolution_notice(
    incident: Incident,
    *,
    due_days: Mapping[Severity, int] = DEFAULT_POSTMORTEM_DUE,
    tz: tzinfo = UTC,
) -> str:
    """The all-clear: how long it lasted, the impact, the root cause, and when the postmortem
    is due. Raises IncidentError for an incident that is not resolved."""
    durations = incident_durations(incident)
    if durations.duration is None:
        raise IncidentError(
            f"{incident.id} is {incident.status}, not resolved: no resolution notice yet"
        )
    due = postmortem_due(incident, due_days=due_days, tz=tz)
    link = incident.postmortem_link or fill_in("link")
    if due is not None:
        postmortem = f"{link} (due {due:%a %Y-%m-%d}, {due_days[incident.severity]} business days)"
    else:
        postmortem = f"{link} (optional for {incident.severity})"
    return "\n".join(
        [
            f"RESOLVED: {_one_line(incident.title)}",
            f"Id: {incident.id}",
            f"Duration: {format_minutes(durations.duration)}",
            f"Impact: {_one_line(incident.impact) or fill_in('summary of the impact')}",
            f"Root cause: {_one_line(incident.root_cause) or fill_in('one sentence')}",
            f"Postmortem: {postmortem}",
        ]
    )
