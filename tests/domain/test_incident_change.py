"""Commands return a Change that `stamp` alone turns into an event; the package keeps msgspec
off the import path; one decoder turns msgspec's errors into field names."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sretui.domain import incident as inc
from sretui.domain.incident import Change, EventKind, IncidentEvent, fold, stamp
from sretui.domain.incident.payloads import NoteAdded, Pinned
from sretui.domain.records import convert

T0 = datetime(2026, 3, 6, 14, 3, tzinfo=UTC)
INCIDENT = fold([inc.declare("A", by="alice", at=T0, severity="SEV2", rng=random.Random(1))])


def test_a_command_decides_a_change_and_stamp_makes_the_event() -> None:
    decide = inc.add_note.__wrapped__  # type: ignore[attr-defined]
    change = decide(INCIDENT, "pool at 100%", by="bob", at=T0, tag="condition")
    assert change == Change(
        EventKind.NOTE, "Condition: pool at 100%", NoteAdded("pool at 100%", inc.NoteTag.CONDITION)
    )
    later = datetime(2026, 3, 6, 16, 4, tzinfo=timezone(timedelta(hours=2)))
    event = stamp(change, by=" bob ", at=later, rng=random.Random(7))
    assert event == IncidentEvent(
        inc.new_event_id(random.Random(7)),
        datetime(2026, 3, 6, 14, 4, tzinfo=UTC),
        "bob",
        EventKind.NOTE,
        "Condition: pool at 100%",
        {"note": "pool at 100%", "tag": "condition"},
    )
    assert event.at.tzinfo is UTC
    assert event.payload is change.payload
    assert (
        inc.add_note(
            INCIDENT, "pool at 100%", by="bob", at=later, tag="condition", rng=random.Random(7)
        )
        == event
    )


def test_stamp_checks_author_and_time_once_for_every_command() -> None:
    change = Change(EventKind.PINNED, "Pinned: x", Pinned("abc"))
    with pytest.raises(inc.IncidentError, match="author must not be empty"):
        stamp(change, by=" ", at=T0)
    with pytest.raises(inc.IncidentError, match="at must be a timezone-aware time"):
        stamp(change, by="bob", at=datetime(2026, 3, 6, 14, 3))
    with pytest.raises(inc.IncidentError, match="author must be one line"):
        inc.pin(INCIDENT, INCIDENT.timeline[0].id, by="bob\nmallory", at=T0)


def test_a_change_carries_the_payload_of_its_kind() -> None:
    with pytest.raises(TypeError, match="a note change carries a Pinned"):
        Change(EventKind.NOTE, "x", Pinned("abc"))


def test_the_decoder_names_the_field_the_key_and_the_value() -> None:
    from sretui.domain.incident.payloads import AlertLinked

    good = {"fingerprint": "f", "alertname": "A", "starts_at": None, "labels": {}, "summary": ""}
    with pytest.raises(ValueError, match=r"^field 'data\.labels\.team': expected text, got 7$"):
        convert(good | {"labels": {"ok": "x", "team": 7}}, AlertLinked, where="data")
    with pytest.raises(ValueError, match=r"^field 'summary' is missing$"):
        convert({k: v for k, v in good.items() if k != "summary"}, AlertLinked)
    with pytest.raises(ValueError, match=r"^field 'data': expected an object, got 'x'$"):
        convert("x", AlertLinked, where="data")


RUN_CLI = "from sretui.cli import main\ntry:\n    main"


@pytest.mark.parametrize(
    "code",
    [
        "import sretui.app.main",
        f"{RUN_CLI}(['check', '--demo'])\nexcept SystemExit:\n    pass",
        f"{RUN_CLI}(['toil', '--help'])\nexcept SystemExit:\n    pass",
    ],
    ids=["app start-up", "check", "toil --help"],
)
def test_paths_that_read_no_incident_import_neither_the_domain_nor_msgspec(code: str) -> None:
    """The incident records are msgspec Structs (cheap to create, unlike dataclasses), so the
    incident domain brings msgspec in: the app's first frame and `check` must not load it."""
    probe = (
        f"{code}\nimport sys\n"
        "loaded = [m for m in ('msgspec', 'sretui.domain.incident') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
