"""Enums that read what people type: names or values, any case, `_`/`-`/spaces, short aliases."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Self, TypeVar

from sretui.domain.incident.errors import IncidentError


def _normalize(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


# Short names people type on the command line, by enum class name.
_ALIASES: dict[str, dict[str, str]] = {
    "IcsRole": {
        "ic": "incident_commander",
        "commander": "incident_commander",
        "comms": "communications_lead",
        "cl": "communications_lead",
        "ops": "operations_lead",
        "ol": "operations_lead",
        "sme": "subject_matter_expert",
        "expert": "subject_matter_expert",
    },
    "Severity": {str(n): f"SEV{n}" for n in range(1, 5)},
}


class ParsedEnum(StrEnum):
    """A StrEnum that also accepts its names, any case, `_`/`-`/spaces, and short aliases."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        key = _normalize(value)
        for member in cls:
            if key in (_normalize(member.value), _normalize(member.name)):
                return member
        alias = _ALIASES.get(cls.__name__, {}).get(key)
        return cls(alias) if alias is not None else None


_E = TypeVar("_E", bound=ParsedEnum)


def parse_choice(kind: type[_E], value: _E | str, what: str) -> _E:
    """`value` as a member of `kind`, or IncidentError listing the accepted values."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise IncidentError(f"unknown {what} {value!r}: expected one of {choices}") from None
