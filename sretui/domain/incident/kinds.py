"""The small enums of incident records: event kinds, note tags, message kinds, action items."""

from __future__ import annotations

from sretui.domain.incident.choices import ParsedEnum


class EventKind(ParsedEnum):
    """What an event records; each kind has its own payload (`payloads.PAYLOAD_TYPES`)."""

    DECLARED = "declared"
    NOTE = "note"
    SEVERITY_CHANGED = "severity_changed"
    ROLE_ASSIGNED = "role_assigned"
    ROLE_CLEARED = "role_cleared"
    STATUS_CHANGED = "status_changed"
    CHECK_IN = "check_in"
    COMMS_SENT = "comms_sent"
    ALERT_LINKED = "alert_linked"
    SILENCE_CREATED = "silence_created"
    PINNED = "pinned"
    UNPINNED = "unpinned"
    ACTION_ITEM_ADDED = "action_item_added"
    ACTION_ITEM_UPDATED = "action_item_updated"
    ROOT_CAUSE_SET = "root_cause_set"
    IMPACT_UPDATED = "impact_updated"
    POSTMORTEM_DRAFTED = "postmortem_drafted"


class NoteTag(ParsedEnum):
    """What a note says, for the tactical update (conditions, actions, needs)."""

    CONDITION = "condition"
    ACTION = "action"
    NEED = "need"
    DECISION = "decision"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class CommsKind(ParsedEnum):
    """Which message was sent (the drafts in `sretui.domain.comms`, or anything else)."""

    INTERNAL = "internal"
    CUSTOMER = "customer"
    TACTICAL = "tactical"
    RESOLUTION = "resolution"
    OTHER = "other"


class ActionItemType(ParsedEnum):
    PREVENT = "prevent"
    DETECT = "detect"
    MITIGATE = "mitigate"
    PROCESS = "process"


class Priority(ParsedEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class ActionItemStatus(ParsedEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"
