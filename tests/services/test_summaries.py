"""The summary cache behind `sretui incident list`: the rows say what a full fold says, a log is
folded again exactly when it changed, and a broken, foreign or unwritable cache never breaks a
listing."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sretui.domain.incident import IncidentStatus, Severity, add_note, change_status
from sretui.services.incident_rows import ROW_VERSION, list_rows
from sretui.services.incidents import IncidentService
from sretui.store import Store

T0 = datetime(2026, 3, 6, 14, 3, tzinfo=UTC)
CACHE = "summaries/incidents.json"


def _declare(store: Store, titles: list[str]) -> IncidentService:
    service = IncidentService(store, "ada", clock=lambda: T0)
    for index, title in enumerate(titles):
        service.declare(title, severity=Severity(f"SEV{index % 4 + 1}"), services=["checkout"])
    return service


def _as_full_fold(service: IncidentService, include_closed: bool) -> list[tuple[object, ...]]:
    listed = service.list(include_closed=include_closed)
    return [
        (
            i.incident.id,
            i.incident.title,
            i.incident.severity.value,
            i.incident.status.value,
            i.incident.declared_at,
            i.incident.commander,
        )
        for i in listed
    ]


def _as_rows(store: Store, include_closed: bool) -> list[tuple[object, ...]]:
    listed = list_rows(store, "ada", include_closed=include_closed)
    return [(r.id, r.title, r.severity, r.status, r.declared_at, r.commander) for r in listed.rows]


@pytest.mark.parametrize("include_closed", [False, True])
def test_rows_say_what_the_full_fold_says(tmp_path: Path, include_closed: bool) -> None:
    store = Store(tmp_path)
    service = _declare(store, [f"Outage {n} [b]x[/b]" for n in range(6)])
    first = service.list(include_closed=True)[0].incident
    service.apply(first.id, change_status, IncidentStatus.RESOLVED, root_cause="a bad deploy")
    for _ in range(2):  # folded, then from the cache
        assert _as_rows(store, include_closed) == _as_full_fold(service, include_closed)
    assert len(_as_rows(store, include_closed)) == (6 if include_closed else 5)


def test_a_log_is_folded_again_exactly_when_it_changed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    service = _declare(store, ["Checkout 5xx", "Search slow", "Login down"])
    assert list_rows(store, "ada").folded == 3
    assert list_rows(store, "ada").folded == 0
    target = service.list()[0].incident
    service.apply(target.id, add_note, "rolled back")
    assert list_rows(store, "ada").folded == 1
    service.apply(target.id, change_status, IncidentStatus.RESOLVED, root_cause="rollback")
    again = list_rows(store, "ada")
    assert again.folded == 1 and target.id not in [r.id for r in again.rows]
    assert list_rows(store, "ada").folded == 0


def test_a_log_rewritten_to_the_same_size_is_folded_again(tmp_path: Path) -> None:
    """Same size, same mtime (set back): the inode or ctime still tells."""
    store = Store(tmp_path)
    service = _declare(store, ["Checkout 5xx"])
    list_rows(store, "ada")
    log = next((tmp_path / "incidents").glob("*.jsonl"))
    text = log.read_text(encoding="utf-8")
    before = log.stat()
    changed = text.replace("Checkout 5xx", "Checkout 6xx")
    assert len(changed) == len(text)
    copy = log.with_suffix(".tmp")
    copy.write_text(changed, encoding="utf-8")
    os.replace(copy, log)
    os.utime(log, ns=(before.st_atime_ns, before.st_mtime_ns))
    listed = list_rows(store, "ada")
    assert listed.folded == 1 and listed.rows[0].title == "Checkout 6xx"
    assert service.list()[0].incident.title == "Checkout 6xx"


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\xffnot json",
        b"[]",
        b'{"schema_version": 1, "version": "' + ROW_VERSION.encode() + b'", "logs": []}',
        b'{"schema_version": 99, "logs": {}}',
        b"",
    ],
    ids=["binary", "not-an-object", "logs-not-a-table", "newer-schema", "empty"],
)
def test_a_broken_cache_is_rebuilt(tmp_path: Path, garbage: bytes) -> None:
    store = Store(tmp_path)
    service = _declare(store, ["Checkout 5xx", "Search slow"])
    (tmp_path / "summaries").mkdir()
    (tmp_path / CACHE).write_bytes(garbage)
    listed = list_rows(store, "ada")
    assert listed.folded == 2 and listed.unreadable == []
    assert _as_rows(store, False) == _as_full_fold(service, False)
    assert list_rows(store, "ada").folded == 0  # rebuilt and used


def test_a_cached_row_of_the_wrong_shape_is_made_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _declare(store, ["Checkout 5xx"])
    list_rows(store, "ada")
    doc = json.loads((tmp_path / CACHE).read_text(encoding="utf-8"))
    (entry,) = doc["logs"].values()
    entry["row"]["rank"] = "one"  # a string where an int belongs
    entry["row"]["title"] = "forged"
    (tmp_path / CACHE).write_text(json.dumps(doc), encoding="utf-8")
    listed = list_rows(store, "ada")
    assert listed.folded == 1 and listed.rows[0].title == "Checkout 5xx"


def test_another_row_version_is_not_trusted(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _declare(store, ["Checkout 5xx"])
    list_rows(store, "ada")
    doc = json.loads((tmp_path / CACHE).read_text(encoding="utf-8"))
    doc["version"] = "incident-row-0"
    (tmp_path / CACHE).write_text(json.dumps(doc), encoding="utf-8")
    assert list_rows(store, "ada").folded == 1


def test_an_unreadable_log_is_said_every_time_and_never_cached(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _declare(store, ["Checkout 5xx"])
    (tmp_path / "incidents" / "INC-20260306-1403-zzzz.jsonl").write_text(
        '{"not": "an event"}\n', encoding="utf-8"
    )
    for _ in range(2):
        listed = list_rows(store, "ada")
        assert len(listed.rows) == 1
        assert len(listed.unreadable) == 1 and "INC-20260306-1403-zzzz" in listed.unreadable[0]
    doc = json.loads((tmp_path / CACHE).read_text(encoding="utf-8"))
    assert list(doc["logs"]) == [listed.rows[0].id]


def test_a_symlinked_log_is_reported_not_followed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _declare(store, ["Checkout 5xx"])
    (tmp_path / "incidents" / "INC-20260306-1403-link.jsonl").symlink_to("/etc/passwd")
    listed = list_rows(store, "ada")
    assert len(listed.rows) == 1 and "not followed" in listed.unreadable[0]


def test_a_data_dir_that_refuses_the_cache_still_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    service = _declare(store, ["Checkout 5xx", "Search slow"])

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "write", refuse)
    for _ in range(2):
        listed = list_rows(store, "ada")
        assert listed.folded == 2 and listed.unreadable == []
    assert _as_rows(store, False) == _as_full_fold(service, False)
    assert not (tmp_path / CACHE).exists()


def test_problems_of_listed_logs_are_kept_with_their_rows(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _declare(store, ["Checkout 5xx"])
    log = next((tmp_path / "incidents").glob("*.jsonl"))
    with log.open("a", encoding="utf-8") as handle:
        handle.write("not json at all\n")
    for _ in range(2):  # folded, then from the cache: the warning is said both times
        listed = list_rows(store, "ada")
        assert len(listed.problems) == 1 and f"{log}:2:" in listed.problems[0]
