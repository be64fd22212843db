"""Checks on what people type into commands: one line, free text, names, aware times."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sretui.domain.incident.errors import IncidentError
from sretui.domain.records import show

TITLE_MAX = 200
NAME_MAX = 100
LINE_MAX = 500
TEXT_MAX = 20_000
SLUG_MAX = 40

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def utc(at: object, what: str) -> datetime:
    """`at` in UTC; IncidentError unless it is a timezone-aware datetime."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise IncidentError(f"{what} must be a timezone-aware time, got {show(at)}")
    return at.astimezone(UTC)


def one_line(value: object, what: str, max_length: int = LINE_MAX) -> str:
    """Stripped text of one line, not empty, without control characters."""
    if not isinstance(value, str):
        raise IncidentError(f"{what} must be text, got {show(value)}")
    text = value.strip()
    if not text:
        raise IncidentError(f"{what} must not be empty")
    if len(text.splitlines()) > 1:
        raise IncidentError(f"{what} must be one line")
    if _CONTROL.search(text):
        raise IncidentError(f"{what} must not contain control characters")
    if len(text) > max_length:
        raise IncidentError(f"{what} is {len(text)} characters long; at most {max_length}")
    return text


def free_text(value: object, what: str, max_length: int = TEXT_MAX) -> str:
    """Stripped text of any number of lines (every line break stored as `\\n`), not empty."""
    if not isinstance(value, str):
        raise IncidentError(f"{what} must be text, got {show(value)}")
    text = "\n".join(line.rstrip() for line in value.strip().splitlines())
    if not text:
        raise IncidentError(f"{what} must not be empty")
    if _CONTROL.search(text.replace("\t", " ")):
        raise IncidentError(f"{what} must not contain control characters")
    if len(text) > max_length:
        raise IncidentError(f"{what} is {len(text)} characters long; at most {max_length}")
    return text


def optional_line(value: str, what: str, max_length: int = LINE_MAX) -> str:
    """Like `one_line`, but blank text is allowed and comes back as ""."""
    return one_line(value, what, max_length) if value.strip() else ""


def person(value: object, what: str = "author") -> str:
    """A person's name: one line of at most NAME_MAX characters."""
    return one_line(value, what, NAME_MAX)


def first_line(text: str) -> str:
    """The first line of `text`, cut to 80 characters."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= 80 else first[:77] + "..."
