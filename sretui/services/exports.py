"""Writing text exports (postmortems, status-update drafts, handoffs) through the store, so
they get the data dir's modes: 0600 in a private data dir, 0660 (in a 0770 folder) in a shared
group one, where teammates must read them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sretui.services.incidents import IncidentService
    from sretui.store import Store

FOLDER = "exports"


def export_text(store: Store, name: str, text: str) -> Path:
    """Write `text` as `exports/<name>` in the data dir, atomically. Returns the path."""
    return store.write_text(f"{FOLDER}/{name}", text)


def export_incident_text(service: IncidentService, incident_id: str, kind: str, text: str) -> Path:
    """Save a draft or the postmortem of an incident under `exports/`; a saved postmortem is
    recorded on the incident. Returns the file's path; IncidentStoreError (naming the file)
    when the data dir refuses the write."""
    from sretui.services.incidents import said_as_incident_error

    return said_as_incident_error(_export_incident_text)(service, incident_id, kind, text)


def _export_incident_text(service: IncidentService, incident_id: str, kind: str, text: str) -> Path:
    from sretui.domain.incident import record_postmortem

    full_id = service.resolve(incident_id)
    suffix = "md" if kind == "postmortem" else "txt"
    path = export_text(service.store, f"{full_id}-{kind}.{suffix}", text)
    if kind == "postmortem":
        service.apply(full_id, record_postmortem, str(path))
    return path


def save_text(path: Path, text: str) -> Path:
    """Write `text` to `path` through a store on its folder's parent (the data dir when `path`
    is `<data dir>/exports/<file>`), so the data dir's group modes apply. Prefer
    `export_text`; this stays for callers that still build the path themselves."""
    from sretui.store import Store

    store = Store(path.parent.parent)
    return store.write_text(f"{path.parent.name}/{path.name}", text)
