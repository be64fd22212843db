"""Exports (postmortems, drafts) go through the store: a shared group data dir makes them
0660 in a 0770 folder (teammates read them), a private one 0600 in 0700. Before, exports were
always 0600 in a 0700 folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from sretui.services.exports import export_incident_text, export_text, save_text
from sretui.services.incidents import IncidentService
from sretui.store import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _team_dir(tmp_path: Path) -> Path:
    root = tmp_path / "team-data"
    root.mkdir()
    os.chmod(root, 0o2770)
    return root


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_exports_in_a_shared_data_dir_are_readable_by_the_team(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    store = Store(_team_dir(tmp_path))
    path = export_text(store, "INC-1-postmortem.md", "# Postmortem\n")
    assert path == store.root / "exports" / "INC-1-postmortem.md"
    assert path.read_text() == "# Postmortem\n"
    assert _mode(path.parent) == 0o2770
    assert _mode(path) == 0o660
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]  # no temp left


def test_exports_in_a_private_data_dir_stay_private(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o000)
    store = Store(tmp_path / "data")
    path = export_text(store, "INC-1-internal.txt", "update\n")
    assert (_mode(path.parent), _mode(path)) == (0o700, 0o600)
    export_text(store, "INC-1-internal.txt", "second\n")  # replaced atomically
    assert path.read_text() == "second\n"


def test_a_saved_postmortem_is_recorded_on_the_incident(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o077)
    service = IncidentService(Store(_team_dir(tmp_path)), "ada")
    incident = service.declare("Checkout down", severity="SEV2")
    path = export_incident_text(service, incident.id[-4:], "postmortem", "# PM\n")
    assert path.name == f"{incident.id}-postmortem.md" and _mode(path) == 0o660
    assert service.load(incident.id).incident.postmortem_link == str(path)
    # the service's own export (a path it builds) gets the same modes
    other = save_text(service.store.root / "exports" / "x.txt", "x")
    assert _mode(other) == 0o660
