"""Errors raised by the state layer. Every message starts with the path of the file concerned."""

from __future__ import annotations

from pathlib import Path

IRREGULAR = "is a symlink or not a regular file (not followed)"
"""What is said of an entry named like a document or log that is not a regular file."""


class StoreError(Exception):
    """Base of every error the store raises; the message names the file."""


class DocumentError(StoreError):
    """A document or log line that cannot be used: not JSON, not an object, no valid
    `schema_version`, or written by a newer sretui. Reported as `path:line: message`."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class DocumentNotFound(StoreError, KeyError):
    """`Store.update` found no document and was given no `default`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        # KeyError would show the repr of its argument; keep the plain `path: message` form.
        return f"{self.path}: no such document"


class StoreBusy(StoreError):
    """A document's lock was not free within the timeout (or is already held by this thread)."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")
