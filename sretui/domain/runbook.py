"""Runbooks as defined in runbooks/*.toml: ordered steps with what to run and what to expect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class RunbookStep:
    title: str
    description: str = ""
    command: str = ""
    expected: str = ""
    if_unexpected: str = ""
    link: str = ""
    timeout: timedelta | None = None  # escalate when the step takes longer


@dataclass(frozen=True, slots=True)
class Escalation:
    after: timedelta
    contact: str
    context: str = ""


@dataclass(frozen=True, slots=True)
class Runbook:
    name: str
    title: str
    steps: tuple[RunbookStep, ...]
    service: str = ""
    alert: str = ""  # the alert that sends an engineer here
    owner: str = ""
    overview: str = ""
    impact: str = ""
    escalation: tuple[Escalation, ...] = ()
