"""Reading stored incident events: the one place a log line becomes a checked, typed event.

Errors name the field (`field 'data.role': expected one of ...`); the event log service adds
the file and the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec

from sretui.domain.incident.events import EVENT_SCHEMA_VERSION, IncidentEvent
from sretui.domain.incident.inputs import show
from sretui.domain.incident.kinds import EventKind
from sretui.domain.incident.payloads import PAYLOAD_TYPES, Payload
from sretui.domain.records import NON_BLANK, convert
from sretui.domain.text import CONTROL

_KINDS = ", ".join(k.value for k in EventKind)


class StoredEvent(msgspec.Struct, frozen=True):
    """The envelope as stored; `data` is checked against its kind's payload afterwards."""

    schema_version: Annotated[int, msgspec.Meta(ge=1)]
    id: Annotated[str, NON_BLANK]
    at: Annotated[datetime, msgspec.Meta(tz=True)]
    author: Annotated[str, NON_BLANK]
    kind: Annotated[EventKind, msgspec.Meta(extra={"expected": f"an event kind ({_KINDS})"})]
    text: str
    data: dict[str, Any]


def decode_event(record: object) -> IncidentEvent:
    """A stored event (a JSON object) as an IncidentEvent, its payload checked and kept.
    Raises ValueError naming the field at fault."""
    if not isinstance(record, Mapping):
        raise ValueError(f"an incident event must be a JSON object, got {show(record)}")
    version = record.get("schema_version")
    if type(version) is int and version > EVENT_SCHEMA_VERSION:
        raise ValueError(
            f"field 'schema_version': {version} was written by a newer sretui "
            f"(this one reads up to {EVENT_SCHEMA_VERSION})"
        )
    stored = convert(dict(record), StoredEvent)
    _refuse_control(record, "")
    payload = decode_payload(stored.kind, stored.data)
    event = IncidentEvent(
        stored.id, stored.at.astimezone(UTC), stored.author, stored.kind, stored.text, stored.data
    )
    return event.with_payload(payload)


def decode_payload(kind: EventKind, data: object) -> Payload:
    """`data` as the typed payload of `kind`. Raises ValueError naming the field at fault."""
    return convert(data, PAYLOAD_TYPES[kind], where="data")


def _refuse_control(value: object, where: str) -> None:
    """ValueError if any text in `value` (keys too) holds a control character: sretui never
    writes one (its inputs refuse them), so one in a log was put there by hand, and an escape
    sequence shown on a terminal can rewrite the screen, the title or the clipboard."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        if found:
            name = f"field '{where}'" if where else "a key"
            raise ValueError(
                f"{name}: holds a control character ({found.group()!r} at {found.start()}); "
                "sretui never writes one, so this line was written by hand"
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_control(key, where)
            _refuse_control(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_control(item, f"{where}[{index}]")
