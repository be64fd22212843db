"""Files deleted or rewritten under a running app: the incidents screen and the overview follow
the disk, say what became unreadable, and keep running. A row of CHANGES is one thing another
process (or a person with an editor) does to the data dir while the app is open."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from app.pilot_helpers import press, settle
from conftest import FIXED_NOW
from textual.widgets import DataTable, Static

from sretui.app import make_app
from sretui.screens.incident_forms import TextPrompt
from sretui.services.incidents import IncidentService
from sretui.store import Store


def _delete(log: Path, other: Path) -> None:
    log.unlink()


def _garbage(log: Path, other: Path) -> None:
    log.write_bytes(b"\x00\xffnot a log\n")


def _emptied(log: Path, other: Path) -> None:
    log.write_bytes(b"")


def _torn_append(log: Path, other: Path) -> None:
    with log.open("ab") as file:
        file.write(b'{"schema_version": 1, "kind": "no')


def _replaced_by_a_copy(log: Path, other: Path) -> None:
    shutil.copyfile(other, log)


def _replaced_by_a_link(log: Path, other: Path) -> None:
    log.unlink()
    log.symlink_to(other)


def _folder_gone(log: Path, other: Path) -> None:
    shutil.rmtree(log.parent)


# name, what happens to the first incident's log (given the second's), the first still listed,
# the second still listed, words the screen must show
CHANGES: list[tuple[str, Callable[[Path, Path], None], bool, bool, str | None]] = [
    ("deleted", _delete, False, True, None),
    ("rewritten with garbage", _garbage, False, True, "not UTF-8"),
    ("emptied", _emptied, False, True, "it is empty"),
    ("a torn line appended", _torn_append, True, True, None),
    ("replaced by a copy of another", _replaced_by_a_copy, False, True, "a copy or a rename"),
    ("replaced by a symlink", _replaced_by_a_link, False, True, "not followed"),
    ("incidents folder removed", _folder_gone, False, False, "No open incidents"),
]


@pytest.mark.parametrize(
    ("change", "first_kept", "second_kept", "said"),
    [row[1:] for row in CHANGES],
    ids=[row[0] for row in CHANGES],
)
async def test_the_screen_follows_the_disk(
    change: Callable[[Path, Path], None],
    first_kept: bool,
    second_kept: bool,
    said: str | None,
    config_dir: Path,
    data_dir: Path,
) -> None:
    service = IncidentService(Store(data_dir), "ada", clock=lambda: FIXED_NOW)
    first = service.declare("Checkout errors", severity="SEV1").id
    second = service.declare("Search is slow", severity="SEV3").id
    logs = data_dir / "incidents"
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "2")
        await app.loops["state"].run().wait()  # takes stock
        table = app.screen.query_one("#incidents-table", DataTable)
        assert set(table.rows) == {first, second}

        change(logs / f"{first}.jsonl", logs / f"{second}.jsonl")
        await app.loops["state"].run().wait()  # another process's change, seen
        await settle(pilot)
        assert app.is_running
        assert (first in table.rows) == first_kept
        assert (second in table.rows) == second_kept
        shown = str(app.screen.query_one("#incidents-empty", Static).render())
        if said is not None:
            assert said in shown, shown

        await press(pilot, "1")  # the overview reads the same disk
        assert app.is_running


async def test_a_log_deleted_under_the_cursor_refuses_the_note_and_leaves_it(
    config_dir: Path, data_dir: Path
) -> None:
    service = IncidentService(Store(data_dir), "ada", clock=lambda: FIXED_NOW)
    gone = service.declare("Checkout errors", severity="SEV1").id
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "2")
        (data_dir / "incidents" / f"{gone}.jsonl").unlink()  # before the watcher has looked
        await press(pilot, "a", *"rolled back", "enter")
        assert app.is_running
        said = str(list(app._notifications)[-1].message)
        assert gone in said and "no longer in the data dir" in said, said
        assert not (data_dir / "incidents" / f"{gone}.jsonl").exists()  # not re-created
        assert gone not in app.screen.query_one("#incidents-table", DataTable).rows
        await press(pilot, "a")  # nothing selected: no prompt
        assert not isinstance(app.screen, TextPrompt)
