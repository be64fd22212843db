"""The blameless postmortem: its due date, the incident's durations, and a Markdown draft
filled from the incident's log. What only people can say is left as `[fill in: ...]`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from sretui.domain.incident import (
    EventKind,
    IcsRole,
    Incident,
    Severity,
    Trigger,
    format_minutes,
)

# Business days from resolution to the postmortem review. Severities left out (SEV4) have an
# optional postmortem and no due date.
DEFAULT_POSTMORTEM_DUE: Mapping[Severity, int] = {
    Severity.SEV1: 5,
    Severity.SEV2: 5,
    Severity.SEV3: 10,
}

# Events that only manage the document itself stay out of the postmortem's timeline.
_NOT_IN_TIMELINE = (EventKind.PINNED, EventKind.UNPINNED, EventKind.POSTMORTEM_DRAFTED)


def fill_in(what: str) -> str:
    """A placeholder a person must replace before the text is sent or published."""
    return f"[fill in: {what}]"


def business_days_after(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`; holidays not known."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def postmortem_due(
    incident: Incident,
    *,
    due_days: Mapping[Severity, int] = DEFAULT_POSTMORTEM_DUE,
    tz: tzinfo = UTC,
) -> date | None:
    """When the postmortem review is due: the business days for the incident's (final)
    severity, counted from the day it was resolved in `tz`. None while unresolved, and for
    severities whose postmortem is optional."""
    days = due_days.get(incident.severity)
    if days is None or incident.resolved_at is None:
        return None
    return business_days_after(incident.resolved_at.astimezone(tz).date(), days)


@dataclass(frozen=True, slots=True)
class IncidentDurations:
    """How long each stage took.

    - time_to_detect: first linked alert's start -> declaration (zero without an alert, or
      when the alert started after the declaration)
    - time_to_mitigate: declaration -> first mitigation
    - time_to_resolve: declaration -> resolution
    - duration: first detection (the earlier of first alert and declaration) -> resolution
    """

    time_to_detect: timedelta
    time_to_mitigate: timedelta | None
    time_to_resolve: timedelta | None
    duration: timedelta | None


def incident_durations(incident: Incident) -> IncidentDurations:
    """The durations of `incident` from its milestones (see IncidentDurations)."""
    zero = timedelta(0)
    declared = incident.declared_at
    mitigated, resolved = incident.mitigated_at, incident.resolved_at
    return IncidentDurations(
        time_to_detect=declared - incident.first_detected_at,
        time_to_mitigate=max(zero, mitigated - declared) if mitigated else None,
        time_to_resolve=max(zero, resolved - declared) if resolved else None,
        duration=max(zero, resolved - incident.first_detected_at) if resolved else None,
    )


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|") or "-"


def _line(text: str) -> str:
    return " ".join(text.split())


def _when(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _timeline_rows(incident: Incident, tz: tzinfo) -> list[str]:
    rows = ["| Time | Who | What |", "|---|---|---|"]
    pinned = set(incident.pinned)
    for event in incident.timeline:
        if event.kind in _NOT_IN_TIMELINE:
            continue
        what = _cell(event.text)
        if event.id in pinned:
            what = f"**[pinned]** {what}"
        rows.append(f"| {_when(event.at, tz)} | {_cell(event.author)} | {what} |")
    return rows


def _durations_rows(incident: Incident) -> list[str]:
    durations = incident_durations(incident)
    detect = format_minutes(durations.time_to_detect)
    if incident.first_alert_at is None:
        detect += " (no linked alert: counted from the declaration)"

    def shown(value: timedelta | None, missing: str) -> str:
        return format_minutes(value) if value is not None else missing

    return [
        "| Measure | From -> to | Time |",
        "|---|---|---|",
        f"| Time to detect | first alert -> declared | {detect} |",
        "| Time to mitigate | declared -> first mitigated | "
        f"{shown(durations.time_to_mitigate, 'not mitigated yet')} |",
        "| Time to resolve | declared -> resolved | "
        f"{shown(durations.time_to_resolve, 'not resolved yet')} |",
        "| Duration | first detected -> resolved | "
        f"{shown(durations.duration, 'not resolved yet')} |",
    ]


def _action_rows(incident: Incident) -> list[str]:
    rows = [
        "| ID | Type | Description | Owner | Priority | Deadline | Status | Ticket |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item in incident.action_items:
        rows.append(
            f"| {item.label} | {item.type} | {_cell(item.description)} | "
            f"{_cell(item.owner) if item.owner else fill_in('owner')} | {item.priority} | "
            f"{item.deadline.isoformat() if item.deadline else fill_in('deadline')} | "
            f"{item.status} | {_cell(item.ticket)} |"
        )
    if not incident.action_items:
        rows.append(
            f"| AI-001 | {fill_in('prevent, detect, mitigate or process')} | "
            f"{fill_in('what will be done')} | {fill_in('owner')} | {fill_in('P0, P1 or P2')} | "
            f"{fill_in('deadline')} | open | - |"
        )
    return rows


def _summary(incident: Incident, tz: tzinfo) -> str:
    services = ", ".join(incident.services) or fill_in("services")
    parts = [
        f"A {incident.severity} incident affecting {services}: {_line(incident.title)}.",
        f"Declared {_when(incident.declared_at, tz)}",
    ]
    if incident.mitigated_at:
        parts[-1] += f", mitigated {_when(incident.mitigated_at, tz)}"
    if incident.resolved_at:
        parts[-1] += f", resolved {_when(incident.resolved_at, tz)}"
    parts[-1] += "."
    if incident.root_cause:
        parts.append(f"Root cause: {_line(incident.root_cause)}.")
    parts.append(fill_in("what happened, what the impact was, how it was resolved"))
    return " ".join(parts)


def _detection(incident: Incident) -> str:
    if incident.alerts:
        names = ", ".join(sorted({a.alertname for a in incident.alerts}))
        return f"alert ({names})"
    return fill_in("alert, user report or manual check")


def draft_postmortem(
    incident: Incident,
    now: datetime,
    *,
    due_days: Mapping[Severity, int] = DEFAULT_POSTMORTEM_DUE,
    tz: tzinfo = UTC,
) -> str:
    """A blameless postmortem in Markdown, filled from the incident: summary, impact,
    severity, roles, durations, the timeline (pinned events marked), root cause, action items.
    Times are shown in `tz`."""
    zone = incident.declared_at.astimezone(tz).tzname() or "UTC"
    due = postmortem_due(incident, due_days=due_days, tz=tz)
    if due is not None:
        due_text = f"{due:%a %Y-%m-%d} ({due_days[incident.severity]} business days)"
    elif incident.severity in due_days:
        due_text = "set when the incident is resolved"
    else:
        due_text = f"optional for {incident.severity}"
    durations = incident_durations(incident)
    duration_text = (
        f"{format_minutes(durations.duration)} "
        f"({int(durations.duration.total_seconds() // 60)} minutes)"
        if durations.duration is not None
        else "not resolved yet"
    )
    triggers = incident.classification.triggers if incident.classification else ()
    data_loss = (
        "yes (declared with the data-loss trigger)"
        if Trigger.DATA_LOSS in triggers
        else fill_in("yes or no")
    )
    roles = [f"| {role.label} | {', '.join(incident.holders(role)) or '-'} |" for role in IcsRole]
    severity_lines = [f"{incident.severity}: {_line(incident.severity_reason)}"]
    if len(incident.severity_history) > 1:
        severity_lines.append("")
        for change in incident.severity_history:
            before = f"{change.previous} -> " if change.previous else "declared "
            severity_lines.append(
                f"- {_when(change.at, tz)}: {before}{change.severity}"
                + (" (override)" if change.override else "")
            )
    reopened = (
        [f"The incident was reopened {incident.reopened} time(s); see the timeline.", ""]
        if incident.reopened
        else []
    )
    lines = [
        f"# Postmortem: {_line(incident.title)}",
        "",
        f"- Incident: {incident.id} ({incident.channel})",
        f"- Date: {incident.declared_at.astimezone(tz):%Y-%m-%d}",
        f"- Severity: {incident.severity}",
        f"- Status: draft (generated {_when(now, tz)} {zone})",
        f"- Review due: {due_text}",
        f"- Authors: {fill_in('names')}",
        f"- Reviewers: {fill_in('names')}",
        "",
        "This review is blameless: it asks how the system and our process let this happen, "
        "not who is at fault.",
        "",
        "## Summary",
        "",
        _summary(incident, tz),
        "",
        "## Impact",
        "",
        f"- Services: {', '.join(incident.services) or fill_in('services')}",
        f"- What users saw: {_line(incident.impact) or fill_in('who and what was affected')}",
        f"- Duration: {duration_text}",
        f"- Users affected: {fill_in('number')}",
        f"- Revenue impact: {fill_in('amount, or none')}",
        f"- Error budget consumed: {fill_in('percent of the SLO budget')}",
        f"- Data loss: {data_loss}",
        f"- Customer tickets: {fill_in('number')}",
        "",
        "## Severity",
        "",
        *severity_lines,
        "",
        "## Roles",
        "",
        "| Role | Who |",
        "|---|---|",
        *roles,
        "",
        "## Detection and resolution",
        "",
        f"How it was detected: {_detection(incident)}",
        "",
        *_durations_rows(incident),
        "",
        *reopened,
        f"## Timeline ({zone})",
        "",
        *_timeline_rows(incident, tz),
        "",
        "## Root cause",
        "",
        _line(incident.root_cause) or fill_in("one line"),
        "",
        fill_in("why it happened, in depth: past the surface cause, to what allowed it"),
        "",
        "## Contributing factors",
        "",
        f"- Trigger: {fill_in('what change or event started it')}",
        f"- Propagation: {fill_in('why it spread, why it was not contained')}",
        f"- Detection: {fill_in('why it was not caught earlier')}",
        f"- Resolution: {fill_in('what slowed the fix')}",
        f"- Process: {fill_in('which process gaps contributed')}",
        "",
        "## What went well",
        "",
        f"- {fill_in('what worked')}",
        "",
        "## What went wrong",
        "",
        f"- {fill_in('what did not')}",
        "",
        "## Where we got lucky",
        "",
        f"- {fill_in('what could have made it worse')}",
        "",
        "## Action items",
        "",
        *_action_rows(incident),
        "",
    ]
    return "\n".join(lines)
