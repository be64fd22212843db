"""What a command decides (a Change), and the one function that makes it an event.

A command checks a request against the incident and says what happens: a kind, a sentence for
the timeline and a typed payload. `stamp` adds what every event carries (a new id, the author,
the time). The `command` decorator lets a command be called as before, returning the stamped
event: `add_note(incident, "text", by="alice", at=now)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, cast

from msgspec import Struct

from sretui.domain.incident.events import IncidentEvent, new_event_id
from sretui.domain.incident.inputs import person, utc
from sretui.domain.incident.kinds import EventKind

if TYPE_CHECKING:
    import random

    from sretui.domain.incident.payloads import Payload

P = ParamSpec("P")


class Change(Struct, frozen=True):
    """What a command decided: one event to be, without its id, author and time."""

    kind: EventKind
    text: str
    payload: Payload

    def __post_init__(self) -> None:
        from sretui.domain.incident.payloads import PAYLOAD_TYPES

        if type(self.payload) is not PAYLOAD_TYPES[self.kind]:
            raise TypeError(f"a {self.kind} change carries a {type(self.payload).__name__}")


def stamp(
    change: Change, *, by: object, at: object, rng: random.Random | None = None
) -> IncidentEvent:
    """The event for `change`: a new id, the author `by` (one line) and the time `at` (aware,
    stored in UTC). A seeded `rng` gives repeatable ids."""
    from sretui.domain.records import to_wire

    event = IncidentEvent(
        new_event_id(rng),
        utc(at, "at"),
        person(by),
        change.kind,
        change.text,
        to_wire(change.payload),
    )
    return event.with_payload(change.payload)


def command(decide: Callable[P, Change]) -> Callable[P, IncidentEvent]:
    """Make a function that returns a Change into a command that returns the stamped event.

    The function takes the keyword arguments `by`, `at` and `rng` like every command; the
    stamp uses them. The undecorated function is `command.__wrapped__`.
    """

    @functools.wraps(decide)
    def stamped(*args: P.args, **kwargs: P.kwargs) -> IncidentEvent:
        change = decide(*args, **kwargs)
        rng = cast("random.Random | None", kwargs.get("rng"))
        return stamp(change, by=kwargs["by"], at=kwargs["at"], rng=rng)

    return stamped
