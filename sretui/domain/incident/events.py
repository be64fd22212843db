"""One line of an incident's log: the event envelope, its ids, and reading it back.

`IncidentEvent.from_json` is the one place a stored event is decoded and checked; errors name
the field (`field 'data.role': expected one of ...`), and the store adds the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from sretui.domain.incident.inputs import show
from sretui.domain.incident.kinds import EventKind
from sretui.domain.incident.payloads import PAYLOAD_TYPES, Payload
from sretui.domain.incident.records import NON_BLANK, convert, to_wire

if TYPE_CHECKING:
    import random

EVENT_SCHEMA_VERSION = 1


def new_event_id(rng: random.Random | None = None) -> str:
    """A random 32-hex-digit id (a UUID4). Pass a seeded `random.Random` for repeatable ids."""
    bits = rng.getrandbits(128) if rng is not None else int.from_bytes(os.urandom(16), "big")
    # What uuid.UUID(int=bits, version=4) does: set the variant and the version digit.
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
    bits = (bits & ~(0xF000 << 64)) | (4 << 76)
    return f"{bits:032x}"


class _StoredEvent(msgspec.Struct, frozen=True):
    """The envelope as stored; `data` is checked against its kind's payload afterwards."""

    schema_version: Annotated[int, msgspec.Meta(ge=1)]
    id: Annotated[str, NON_BLANK]
    at: Annotated[datetime, msgspec.Meta(tz=True)]
    author: Annotated[str, NON_BLANK]
    kind: Annotated[
        EventKind,
        msgspec.Meta(
            extra={"expected": f"an event kind ({', '.join(k.value for k in EventKind)})"}
        ),
    ]
    text: str
    data: dict[str, Any]


class IncidentEvent(msgspec.Struct, frozen=True):
    """One line of an incident's log: who did what, when, in words and as data.

    `data` is the payload as stored (JSON values); `payload` is the same as a typed record.
    """

    id: str
    at: datetime  # aware, UTC
    author: str
    kind: EventKind
    text: str  # a sentence for the timeline
    data: Mapping[str, Any] = msgspec.field(default_factory=dict)

    @property
    def payload(self) -> Payload:
        """The typed payload of this event's kind. Raises ValueError naming a bad field."""
        return decode_payload(self.kind, self.data)

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON object (one line of the incident's log)."""
        return {
            "schema_version": EVENT_SCHEMA_VERSION,
            "id": self.id,
            "at": self.at.isoformat(),
            "author": self.author,
            "kind": self.kind.value,
            "text": self.text,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, record: object) -> IncidentEvent:
        """Read an event written by `to_json`. Raises ValueError naming the field at fault."""
        if not isinstance(record, Mapping):
            raise ValueError(f"an incident event must be a JSON object, got {show(record)}")
        version = record.get("schema_version")
        if type(version) is int and version > EVENT_SCHEMA_VERSION:
            raise ValueError(
                f"field 'schema_version': {version} was written by a newer sretui "
                f"(this one reads up to {EVENT_SCHEMA_VERSION})"
            )
        stored = convert(dict(record), _StoredEvent)
        payload = decode_payload(stored.kind, stored.data)
        return cls(
            stored.id,
            stored.at.astimezone(UTC),
            stored.author,
            stored.kind,
            stored.text,
            to_wire(payload),
        )


def decode_payload(kind: EventKind, data: object) -> Payload:
    """`data` as the typed payload of `kind`. Raises ValueError naming the field at fault."""
    return convert(data, PAYLOAD_TYPES[kind], where="data")
