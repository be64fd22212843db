"""The state layer: JSON documents and JSONL logs under the data dir, written atomically under
per-document locks. Pure stdlib (no Textual, no httpx). See docs/store.md.

The names below are imported on first use (PEP 562), so a command that only needs
`sretui.store.errors` (every command catches `StoreError`) does not import the file and lock
code (`threading`, `fcntl`, ...) with it."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sretui.store.errors import DocumentError, DocumentNotFound, StoreBusy, StoreError
    from sretui.store.files import Document, Listing, LogRead, Modes, Store
    from sretui.store.watch import ChangeWatcher

_HOMES = {
    "ChangeWatcher": "sretui.store.watch",
    "Document": "sretui.store.files",
    "DocumentError": "sretui.store.errors",
    "DocumentNotFound": "sretui.store.errors",
    "Listing": "sretui.store.files",
    "LogRead": "sretui.store.files",
    "Modes": "sretui.store.files",
    "Store": "sretui.store.files",
    "StoreBusy": "sretui.store.errors",
    "StoreError": "sretui.store.errors",
}

__all__ = [
    "ChangeWatcher",
    "Document",
    "DocumentError",
    "DocumentNotFound",
    "Listing",
    "LogRead",
    "Modes",
    "Store",
    "StoreBusy",
    "StoreError",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
