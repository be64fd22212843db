"""Commands on the postmortem's action items.

The payload records are imported inside each function: they bring in msgspec, which
`sretui check` and `--help` (which import this package) never need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sretui.domain.incident.change import Change, command
from sretui.domain.incident.choices import parse_choice
from sretui.domain.incident.errors import IncidentError
from sretui.domain.incident.inputs import NAME_MAX, optional_line, show
from sretui.domain.incident.kinds import ActionItemStatus, ActionItemType, EventKind, Priority
from sretui.domain.incident.state import Incident

if TYPE_CHECKING:
    import random


@command
def add_action_item(
    incident: Incident,
    description: str,
    *,
    type: ActionItemType | str,
    by: str,
    at: datetime,
    owner: str = "",
    priority: Priority | str = Priority.P1,
    deadline: date | None = None,
    status: ActionItemStatus | str = ActionItemStatus.OPEN,
    ticket: str = "",
    rng: random.Random | None = None,
) -> Change:
    """A follow-up for the postmortem. Owner and deadline may wait until the review."""
    from sretui.domain.incident import payloads as p

    fields = _item_fields(
        {
            "type": type,
            "description": description,
            "owner": owner,
            "priority": priority,
            "deadline": deadline,
            "status": status,
            "ticket": ticket,
        }
    )
    item = p.ActionItemAdded(**fields)
    if not item.description:
        raise IncidentError("description must not be empty")
    owner_text = f" (owner {item.owner})" if item.owner else ""
    return Change(
        EventKind.ACTION_ITEM_ADDED,
        f"Action item ({item.type}, {item.priority}): {item.description}{owner_text}",
        item,
    )


@command
def update_action_item(
    incident: Incident,
    item: str,
    *,
    by: str,
    at: datetime,
    type: ActionItemType | str | None = None,
    description: str | None = None,
    owner: str | None = None,
    priority: Priority | str | None = None,
    deadline: date | None = None,
    status: ActionItemStatus | str | None = None,
    ticket: str | None = None,
    rng: random.Random | None = None,
) -> Change:
    """Change fields of an action item, found by label ("AI-002") or key. Only the fields
    given are changed; something must actually change."""
    from sretui.domain.incident import payloads as p

    found = incident.action_item(item)
    if found is None:
        raise IncidentError(f"no action item {item!r}")
    asked = {
        "type": type,
        "description": description,
        "owner": owner,
        "priority": priority,
        "deadline": deadline,
        "status": status,
        "ticket": ticket,
    }
    given = _item_fields({k: v for k, v in asked.items() if v is not None})
    if "description" in given and not given["description"]:
        raise IncidentError("description must not be empty")
    changes = {k: v for k, v in given.items() if getattr(found, k) != v}
    if not changes:
        raise IncidentError(f"{found.label} already says that")
    said = ", ".join(
        f"{k} {_said(v) if v not in ('', None) else '(none)'}" for k, v in changes.items()
    )
    return Change(
        EventKind.ACTION_ITEM_UPDATED,
        f"{found.label} updated: {said}",
        p.ActionItemUpdated(item=found.key, changes=p.ActionItemChanges(**changes)),
    )


def _said(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _item_fields(given: Mapping[str, Any]) -> dict[str, Any]:
    parsers: dict[str, Callable[[Any], Any]] = {
        "type": lambda v: parse_choice(ActionItemType, v, "action item type"),
        "description": lambda v: optional_line(v, "description"),
        "owner": lambda v: optional_line(v, "owner", NAME_MAX),
        "priority": lambda v: parse_choice(Priority, v, "priority"),
        "deadline": _deadline,
        "status": lambda v: parse_choice(ActionItemStatus, v, "action item status"),
        "ticket": lambda v: optional_line(v, "ticket", NAME_MAX),
    }
    return {key: parsers[key](value) for key, value in given.items()}


def _deadline(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise IncidentError(f"deadline must be a date, got {show(value)}")
    return value
