"""Every payload of `payloads.PAYLOADS` in the places where definitions show text.

A row of PLACES is one key of an SLO definition that is drawn on screen. `sretui check` must
refuse a payload that is not plain one-line text (markup, control and bidi characters, over
200 characters) naming the file and line, and write nothing raw while saying so. The app is
then given the payloads anyway (as definitions loaded by an older sretui would be) and must
show them as text on the budgets screen and in the command palette, and keep running.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app.pilot_helpers import press, settle
from conftest import FIXED_NOW, write
from hostile.payloads import PAYLOADS, Payload, forbidden_in
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable

from sretui.app import make_app
from sretui.cli import main

PLACES = ("name", "service")  # keys of [[slo]] that are shown
ACCEPTED = {"open-bracket"}  # a lone "[" is no markup tag: plain text, accepted


def _slo_toml(name: str, service: str) -> str:
    # json.dumps writes a TOML basic string: every control character is a \u escape
    return (
        "[[slo]]\n"
        f"name = {json.dumps(name)}\n"
        f"service = {json.dumps(service)}\n"
        'objective = 99.9\nwindow = "30d"\n'
        "[slo.sli]\n"
        "error_query = 'sum(rate(e[{{window}}]))'\n"
        "total_query = 'sum(rate(t[{{window}}]))'\n"
    )


CASES = [
    pytest.param(place, payload, id=f"{place}-{payload.name}")
    for place in PLACES
    for payload in PAYLOADS
]


@pytest.mark.parametrize(("place", "payload"), CASES)
def test_check_refuses_what_is_not_plain_text_naming_the_line(
    place: str, payload: Payload, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    values = {"name": "checkout-availability", "service": "checkout", place: payload.text}
    path = write(config / "slos.toml", _slo_toml(values["name"], values["service"]))
    code = main(["check", "--config-dir", str(config), "--data-dir", str(tmp_path / "data")])
    written = "".join(capsys.readouterr())
    assert forbidden_in(written) == []
    assert "Traceback" not in written
    if payload.name in ACCEPTED:
        assert code == 0, written
        return
    line = 2 if place == "name" else 3
    assert code == 1, written
    assert f"{path}:{line}: slo[1].{place}:" in written, written


async def test_the_app_shows_definition_text_as_text(tmp_path: Path) -> None:
    """Every payload as an SLO name and service at once; the budgets table and the palette."""
    config = tmp_path / "config"
    write(config / "slos.toml", "".join(_slo_toml(f"slo-{i}", "svc") for i in range(len(PAYLOADS))))
    app = make_app(
        config_dir=str(config),
        data_dir=str(tmp_path / "data"),
        clock=lambda: FIXED_NOW,
        live=False,
        metrics=None,
    )
    definitions = app.runtime.workspace.definitions
    assert len(definitions.slos) == len(PAYLOADS)
    definitions.slos[:] = [
        slo._replace(name=f"{p.name} {p.text}", service=p.text)
        for slo, p in zip(definitions.slos, PAYLOADS, strict=True)
    ]
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "1")  # the budgets screen
        table = app.screen.query_one("#budgets-table", DataTable)
        cells = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"budget")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette's search debounce
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await press(pilot, "escape")
        assert app.is_running and app.return_code is None
        written = "\n".join([*cells, *shown])
        assert forbidden_in(written) == []
        for payload in PAYLOADS:
            if payload.kind == "markup":
                assert any(f"Budget: {payload.name} {payload.text}" in s for s in shown), payload
        assert "<U+202E>" in written
