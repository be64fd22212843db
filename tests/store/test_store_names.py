"""Names: relative paths inside the data dir, nothing that escapes it or hides among temp files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sretui.store import Store


def test_path_joins_a_relative_name_under_the_root(store: Store, root: Path) -> None:
    assert store.root == root
    assert store.path("incidents/INC-0001.json") == root / "incidents" / "INC-0001.json"
    assert store.path("toil.jsonl") == root / "toil.jsonl"


def test_root_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = Store(Path("relative-data"))
    assert store.root == tmp_path / "relative-data"
    assert store.root.is_dir()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty name"),
        ("/etc/passwd", "absolute paths are not allowed"),
        ("../outside.json", "'.' and '..' are not allowed"),
        ("incidents/../../outside.json", "'.' and '..' are not allowed"),
        ("incidents/./INC-1.json", "'.' and '..' are not allowed"),
        ("incidents//INC-1.json", "empty path part"),
        ("incidents/", "empty path part"),
        ("incidents/.INC-1.json.lock", "kept for temp and lock files"),
        (".hidden.json", "kept for temp and lock files"),
        ("bad\0name.json", "NUL in name"),
    ],
)
def test_path_rejects_names_that_escape_or_hide(store: Store, name: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        store.path(name)


@pytest.mark.parametrize("method", ["exists", "read_log", "remove"])
def test_every_method_checks_the_name(store: Store, method: str) -> None:
    with pytest.raises(ValueError, match=re.escape("'.' and '..' are not allowed")):
        getattr(store, method)("../outside.json")


def test_read_write_update_append_check_the_name(store: Store, root: Path) -> None:
    with pytest.raises(ValueError):
        store.read("/abs.json", schema_version=1)
    with pytest.raises(ValueError):
        store.write("../x.json", {}, schema_version=1)
    with pytest.raises(ValueError), store.update("a/../../x.json", schema_version=1, default=dict):
        pass
    with pytest.raises(ValueError):
        store.append("../x.jsonl", {"a": 1})
    assert sorted(p.name for p in root.parent.iterdir()) == ["data"]


def test_exists_is_true_only_for_files(store: Store) -> None:
    assert store.exists("incidents/INC-1.json") is False
    store.write("incidents/INC-1.json", {"title": "db down"}, schema_version=1)
    assert store.exists("incidents/INC-1.json") is True
    assert store.exists("incidents") is False  # a folder is not a document


def test_list_returns_sorted_relative_names_with_the_suffix(store: Store, root: Path) -> None:
    for number in (3, 1, 2):
        store.write(f"incidents/INC-{number}.json", {"n": number}, schema_version=1)
    store.append("incidents/timeline.jsonl", {"event": "declared"})
    (root / "incidents" / "notes.txt").write_text("not a document\n")
    (root / "incidents" / "sub.json").mkdir()  # a folder is never listed
    assert store.list("incidents") == [
        "incidents/INC-1.json",
        "incidents/INC-2.json",
        "incidents/INC-3.json",
    ]
    assert store.list("incidents", suffix=".jsonl") == ["incidents/timeline.jsonl"]
    assert store.list("incidents", suffix="") == [
        "incidents/INC-1.json",
        "incidents/INC-2.json",
        "incidents/INC-3.json",
        "incidents/notes.txt",
        "incidents/timeline.jsonl",
    ]


def test_list_ignores_temp_and_lock_files(store: Store, root: Path) -> None:
    store.write("handoffs/2026-11-23.json", {"summary": "quiet"}, schema_version=1)
    folder = root / "handoffs"
    (folder / ".2026-11-23.json.99999999.deadbeef.tmp").write_text('{"half')
    (folder / ".other.json.lock").write_text("")
    assert (folder / ".2026-11-23.json.lock").exists()
    assert store.list("handoffs") == ["handoffs/2026-11-23.json"]
    assert store.list("handoffs", suffix="") == ["handoffs/2026-11-23.json"]


def test_list_of_the_data_dir_itself_and_of_nested_folders(store: Store) -> None:
    store.write("settings-cache.json", {}, schema_version=1)
    store.write("runs/gamedays/gd-1.json", {}, schema_version=1)
    assert store.list("") == ["settings-cache.json"]
    assert store.list("runs") == []
    assert store.list("runs/gamedays") == ["runs/gamedays/gd-1.json"]


def test_list_of_a_missing_folder_is_empty(store: Store) -> None:
    assert store.list("nothing-here") == []


def test_list_rejects_bad_folder_names(store: Store) -> None:
    with pytest.raises(ValueError):
        store.list("../elsewhere")
    with pytest.raises(ValueError):
        store.list("/tmp")


def test_a_data_dir_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    from sretui.store import StoreError

    target = tmp_path / "data"
    target.write_text("")
    with pytest.raises(StoreError, match=rf"^{target}: the data dir is not a folder$"):
        Store(target)
