"""ChangeWatcher: two sretui instances on one data dir notice each other's writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sretui.store import ChangeWatcher, Store


@pytest.fixture
def other(store: Store) -> Store:
    """A second Store on the same data dir, as another app instance would have."""
    return Store(store.root)


def test_first_poll_only_takes_stock(store: Store, other: Store) -> None:
    other.write("incidents/INC-1.json", {"v": 1}, schema_version=1)
    watcher = ChangeWatcher(store, "incidents")
    assert watcher.poll() == set()
    assert watcher.poll() == set()


def test_folder_watch_sees_create_modify_delete(store: Store, other: Store) -> None:
    watcher = ChangeWatcher(store, "incidents")
    assert watcher.poll() == set()  # the folder does not even exist yet

    other.write("incidents/INC-1.json", {"v": 1}, schema_version=1)
    other.write("incidents/INC-2.json", {"v": 1}, schema_version=1)
    assert watcher.poll() == {"incidents/INC-1.json", "incidents/INC-2.json"}
    assert watcher.poll() == set()

    with other.update("incidents/INC-2.json", schema_version=1) as doc:
        doc["v"] = 2
    assert watcher.poll() == {"incidents/INC-2.json"}

    other.remove("incidents/INC-1.json")
    assert watcher.poll() == {"incidents/INC-1.json"}
    assert watcher.poll() == set()


def test_same_size_rewrite_within_one_clock_tick_is_seen(store: Store, other: Store) -> None:
    other.write("incidents/INC-1.json", {"v": "a"}, schema_version=1)
    path = other.path("incidents/INC-1.json")
    watcher = ChangeWatcher(store, "incidents/INC-1.json")
    assert watcher.poll() == set()
    before = os.stat(path)
    other.write("incidents/INC-1.json", {"v": "b"}, schema_version=1)
    # Pretend the clock did not move: same size, same mtime; only the inode tells.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert watcher.poll() == {"incidents/INC-1.json"}


def test_append_to_a_watched_log_is_seen(store: Store, other: Store) -> None:
    watcher = ChangeWatcher(store, "toil/log.jsonl", "incidents")
    assert watcher.poll() == set()
    other.append("toil/log.jsonl", {"n": 1})
    assert watcher.poll() == {"toil/log.jsonl"}
    path = other.path("toil/log.jsonl")
    before = os.stat(path)
    other.append("toil/log.jsonl", {"n": 2})
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert watcher.poll() == {"toil/log.jsonl"}  # the size changed
    other.remove("toil/log.jsonl")
    assert watcher.poll() == {"toil/log.jsonl"}


def test_temp_lock_and_unwatched_files_are_not_changes(store: Store, other: Store) -> None:
    other.write("incidents/INC-1.json", {"v": 1}, schema_version=1)
    watcher = ChangeWatcher(store, "incidents")
    assert watcher.poll() == set()
    folder = other.path("incidents")
    (folder / ".INC-1.json.123.abcdef.tmp").write_text("{")
    (folder / ".INC-2.json.lock").write_text("")
    (folder / "archive").mkdir()
    other.write("incidents/archive/INC-0.json", {}, schema_version=1)  # sub-folders not covered
    other.write("handoffs/h.json", {}, schema_version=1)
    assert watcher.poll() == set()


def test_watching_the_data_dir_itself(store: Store, other: Store) -> None:
    watcher = ChangeWatcher(store, "")
    assert watcher.poll() == set()
    other.write("state.json", {}, schema_version=1)
    other.write("sub/x.json", {}, schema_version=1)
    assert watcher.poll() == {"state.json"}


def test_watcher_rejects_bad_names(store: Store) -> None:
    with pytest.raises(ValueError):
        ChangeWatcher(store, "incidents", "../elsewhere")


def test_a_folder_replaced_by_a_file_and_back(store: Store, other: Store, root: Path) -> None:
    watcher = ChangeWatcher(store, "notes")
    other.write("notes/a.json", {}, schema_version=1)
    assert watcher.poll() == set()
    other.remove("notes/a.json")
    (root / "notes").rmdir()
    assert watcher.poll() == {"notes/a.json"}
    other.write("notes", {}, schema_version=1)  # now a document named like the folder was
    assert watcher.poll() == {"notes"}
