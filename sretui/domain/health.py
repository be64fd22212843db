"""How healthy the metrics backend looks, from the outcomes of recent probes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class HealthState(StrEnum):
    OK = "ok"
    STALE = "stale"  # the last probe failed; numbers on screen are from the last good one
    DOWN = "down"  # no good answer for longer than `down_after`, or never
    UNCHECKED = "unchecked"  # no probe finished yet
    NONE = "none"  # no backend configured


@dataclass(frozen=True, slots=True)
class HealthStatus:
    state: HealthState
    age: timedelta | None = None  # time since the last good answer
    error: str | None = None

    @property
    def label(self) -> str:
        """Short words for the header: "ok", "stale 42s", "down", "checking", "none"."""
        if self.state is HealthState.STALE and self.age is not None:
            return f"stale {int(self.age.total_seconds())}s"
        if self.state is HealthState.UNCHECKED:
            return "checking"
        return self.state.value


@dataclass(slots=True)
class HealthTracker:
    """Records probe outcomes; `status(now)` says ok / stale N s / down."""

    down_after: timedelta = timedelta(minutes=2)
    last_ok: datetime | None = None
    last_failure: datetime | None = None
    last_error: str | None = None

    def record_success(self, at: datetime) -> None:
        self.last_ok = at
        self.last_error = None
        self.last_failure = None

    def record_failure(self, at: datetime, error: str) -> None:
        self.last_failure = at
        self.last_error = error

    def status(self, now: datetime) -> HealthStatus:
        if self.last_ok is None and self.last_failure is None:
            return HealthStatus(HealthState.UNCHECKED)
        age = now - self.last_ok if self.last_ok else None
        if self.last_failure is None:
            return HealthStatus(HealthState.OK, age)
        if age is not None and age < self.down_after:
            return HealthStatus(HealthState.STALE, age, self.last_error)
        return HealthStatus(HealthState.DOWN, age, self.last_error)
