"""The Textual app: wires the runtime, keymap, refresh loops and one mode per area."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal

from sretui.app.loops import RefreshLoop, runtime_loops
from sretui.areas import AREAS, AREAS_BY_ID
from sretui.keys import APP_KEYS, bindings, keymap_warnings
from sretui.screens.base import SreAppBase
from sretui.services.runtime import UNSET, Runtime
from sretui.services.workspace import open_workspace

if TYPE_CHECKING:
    from sretui.sources.alertmanager import AlertmanagerSource
    from sretui.sources.base import MetricsSource


def _area_screen(area_id: str) -> Callable[[], Screen[None]]:
    """A lazy factory: a screen's module is imported when its mode is first shown."""

    def build() -> Screen[None]:
        if area_id != "overview" and not AREAS_BY_ID[area_id].built:
            return import_module("sretui.screens.not_built").NotBuiltScreen(area_id)  # type: ignore[no-any-return]
        return import_module(f"sretui.screens.{area_id}").SCREEN()  # type: ignore[no-any-return]

    return build


def _app_bindings() -> list[BindingType]:
    return [*bindings(APP_KEYS), Binding("ctrl+c", "help_quit", show=False, system=True)]


class SreApp(SreAppBase, inherit_bindings=False):
    TITLE = "sretui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        area.id: _area_screen(area.id) for area in AREAS
    }
    BINDINGS: ClassVar[list[BindingType]] = _app_bindings()
    # The first screen is the overview itself, not Textual's blank default screen followed by a
    # switch: that switch parsed the whole stylesheet twice more before the first frame.
    DEFAULT_MODE: ClassVar[str] = "overview"

    def __init__(self, runtime: Runtime, *, live: bool = True) -> None:
        super().__init__()
        self.runtime = runtime
        self.live = live  # False in snapshot tests: no clock ticking, no probes, no polling
        self.clock_signal = Signal(self, "clock")
        self.health_signal = Signal(self, "health")
        self.budgets_signal = Signal(self, "budgets")
        self.alerts_signal = Signal(self, "alerts")
        self.incidents_signal = Signal(self, "incidents")
        self.loops: dict[str, RefreshLoop[Any]] = runtime_loops(self, live=live)

    def on_mount(self) -> None:
        keymap = self.runtime.workspace.settings.keymap
        if keymap:
            self.set_keymap(dict(keymap))
            for warning in keymap_warnings(keymap):
                self.notify(warning, severity="warning", markup=False, timeout=10)
        # What start-up made (Textual, the CSS, the definitions) lives as long as the session:
        # keep it out of the garbage collector's full passes, which otherwise walk it all
        # (60-70 ms with the event loop held, with 200 SLOs on screen). Undone on unmount.
        self.call_after_refresh(gc.freeze)
        if not self.live:
            return
        # A closed terminal (SIGHUP) or a kill ends the app cleanly: the demo dir goes too.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self.exit)
        self.set_interval(1.0, lambda: self.clock_signal.publish(self.runtime.now()), name="clock")
        for name in self.runtime.loops_wanted():
            self.call_after_refresh(self.loops[name].run)

    async def on_unmount(self) -> None:
        gc.unfreeze()
        await self.runtime.aclose()

    def action_switch_area(self, area_id: str) -> None:
        self.switch_mode(area_id)

    def copy_to_clipboard(self, text: str) -> None:
        """Copy to the engineer's own clipboard, even over SSH (see widgets/clipboard.py)."""
        from sretui.widgets.clipboard import copy_text

        copy_text(self, text)

    def action_help(self) -> None:
        from sretui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from sretui.app.palette import system_commands

        yield from system_commands(self, screen)
        yield from super().get_system_commands(screen)


def make_app(
    *,
    config_dir: str | None = None,
    data_dir: str | None = None,
    prometheus_url: str | None = None,
    demo: bool = False,
    clock: Callable[[], datetime] | None = None,
    live: bool = True,
    metrics: MetricsSource | Any | None = UNSET,
    alertmanager: AlertmanagerSource | Any | None = UNSET,
) -> SreApp:
    """Build the app for the CLI, Pilot tests, snapshot tests and benchmarks alike. `metrics`
    and `alertmanager` replace the clients the workspace would build (None: no backend)."""
    workspace = open_workspace(
        config_dir=config_dir, data_dir=data_dir, prometheus_url=prometheus_url, demo=demo
    )
    runtime = Runtime(workspace, clock=clock, metrics=metrics, alertmanager=alertmanager)
    return SreApp(runtime, live=live)
