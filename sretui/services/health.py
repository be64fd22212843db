"""Probing the metrics backend and keeping its health for the header."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sretui.domain.health import HealthStatus, HealthTracker
from sretui.sources.base import MetricsSource, SourceError


def utc_now() -> datetime:
    return datetime.now(UTC)


class HealthMonitor:
    """Runs one probe at a time against a source and remembers the outcomes."""

    def __init__(
        self,
        source: MetricsSource,
        *,
        timeout: float = 10.0,
        down_after: timedelta = timedelta(minutes=2),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.source = source
        self.timeout = timeout
        self.clock = clock
        self.tracker = HealthTracker(down_after=down_after)

    async def check(self) -> HealthStatus:
        """Probe once (bounded by `timeout`) and return the status after it."""
        try:
            await asyncio.wait_for(self.source.probe(), self.timeout)
        except TimeoutError:
            self.tracker.record_failure(
                self.clock(), f"{self.source.description}: no answer within {self.timeout:g}s"
            )
        except SourceError as exc:
            self.tracker.record_failure(self.clock(), str(exc))
        else:
            self.tracker.record_success(self.clock())
        return self.status()

    def status(self) -> HealthStatus:
        return self.tracker.status(self.clock())
