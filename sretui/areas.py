"""The areas of the app, in key order. Plain data: the CLI and the overview use it too."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Area:
    id: str  # mode name and binding id
    key: str
    title: str
    summary: str
    built: bool = False


AREAS: tuple[Area, ...] = (
    Area("overview", "0", "Overview", "Every area at a glance", built=True),
    Area("budgets", "1", "Error budgets", "SLOs, burn rates, budget remaining, policy", built=True),
    Area(
        "incidents",
        "2",
        "Incidents",
        "Declare, ICS roles, timeline, comms, postmortems",
        built=True,
    ),
    Area("runbooks", "3", "Runbooks", "Step through runbooks, record outcomes, escalate"),
    Area("handoff", "4", "Handoff", "The shift handoff document, exported as Markdown"),
    Area("toil", "5", "Toil", "Log toil fast, toil %, automation candidates and ROI"),
    Area("gameday", "6", "Game day", "Chaos experiment plans, checklists, abort checks"),
)

AREAS_BY_ID = {area.id: area for area in AREAS}
