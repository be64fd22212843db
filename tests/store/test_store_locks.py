"""Document locks: one writer at a time, across processes and between Store objects in one
process; a busy lock gives StoreBusy naming the document; a dead holder frees its lock."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sretui.store import Store, StoreBusy
from sretui.store.locks import document_lock

NAME = "incidents/INC-0001.json"

HOLD_LOCK = """
import sys, time
from pathlib import Path
from sretui.store import Store
store = Store(Path(sys.argv[1]))
with store.update(sys.argv[2], schema_version=1, default=dict) as doc:
    doc["holder"] = "child"
    print("locked", flush=True)
    time.sleep(60)
"""


def test_two_stores_in_one_process_exclude_each_other(root: Path) -> None:
    first, second = Store(root), Store(root, lock_timeout=0.3)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with first.update(NAME, schema_version=1, default=dict) as doc:
            doc["by"] = "first"
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    started = time.monotonic()
    with pytest.raises(StoreBusy) as caught:
        second.write(NAME, {"by": "second"}, schema_version=1)
    waited = time.monotonic() - started
    assert 0.3 <= waited < 2.0
    assert str(caught.value) == (
        f"{second.path(NAME)}: still locked by another writer after 0.3s "
        "(lock file .INC-0001.json.lock); try again"
    )
    assert caught.value.path == second.path(NAME)
    for attempt in (
        lambda: second.append("incidents/INC-0001.json", {"x": 1}),
        lambda: second.update(NAME, schema_version=1).__enter__(),
        lambda: second.remove(NAME),
    ):
        with pytest.raises(StoreBusy):
            attempt()
    release.set()
    holder.join(5)
    assert second.read(NAME, schema_version=1) == {"schema_version": 1, "by": "first"}
    second.write(NAME, {"by": "second"}, schema_version=1)
    assert second.read(NAME, schema_version=1) == {"schema_version": 1, "by": "second"}


def test_a_waiting_writer_gets_the_lock_when_it_is_released(root: Path) -> None:
    first, second = Store(root), Store(root, lock_timeout=5)
    holding = threading.Event()

    def hold() -> None:
        with first.update(NAME, schema_version=1, default=lambda: {"order": []}) as doc:
            holding.set()
            time.sleep(0.3)
            doc["order"].append("first")

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    with second.update(NAME, schema_version=1) as doc:  # waits ~0.3 s, then sees first's write
        doc["order"].append("second")
    holder.join(5)
    assert second.read(NAME, schema_version=1) == {
        "schema_version": 1,
        "order": ["first", "second"],
    }


def test_nesting_on_one_document_in_one_thread_fails_at_once(store: Store) -> None:
    store.write(NAME, {"v": 1}, schema_version=1)
    other = Store(store.root, lock_timeout=5)
    started = time.monotonic()
    with (
        pytest.raises(StoreBusy, match="already locked by this thread"),
        store.update(NAME, schema_version=1),
    ):
        other.write(NAME, {"v": 2}, schema_version=1)
    assert time.monotonic() - started < 1.0
    assert store.read(NAME, schema_version=1) == {"schema_version": 1, "v": 1}


def test_other_documents_stay_free_while_one_is_locked(store: Store) -> None:
    with store.update(NAME, schema_version=1, default=dict) as doc:
        doc["v"] = 1
        store.write("incidents/INC-0002.json", {"v": 2}, schema_version=1)
        store.append("incidents/timeline.jsonl", {"v": 3})
    assert store.read("incidents/INC-0002.json", schema_version=1) == {"schema_version": 1, "v": 2}


def test_lock_held_by_another_process_and_freed_by_its_death(
    root: Path, spawn_python: Callable[..., subprocess.Popen[bytes]]
) -> None:
    store = Store(root, lock_timeout=0.3)
    child = spawn_python(HOLD_LOCK, root, NAME)
    assert child.stdout is not None
    assert child.stdout.readline() == b"locked\n"
    with pytest.raises(StoreBusy, match=f"^{store.path(NAME)}: still locked"):
        store.write(NAME, {"holder": "parent"}, schema_version=1)
    with pytest.raises(StoreBusy):
        store.append("incidents/INC-0001.json", {"x": 1})

    child.send_signal(signal.SIGKILL)
    child.wait(5)
    # The kernel released the dead holder's lock; its unfinished update left nothing behind.
    assert store.read(NAME, schema_version=1) is None
    store.write(NAME, {"holder": "parent"}, schema_version=1)
    assert store.read(NAME, schema_version=1) == {"schema_version": 1, "holder": "parent"}


def test_lock_file_replaced_while_waiting_keeps_mutual_exclusion(store: Store) -> None:
    """A waiter that wins the flock on a lock file that was removed meanwhile (its document was
    removed) must lock the new lock file instead, or two writers would be inside at once."""
    root = store.root
    document = root / "a.json"
    inside = 0
    overlaps: list[str] = []
    guard = threading.Lock()

    def critical(who: str) -> None:
        nonlocal inside
        with guard:
            inside += 1
            if inside > 1:
                overlaps.append(who)
        time.sleep(0.2)
        with guard:
            inside -= 1

    def waiter() -> None:
        with document_lock(document, timeout=5, file_mode=0o600):
            critical("waiter")

    first = document_lock(document, timeout=5, file_mode=0o600)
    first.__enter__()
    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.1)  # the waiter is polling the first lock file
    first.__exit__(None, None, None)  # no document: the lock file is removed as it is released
    with document_lock(document, timeout=5, file_mode=0o600):
        critical("main")
    thread.join(5)
    assert not thread.is_alive()
    assert overlaps == []
    assert not (root / ".a.json.lock").exists()
