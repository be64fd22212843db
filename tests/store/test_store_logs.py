"""JSONL logs: whole lines appended under the lock; bad and torn lines reported, never fatal."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from sretui.store import DocumentError, LogRead, Store
from sretui.store.locks import document_lock

LOG = "toil/entries.jsonl"


def _put(store: Store, data: bytes) -> Path:
    path = store.path(LOG)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _problems(read: LogRead) -> list[tuple[int | None, str]]:
    return [(problem.line, problem.message) for problem in read.problems]


def test_append_writes_one_json_line_per_record(store: Store) -> None:
    store.append(LOG, {"task": "rotate certs", "minutes": 30})
    store.append(LOG, {"task": "café\nrestart", "sep": "\u2028"})
    assert store.path(LOG).read_bytes() == (
        b'{"task": "rotate certs", "minutes": 30}\n'
        + '{"task": "café\\nrestart", "sep": "\u2028"}\n'.encode()
    )
    assert store.read_log(LOG) == LogRead(
        [
            {"task": "rotate certs", "minutes": 30},
            {"task": "café\nrestart", "sep": "\u2028"},
        ],
        [],
    )


def test_read_log_of_a_missing_log_is_empty(store: Store) -> None:
    assert store.read_log(LOG) == LogRead([], [])
    assert not store.path("toil").exists()


def test_append_does_not_add_schema_version(store: Store) -> None:
    store.append(LOG, {"a": 1})
    assert store.read_log(LOG).records == [{"a": 1}]


def test_append_sends_the_whole_line_in_one_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.append(LOG, {"n": 0})
    writes: list[bytes] = []
    real_write = os.write

    def spy_write(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", spy_write)
    store.append(LOG, {"n": 1, "pad": "x" * 100_000})
    monkeypatch.undo()
    assert writes == [b'{"n": 1, "pad": "' + b"x" * 100_000 + b'"}\n']


def test_a_torn_last_line_is_a_problem_and_the_next_append_starts_a_new_line(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _put(store, b'{"n": 1}\n{"n": 2, "task": "hal')
    read = store.read_log(LOG)
    assert read.records == [{"n": 1}]
    assert _problems(read) == [
        (2, "incomplete last line (an append was cut short, e.g. by a crash); skipped")
    ]
    assert str(read.problems[0]) == (
        f"{path}:2: incomplete last line (an append was cut short, e.g. by a crash); skipped"
    )

    writes: list[bytes] = []
    real_write = os.write
    monkeypatch.setattr(
        os, "write", lambda fd, data: writes.append(bytes(data)) or real_write(fd, data)
    )
    store.append(LOG, {"n": 3})
    monkeypatch.undo()

    assert writes == [b'\n{"n": 3}\n']  # the newline goes out with the record, in one write
    assert path.read_bytes() == b'{"n": 1}\n{"n": 2, "task": "hal\n{"n": 3}\n'
    read = store.read_log(LOG)
    assert read.records == [{"n": 1}, {"n": 3}]
    assert _problems(read) == [
        (2, "not a valid JSON line (Unterminated string starting at); skipped")
    ]


def test_a_whole_record_missing_only_its_newline_counts(store: Store) -> None:
    _put(store, b'{"n": 1}\n{"n": 2}')
    assert store.read_log(LOG) == LogRead([{"n": 1}, {"n": 2}], [])
    store.append(LOG, {"n": 3})
    assert store.path(LOG).read_bytes() == b'{"n": 1}\n{"n": 2}\n{"n": 3}\n'
    assert store.read_log(LOG) == LogRead([{"n": 1}, {"n": 2}, {"n": 3}], [])


def test_bad_lines_are_reported_with_their_numbers_and_skipped(store: Store) -> None:
    _put(
        store,
        b'{"n": 1}\nnot json\n\n[1, 2]\n{"n": "caf\xe9"}\n   \n42\n{"n": 2}\n',
    )
    read = store.read_log(LOG)
    assert read.records == [{"n": 1}, {"n": 2}]
    assert _problems(read) == [
        (2, "not a valid JSON line (Expecting value); skipped"),
        (4, "expected a JSON object, found a list; skipped"),
        (5, "not a valid JSON line (not UTF-8); skipped"),
        (7, "expected a JSON object, found a number; skipped"),
    ]
    assert all(isinstance(problem, DocumentError) for problem in read.problems)
    assert {problem.path for problem in read.problems} == {store.path(LOG)}


def test_append_rejects_what_is_not_a_json_object(store: Store) -> None:
    with pytest.raises(TypeError, match="a log record must be a dict, not list"):
        store.append(LOG, [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.append(LOG, {"when": object()})
    with pytest.raises(ValueError):
        store.append(LOG, {"ratio": float("inf")})
    assert not store.path("toil").exists()


def test_append_creates_folder_and_file(store: Store, root: Path) -> None:
    store.append("runs/gameday/gd-1/steps.jsonl", {"step": 1})
    assert (root / "runs" / "gameday" / "gd-1" / "steps.jsonl").read_bytes() == b'{"step": 1}\n'


def test_read_log_waits_for_an_append_in_progress(store: Store) -> None:
    """A reader that finds a line without its newline looks again once the writer is done,
    instead of reporting a half-written line that is about to be completed."""
    path = _put(store, b'{"n": 1}\n{"n": 2, "pa')
    results: list[LogRead] = []
    with document_lock(path, timeout=5, file_mode=0o600):
        reader = threading.Thread(target=lambda: results.append(store.read_log(LOG)))
        reader.start()
        time.sleep(0.2)
        assert reader.is_alive()  # waiting for the lock
        with path.open("ab") as log:
            log.write(b'd": "x"}\n')
    reader.join(5)
    assert results == [LogRead([{"n": 1}, {"n": 2, "pad": "x"}], [])]


def test_read_log_of_a_torn_line_does_not_wait_forever(root: Path) -> None:
    """If the lock cannot be had, the reader settles for what it read."""
    store = Store(root, lock_timeout=0.2)
    path = _put(store, b'{"n": 1}\n{"n": 2, "pa')
    results: list[LogRead] = []
    with document_lock(path, timeout=5, file_mode=0o600):
        reader = threading.Thread(target=lambda: results.append(store.read_log(LOG)))
        reader.start()
        reader.join(5)
    assert results[0].records == [{"n": 1}]
    assert [problem.line for problem in results[0].problems] == [2]
