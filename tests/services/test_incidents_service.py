"""The incidents service on a real data dir, including two processes writing one incident."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sretui.domain.incident import (
    IncidentError,
    IncidentStatus,
    Severity,
    add_note,
    change_status,
    classify,
)
from sretui.services.incidents import IncidentNotFound, IncidentService
from sretui.store import Store

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _service(root: Path, user: str = "ada", at: datetime = T0) -> IncidentService:
    return IncidentService(Store(root), user, clock=lambda: at)


def test_declare_writes_one_log_and_lists_it(tmp_path: Path) -> None:
    service = _service(tmp_path)
    incident = service.declare(
        "Checkout is down", services=["checkout"], classification=classify("core", "many")
    )
    assert incident.severity is Severity.SEV1
    assert incident.commander == "ada"
    assert service.names() == [f"incidents/{incident.id}.jsonl"]
    assert (tmp_path / "incidents" / f"{incident.id}.jsonl").stat().st_mode & 0o777 == 0o600
    [listed] = service.list()
    assert listed.incident == incident


def test_ids_resolve_by_their_tail(tmp_path: Path) -> None:
    service = _service(tmp_path)
    incident = service.declare("A", severity="SEV3")
    assert service.resolve(incident.id[-4:]) == incident.id
    with pytest.raises(IncidentNotFound, match="no incident 'zzzz'"):
        service.resolve("zzzz")


def test_closed_incidents_are_listed_only_when_asked(tmp_path: Path) -> None:
    service = _service(tmp_path)
    open_one = service.declare("Open", severity="SEV2")
    closed = service.declare("Closed", severity="SEV1")
    service.apply(closed.id, change_status, "resolved", root_cause="disk full")
    assert [i.incident.id for i in service.list()] == [open_one.id]
    assert [i.incident.id for i in service.list(include_closed=True)] == [closed.id, open_one.id]


def test_a_corrupt_line_is_reported_and_the_rest_kept(tmp_path: Path) -> None:
    service = _service(tmp_path)
    incident = service.declare("A", severity="SEV2")
    service.apply(incident.id, add_note, "first")
    log = tmp_path / "incidents" / f"{incident.id}.jsonl"
    with log.open("a") as handle:
        handle.write('{"this is": "not an event"}\n')
    service.apply(incident.id, add_note, "second")
    loaded = service.load(incident.id)
    assert [e.text for e in loaded.incident.timeline][1:] == ["first", "second"]
    assert len(loaded.problems) == 1
    assert "event 3" in str(loaded.problems[0])


def test_commands_validate_against_the_current_state(tmp_path: Path) -> None:
    service = _service(tmp_path)
    incident = service.declare("A", severity="SEV2")
    with pytest.raises(IncidentError, match="root cause"):
        service.apply(incident.id, change_status, IncidentStatus.RESOLVED)


WRITER = textwrap.dedent(
    """
    import sys
    from sretui.domain.incident import add_note
    from sretui.services.incidents import IncidentService
    from sretui.store import Store

    root, incident_id, writer = sys.argv[1], sys.argv[2], sys.argv[3]
    service = IncidentService(Store(__import__("pathlib").Path(root)), writer)
    for n in range(200):
        service.apply(incident_id, add_note, f"{writer} note {n}")
    """
)


def test_two_processes_adding_200_notes_each_lose_nothing(tmp_path: Path) -> None:
    service = _service(tmp_path, at=datetime.now(UTC) - timedelta(minutes=1))
    incident = service.declare("Many hands", severity="SEV1")
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), incident.id, name])
        for name in ("alice", "bob")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    loaded = _service(tmp_path).load(incident.id)
    assert loaded.problems == []
    notes = [e for e in loaded.incident.timeline if e.kind.value == "note"]
    assert len(notes) == 400
    for name in ("alice", "bob"):
        mine = [e.text for e in notes if e.author == name]
        assert mine == [f"{name} note {n}" for n in range(200)]  # all, in order per writer
    assert len({e.id for e in loaded.incident.timeline}) == 401
