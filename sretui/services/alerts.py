"""Firing alerts from Alertmanager as the incidents screen shows them, and silences made from
them. Importing this module stays light: the client types are only named for type checkers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sretui.domain.durations import format_duration
from sretui.domain.text import safe_text

if TYPE_CHECKING:
    from sretui.sources.alertmanager import Alert, AlertmanagerSource, Matcher

SILENCE_DURATIONS = (
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
)


@dataclass(frozen=True, slots=True)
class AlertBoard:
    alerts: Sequence[Alert] = ()
    read_at: datetime | None = None
    error: str | None = None  # the last read failed; `alerts` are from `read_at`


def alert_title(alert: Alert) -> str:
    """A title for an incident declared from an alert: its summary, else its name."""
    summary = alert.annotations.get("summary") or alert.annotations.get("description") or ""
    return safe_text(summary or alert.name or "Alert")[:120]


def alert_services(alert: Alert) -> list[str]:
    for key in ("service", "job", "app"):
        if alert.labels.get(key):
            return [safe_text(alert.labels[key])]
    return []


def labels_text(alert: Alert, *, skip: Sequence[str] = ("alertname",)) -> str:
    return " ".join(
        f"{safe_text(k)}={safe_text(v)}" for k, v in sorted(alert.labels.items()) if k not in skip
    )


async def silence_alert(
    client: AlertmanagerSource,
    alert: Alert,
    *,
    duration: timedelta,
    comment: str,
    created_by: str,
    now: datetime,
) -> tuple[str, tuple[Matcher, ...], datetime]:
    """Silence exactly this alert's labels for `duration`. Returns (id, matchers, ends_at)."""
    from sretui.sources.alertmanager import matchers_for_alert

    matchers = matchers_for_alert(alert)
    ends_at = now + duration
    silence_id = await client.create_silence(
        matchers, starts_at=now, ends_at=ends_at, created_by=created_by, comment=comment
    )
    return silence_id, matchers, ends_at


def duration_choices() -> list[tuple[str, str]]:
    return [(format_duration(d), format_duration(d)) for d in SILENCE_DURATIONS]
