"""JSON documents: read, write, update, remove, and every way a file can be unusable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sretui.store import DocumentError, DocumentNotFound, Store, StoreError

NAME = "incidents/INC-0001.json"


def _files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


# -- read ------------------------------------------------------------------------------------------


def test_read_of_a_missing_document_is_none(store: Store) -> None:
    assert store.read(NAME, schema_version=1) is None
    assert store.read("no-folder/x.json", schema_version=1) is None


def test_write_then_read_round_trips(store: Store) -> None:
    doc = {"title": "Checkout 5xx", "severity": "SEV2", "roles": {"ic": "ana"}, "n": 1.5}
    store.write(NAME, doc, schema_version=3)
    assert store.read(NAME, schema_version=3) == {
        "schema_version": 3,
        "title": "Checkout 5xx",
        "severity": "SEV2",
        "roles": {"ic": "ana"},
        "n": 1.5,
    }


def test_read_returns_an_older_schema_as_is(store: Store) -> None:
    store.write(NAME, {"old": True}, schema_version=1)
    assert store.read(NAME, schema_version=4) == {"schema_version": 1, "old": True}


def _put(store: Store, name: str, text: str | bytes) -> Path:
    path = store.path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '{\n  "schema_version": 1,\n  "title": "x",\n}\n',
            4,
            "not valid JSON: Expecting property name enclosed in double quotes (column 1)",
        ),
        (
            '{\n  "schema_version": 1,\n  "title": \n',
            4,
            "not valid JSON: Expecting value (column 1)",
        ),
        ("", 1, "not valid JSON: Expecting value (column 1)"),
        ('{"schema_version": 1}\n{"again": 2}\n', 2, "not valid JSON: Extra data (column 1)"),
        ("\n\n[1, 2]\n", 3, "expected a JSON object, found a list"),
        ('"text"', 1, "expected a JSON object, found a string"),
        ('{\n  "title": "x"\n}\n', None, "no schema_version: not a document sretui wrote"),
        (
            '{\n  "schema_version": "1"\n}\n',
            2,
            'schema_version must be a positive integer, found "1"',
        ),
        (
            '{\n  "schema_version": true\n}\n',
            2,
            "schema_version must be a positive integer, found true",
        ),
        (
            '{\n  "schema_version": 1.0\n}\n',
            2,
            "schema_version must be a positive integer, found 1.0",
        ),
        ('{\n  "schema_version": 0\n}\n', 2, "schema_version must be a positive integer, found 0"),
        (
            '{\n  "a": 1,\n  "schema_version": 3\n}\n',
            3,
            "written by a newer sretui (schema_version 3; this version reads up to 2); "
            "upgrade sretui to use this file",
        ),
    ],
)
def test_read_reports_unusable_files_with_path_and_line(
    store: Store, text: str, line: int | None, message: str
) -> None:
    path = _put(store, NAME, text)
    with pytest.raises(DocumentError) as caught:
        store.read(NAME, schema_version=2)
    error = caught.value
    assert (error.path, error.line, error.message) == (path, line, message)
    expected = f"{path}:{line}: {message}" if line is not None else f"{path}: {message}"
    assert str(error) == expected
    assert isinstance(error, StoreError)


def test_read_reports_bytes_that_are_not_utf8_with_their_line(store: Store) -> None:
    path = _put(store, NAME, b'{\n  "schema_version": 1,\n  "title": "caf\xe9"\n}\n')
    with pytest.raises(DocumentError, match=rf"^{path}:3: not UTF-8 text$"):
        store.read(NAME, schema_version=1)


def test_read_accepts_a_byte_order_mark_from_an_editor(store: Store) -> None:
    _put(store, NAME, b'\xef\xbb\xbf{"schema_version": 1, "title": "x"}\n')
    assert store.read(NAME, schema_version=1) == {"schema_version": 1, "title": "x"}


def test_read_of_a_folder_is_a_document_error(store: Store, root: Path) -> None:
    (root / "incidents" / "INC-0001.json").mkdir(parents=True)
    with pytest.raises(DocumentError, match="is a folder, not a document"):
        store.read(NAME, schema_version=1)


def test_schema_version_argument_must_be_a_positive_int(store: Store) -> None:
    for bad in (0, -1, True, 1.0, "1"):
        with pytest.raises(ValueError, match="schema_version must be a positive int"):
            store.read(NAME, schema_version=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="schema_version must be a positive int"):
            store.write(NAME, {}, schema_version=bad)  # type: ignore[arg-type]
    assert not store.path(NAME).exists()


# -- write -----------------------------------------------------------------------------------------


def test_write_produces_readable_json_with_schema_version_first(store: Store) -> None:
    doc = {"title": "Café down", "tags": ["db", "sev2"], "empty": {}, "schema_version": 9}
    store.write(NAME, doc, schema_version=2)
    assert store.path(NAME).read_text(encoding="utf-8") == (
        "{\n"
        '  "schema_version": 2,\n'
        '  "title": "Café down",\n'
        '  "tags": [\n'
        '    "db",\n'
        '    "sev2"\n'
        "  ],\n"
        '  "empty": {}\n'
        "}\n"
    )
    assert doc["schema_version"] == 2  # the caller's dict is stamped too


def test_write_replaces_the_file_rather_than_editing_it(store: Store) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    before = os.stat(store.path(NAME)).st_ino
    store.write(NAME, {"v": 2}, schema_version=1)
    assert os.stat(store.path(NAME)).st_ino != before
    assert store.read(NAME, schema_version=1) == {"schema_version": 1, "v": 2}
    assert _files(store.path(NAME).parent) == [".INC-0001.json.lock", "INC-0001.json"]


def test_write_follows_the_atomic_sequence(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    folder = store.path(NAME).parent
    events: list[tuple[str, str]] = []
    fd_paths: dict[int, str] = {}
    real_open, real_write, real_fsync, real_replace = os.open, os.write, os.fsync, os.replace

    def spy_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        fd_paths[fd] = os.fspath(path)
        events.append(("open", os.fspath(path)))
        return fd

    def spy_write(fd: int, data: bytes) -> int:
        events.append(("write", fd_paths.get(fd, "?")))
        return real_write(fd, data)

    def spy_fsync(fd: int) -> None:
        events.append(("fsync", fd_paths.get(fd, "?")))
        real_fsync(fd)

    def spy_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("replace", f"{os.fspath(src)} -> {os.fspath(dst)}"))
        real_replace(src, dst)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "write", spy_write)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    store.write(NAME, {"v": 2}, schema_version=1)
    monkeypatch.undo()

    temps = [p for kind, p in events if kind == "open" and p.endswith(".tmp")]
    assert len(temps) == 1
    temp = temps[0]
    assert Path(temp).parent == folder
    assert Path(temp).name.startswith(f".INC-0001.json.{os.getpid()}.")
    target = os.fspath(store.path(NAME))
    io = [e for e in events if e[0] != "open"]
    assert io == [
        ("write", temp),
        ("fsync", temp),
        ("replace", f"{temp} -> {target}"),
        ("fsync", os.fspath(folder)),
    ]
    lock = os.fspath(folder / ".INC-0001.json.lock")
    assert events[0] == ("open", lock)  # the lock is taken before anything else


def test_a_failed_replace_keeps_the_old_document_and_no_temp(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    before = store.path(NAME).read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StoreError, match=rf"^{store.path(NAME)}: cannot write: No space left"):
        store.write(NAME, {"v": 2}, schema_version=1)
    monkeypatch.undo()
    assert store.path(NAME).read_bytes() == before
    assert _files(store.path(NAME).parent) == [".INC-0001.json.lock", "INC-0001.json"]


def test_write_of_something_json_cannot_hold_writes_nothing(store: Store) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    before = store.path(NAME).read_bytes()
    with pytest.raises(TypeError):
        store.write(NAME, {"when": object()}, schema_version=1)
    with pytest.raises(ValueError, match="Out of range float values"):
        store.write(NAME, {"ratio": float("nan")}, schema_version=1)
    with pytest.raises(TypeError, match="a document must be a dict, not list"):
        store.write(NAME, [1, 2], schema_version=1)  # type: ignore[arg-type]
    assert store.path(NAME).read_bytes() == before
    assert _files(store.path(NAME).parent) == [".INC-0001.json.lock", "INC-0001.json"]
    with pytest.raises(TypeError):
        store.write("new/doc.json", {"when": object()}, schema_version=1)
    assert not store.path("new").exists()


CORRUPT = [
    b'{\n  "schema_version": 1,\n  "title": "half',
    b"[1, 2, 3]\n",
    b'{"title": "no version"}\n',
    b'{"schema_version": 7, "from": "the future"}\n',
]


@pytest.mark.parametrize("content", CORRUPT)
def test_write_refuses_to_replace_an_unusable_file(store: Store, content: bytes) -> None:
    path = _put(store, NAME, content)
    with pytest.raises(DocumentError) as caught:
        store.write(NAME, {"v": 2}, schema_version=1)
    assert caught.value.path == path
    assert path.read_bytes() == content


@pytest.mark.parametrize("content", CORRUPT)
def test_update_refuses_to_touch_an_unusable_file(store: Store, content: bytes) -> None:
    path = _put(store, NAME, content)
    entered = False
    with pytest.raises(DocumentError) as caught, store.update(NAME, schema_version=1) as doc:
        entered = True
        doc["v"] = 2
    assert entered is False
    assert caught.value.path == path
    assert path.read_bytes() == content


def test_corrupt_file_error_names_the_line(store: Store) -> None:
    path = _put(store, NAME, '{\n  "schema_version": 1,\n  "title": "x"\n  "oops": 2\n}\n')
    with pytest.raises(DocumentError) as caught:
        store.write(NAME, {}, schema_version=1)
    assert str(caught.value) == (f"{path}:4: not valid JSON: Expecting ',' delimiter (column 3)")


def test_write_removes_temps_of_dead_writers_and_keeps_live_ones(store: Store) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    folder = store.path(NAME).parent
    dead = f".INC-0001.json.{_dead_pid()}.0badc0de.tmp"
    live = f".INC-0001.json.{os.getppid()}.0badc0de.tmp"
    other_doc = f".INC-0002.json.{_dead_pid()}.0badc0de.tmp"
    for name in (dead, live, other_doc):
        (folder / name).write_text('{"torn')
    assert store.read(NAME, schema_version=1) == {"schema_version": 1, "v": 1}
    assert store.list("incidents") == ["incidents/INC-0001.json"]

    store.write(NAME, {"v": 2}, schema_version=1)

    assert _files(folder) == sorted([".INC-0001.json.lock", "INC-0001.json", live, other_doc])


# -- update ----------------------------------------------------------------------------------------


def test_update_reads_modifies_and_writes(store: Store) -> None:
    store.write(NAME, {"count": 1, "title": "x"}, schema_version=1)
    with store.update(NAME, schema_version=2) as doc:
        assert doc == {"schema_version": 1, "count": 1, "title": "x"}
        doc["count"] += 1
    assert store.read(NAME, schema_version=2) == {"schema_version": 2, "count": 2, "title": "x"}


def test_update_uses_the_default_for_a_missing_document(store: Store) -> None:
    with store.update("counters/toil.json", schema_version=1, default=lambda: {"n": 0}) as doc:
        doc["n"] += 5
    assert store.read("counters/toil.json", schema_version=1) == {"schema_version": 1, "n": 5}


def test_update_of_a_missing_document_without_default_raises(store: Store) -> None:
    store.write("incidents/INC-0002.json", {}, schema_version=1)
    for name in (NAME, "no-such-folder/x.json"):
        with pytest.raises(DocumentNotFound) as caught, store.update(name, schema_version=1):
            pass
        assert str(caught.value) == f"{store.path(name)}: no such document"
        assert isinstance(caught.value, KeyError)
        assert isinstance(caught.value, StoreError)
    assert not store.path("no-such-folder").exists()
    # No lock file is left beside a document that does not exist.
    assert _files(store.path(NAME).parent) == [".INC-0002.json.lock", "INC-0002.json"]


class Abort(Exception):
    pass


def test_update_whose_body_raises_writes_nothing(store: Store) -> None:
    store.write(NAME, {"count": 1}, schema_version=1)
    path = store.path(NAME)
    before = (path.read_bytes(), os.stat(path).st_ino, os.stat(path).st_mtime_ns)
    with pytest.raises(Abort), store.update(NAME, schema_version=1) as doc:
        doc["count"] = 99
        raise Abort
    assert (path.read_bytes(), os.stat(path).st_ino, os.stat(path).st_mtime_ns) == before
    assert _files(path.parent) == [".INC-0001.json.lock", "INC-0001.json"]


def test_update_of_a_missing_document_whose_body_raises_creates_nothing(store: Store) -> None:
    with pytest.raises(Abort), store.update(NAME, schema_version=1, default=dict) as doc:
        doc["count"] = 1
        raise Abort
    assert _files(store.path(NAME).parent) == []


def test_update_whose_document_json_cannot_hold_writes_nothing(store: Store) -> None:
    store.write(NAME, {"count": 1}, schema_version=1)
    before = store.path(NAME).read_bytes()
    with pytest.raises(TypeError), store.update(NAME, schema_version=1) as doc:
        doc["when"] = object()
    assert store.path(NAME).read_bytes() == before


def test_update_refuses_a_newer_schema(store: Store) -> None:
    store.write(NAME, {"count": 1}, schema_version=5)
    before = store.path(NAME).read_bytes()
    with (
        pytest.raises(DocumentError, match="written by a newer sretui"),
        store.update(NAME, schema_version=4),
    ):
        pass
    assert store.path(NAME).read_bytes() == before


# -- remove ----------------------------------------------------------------------------------------


def test_remove_deletes_the_document_and_its_lock_file(store: Store) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    store.write("incidents/INC-0002.json", {"v": 1}, schema_version=1)
    store.remove(NAME)
    assert store.read(NAME, schema_version=1) is None
    assert _files(store.path(NAME).parent) == [".INC-0002.json.lock", "INC-0002.json"]


def test_remove_of_a_missing_document_does_nothing(store: Store) -> None:
    store.remove(NAME)
    store.remove("no-folder/x.json")
    assert not store.path("no-folder").exists()
    assert _files(store.root) == []


def test_remove_also_removes_a_corrupt_file(store: Store) -> None:
    _put(store, NAME, b"{garbage")
    store.remove(NAME)
    assert not store.path(NAME).exists()


def test_json_round_trip_of_unicode_and_numbers(store: Store) -> None:
    doc = {"note": "línea\nnueva \u2028 ☃", "big": 2**63, "neg": -0.25, "none": None}
    store.write(NAME, doc, schema_version=1)
    assert store.read(NAME, schema_version=1) == {"schema_version": 1, **doc}
    assert "☃" in store.path(NAME).read_text(encoding="utf-8")  # not escaped: humans read it
    assert json.loads(store.path(NAME).read_text(encoding="utf-8"))["big"] == 2**63
