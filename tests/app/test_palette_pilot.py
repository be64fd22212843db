"""The command palette with outside text in it: SLO names and services are shown as text."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXED_NOW, write
from textual.command import CommandList, CommandPalette

from sretui.app import make_app

HOSTILE = ["[/]", "[@click=app.quit]quit[/]", "[bold]x[/bold] [link=https://e.invalid]y[/]"]


def _slo(name: str, service: str) -> str:
    return (
        "[[slo]]\n"
        f'name = {name!r}\nservice = {service!r}\nobjective = 99.9\nwindow = "30d"\n'
        "[slo.sli]\n"
        "error_query = 'sum(rate(e[{{window}}]))'\n"
        "total_query = 'sum(rate(t[{{window}}]))'\n"
    )


async def test_markup_in_slo_names_is_shown_as_text(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write(config / "slos.toml", "\n".join(_slo(n, f"svc {n}") for n in HOSTILE))
    app = make_app(
        config_dir=str(config),
        data_dir=str(tmp_path / "data"),
        clock=lambda: FIXED_NOW,
        live=False,
        metrics=None,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        assert len(app.runtime.workspace.definitions.slos) == len(HOSTILE)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"budget")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        for name in HOSTILE:
            assert any(f"Budget: {name}" in line for line in shown), (name, shown)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
