"""The state layer: JSON documents and JSONL logs under the data dir, written atomically under
per-document locks. Pure stdlib (no Textual, no httpx). See docs/store.md."""

from sretui.store.errors import DocumentError, DocumentNotFound, StoreBusy, StoreError
from sretui.store.files import Document, Listing, LogRead, Modes, Store
from sretui.store.watch import ChangeWatcher

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
