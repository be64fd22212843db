"""What Alertmanager's API v2 talks about: alerts, silences, matchers and their times, as
frozen records that keep text from outside (labels, annotations, comments) exactly as it came.

Kept apart from the client (`sretui.sources.alertmanager`, which imports httpx) so that the
demo's synthetic Alertmanager, the services and the screens can use the records without
importing an HTTP stack: httpx with its command-line extras is about 40 ms of imports, which the
demo used to pay in a thread while it drew its first screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

from sretui.sources.base import SourceError, snippet

ALERT_STATES: Final = ("active", "suppressed", "unprocessed")
"""An alert's `state`: `suppressed` means silenced or inhibited (see `silenced_by`,
`inhibited_by`); `unprocessed` means Alertmanager has received it but not yet routed it."""

SILENCE_STATES: Final = ("active", "pending", "expired")
"""A silence's `state`: `pending` starts in the future; `expired` has ended (or was expired)."""

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)

_GO_ZERO_TIME: Final = datetime(1, 1, 1, tzinfo=UTC)
"""Go's zero `time.Time`, which Alertmanager may send for "no time"."""


class AlertmanagerError(SourceError):
    """Alertmanager understood the request and refused it, in its own words: a bad matcher, a
    silence that ends before it starts or in the past, an unknown silence ID (HTTP 400, 404,
    422, and the 500 that Alertmanager 0.25 answers for an unknown silence)."""

    def __init__(self, message: str, *, status: int = 0, url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status


# -- text and time --------------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    """An RFC 3339 time as Alertmanager writes it, as an aware UTC datetime.

    Fractions of any length are accepted (Go writes up to nanoseconds; Python keeps
    microseconds, so the rest is cut off); offsets other than `Z` are converted to UTC.
    Raises `ValueError` for anything else, including a date without a time or an offset.
    """
    match = _RFC3339.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an RFC 3339 time: {snippet(text)!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, offset = match.group(7) or "", match.group(8)
    microsecond = int((fraction + "000000")[:6])
    zone = UTC
    if offset not in ("Z", "z"):
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    # Go writes a leap second as :60 only in theory; datetime refuses it, and so do we.
    moment = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)
    return moment.astimezone(UTC)


def _format_time(moment: datetime, what: str) -> str:
    """RFC 3339 in UTC with milliseconds (what Alertmanager keeps); naive datetimes refused."""
    _require_aware(moment, what)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"naive datetime {moment.isoformat()} given for {what}; use an aware UTC datetime"
        )


# -- the model ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matcher:
    """One label matcher of a silence or an alert filter: `name` `=`/`!=`/`=~`/`!~` `value`.

    A regex matcher (`is_regex`) is anchored by Alertmanager: `check.*` matches the whole value.
    `is_equal=False` negates it (`!=`, `!~`; Alertmanager 0.22 and later).
    """

    name: str
    value: str
    is_regex: bool = False
    is_equal: bool = True

    @property
    def operator(self) -> str:
        """`=`, `!=`, `=~` or `!~`."""
        if self.is_regex:
            return "=~" if self.is_equal else "!~"
        return "=" if self.is_equal else "!="

    def __str__(self) -> str:
        """The matcher in Alertmanager's filter syntax, e.g. `service="checkout"`; the value is
        quoted with `\\`, `"` and newlines escaped, so any value survives the round trip."""
        value = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.operator}"{value}"'


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert as Alertmanager knows it. Text fields are kept exactly as received."""

    fingerprint: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None
    state: str
    silenced_by: tuple[str, ...] = ()
    inhibited_by: tuple[str, ...] = ()
    generator_url: str = ""

    @property
    def name(self) -> str:
        """The `alertname` label ("" for the rare alert sent without one)."""
        return self.labels.get("alertname", "")

    def firing_for(self, now: datetime) -> timedelta:
        """How long the alert has been firing at `now` (an aware datetime); never negative, so
        a sender's clock that runs ahead shows as "just now"."""
        _require_aware(now, "now")
        return max(now - self.starts_at, timedelta(0))


@dataclass(frozen=True, slots=True)
class Silence:
    """A silence: alerts matching all its `matchers` are muted between `starts_at` and
    `ends_at`. `state` is Alertmanager's: `active`, `pending` (starts later) or `expired`."""

    id: str
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
    state: str


def matchers_for_alert(alert: Alert, *, exclude: Iterable[str] = ()) -> tuple[Matcher, ...]:
    """Exact matchers on an alert's labels: a silence "for this alert" (and any alert with the
    same labels after it resolves and fires again).

    `alertname` comes first, then the others by name. Labels named in `exclude` are left out
    (e.g. `instance`, to silence the alert on every instance). Raises `ValueError` when no label
    is left: such a silence would mute everything, and Alertmanager refuses it.
    """
    skipped = set(exclude)
    names = sorted(
        (name for name, value in alert.labels.items() if name not in skipped and value != ""),
        key=lambda name: (name != "alertname", name),
    )
    if not names:
        raise ValueError(
            f"alert {alert.fingerprint} has no labels left to match once {sorted(skipped)} "
            f"are excluded: a silence without matchers would silence every alert"
        )
    return tuple(Matcher(name=name, value=alert.labels[name]) for name in names)
