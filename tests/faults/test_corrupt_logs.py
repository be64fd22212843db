"""Broken incident logs in a data dir: each is reported with what is wrong with it, the good
ones are still listed, and nothing is listed twice.

A row of CORRUPT is one broken log: a name, a function from a good log's first line to the
bytes of the broken file, and the words the report must hold. Another area adds its broken
files as rows of its own table built the same way (see docs/threat-model.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from app.pilot_helpers import press, settle
from conftest import FIXED_NOW
from textual.widgets import Static

from sretui.app import make_app
from sretui.cli import main
from sretui.services.incidents import IncidentService
from sretui.store import Store


def _edited(**changes: object) -> Callable[[dict], bytes]:
    def build(first: dict) -> bytes:
        event = json.loads(json.dumps(first))
        for key, value in changes.items():
            if key.startswith("data_"):
                event["data"][key[5:]] = value
            else:
                event[key] = value
        return (json.dumps(event) + "\n").encode()

    return build


def _without(key: str) -> Callable[[dict], bytes]:
    return lambda first: (json.dumps({k: v for k, v in first.items() if k != key}) + "\n").encode()


def _link_outside(first: dict) -> Callable[[Path], None]:
    """A symlink to a valid log kept outside the data dir: never opened, never listed."""

    def plant(path: Path) -> None:
        outside = path.parent.parent.parent / f"outside-{path.name}"
        outside.write_text(json.dumps(first) + "\n")
        path.symlink_to(outside)

    return plant


# name, the broken file's bytes (or what plants it) from a good first line, what the report says
Planted = bytes | Callable[[Path], None]
CORRUPT: list[tuple[str, Callable[[dict], Planted], str]] = [
    ("empty", lambda first: b"", "it is empty"),
    ("torn", lambda first: json.dumps(first).encode()[:40], "incomplete last line"),
    ("not-json", lambda first: b"not json\n", "not a valid JSON line"),
    ("a-list", lambda first: b"[1, 2]\n", "expected a JSON object"),
    ("newer", _edited(schema_version=99), "written by a newer sretui"),
    ("kind", _edited(kind="exploded"), "field 'kind'"),
    ("severity", _edited(data_severity="SEV9"), "field 'data.severity'"),
    ("no-author", _without("author"), "field 'author' is missing"),
    ("author-type", _edited(author=7), "field 'author'"),
    ("deep", lambda first: b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
    ("not-utf8", lambda first: b"\xff\xfe\n", "not UTF-8"),
    ("nul", _edited(author="a\x00b"), "control character"),
    ("escape", _edited(text="\x1b]52;c;aGk=\x07"), "control character"),
    ("bom", lambda first: b"\xef\xbb\xbf" + json.dumps(first).encode() + b"\n", "BOM"),
    ("note-first", _edited(kind="note", data={"note": "x", "tag": None}), "'declared' event"),
    ("copy", lambda first: (json.dumps(first) + "\n").encode(), "a copy or a rename"),
    ("symlink", _link_outside, "is a symlink or not a regular file (not followed)"),
    ("folder", lambda first: Path.mkdir, "is a symlink or not a regular file"),
]


@pytest.fixture
def good(config_dir: Path, data_dir: Path) -> tuple[str, dict]:
    service = IncidentService(Store(data_dir), "ada", clock=lambda: FIXED_NOW)
    incident = service.declare("Checkout errors", severity="SEV2")
    line = (data_dir / "incidents" / f"{incident.id}.jsonl").read_text().splitlines()[0]
    return incident.id, json.loads(line)


def _plant(data_dir: Path, name: str, content: Planted) -> Path:
    path = data_dir / "incidents" / f"INC-20261123-0000-{name}.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content(path)
    return path


@pytest.mark.parametrize(("name", "build", "said"), CORRUPT, ids=[row[0] for row in CORRUPT])
def test_cli_reports_each_broken_log_and_lists_the_rest(
    name: str,
    build: Callable[[dict], Planted],
    said: str,
    good: tuple[str, dict],
    config_dir: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good_id, first = good
    path = _plant(data_dir, name, build(first))
    common = ["--config-dir", str(config_dir), "--data-dir", str(data_dir)]
    for extra in ([], ["--json"]):
        code = main(["incident", "list", "--all", *extra, *common])
        out, err = capsys.readouterr()
        assert code == 1
        [line] = [line for line in err.splitlines() if str(path) in line]
        assert said in line and line.startswith("sretui: ")
        assert out.count(good_id) == 1  # the good log is listed, once
        assert "Traceback" not in err


def test_every_broken_log_is_counted_on_the_incidents_screen_and_the_overview(
    good: tuple[str, dict], config_dir: Path, data_dir: Path
) -> None:
    _, first = good
    for name, build, _ in CORRUPT:
        _plant(data_dir, name, build(first))
    listed = IncidentService(Store(data_dir), "ada").list(include_closed=True)
    assert len(listed) == 1 and len(listed.unreadable) == len(CORRUPT)


async def test_the_screens_say_how_many_logs_are_unreadable(
    good: tuple[str, dict], config_dir: Path, data_dir: Path
) -> None:
    _, first = good
    for name, build, _ in CORRUPT[:3]:
        _plant(data_dir, name, build(first))
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the overview, the first screen
        panel = app.screen.query_one("#panel-incidents")
        assert "3 incident logs unreadable" in str(panel.render())
        await press(pilot, "2")
        note = str(app.screen.query_one("#incidents-empty", Static).render())
        assert "3 incident logs unreadable" in note and "INC-20261123-0000-" in note


def test_a_symlink_in_the_incidents_folder_is_never_followed(
    good: tuple[str, dict], config_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    good_id, _ = good
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    link = data_dir / "incidents" / "INC-20261123-0000-link.jsonl"
    os.symlink(outside, link)
    store = Store(data_dir)
    assert store.list("incidents", suffix=".jsonl") == [f"incidents/{good_id}.jsonl"]
    with pytest.raises(Exception, match="symbolic link"):
        store.append("incidents/INC-20261123-0000-link.jsonl", {"schema_version": 1})
    with pytest.raises(Exception, match="symbolic link"):
        store.read_log("incidents/INC-20261123-0000-link.jsonl")
    assert outside.read_text() == "precious\n"
