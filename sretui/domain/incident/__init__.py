"""Incidents as an append-only log of events, and the rules that govern them.

The stored form of an incident is its event log (one JSON line per `IncidentEvent`, appended
under a lock by `sretui.store`); the current state is `fold(events)`. Commands (`declare`,
`add_note`, `change_status`, ...) check a request against the incident as the caller sees it
and return one new event; they never change anything themselves. Severity follows the team's
matrix (`matrix_severity`, `classify`), roles follow the Incident Command System (`IcsRole`),
and status follows DETECT -> TRIAGE -> RESPOND -> MITIGATE -> RESOLVE -> REVIEW. See
docs/incidents.md for the rules and the decisions behind them.

The modules, bottom up: `errors`, `choices` (enums that read what people type), `inputs`
(checks on typed text), `severity`, `roles` (ICS roles and statuses), `kinds` (small enums),
`payloads` (each event kind's data), `events`
(the event envelope), `state` (the folded incident), `fold`, `naming` (ids, channels),
`change` (Change and `stamp`), the commands (`commands`, `role_commands`, `link_commands`,
`action_items`) and `checkin`. This package re-exports every public name, so
`from sretui.domain.incident import X` keeps working; new code may import the module it needs.
"""

from sretui.domain.incident.action_items import add_action_item, update_action_item
from sretui.domain.incident.change import Change, command, stamp
from sretui.domain.incident.checkin import (
    DEFAULT_CHECK_IN_CADENCE,
    check_in_due,
    format_minutes,
    ics_warnings,
    next_check_in,
)
from sretui.domain.incident.commands import (
    add_note,
    change_severity,
    change_status,
    declare,
    post_check_in,
    record_comms,
    record_postmortem,
    set_root_cause,
    update_impact,
)
from sretui.domain.incident.errors import IncidentError
from sretui.domain.incident.events import EVENT_SCHEMA_VERSION, IncidentEvent, new_event_id
from sretui.domain.incident.fold import fold
from sretui.domain.incident.inputs import LINE_MAX, NAME_MAX, SLUG_MAX, TEXT_MAX, TITLE_MAX
from sretui.domain.incident.kinds import (
    ActionItemStatus,
    ActionItemType,
    CommsKind,
    EventKind,
    NoteTag,
    Priority,
)
from sretui.domain.incident.link_commands import link_alert, pin, record_silence, unpin
from sretui.domain.incident.naming import channel_name, new_incident_id, slugify
from sretui.domain.incident.role_commands import assign_role, clear_role, hand_over_command
from sretui.domain.incident.roles import IcsRole, IncidentStatus
from sretui.domain.incident.severity import (
    SEVERITY_MATRIX,
    TRIGGER_FLOORS,
    Broken,
    Classification,
    Reach,
    Severity,
    Trigger,
    classify,
    matrix_severity,
)
from sretui.domain.incident.state import (
    ActionItem,
    Incident,
    LinkedAlert,
    LinkedSilence,
    SeverityChange,
    StatusChange,
)

__all__ = [
    "DEFAULT_CHECK_IN_CADENCE",
    "EVENT_SCHEMA_VERSION",
    "LINE_MAX",
    "NAME_MAX",
    "SEVERITY_MATRIX",
    "SLUG_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "TRIGGER_FLOORS",
    "ActionItem",
    "ActionItemStatus",
    "ActionItemType",
    "Broken",
    "Change",
    "Classification",
    "CommsKind",
    "EventKind",
    "IcsRole",
    "Incident",
    "IncidentError",
    "IncidentEvent",
    "IncidentStatus",
    "LinkedAlert",
    "LinkedSilence",
    "NoteTag",
    "Priority",
    "Reach",
    "Severity",
    "SeverityChange",
    "StatusChange",
    "Trigger",
    "add_action_item",
    "add_note",
    "assign_role",
    "change_severity",
    "change_status",
    "channel_name",
    "check_in_due",
    "classify",
    "clear_role",
    "command",
    "declare",
    "fold",
    "format_minutes",
    "hand_over_command",
    "ics_warnings",
    "link_alert",
    "matrix_severity",
    "new_event_id",
    "new_incident_id",
    "next_check_in",
    "pin",
    "post_check_in",
    "record_comms",
    "record_postmortem",
    "record_silence",
    "set_root_cause",
    "slugify",
    "stamp",
    "unpin",
    "update_action_item",
    "update_impact",
]
