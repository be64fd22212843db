"""A 10 MB note (written to a shared log by hand or by a runaway script): the incidents screen
cuts it in the detail pane and says how to read it all; `t` shows all of it, scrolling, and
the app answers keys throughout. (How long each step takes is measured by
benchmarks/long_note.py, not asserted here.)"""

from __future__ import annotations

from pathlib import Path

from app.pilot_helpers import press
from conftest import FIXED_NOW
from hostile.test_hostile_text import FIELDS
from textual.widgets import Log, Static

from sretui.app import make_app
from sretui.screens.full_text import FullTextScreen, wrapped
from sretui.screens.incidents import IncidentsScreen

NOTE = ("rolled back deploy 1234 on every region " * 260_000)[:10_000_000] + " THE-END"


async def test_a_10_mb_note_is_cut_in_the_detail_and_read_whole_with_t(
    config_dir: Path, data_dir: Path
) -> None:
    FIELDS["note"](data_dir, NOTE)
    app = make_app(
        config_dir=str(config_dir), data_dir=str(data_dir), clock=lambda: FIXED_NOW, live=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "2")
        detail = str(app.screen.query_one("#incident-detail", Static).render())
        assert "more characters: press t for all" in detail
        assert "THE-END" not in detail

        await press(pilot, "t")
        assert isinstance(app.screen, FullTextScreen)
        log = app.screen.query_one(Log)
        assert log.line_count > 100_000  # the whole note, wrapped to the screen
        assert max(len(line) for line in log.lines[:1000]) < 100
        await press(pilot, "end")
        assert log.scroll_offset.y > 100_000
        assert any("THE-END" in line for line in log.lines[-3:])
        await press(pilot, "home", "pagedown")
        await press(pilot, "escape")
        assert isinstance(app.screen, IncidentsScreen) and app.is_running


def test_wrapping_breaks_at_spaces_and_makes_outside_text_safe() -> None:
    assert wrapped("aaa bbb ccc", 10) == ["aaa bbb", "ccc"]
    assert wrapped("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert wrapped("one\ntwo \x1b]52;c;aGk=\x07three", 40) == ["one", "two three"]
    assert wrapped("", 10) == [" "]  # an empty line stays a line (Log drops "")
    assert wrapped("a\n\nb", 10) == ["a", " ", "b"]
