"""A synthetic Alertmanager for the demo, with the interface of `AlertmanagerSource`.

Its alerts are the burn-rate alerts that `sretui budget rules` would make Prometheus fire, read
from budget reports of the demo backend (the caller passes `read_reports`, which evaluates the
SLOs against a `DemoSource`), so the alerts follow the demo's synthetic burn. Silences live in
memory: creating one mutes the matching alerts, expiring it brings them back."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sretui.domain.budget import BudgetReport
from sretui.domain.durations import format_duration
from sretui.sources.alertmanager_model import Alert, AlertmanagerError, Matcher, Silence

__all__ = ["DemoAlertmanager"]

_NAME = re.compile(r"[^A-Za-z0-9]+")

ReadReports = Callable[[], Awaitable[Sequence[BudgetReport]]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def alert_name(slo_name: str) -> str:
    """The alert name `sretui budget rules` gives an SLO: `SearchAvailabilityErrorBudgetBurn`."""
    return "".join(p.capitalize() for p in _NAME.sub("_", slo_name).split("_") if p) + (
        "ErrorBudgetBurn"
    )


def _fingerprint(labels: Mapping[str, str]) -> str:
    raw = "\x00".join(f"{k}\x01{v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _matches(matcher: Matcher, labels: Mapping[str, str]) -> bool:
    value = labels.get(matcher.name, "")
    if matcher.is_regex:
        try:
            hit = re.fullmatch(matcher.value, value) is not None
        except re.error:
            hit = False
    else:
        hit = value == matcher.value
    return hit if matcher.is_equal else not hit


class DemoAlertmanager:
    """Alerts from the demo's burn, silences in memory. Same calls as `AlertmanagerSource`."""

    def __init__(
        self, read_reports: ReadReports, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._read_reports = read_reports
        self._clock = clock or _utc_now
        self._silences: dict[str, Silence] = {}
        self._first_seen: dict[str, datetime] = {}

    @property
    def description(self) -> str:
        return "demo Alertmanager"

    # -- alerts ---------------------------------------------------------------------------------

    async def alerts(
        self,
        *,
        active: bool = True,
        silenced: bool = False,
        inhibited: bool = False,
        filters: Sequence[str | Matcher] = (),
    ) -> list[Alert]:
        """The firing burn-rate alerts, by fingerprint, filtered as Alertmanager does
        (`filters` must be `Matcher`s here). Nothing is ever inhibited in the demo."""
        now = self._clock()
        firing = self._firing(await self._read_reports(), now)
        wanted = []
        for alert in firing:
            if any(isinstance(f, str) for f in filters):
                raise AlertmanagerError("the demo Alertmanager takes Matcher filters only")
            if not all(_matches(f, alert.labels) for f in filters if isinstance(f, Matcher)):
                continue
            muted_by = tuple(
                s.id
                for s in self._silences.values()
                if self._state(s, now) == "active"
                and all(_matches(m, alert.labels) for m in s.matchers)
            )
            if muted_by:
                if silenced:
                    wanted.append(replace(alert, state="suppressed", silenced_by=muted_by))
            elif active:
                wanted.append(alert)
        return wanted

    def _firing(self, reports: Sequence[BudgetReport], now: datetime) -> list[Alert]:
        alerts = []
        for report in reports:
            slo = report.slo
            for status in report.alerts:
                if not status.firing:
                    self._first_seen.pop(self._key(slo.name, status.alert.long), None)
                    continue
                rule = status.alert
                long, short = format_duration(rule.long), format_duration(rule.short)
                labels = {
                    "alertname": alert_name(slo.name),
                    "slo": slo.name,
                    "service": slo.service,
                    "severity": rule.severity,
                    "long_window": long,
                    "short_window": short,
                }
                fingerprint = _fingerprint(labels)
                # Firing since the short window began, the first time it is seen burning.
                starts = self._first_seen.setdefault(
                    self._key(slo.name, rule.long), now - rule.short
                )
                burn = status.long_burn or 0.0
                alerts.append(
                    Alert(
                        fingerprint=fingerprint,
                        labels=labels,
                        annotations={
                            "summary": f"{slo.name} is burning its error budget "
                            f"{rule.burn_rate:g}x faster than allowed over {long} and {short}",
                            "description": f"{burn:.1f}x over {long}",
                        },
                        starts_at=starts,
                        ends_at=None,
                        state="active",
                        generator_url="",
                    )
                )
        alerts.sort(key=lambda a: a.fingerprint)
        return alerts

    @staticmethod
    def _key(slo: str, long: object) -> str:
        return f"{slo}\x00{long}"

    # -- silences -------------------------------------------------------------------------------

    def _state(self, silence: Silence, now: datetime) -> str:
        if silence.ends_at <= now:
            return "expired"
        return "pending" if silence.starts_at > now else "active"

    async def silences(self) -> list[Silence]:
        """Every silence made in this run, newest first, with its state as of now."""
        now = self._clock()
        found = [replace(s, state=self._state(s, now)) for s in self._silences.values()]
        found.sort(key=lambda s: (s.starts_at, s.ends_at, s.id), reverse=True)
        return found

    async def create_silence(
        self,
        matchers: Sequence[Matcher],
        *,
        starts_at: datetime,
        ends_at: datetime,
        created_by: str,
        comment: str,
    ) -> str:
        """As Alertmanager: a start in the past becomes now; an end not after the start, or in
        the past, is refused; at least one matcher."""
        if not matchers:
            raise ValueError("a silence needs at least one matcher; without one it mutes all")
        for moment, what in ((starts_at, "starts_at"), (ends_at, "ends_at")):
            if moment.tzinfo is None:
                raise ValueError(f"naive datetime given for {what}; use an aware UTC datetime")
        now = self._clock()
        starts_at = max(starts_at, now)
        if ends_at <= starts_at:
            raise AlertmanagerError(
                "refused the silence (HTTP 400): end time must not be before start time",
                status=400,
                url=self.description,
            )
        silence_id = str(uuid.uuid4())
        self._silences[silence_id] = Silence(
            id=silence_id,
            matchers=tuple(matchers),
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=created_by,
            comment=comment,
            state="active",
        )
        return silence_id

    async def expire_silence(self, silence_id: str) -> None:
        """End a silence now; expiring an expired one succeeds, an unknown id is refused."""
        silence = self._silences.get(silence_id)
        if silence is None:
            raise AlertmanagerError(
                f"has no silence {silence_id}", status=404, url=self.description
            )
        now = self._clock()
        if silence.ends_at > now:
            starts_at = min(silence.starts_at, now)
            self._silences[silence_id] = replace(silence, starts_at=starts_at, ends_at=now)

    async def probe(self) -> None:
        """Always answers."""

    async def aclose(self) -> None:
        """Nothing to release."""
