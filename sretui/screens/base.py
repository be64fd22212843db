"""What screens may rely on: the app's typed surface (`SreAppBase`), a screen base that reaches
it without casts (`SreScreen`), and the area screen with the status header and key footer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from textual import events, on
from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker

from sretui.areas import AREAS_BY_ID
from sretui.domain.health import HealthStatus
from sretui.services.alerts import AlertBoard
from sretui.services.budgets import BudgetBoard
from sretui.services.runtime import Runtime
from sretui.widgets.key_footer import KeyFooter
from sretui.widgets.status_header import StatusHeader


class Refresher(Protocol):
    """One refresh loop as screens see it (`sretui.app.loops.RefreshLoop`)."""

    def run(self) -> Worker[None]: ...


class SreAppBase(App[None]):
    """The app as screens see it: the runtime (state, clients, services) and the signals its
    refresh loops publish. `sretui.app.SreApp` is the one implementation."""

    runtime: Runtime
    clock_signal: Signal[datetime]
    health_signal: Signal[HealthStatus]
    budgets_signal: Signal[BudgetBoard]
    alerts_signal: Signal[AlertBoard]
    incidents_signal: Signal[set[str]]  # names under incidents/ changed on disk
    loops: Mapping[str, Refresher]  # "health", "budgets", "alerts", "state"

    def refresh_now(self, loop: str) -> Worker[None]:
        """Run one round of a refresh loop now ("budgets", "alerts", "health", "state")."""
        return self.loops[loop].run()

    def open_budget(self, slo_name: str) -> None:
        """Show the budgets area with one SLO's detail on top."""
        from sretui.screens.budget_detail import BudgetDetailScreen

        self.switch_mode("budgets")
        self.push_screen(BudgetDetailScreen(slo_name))


def sre_app(node: DOMNode) -> SreAppBase:
    """The running sretui app of `node`, typed."""
    app = node.app
    if not isinstance(app, SreAppBase):  # pragma: no cover - a screen outside sretui
        raise TypeError(f"{type(node).__name__} runs inside sretui, not {type(app).__name__}")
    return app


class SreScreen(Screen[None]):
    """A screen of sretui: typed access to the app and its runtime."""

    @property
    def sre(self) -> SreAppBase:
        return sre_app(self)

    @property
    def runtime(self) -> Runtime:
        return sre_app(self).runtime

    def status_header(self, title: str) -> StatusHeader:
        """The header, showing the app's health and clock now and following their signals."""
        sre = self.sre
        runtime = sre.runtime
        return StatusHeader(
            title,
            runtime.on_call_label,
            health=runtime.health,
            now=runtime.now(),
            health_signal=sre.health_signal,
            clock_signal=sre.clock_signal,
        )


class AreaScreen(SreScreen):
    """Base for the screen of one area (one app mode). Subclasses implement `compose_body`."""

    AREA = "overview"
    _styled_for: tuple[object, ...] | None = None  # what the styles depended on when hidden

    def _style_context(self) -> tuple[object, ...]:
        """What, outside this screen, its widgets' styles depend on besides the stylesheet."""
        app = self.app
        return (app.theme, app.ansi_color, app.classes, app.pseudo_classes, app.size)

    @on(events.ScreenSuspend)
    def _remember_style_context(self) -> None:
        self._styled_for = self._style_context()

    @on(events.ScreenResume)
    def _keep_styles_if_unchanged(self, event: events.ScreenResume) -> None:
        # Textual applies CSS to every widget again each time a screen is shown, and every
        # widget then draws itself again: 20-35 ms and a full repaint per switch, for the same
        # result when nothing above changed (a new theme or stylesheet is applied by
        # switch_mode anyway). Textual skips it the same way when an opaque screen is popped.
        if self._styled_for is not None and self._styled_for == self._style_context():
            event.refresh_styles = False

    def compose(self) -> ComposeResult:
        yield self.status_header(AREAS_BY_ID[self.AREA].title)
        yield from self.compose_body()
        yield KeyFooter(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()
