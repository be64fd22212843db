"""Files 0600 and folders 0700, or 0660/0770 (+ setgid) when the data dir is a group folder.
Modes are applied explicitly, so the umask of whoever runs sretui does not matter."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from sretui.store import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _everything(store: Store) -> None:
    store.write("incidents/INC-1.json", {"title": "x"}, schema_version=1)
    with store.update("runs/gameday/gd-1.json", schema_version=1, default=dict) as doc:
        doc["step"] = 1
    store.append("toil/log.jsonl", {"minutes": 5})


def _modes_under(root: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for folder, subfolders, files in os.walk(root):
        for name in [*subfolders, *files]:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = _mode(path)
    return found


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_private_data_dir_gets_0700_folders_and_0600_files(
    root: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    store = Store(root)
    assert store.shared is False
    _everything(store)
    assert _mode(root) == 0o700
    assert _modes_under(root) == {
        "incidents": 0o700,
        "incidents/INC-1.json": 0o600,
        "incidents/.INC-1.json.lock": 0o600,
        "runs": 0o700,
        "runs/gameday": 0o700,
        "runs/gameday/gd-1.json": 0o600,
        "runs/gameday/.gd-1.json.lock": 0o600,
        "toil": 0o700,
        "toil/log.jsonl": 0o600,
        "toil/.log.jsonl.lock": 0o600,
    }


def test_an_existing_private_data_dir_keeps_its_mode(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    store = Store(root)
    store.write("a/b.json", {}, schema_version=1)
    assert _mode(root) == 0o755  # not ours to change
    assert (_mode(root / "a"), _mode(root / "a" / "b.json")) == (0o700, 0o600)


@pytest.mark.parametrize("mask", [0o000, 0o077])
def test_setgid_group_folder_shares_with_the_team(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    root = tmp_path / "team-data"
    root.mkdir()
    os.chmod(root, 0o2770)
    store = Store(root)
    assert store.shared is True
    _everything(store)
    assert _mode(root) == 0o2770
    assert _modes_under(root) == {
        "incidents": 0o2770,
        "incidents/INC-1.json": 0o660,
        "incidents/.INC-1.json.lock": 0o660,
        "runs": 0o2770,
        "runs/gameday": 0o2770,
        "runs/gameday/gd-1.json": 0o660,
        "runs/gameday/.gd-1.json.lock": 0o660,
        "toil": 0o2770,
        "toil/log.jsonl": 0o660,
        "toil/.log.jsonl.lock": 0o660,
    }


def test_group_writable_folder_without_setgid(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o077)
    root = tmp_path / "team-data"
    root.mkdir()
    os.chmod(root, 0o770)
    store = Store(root)
    store.write("incidents/INC-1.json", {}, schema_version=1)
    assert _mode(root / "incidents") == 0o770
    assert _mode(root / "incidents" / "INC-1.json") == 0o660


def test_a_rewrite_restores_the_mode(store: Store) -> None:
    store.write("a.json", {"v": 1}, schema_version=1)
    os.chmod(store.path("a.json"), 0o644)
    store.write("a.json", {"v": 2}, schema_version=1)
    assert _mode(store.path("a.json")) == 0o600


def _other_group() -> int | None:
    if os.geteuid() == 0:
        return 4242  # root may give a folder any group
    others = [gid for gid in os.getgroups() if gid != os.getegid()]
    return others[0] if others else None


@pytest.mark.skipif(_other_group() is None, reason="needs root or a second group")
def test_files_in_a_setgid_folder_belong_to_the_team_group(tmp_path: Path) -> None:
    team_gid = _other_group()
    assert team_gid is not None
    root = tmp_path / "team-data"
    root.mkdir()
    os.chown(root, -1, team_gid)
    os.chmod(root, 0o2770)
    store = Store(root)
    _everything(store)
    groups = {os.stat(path).st_gid for path in [root, *root.rglob("*")]}
    assert groups == {team_gid}


def test_created_data_dir_is_0700_whatever_the_umask(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o000)
    root = tmp_path / "new" / "data"
    store = Store(root)
    assert store.root == root
    assert _mode(root) == 0o700
    assert store.shared is False
