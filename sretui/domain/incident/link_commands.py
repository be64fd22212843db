"""Commands that tie things to an incident: Alertmanager alerts and silences, pinned events.

The payload records are imported inside each function: they bring in msgspec, which
`sretui check` and `--help` (which import this package) never need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sretui.domain.incident.change import Change, command
from sretui.domain.incident.errors import IncidentError
from sretui.domain.incident.events import IncidentEvent
from sretui.domain.incident.inputs import NAME_MAX, first_line, one_line, optional_line, utc
from sretui.domain.incident.kinds import EventKind
from sretui.domain.incident.state import Incident

if TYPE_CHECKING:
    import random


@command
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
) -> Change:
    """Attach an alert (Alertmanager's fingerprint identifies it). Its start time counts
    toward time to detect."""
    from sretui.domain.incident import payloads as p

    fingerprint = one_line(fingerprint, "fingerprint", NAME_MAX)
    alertname = one_line(alertname, "alert name", NAME_MAX)
    if any(a.fingerprint == fingerprint for a in incident.alerts):
        raise IncidentError(f"alert {alertname} ({fingerprint}) is already linked")
    started = utc(starts_at, "starts_at") if starts_at is not None else None
    clean_labels = {str(k): str(v) for k, v in (labels or {}).items()}
    summary = optional_line(summary, "summary")
    return Change(
        EventKind.ALERT_LINKED,
        f"Linked alert {alertname}" + (f": {summary}" if summary else ""),
        p.AlertLinked(
            fingerprint=fingerprint,
            alertname=alertname,
            starts_at=started,
            labels=clean_labels,
            summary=summary,
        ),
    )


@command
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
) -> Change:
    """An Alertmanager silence made for this incident."""
    from sretui.domain.incident import payloads as p

    silence_id = one_line(silence_id, "silence id", NAME_MAX)
    if any(s.silence_id == silence_id for s in incident.silences):
        raise IncidentError(f"silence {silence_id} is already recorded")
    clean = [one_line(m, "matcher") for m in matchers]
    if not clean:
        raise IncidentError("a silence needs at least one matcher")
    ends = utc(ends_at, "ends_at")
    if ends <= utc(at, "at"):
        raise IncidentError("a silence must end after it is created")
    comment = optional_line(comment, "comment")
    return Change(
        EventKind.SILENCE_CREATED,
        f"Silenced {', '.join(clean)} until {ends:%Y-%m-%d %H:%M} UTC",
        p.SilenceCreated(silence_id=silence_id, matchers=clean, ends_at=ends, comment=comment),
    )


@command
def pin(
    incident: Incident,
    event_id: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """Mark a timeline event as important (the postmortem highlights it)."""
    from sretui.domain.incident import payloads as p

    target = _pinnable(incident, event_id)
    if target.id in incident.pinned:
        raise IncidentError("that event is already pinned")
    return Change(EventKind.PINNED, f"Pinned: {first_line(target.text)}", p.Pinned(target.id))


@command
def unpin(
    incident: Incident,
    event_id: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """Take the mark off a pinned event."""
    from sretui.domain.incident import payloads as p

    target = _pinnable(incident, event_id)
    if target.id not in incident.pinned:
        raise IncidentError("that event is not pinned")
    return Change(EventKind.UNPINNED, f"Unpinned: {first_line(target.text)}", p.Unpinned(target.id))


def _pinnable(incident: Incident, event_id: str) -> IncidentEvent:
    target = incident.event(event_id.strip())
    if target is None:
        raise IncidentError(f"no event {event_id!r} in this incident")
    if target.kind in (EventKind.PINNED, EventKind.UNPINNED):
        raise IncidentError("pin the event itself, not a pin")
    return target
