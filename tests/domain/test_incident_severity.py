"""The severity matrix, the auto-escalation triggers and the enum parsing the CLI relies on."""

from __future__ import annotations

import itertools

import pytest

from sretui.domain.incident import (
    Broken,
    IcsRole,
    IncidentError,
    Reach,
    Severity,
    Trigger,
    classify,
    matrix_severity,
)

# The playbook's table, row by row (one user, <25%, >25%, all users).
MATRIX = {
    "core": ("SEV3", "SEV2", "SEV1", "SEV1"),
    "degraded": ("SEV4", "SEV3", "SEV2", "SEV1"),
    "non-core": ("SEV4", "SEV3", "SEV3", "SEV2"),
    "cosmetic": ("SEV4", "SEV4", "SEV3", "SEV3"),
}
REACHES = ("one", "some", "many", "all")
CELLS = [
    (broken, reach, expected)
    for broken, row in MATRIX.items()
    for reach, expected in zip(REACHES, row, strict=True)
]


def test_the_matrix_has_sixteen_cells() -> None:
    assert len(CELLS) == 16
    assert len({(b, r) for b, r, _ in CELLS}) == 16


@pytest.mark.parametrize(("broken", "reach", "expected"), CELLS)
def test_matrix_cell(broken: str, reach: str, expected: str) -> None:
    assert matrix_severity(broken, reach) is Severity(expected)
    assert matrix_severity(Broken(broken), Reach(reach)) is Severity(expected)
    classification = classify(broken, reach)
    assert classification.severity is Severity(expected)
    assert classification.matrix_severity is Severity(expected)
    assert classification.triggers == ()
    assert len(classification.reasons) == 1


@pytest.mark.parametrize(
    ("broken", "reach", "triggers", "expected"),
    [
        # data loss: SEV1 whatever the matrix says
        ("cosmetic", "one", ["data-loss"], "SEV1"),
        ("degraded", "some", ["data_loss"], "SEV1"),
        # a breach with PII: SEV1
        ("cosmetic", "one", ["security-breach-pii"], "SEV1"),
        ("non-core", "all", ["security_breach_pii"], "SEV1"),
        # revenue impact: at least SEV2, never lowers
        ("cosmetic", "one", ["revenue-impact"], "SEV2"),
        ("non-core", "many", ["revenue-impact"], "SEV2"),
        ("core", "some", ["revenue-impact"], "SEV2"),
        ("core", "many", ["revenue-impact"], "SEV1"),
        # SLA breach imminent: one level up, capped at SEV1
        ("cosmetic", "one", ["sla-breach-imminent"], "SEV3"),
        ("non-core", "some", ["sla-breach-imminent"], "SEV2"),
        ("degraded", "many", ["sla-breach-imminent"], "SEV1"),
        ("core", "all", ["sla-breach-imminent"], "SEV1"),
        # floors first, then one level up: revenue + SLA is SEV1
        ("cosmetic", "one", ["revenue-impact", "sla-breach-imminent"], "SEV1"),
        ("cosmetic", "one", ["sla-breach-imminent", "revenue-impact"], "SEV1"),
        ("cosmetic", "some", ["data-loss", "sla-breach-imminent"], "SEV1"),
        ("degraded", "one", ["data-loss", "revenue-impact"], "SEV1"),
        # duplicates count once
        ("cosmetic", "one", ["sla-breach-imminent", "sla_breach_imminent"], "SEV3"),
    ],
)
def test_triggers(broken: str, reach: str, triggers: list[str], expected: str) -> None:
    assert classify(broken, reach, triggers).severity is Severity(expected)


def _expected(broken: str, reach: str, triggers: set[Trigger]) -> Severity:
    rank = int(MATRIX[broken][REACHES.index(reach)][-1])
    if Trigger.DATA_LOSS in triggers or Trigger.SECURITY_BREACH_PII in triggers:
        rank = 1
    if Trigger.REVENUE_IMPACT in triggers:
        rank = min(rank, 2)
    if Trigger.SLA_BREACH_IMMINENT in triggers:
        rank = max(1, rank - 1)
    return Severity(f"SEV{rank}")


def test_every_cell_with_every_combination_of_triggers() -> None:
    checked = 0
    for broken, reach, _ in CELLS:
        for size in range(len(Trigger) + 1):
            for combo in itertools.combinations(Trigger, size):
                got = classify(broken, reach, combo)
                assert got.severity is _expected(broken, reach, set(combo)), (broken, reach, combo)
                assert got.matrix_severity is matrix_severity(broken, reach)
                assert got.triggers == combo  # enum order
                assert len(got.reasons) == 1 + len(combo)
                checked += 1
    assert checked == 16 * 16


def test_reasons_say_what_each_answer_did() -> None:
    got = classify("cosmetic", "one", ["sla-breach-imminent", "revenue-impact", "data-loss"])
    assert got.reasons == [
        "matrix: cosmetic or minor, one user -> SEV4",
        "data loss: SEV1 (raised from SEV4)",
        "revenue impact: at least SEV2 (already SEV1)",
        "SLA breach imminent: already SEV1, the highest",
    ]
    got = classify("degraded", "many", ["revenue-impact", "sla-breach-imminent"])
    assert got.reasons == [
        "matrix: degraded performance, over 25% of users -> SEV2",
        "revenue impact: at least SEV2 (already SEV2)",
        "SLA breach imminent: one level up, SEV2 -> SEV1",
    ]


def test_classification_json_round_trip() -> None:
    got = classify("non-core", "all", ["revenue-impact", "data-loss"])
    assert type(got).from_json(got.to_json()) == got
    assert got.to_json() == {
        "severity": "SEV1",
        "matrix_severity": "SEV2",
        "broken": "non-core",
        "reach": "all",
        "triggers": ["data-loss", "revenue-impact"],
        "reasons": got.reasons,
    }


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: matrix_severity("exploded", "all"), "unknown impact 'exploded'"),
        (lambda: matrix_severity("core", "everyone"), "unknown reach 'everyone'"),
        (lambda: classify("core", "all", ["meteor"]), "unknown trigger 'meteor'"),
    ],
)
def test_unknown_answers_name_the_choices(call, message: str) -> None:
    with pytest.raises(IncidentError, match=message) as error:
        call()
    assert "expected one of" in str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("non-core", Broken.NON_CORE),
        ("non_core", Broken.NON_CORE),
        ("NON CORE", Broken.NON_CORE),
        ("Core", Broken.CORE),
    ],
)
def test_broken_accepts_cli_spellings(text: str, expected: Broken) -> None:
    assert Broken(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SEV1", Severity.SEV1),
        ("sev2", Severity.SEV2),
        ("3", Severity.SEV3),
        ("Sev-4", Severity.SEV4),
    ],
)
def test_severity_spellings(text: str, expected: Severity) -> None:
    assert Severity(text) is expected


def test_severity_order() -> None:
    assert [s.rank for s in Severity] == [1, 2, 3, 4]
    assert Severity.SEV3.raised() is Severity.SEV2
    assert Severity.SEV1.raised() is Severity.SEV1
    assert Severity.SEV4.raised(2) is Severity.SEV2
    assert Severity.SEV3.at_least(Severity.SEV2) is Severity.SEV2
    assert Severity.SEV1.at_least(Severity.SEV2) is Severity.SEV1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ic", IcsRole.INCIDENT_COMMANDER),
        ("incident_commander", IcsRole.INCIDENT_COMMANDER),
        ("Incident Commander", IcsRole.INCIDENT_COMMANDER),
        ("comms", IcsRole.COMMUNICATIONS_LEAD),
        ("ops", IcsRole.OPERATIONS_LEAD),
        ("sme", IcsRole.SUBJECT_MATTER_EXPERT),
        ("scribe", IcsRole.SCRIBE),
    ],
)
def test_role_spellings(text: str, expected: IcsRole) -> None:
    assert IcsRole(text) is expected
