"""Durations written the Prometheus way ("5m", "1h30m", "30d") and said the human way."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS: dict[str, float] = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "y": 365 * 86400,
}
_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_ORDER = ("y", "w", "d", "h", "m", "s", "ms")


def parse_duration(text: str) -> timedelta:
    """Parse a Prometheus duration such as "5m", "1h30m" or "28d" into a timedelta.

    Units must appear from largest to smallest, each at most once, as Prometheus requires.
    Raises ValueError with a message that says what was expected.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("expected a duration like '5m', '1h' or '30d'")
    pos = 0
    seconds = 0.0
    last_rank = -1
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        rank = _ORDER.index(match.group(2))
        if rank <= last_rank:
            raise ValueError(f"'{text}': units must go from largest to smallest (e.g. '1h30m')")
        last_rank = rank
        seconds += int(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"'{text}' is not a duration; expected e.g. '5m', '1h30m', '30d'")
    if seconds <= 0:
        raise ValueError(f"'{text}': a duration must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """Format a timedelta as a Prometheus duration: 90 minutes -> "1h30m", 28 days -> "28d".

    Days are the largest unit, because SLO windows are spoken of in days ("28d", not "4w").
    """
    millis = round(delta.total_seconds() * 1000)
    if millis <= 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = round(_UNITS[unit] * 1000)
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    if millis:
        parts.append(f"{millis}ms")
    return "".join(parts)


def humanize_duration(delta: timedelta, *, parts: int = 2) -> str:
    """Say a duration in words, largest units first: "3 days 4 hours", "45 minutes"."""
    total = int(abs(delta.total_seconds()))
    if total < 60:
        return f"{total} second{'s' if total != 1 else ''}"
    words: list[str] = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count, total = divmod(total, size)
        if count:
            words.append(f"{count} {name}{'s' if count != 1 else ''}")
        elif words:
            break  # "2 days 5 minutes" would hide the hours between: say "2 days"
        if len(words) == parts:
            break
    return " ".join(words)
