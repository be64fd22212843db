"""Game-day plans as defined in gamedays/*.toml: a chaos experiment with its hypothesis,
steady-state checks, abort conditions and the checklist around it."""

from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple


class FaultType(StrEnum):
    NETWORK = "network"
    COMPUTE = "compute"
    STORAGE = "storage"
    DEPENDENCY = "dependency"
    DATA = "data"
    SCALE = "scale"


class ChecklistPhase(StrEnum):
    PRE = "pre"
    GAME = "game"
    POST = "post"


class MetricCheck(NamedTuple):
    """A PromQL expression and the range it must stay in (steady state) or leave (abort)."""

    name: str
    query: str
    min: float | None = None
    max: float | None = None

    def holds(self, value: float) -> bool:
        """True when `value` lies within [min, max] (either bound may be open)."""
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)


class GameDay(NamedTuple):
    name: str
    title: str
    hypothesis: str
    service: str
    fault_type: FaultType
    target: str
    duration: timedelta
    blast_radius: str = ""
    rollback_plan: str = ""
    approvals: tuple[str, ...] = ()
    steady_state: tuple[MetricCheck, ...] = ()
    abort: tuple[MetricCheck, ...] = ()  # abort when a check leaves its range
    checklist: dict[ChecklistPhase, tuple[str, ...]] | None = None
