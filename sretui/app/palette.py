"""The command palette (ctrl+p): every area, every action of the current screen by name, and
every SLO, so that nothing needs its key to be reachable.

Textual parses both a command's title and its help as markup, so every string is escaped here,
and definition text is neutralised first."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.markup import escape
from textual.screen import Screen

from sretui.areas import AREAS, AREAS_BY_ID
from sretui.domain.text import safe_text
from sretui.screens.base import SreAppBase


def system_commands(app: SreAppBase, screen: Screen[object]) -> Iterable[SystemCommand]:
    for area in AREAS:
        yield SystemCommand(
            f"Go to {area.title}",
            escape(f"[{area.key}] {area.summary}"),
            lambda area_id=area.id: app.switch_mode(area_id),
        )
    yield SystemCommand(
        "Help: every key",
        escape("[?] Keys for this screen and everywhere"),
        lambda: app.run_action("help"),
    )
    area_id = getattr(type(screen), "AREA", None)
    title = AREAS_BY_ID[area_id].title if area_id in AREAS_BY_ID else "This screen"
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node is app or not binding.id or not binding.description:
            continue  # app keys are the "Go to" commands above; plumbing has no id
        if binding.id.endswith((".back", ".cancel")) or binding.id in seen:
            continue
        seen.add(binding.id)
        yield SystemCommand(
            escape(f"{title}: {binding.description}"),
            escape(f"[{app.get_key_display(binding)}]"),
            lambda node=active.node, action=binding.action: node.run_action(action),
        )
    slos = app.runtime.workspace.definitions.slos
    if slos:
        yield SystemCommand(
            "Budgets: refresh now",
            escape("[r on the budgets screen] Read every SLO again"),
            lambda: app.refresh_now("budgets"),
        )
    for slo in slos:
        # Definition text: shown as text, whatever it holds.
        name = safe_text(slo.name)
        yield SystemCommand(
            escape(f"Budget: {name}"),
            escape(f"{safe_text(slo.service)} · {slo.objective:g}% over {slo.window_label}"),
            lambda name=slo.name: app.open_budget(name),
        )
