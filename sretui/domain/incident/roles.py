"""Incident Command System roles and the incident's workflow states."""

from __future__ import annotations

from sretui.domain.incident.choices import ParsedEnum


class IcsRole(ParsedEnum):
    """Incident Command System roles. Only subject-matter experts may be several people."""

    INCIDENT_COMMANDER = "incident_commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    OPERATIONS_LEAD = "operations_lead"
    SUBJECT_MATTER_EXPERT = "subject_matter_expert"
    SCRIBE = "scribe"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()

    @property
    def many(self) -> bool:
        """Whether several people may hold this role at once."""
        return self is IcsRole.SUBJECT_MATTER_EXPERT


_STATUS_ORDER = ("detected", "triaged", "responding", "mitigated", "resolved", "reviewed")


class IncidentStatus(ParsedEnum):
    """The workflow, in order. Moving to an earlier status reopens the incident."""

    DETECTED = "detected"
    TRIAGED = "triaged"
    RESPONDING = "responding"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    REVIEWED = "reviewed"

    @property
    def rank(self) -> int:
        return _STATUS_ORDER.index(self.value)

    @property
    def label(self) -> str:
        return self.value.capitalize()
