"""The shared event log: one folder scan per listing, ids by their tail, bad lines reported with
file, line and field, appends under the lock, a change watcher, and use by another area."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

import pytest

from sretui.domain.incident import add_note, assign_role, declare, fold
from sretui.services.eventlog import EventLog, FoldError, LogNotFound
from sretui.services.incidents import IncidentService, incident_log
from sretui.store import Store

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _write_incidents(root: Path, count: int) -> list[str]:
    """`count` incident logs of three events each, written straight to disk (no fsync: fast)."""
    folder = root / "incidents"
    folder.mkdir(mode=0o700)
    ids = []
    for n in range(count):
        rng = random.Random(n)
        at = T0 + timedelta(minutes=n)
        events = [declare(f"Incident {n}", by="ada", at=at, severity="SEV2", rng=rng)]
        events.append(add_note(fold(events), "looking", by="ada", at=at, rng=rng))
        events.append(assign_role(fold(events), "ops", "bob", by="ada", at=at, rng=rng))
        incident_id = fold(events).id
        lines = "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in events)
        (folder / f"{incident_id}.jsonl").write_text(lines, encoding="utf-8")
        ids.append(incident_id)
    return ids


@pytest.fixture
def count_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    scanned: list[str] = []
    real = os.scandir

    def counting(path: Any = ".") -> Any:
        scanned.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    return scanned


def test_listing_300_incidents_scans_the_folder_once(
    tmp_path: Path, count_scans: list[str]
) -> None:
    ids = _write_incidents(tmp_path, 300)
    service = IncidentService(Store(tmp_path), "ada", clock=lambda: T0)
    count_scans.clear()
    listed = service.list()
    assert len(listed) == 300
    assert sorted(i.incident.id for i in listed) == sorted(ids)
    assert count_scans == [str(tmp_path / "incidents")]  # was 301: once more per incident


def test_loading_one_incident_by_its_tail_scans_once(
    tmp_path: Path, count_scans: list[str]
) -> None:
    ids = _write_incidents(tmp_path, 20)
    service = IncidentService(Store(tmp_path), "ada", clock=lambda: T0)
    count_scans.clear()
    assert service.load(ids[7][-4:]).incident.id == ids[7]
    assert len(count_scans) == 1


def test_ids_resolve_from_their_last_characters(tmp_path: Path) -> None:
    log = incident_log(Store(tmp_path))
    ids = ["INC-20261123-1400-ab12", "INC-20261123-1401-cd12", "INC-20261123-1402-ef34"]
    assert log.resolve("EF34", ids) == ids[2]  # any case
    assert log.resolve(f"  {ids[0]} ", ids) == ids[0]
    with pytest.raises(LogNotFound, match=r"'12' matches 2 incidents: INC-20261123-1400-ab12, INC"):
        log.resolve("12", ids)
    with pytest.raises(LogNotFound, match=r"no incident 'zz'; `sretui incident list --all`"):
        log.resolve("zz", ids)
    with pytest.raises(LogNotFound, match="no incident ''"):
        log.resolve("", ids)


def test_bad_lines_are_reported_with_file_line_and_field(tmp_path: Path) -> None:
    service = IncidentService(Store(tmp_path), "ada", clock=lambda: T0)
    incident = service.declare("A", severity="SEV2")
    service.apply(incident.id, add_note, "first")
    path = tmp_path / "incidents" / f"{incident.id}.jsonl"
    good = json.loads(path.read_text().splitlines()[1])
    bad_role = good | {"kind": "role_assigned", "data": {"role": "janitor", "person": "x"}}
    with path.open("a") as handle:
        handle.write("\n")  # a blank line: skipped, but it still counts as a line
        handle.write("{not json\n")  # line 4
        handle.write(json.dumps(bad_role) + "\n")  # line 5
    service.apply(incident.id, add_note, "second")  # line 6
    loaded = service.load(incident.id)
    assert [e.text for e in loaded.incident.timeline][1:] == ["first", "second"]
    assert [str(p) for p in loaded.problems] == [
        f"{path}:4: not a valid JSON line (Expecting property name enclosed in double quotes); "
        "skipped",
        f"{path}:5: event 3: field 'data.role': expected one of incident_commander, "
        "communications_lead, operations_lead, subject_matter_expert, scribe, got 'janitor'; "
        "skipped",
    ]
    assert [(p.path, p.line) for p in loaded.problems] == [(path, 4), (path, 5)]


def test_a_log_that_cannot_be_folded_names_its_file(tmp_path: Path) -> None:
    service = IncidentService(Store(tmp_path), "ada", clock=lambda: T0)
    incident = service.declare("A", severity="SEV2")
    note = add_note(fold([declare("B", by="ada", at=T0, severity="SEV3")]), "x", by="ada", at=T0)
    Store(tmp_path).append("incidents/INC-20261123-1400-zzzz.jsonl", note.to_json())
    with pytest.raises(
        FoldError, match=r"INC-20261123-1400-zzzz.jsonl: an incident log must start"
    ):
        service.log.load("INC-20261123-1400-zzzz")
    folded, errors = service.log.load_all()
    assert [f.id for f in folded] == [incident.id]  # one broken log never hides the others
    assert len(errors) == 1
    assert [i.incident.id for i in service.list()] == [incident.id]


def test_appends_are_whole_lines_and_the_watcher_reports_them(tmp_path: Path) -> None:
    service = IncidentService(Store(tmp_path), "ada", clock=lambda: T0)
    first = service.declare("A", severity="SEV2")
    watcher = service.log.watcher()
    assert watcher.poll() == set()  # takes stock
    service.apply(first.id, add_note, "a note")
    second = service.declare("B", severity="SEV3")
    changed = watcher.poll()
    assert service.log.changed_ids(changed) == {first.id, second.id}
    assert (
        service.log.changed_ids({"incidents/.x.lock", "exports/a.jsonl", "incidents/a/b.jsonl"})
        == set()
    )
    lines = (tmp_path / "incidents" / f"{first.id}.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    assert json.loads(lines[1])["data"] == {"note": "a note", "tag": None}


# -- another area on the same code: a toy "toil" log -------------------------------------------


@dataclass(frozen=True)
class ToilLogged:
    minutes: int
    task: str

    def to_json(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "task": self.task}

    @classmethod
    def from_json(cls, record: object) -> Self:
        if not isinstance(record, dict) or not isinstance(record.get("minutes"), int):
            raise ValueError("field 'minutes': expected an integer")
        return cls(record["minutes"], str(record.get("task", "")))


def total_minutes(records: Sequence[ToilLogged]) -> int:
    return sum(r.minutes for r in records)


def test_another_area_uses_it_with_a_folder_a_record_type_and_a_fold(tmp_path: Path) -> None:
    log = EventLog(Store(tmp_path), "toil", ToilLogged, total_minutes, what="toil log")
    log.append("2026-w48", ToilLogged(30, "restart the queue"))
    log.append("2026-w48", ToilLogged(15, "rotate certs"))
    (tmp_path / "toil" / "2026-w48.jsonl").open("a").write('{"minutes": "lots"}\n')
    log.append("2026-w49", ToilLogged(5, "disk"))
    assert log.ids() == ["2026-w48", "2026-w49"]
    folded = log.load(log.resolve("w48"))
    assert folded.state == 45
    [problem] = folded.problems
    assert (problem.line, problem.message) == (
        3,
        "event 3: field 'minutes': expected an integer; skipped",
    )
    assert (tmp_path / "toil" / "2026-w48.jsonl").stat().st_mode & 0o777 == 0o600
    with pytest.raises(LogNotFound, match="no toil log 'w50'"):
        log.resolve("w50")
