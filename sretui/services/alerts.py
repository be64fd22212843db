"""Firing alerts from Alertmanager as the incidents screen shows them, and silences made from
them. Screens go through `AlertService` (they never import `sources`): it turns every client
failure into one `AlertError` with a message fit to show. Importing this module stays light:
the client types are only named for type checkers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sretui.domain.durations import format_duration
from sretui.domain.text import safe_text

if TYPE_CHECKING:
    from sretui.sources.alertmanager import Alert as Alert
    from sretui.sources.alertmanager import AlertmanagerSource, Matcher
    from sretui.sources.alertmanager import Silence as Silence

__all__ = [
    "AlertBoard",
    "AlertError",
    "AlertService",
    "SilenceMade",
    "alert_services",
    "alert_title",
    "duration_choices",
    "labels_text",
    "silence_alert",
]

NOT_CONFIGURED = "No Alertmanager configured ([alertmanager] url in sretui.toml)."


class AlertError(Exception):
    """Alertmanager could not do what was asked; the message says why (no secrets in it)."""


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
    from sretui.sources.alertmanager_model import matchers_for_alert

    matchers = matchers_for_alert(alert)
    ends_at = now + duration
    silence_id = await client.create_silence(
        matchers, starts_at=now, ends_at=ends_at, created_by=created_by, comment=comment
    )
    return silence_id, matchers, ends_at


def duration_choices() -> list[tuple[str, str]]:
    return [(format_duration(d), format_duration(d)) for d in SILENCE_DURATIONS]


@dataclass(frozen=True, slots=True)
class SilenceMade:
    silence_id: str
    matchers: tuple[str, ...]  # as Alertmanager's filter syntax, for the incident's timeline
    ends_at: datetime


class AlertService:
    """What the screens do with Alertmanager (the real one or the demo's): read silences,
    silence an alert, expire a silence. `client` is None when none is configured."""

    def __init__(self, client: AlertmanagerSource | None) -> None:
        self.client = client

    def _client(self) -> AlertmanagerSource:
        if self.client is None:
            raise AlertError(NOT_CONFIGURED)
        return self.client

    async def silences(self) -> list[Silence]:
        from sretui.sources.base import SourceError

        try:
            return await self._client().silences()
        except SourceError as exc:
            raise AlertError(f"Could not read silences: {exc}") from None

    async def silence(
        self,
        alert: Alert,
        *,
        duration: timedelta,
        comment: str,
        created_by: str,
        now: datetime,
    ) -> SilenceMade:
        from sretui.sources.base import SourceError

        try:
            silence_id, matchers, ends_at = await silence_alert(
                self._client(),
                alert,
                duration=duration,
                comment=comment,
                created_by=created_by,
                now=now,
            )
        except (SourceError, ValueError) as exc:
            raise AlertError(f"Silence failed: {exc}") from None
        return SilenceMade(silence_id, tuple(str(m) for m in matchers), ends_at)

    async def expire(self, silence_id: str) -> None:
        from sretui.sources.base import SourceError

        try:
            await self._client().expire_silence(silence_id)
        except (SourceError, ValueError) as exc:
            raise AlertError(f"Could not expire: {exc}") from None
