"""When the next status update is due, and reminders of the ICS rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sretui.domain.incident.inputs import utc
from sretui.domain.incident.roles import IcsRole
from sretui.domain.incident.severity import Severity
from sretui.domain.incident.state import Incident

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
    return None if due is None else due - utc(now, "now")


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
