"""Severity: the team's matrix (what is broken x who is affected) and the triggers that raise it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from sretui.domain.incident.choices import ParsedEnum, parse_choice


class Severity(ParsedEnum):
    """SEV1 is the most severe."""

    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"

    @property
    def rank(self) -> int:
        """1 for SEV1 ... 4 for SEV4: lower is more severe."""
        return int(self.value[-1])

    def raised(self, levels: int = 1) -> Severity:
        """This severity `levels` steps more severe, stopping at SEV1."""
        return Severity(f"SEV{max(1, self.rank - levels)}")

    def at_least(self, floor: Severity) -> Severity:
        """The more severe of this severity and `floor`."""
        return self if self.rank <= floor.rank else floor


class Broken(ParsedEnum):
    """What is broken: the matrix's rows."""

    CORE = "core"
    DEGRADED = "degraded"
    NON_CORE = "non-core"
    COSMETIC = "cosmetic"

    @property
    def label(self) -> str:
        return _LABELS[self.value]


class Reach(ParsedEnum):
    """Who is affected: the matrix's columns."""

    ONE = "one"
    SOME = "some"
    MANY = "many"
    ALL = "all"

    @property
    def label(self) -> str:
        return _LABELS[self.value]


class Trigger(ParsedEnum):
    """Facts that raise the severity whatever the matrix says."""

    DATA_LOSS = "data-loss"
    SECURITY_BREACH_PII = "security-breach-pii"
    REVENUE_IMPACT = "revenue-impact"
    SLA_BREACH_IMMINENT = "sla-breach-imminent"

    @property
    def label(self) -> str:
        return _LABELS[self.value]


_LABELS = {
    "core": "core function down",
    "degraded": "degraded performance",
    "non-core": "non-core feature down",
    "cosmetic": "cosmetic or minor",
    "one": "one user",
    "some": "under 25% of users",
    "many": "over 25% of users",
    "all": "all users",
    "data-loss": "data loss",
    "security-breach-pii": "security breach with PII",
    "revenue-impact": "revenue impact",
    "sla-breach-imminent": "SLA breach imminent",
}

_S1, _S2, _S3, _S4 = Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4
SEVERITY_MATRIX: Mapping[Broken, Mapping[Reach, Severity]] = {
    Broken.CORE: {Reach.ONE: _S3, Reach.SOME: _S2, Reach.MANY: _S1, Reach.ALL: _S1},
    Broken.DEGRADED: {Reach.ONE: _S4, Reach.SOME: _S3, Reach.MANY: _S2, Reach.ALL: _S1},
    Broken.NON_CORE: {Reach.ONE: _S4, Reach.SOME: _S3, Reach.MANY: _S3, Reach.ALL: _S2},
    Broken.COSMETIC: {Reach.ONE: _S4, Reach.SOME: _S4, Reach.MANY: _S3, Reach.ALL: _S3},
}

# Triggers that set a minimum severity. Revenue impact: the playbook says "SEV1 or SEV2"; it is
# SEV2 here, and becomes SEV1 when the matrix says so or an SLA breach is imminent as well.
TRIGGER_FLOORS: Mapping[Trigger, Severity] = {
    Trigger.DATA_LOSS: _S1,
    Trigger.SECURITY_BREACH_PII: _S1,
    Trigger.REVENUE_IMPACT: _S2,
}


def matrix_severity(broken: Broken | str, reach: Reach | str) -> Severity:
    """The severity the matrix gives for what is broken and how many users it reaches."""
    return SEVERITY_MATRIX[parse_choice(Broken, broken, "impact")][
        parse_choice(Reach, reach, "reach")
    ]


class Classification(Struct, frozen=True):
    """The severity the matrix and the triggers give, with the answers and the reasons."""

    severity: Severity
    reasons: list[str]
    broken: Broken
    reach: Reach
    triggers: tuple[Trigger, ...] = ()
    matrix_severity: Severity | None = None  # before triggers

    def to_json(self) -> dict[str, Any]:
        """The stored form (the `classification` of declared and severity_changed events)."""
        return {
            "severity": self.severity.value,
            "matrix_severity": (self.matrix_severity or self.severity).value,
            "broken": self.broken.value,
            "reach": self.reach.value,
            "triggers": [t.value for t in self.triggers],
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Classification:
        """Read the stored form back (already checked by the event decoder)."""
        return cls(
            severity=Severity(data["severity"]),
            reasons=list(data["reasons"]),
            broken=Broken(data["broken"]),
            reach=Reach(data["reach"]),
            triggers=tuple(Trigger(t) for t in data["triggers"]),
            matrix_severity=Severity(data["matrix_severity"]),
        )


def classify(
    broken: Broken | str, reach: Reach | str, triggers: Iterable[Trigger | str] = ()
) -> Classification:
    """Severity from the matrix, then raised by the triggers.

    Floors first (data loss and a PII breach: SEV1; revenue impact: at least SEV2), then an
    imminent SLA breach raises the result one more level. Each step adds a reason, including
    triggers that changed nothing, so the record shows every answer that was given.
    """
    broken = parse_choice(Broken, broken, "impact")
    reach = parse_choice(Reach, reach, "reach")
    given = {parse_choice(Trigger, t, "trigger") for t in triggers}
    ordered = tuple(t for t in Trigger if t in given)
    base = SEVERITY_MATRIX[broken][reach]
    severity = base
    reasons = [f"matrix: {broken.label}, {reach.label} -> {base}"]
    for trigger in ordered:
        floor = TRIGGER_FLOORS.get(trigger)
        if floor is None:
            continue
        raised = severity.at_least(floor)
        minimum = "" if floor is Severity.SEV1 else " at least"
        if raised is severity:
            reasons.append(f"{trigger.label}:{minimum} {floor} (already {severity})")
        else:
            reasons.append(f"{trigger.label}:{minimum} {floor} (raised from {severity})")
        severity = raised
    if Trigger.SLA_BREACH_IMMINENT in given:
        raised = severity.raised()
        if raised is severity:
            reasons.append(f"{Trigger.SLA_BREACH_IMMINENT.label}: already {severity}, the highest")
        else:
            reasons.append(
                f"{Trigger.SLA_BREACH_IMMINENT.label}: one level up, {severity} -> {raised}"
            )
        severity = raised
    return Classification(severity, reasons, broken, reach, ordered, base)


def severity_reason(
    severity: Severity, computed: Severity | None, reasons: Iterable[str], note: str
) -> str:
    """The sentence the incident keeps for why it has its severity."""
    if computed is None:
        return f"set to {severity} by hand" + (f": {note}" if note else "")
    matrix = "; ".join(reasons)
    if computed != severity:
        return f"override: {severity} instead of the computed {computed} ({matrix}): {note}"
    return matrix + (f"; {note}" if note else "")
