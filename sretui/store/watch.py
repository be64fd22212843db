"""Notice changes other sretui instances make to the data dir, by polling file metadata."""

from __future__ import annotations

import os
import stat

from sretui.store.files import Store

# mtime alone misses two writes within one clock tick; an atomic replace always brings a new
# inode and an append always a new size, so the triple catches what the program itself does.
Signature = tuple[int, int, int]


class ChangeWatcher:
    """Polls documents, logs and folders of a Store and reports which names changed.

    A target that is a folder covers the files directly inside it (not sub-folders); temp and
    lock files are ignored. Targets may not exist yet: they are picked up when they appear.
    """

    def __init__(self, store: Store, *names_or_folders: str) -> None:
        """Watch `names_or_folders` (names relative to the data dir; `""` is the data dir)."""
        for target in names_or_folders:
            if target:
                store.path(target)  # reject bad names now, not at the first poll
        self.store = store
        self.targets = tuple(names_or_folders)
        self._previous: dict[str, Signature] | None = None

    def poll(self) -> set[str]:
        """Names created, modified or deleted since the previous poll. The first poll only
        takes stock and returns an empty set."""
        current = self._snapshot()
        previous, self._previous = self._previous, current
        if previous is None:
            return set()
        return {
            name
            for name in current.keys() | previous.keys()
            if current.get(name) != previous.get(name)
        }

    def _snapshot(self) -> dict[str, Signature]:
        found: dict[str, Signature] = {}
        for target in self.targets:
            path = self.store.path(target) if target else self.store.root
            try:
                info = os.stat(path)
            except (FileNotFoundError, NotADirectoryError):
                continue
            if stat.S_ISREG(info.st_mode):
                found[target] = _signature(info)
            elif stat.S_ISDIR(info.st_mode):
                found.update(_folder_snapshot(path, target))
        return found


def _folder_snapshot(folder: os.PathLike[str], target: str) -> dict[str, Signature]:
    prefix = f"{target}/" if target else ""
    found: dict[str, Signature] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    info = entry.stat()
                except FileNotFoundError:
                    continue  # removed while we looked
                if stat.S_ISREG(info.st_mode):
                    found[prefix + entry.name] = _signature(info)
    except (FileNotFoundError, NotADirectoryError):
        pass
    return found


def _signature(info: os.stat_result) -> Signature:
    return (info.st_mtime_ns, info.st_size, info.st_ino)
