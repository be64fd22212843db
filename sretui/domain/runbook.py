"""Runbooks as defined in runbooks/*.toml: ordered steps with what to run and what to expect."""

from datetime import timedelta
from typing import NamedTuple


class RunbookStep(NamedTuple):
    title: str
    description: str = ""
    command: str = ""
    expected: str = ""
    if_unexpected: str = ""
    link: str = ""
    timeout: timedelta | None = None  # escalate when the step takes longer


class Escalation(NamedTuple):
    after: timedelta
    contact: str
    context: str = ""


class Runbook(NamedTuple):
    name: str
    title: str
    steps: tuple[RunbookStep, ...]
    service: str = ""
    alert: str = ""  # the alert that sends an engineer here
    owner: str = ""
    overview: str = ""
    impact: str = ""
    escalation: tuple[Escalation, ...] = ()
