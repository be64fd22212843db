"""Per-document locks: `fcntl.flock` on a sidecar `.<name>.lock` file in the document's folder.

flock belongs to an open file description, so every acquisition opens the lock file anew: two
Store objects in one process then exclude each other exactly as two processes do. The kernel
drops the lock when its holder dies, so a `kill -9` never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sretui.store.errors import StoreBusy, StoreError

# First and longest pause between two non-blocking attempts; short because a holder keeps a
# lock for one small write (a millisecond or so), and a waiter should not sleep through that.
_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.02

_held_here = threading.local()


def lock_path_for(document: Path) -> Path:
    """The sidecar lock file of a document: `.<name>.lock` beside it."""
    return document.with_name(f".{document.name}.lock")


def _held_by_this_thread() -> set[str]:
    held: set[str] | None = getattr(_held_here, "paths", None)
    if held is None:
        held = set()
        _held_here.paths = held
    return held


@contextmanager
def document_lock(document: Path, *, timeout: float, file_mode: int) -> Iterator[None]:
    """Hold the exclusive lock of `document` for the body of the `with`.

    Waits up to `timeout` seconds, then raises StoreBusy naming the document. The document's
    folder must exist. When the body leaves no document behind (it was removed, or never
    created), the lock file is removed too, while still held; `_acquire` copes with that.
    """
    lock_path = lock_path_for(document)
    key = os.fspath(lock_path)
    held = _held_by_this_thread()
    if key in held:
        # Waiting would only time out: this thread itself holds the lock.
        raise StoreBusy(
            document, "already locked by this thread (a write of a document inside its update?)"
        )
    fd = _acquire(lock_path, document, timeout, file_mode)
    held.add(key)
    try:
        yield
    finally:
        try:
            if not os.path.lexists(document):
                with suppress(FileNotFoundError):
                    os.unlink(lock_path)
        finally:
            held.discard(key)
            os.close(fd)  # the only descriptor of this open file description: releases the lock


def _acquire(lock_path: Path, document: Path, timeout: float, file_mode: int) -> int:
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE
    fd = _open_lock_file(lock_path, document, file_mode)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                if now >= deadline:
                    raise StoreBusy(
                        document,
                        f"still locked by another writer after {timeout:g}s "
                        f"(lock file {lock_path.name}); try again",
                    ) from None
                time.sleep(min(pause * random.uniform(0.5, 1.0), deadline - now))
                pause = min(pause * 2, _LONGEST_PAUSE)
                continue
            if _is_current(fd, lock_path):
                return fd
            # The lock file was removed (with its document) while we waited: lock the new one.
            os.close(fd)
            fd = -1
            fd = _open_lock_file(lock_path, document, file_mode)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        raise


def _open_lock_file(lock_path: Path, document: Path, file_mode: int) -> int:
    # Read-only is enough for flock, and lets a teammate lock a file another user created.
    while True:
        try:
            fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, file_mode)
        except FileExistsError:
            try:
                return os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue  # removed between the two opens
            except OSError as error:
                raise _lock_error(document, lock_path, error) from error
        except OSError as error:
            raise _lock_error(document, lock_path, error) from error
        try:
            os.fchmod(fd, file_mode)  # the umask may have taken bits away
        except BaseException:
            os.close(fd)
            raise
        return fd


def _is_current(fd: int, lock_path: Path) -> bool:
    held = os.fstat(fd)
    try:
        now = os.stat(lock_path)
    except FileNotFoundError:
        return False
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def _lock_error(document: Path, lock_path: Path, error: OSError) -> StoreError:
    return StoreError(f"{document}: cannot open lock file {lock_path.name}: {error.strerror}")
