"""Commands on who does what: roles and the handover of command.

The payload records are imported inside each function: they bring in msgspec, which
`sretui check` and `--help` (which import this package) never need.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sretui.domain.incident.change import Change, command
from sretui.domain.incident.choices import parse_choice
from sretui.domain.incident.errors import IncidentError
from sretui.domain.incident.inputs import person as _person
from sretui.domain.incident.kinds import EventKind
from sretui.domain.incident.roles import IcsRole
from sretui.domain.incident.state import Incident

if TYPE_CHECKING:
    import random


@command
def assign_role(
    incident: Incident,
    role: IcsRole | str,
    person: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """Give `role` to `person`. One holder per role (the previous one steps down), except
    subject-matter experts, who may be many. Naming a new incident commander hands over
    command."""
    from sretui.domain.incident import payloads as p

    parsed = parse_choice(IcsRole, role, "role")
    if parsed is IcsRole.INCIDENT_COMMANDER:
        return _handover(incident, person)
    name = _person(person, "person")
    holders = incident.holders(parsed)
    if name in holders:
        raise IncidentError(f"{name} is already {parsed.label}")
    previous = [] if parsed.many else list(holders)
    text = f"{name} is {parsed.label}" + (f" (was {', '.join(previous)})" if previous else "")
    if parsed.many:
        text = f"{name} joins as {parsed.label}"
    return Change(
        EventKind.ROLE_ASSIGNED,
        text,
        p.RoleAssigned(role=parsed, person=name, previous=previous, handover=False),
    )


@command
def hand_over_command(
    incident: Incident,
    to: str,
    *,
    by: str,
    at: datetime,
    rng: random.Random | None = None,
) -> Change:
    """Make `to` the incident commander; the current one steps down (the IC owns the handoff
    when the rotation changes)."""
    return _handover(incident, to)


def _handover(incident: Incident, to: str) -> Change:
    from sretui.domain.incident import payloads as p

    to = _person(to, "new commander")
    current = incident.commander
    if to == current:
        raise IncidentError(f"{to} is already the incident commander")
    return Change(
        EventKind.ROLE_ASSIGNED,
        f"Command handed over from {current} to {to}",
        p.RoleAssigned(
            role=IcsRole.INCIDENT_COMMANDER, person=to, previous=[current], handover=True
        ),
    )


@command
def clear_role(
    incident: Incident,
    role: IcsRole | str,
    *,
    by: str,
    at: datetime,
    person: str | None = None,
    rng: random.Random | None = None,
) -> Change:
    """Take `role` from its holder (for subject-matter experts, name which one). The
    incident commander cannot be cleared, only handed over."""
    from sretui.domain.incident import payloads as p

    parsed = parse_choice(IcsRole, role, "role")
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
    name = _person(person, "person")
    if name not in holders:
        raise IncidentError(f"{name} is not {parsed.label} (holders: {', '.join(holders)})")
    return Change(
        EventKind.ROLE_CLEARED, f"{name} is no longer {parsed.label}", p.RoleCleared(parsed, name)
    )
