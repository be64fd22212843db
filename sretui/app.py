"""The Textual app: wires the workspace, theme, keymap and one mode per area. Nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer

from sretui.areas import AREAS, AREAS_BY_ID
from sretui.domain.health import HealthState, HealthStatus
from sretui.keys import APP_KEYS
from sretui.services.alerts import AlertBoard
from sretui.services.budgets import BudgetBoard
from sretui.services.workspace import Workspace, open_workspace
from sretui.sources.base import MetricsSource
from sretui.store import ChangeWatcher

if TYPE_CHECKING:
    from sretui.services.incidents import IncidentService
    from sretui.sources.alertmanager import AlertmanagerSource
from sretui.widgets.status_header import StatusHeader


def _area_screen(area_id: str) -> Callable[[], Screen[None]]:
    """A lazy factory: screen modules are imported when their mode is first shown."""

    def build() -> Screen[None]:
        area = AREAS_BY_ID[area_id]
        if area_id == "overview":
            return import_module("sretui.screens.overview").OverviewScreen()  # type: ignore[no-any-return]
        if not area.built:
            return import_module("sretui.screens.not_built").NotBuiltScreen(area_id)  # type: ignore[no-any-return]
        module = import_module(f"sretui.screens.{area_id}")
        return module.SCREEN()  # type: ignore[no-any-return]

    return build


class SreApp(App[None], inherit_bindings=False):
    TITLE = "sretui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        area.id: _area_screen(area.id) for area in AREAS
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            spec.key,
            spec.action,
            spec.description,
            show=spec.show,
            id=spec.id,
            key_display=spec.key_display,
            priority=spec.id in ("quit", "command_palette"),
        )
        for spec in APP_KEYS
    ] + [Binding("ctrl+c", "help_quit", show=False, system=True)]

    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Callable[[], datetime] | None = None,
        live: bool = True,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.now: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.live = live  # False in snapshot tests: no clock ticking, no probes
        self.health = HealthStatus(
            HealthState.NONE if workspace.backend_description() == "none" else HealthState.UNCHECKED
        )
        self._monitor: object | None = None
        self._source: MetricsSource | None = None
        self._source_made = False
        self.budget_board = BudgetBoard()
        self.budgets_signal: Signal[BudgetBoard] = Signal(self, "budgets")
        self._refresh_timers: dict[str, Timer] = {}  # the one pending timer of each refresh loop
        self.incidents_signal: Signal[set[str]] = Signal(self, "incidents")
        self._incidents: IncidentService | None = None
        self._state_watcher: ChangeWatcher | None = None
        self.alerts_signal: Signal[AlertBoard] = Signal(self, "alerts")
        self.alert_board = AlertBoard()
        self._alertmanager: AlertmanagerSource | None = None

    # -- start-up -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.workspace.settings.keymap:
            self.set_keymap(dict(self.workspace.settings.keymap))
        self.switch_mode("overview")
        if self.live:
            self.set_interval(1.0, self._tick, name="clock")
            if self.workspace.has_alertmanager:
                self.call_after_refresh(self.refresh_alerts)
            self.poll_state()  # takes stock now, so every later change is reported
            self.set_interval(self.workspace.settings.refresh.state, self.poll_state)
            if self.health.state is not HealthState.NONE:
                self.call_after_refresh(self.check_health)
                if self.workspace.definitions.slos:
                    self.call_after_refresh(self.refresh_budgets)

    @property
    def on_call_label(self) -> str:
        names = self.workspace.on_call
        if len(names) == 1:
            return f"on call: {names[0]}"
        return f"on call: {names[0]} (2nd {names[1]})"

    def definitions_summary(self, area_id: str) -> str:
        defs = self.workspace.definitions
        counts = {
            "budgets": (len(defs.slos), "SLO"),
            "runbooks": (len(defs.runbooks), "runbook"),
            "gameday": (len(defs.gamedays), "game-day plan"),
        }
        if area_id not in counts:
            return ""
        count, noun = counts[area_id]
        return f"{count} {noun}{'s' if count != 1 else ''} defined."

    # -- header state ---------------------------------------------------------------------------

    def _headers(self) -> Iterable[StatusHeader]:
        for stack in self._screen_stacks.values():
            for screen in stack:
                yield from screen.query(StatusHeader)

    def _tick(self) -> None:
        now = self.now()
        for header in self._headers():
            header.now = now

    def set_health(self, status: HealthStatus) -> None:
        self.health = status
        for header in self._headers():
            header.health = status

    @work(exclusive=True, group="health", exit_on_error=False)
    async def check_health(self) -> None:
        """Probe the backend once, then arm the next probe (so probes never overlap)."""
        from sretui.services.health import HealthMonitor

        if self._monitor is None:
            source = await self.metrics_source()
            if source is None:
                return
            timeout = (
                self.workspace.settings.prometheus.timeout
                if self.workspace.settings.prometheus
                else 10.0
            )
            self._monitor = HealthMonitor(source, timeout=timeout)
        assert isinstance(self._monitor, HealthMonitor)
        try:
            self.set_health(await self._monitor.check())
        finally:
            self._rearm("health", self.workspace.settings.refresh.health, self.check_health)

    def incident_service(self) -> IncidentService:
        """Incidents on this app's data dir, written as the configured user."""
        if self._incidents is None:
            from sretui.services.incidents import IncidentService

            self._incidents = IncidentService(
                self.workspace.store(), self.workspace.user, clock=self.now
            )
        return self._incidents

    def poll_state(self) -> None:
        """Tell screens what other processes changed in the data dir (cheap mtime polling)."""
        if self._state_watcher is None:
            self._state_watcher = ChangeWatcher(self.workspace.store(), "incidents")
            self._state_watcher.poll()
            return
        changed = self._state_watcher.poll()
        if changed:
            self.incidents_signal.publish(changed)

    async def alertmanager(self) -> AlertmanagerSource | None:
        """The one Alertmanager client of this app, made on first use (off the event loop)."""
        if self._alertmanager is None and self.workspace.has_alertmanager:
            self._alertmanager = await asyncio.to_thread(self.workspace.alertmanager_source)
        return self._alertmanager

    @work(exclusive=True, group="alerts", exit_on_error=False)
    async def refresh_alerts(self) -> None:
        """Read firing alerts once, publish them, then arm the next read."""
        from sretui.sources.base import SourceError

        try:
            client = await self.alertmanager()
            if client is None:
                return
            try:
                alerts = await client.alerts(active=True, silenced=True, inhibited=True)
                self.alert_board = AlertBoard(alerts=alerts, read_at=self.now())
            except SourceError as exc:
                self.alert_board = AlertBoard(
                    alerts=self.alert_board.alerts, read_at=self.alert_board.read_at, error=str(exc)
                )
            self.alerts_signal.publish(self.alert_board)
        finally:
            self._rearm("alerts", self.workspace.settings.refresh.alerts, self.refresh_alerts)

    async def metrics_source(self) -> MetricsSource | None:
        """The one metrics client of this app, made on first use."""
        if not self._source_made:
            self._source_made = True
            # Creating the client imports httpx: keep that off the event loop.
            self._source = await asyncio.to_thread(self.workspace.metrics_source, self.now)
        return self._source

    @work(exclusive=True, group="budgets", exit_on_error=False)
    async def refresh_budgets(self) -> None:
        """Read every SLO once, publish the board, then arm the next refresh."""
        from sretui.services.budgets import BudgetService

        try:
            source = await self.metrics_source()
            if source is None or not self.workspace.definitions.slos:
                return
            service = BudgetService(source, self.workspace.definitions.slos, clock=self.now)
            reports = await service.refresh()
            self.budget_board.apply(reports, self.now())
            self.budgets_signal.publish(self.budget_board)
        except Exception as exc:  # a bug must show in the app, not kill the refresh loop
            self.notify(f"Budget refresh failed: {exc}", severity="error", markup=False)
        finally:
            self._rearm("budgets", self.workspace.settings.refresh.budgets, self.refresh_budgets)

    def _rearm(self, loop: str, delay: float, callback: Callable[[], object]) -> None:
        """Arm the next run of a refresh loop, replacing any pending one, so a manual refresh
        never starts a second loop beside the first. Nothing is armed when not live."""
        pending = self._refresh_timers.pop(loop, None)
        if pending is not None:
            pending.stop()
        if self.live:
            self._refresh_timers[loop] = self.set_timer(delay, callback)

    async def on_unmount(self) -> None:
        if self._source is not None:
            await self._source.aclose()
        if self._alertmanager is not None:
            await self._alertmanager.aclose()

    # -- actions --------------------------------------------------------------------------------

    def action_switch_area(self, area_id: str) -> None:
        self.switch_mode(area_id)

    def open_budget(self, slo_name: str) -> None:
        """Show the budgets area with one SLO's detail on top."""
        from sretui.screens.budget_detail import BudgetDetailScreen

        self.switch_mode("budgets")
        self.push_screen(BudgetDetailScreen(slo_name))

    def copy_to_clipboard(self, text: str) -> None:
        """Copy to the engineer's own clipboard, even over SSH (see widgets/clipboard.py)."""
        from sretui.widgets.clipboard import copy_text

        copy_text(self, text)

    def action_help(self) -> None:
        from sretui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for area in AREAS:
            yield SystemCommand(
                f"Go to {area.title}",
                f"[{area.key}] {area.summary}",
                lambda area_id=area.id: self.action_switch_area(area_id),  # type: ignore[misc]
            )
        yield SystemCommand(
            "Help: every key", "[?] Keys for this screen and everywhere", self.action_help
        )
        # Every action of the current screen, by name, so nothing needs its key.
        title = getattr(screen, "AREA", "") and AREAS_BY_ID[screen.AREA].title  # type: ignore[attr-defined]
        for binding in screen._bindings.key_to_bindings.values():
            for item in binding:
                if item.id and item.description and not item.id.endswith((".back", ".cancel")):
                    yield SystemCommand(
                        f"{title or 'This screen'}: {item.description}",
                        f"[{self.get_key_display(item)}]",
                        lambda action=item.action: screen.run_action(action),  # type: ignore[misc]
                    )
        if self.workspace.definitions.slos:
            yield SystemCommand(
                "Budgets: refresh now",
                "[r on the budgets screen] Read every SLO again",
                self.refresh_budgets,
            )
            for slo in self.workspace.definitions.slos:
                yield SystemCommand(
                    f"Budget: {slo.name}",
                    f"{slo.service} · {slo.objective:g}% over {slo.window_label}",
                    lambda name=slo.name: self.open_budget(name),  # type: ignore[misc]
                )
        yield from super().get_system_commands(screen)


def make_app(
    *,
    config_dir: str | None = None,
    data_dir: str | None = None,
    prometheus_url: str | None = None,
    demo: bool = False,
    clock: Callable[[], datetime] | None = None,
    live: bool = True,
) -> SreApp:
    """Build the app for __main__, Pilot tests and snapshot tests alike."""
    workspace = open_workspace(
        config_dir=config_dir, data_dir=data_dir, prometheus_url=prometheus_url, demo=demo
    )
    return SreApp(workspace, clock=clock, live=live)
