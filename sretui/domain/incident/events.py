"""One line of an incident's log: the event envelope and its ids.

Reading a stored event back (`IncidentEvent.from_json`) and typing its payload
(`IncidentEvent.payload`) happen in `decode.py`. Only the incident commands import this
module, so `sretui check` and `--help` pay for neither it nor msgspec.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from sretui.domain.incident.kinds import EventKind

if TYPE_CHECKING:
    import random

    from sretui.domain.incident.payloads import Payload

EVENT_SCHEMA_VERSION = 1


def new_event_id(rng: random.Random | None = None) -> str:
    """A random 32-hex-digit id (a UUID4). Pass a seeded `random.Random` for repeatable ids."""
    bits = rng.getrandbits(128) if rng is not None else int.from_bytes(os.urandom(16), "big")
    # What uuid.UUID(int=bits, version=4) does: set the variant and the version digit.
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
    bits = (bits & ~(0xF000 << 64)) | (4 << 76)
    return f"{bits:032x}"


class IncidentEvent(Struct, frozen=True, dict=True):
    """One line of an incident's log: who did what, when, in words and as data.

    `data` is the payload as stored (JSON values); `payload` is the same as a typed record.
    """

    id: str
    at: datetime  # aware, UTC
    author: str
    kind: EventKind
    text: str  # a sentence for the timeline
    data: Mapping[str, Any] = field(default_factory=dict)  # JSON values only
    # The typed payload, once decoded (or as the command made it), is kept in the instance's
    # __dict__ under "_payload" (`dict=True`): it is not a field, so not part of the event's value.

    @property
    def payload(self) -> Payload:
        """The typed payload of this event's kind. Raises ValueError naming a bad field."""
        cache = self.__dict__
        if "_payload" not in cache:
            from sretui.domain.incident.decode import decode_payload

            cache["_payload"] = decode_payload(self.kind, self.data)
        payload: Payload = cache["_payload"]
        return payload

    def with_payload(self, payload: Payload) -> IncidentEvent:
        """This event, remembering `payload` as its typed data (which it must be)."""
        self.__dict__["_payload"] = payload
        return self

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
        from sretui.domain.incident.decode import decode_event

        return decode_event(record)
