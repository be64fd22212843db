"""The long-lived state of one app session, with no Textual in it.

The app owns one `Runtime`: the workspace, the clock, the boards screens draw (budgets, alerts,
backend health) and the clients and services that fill them. Each `refresh_*` / `check_*`
coroutine does one round of work and returns what changed; the app's refresh loops run them in
workers, re-arm their timers and publish the results. Importing this module stays cheap: clients
and services are imported when first used.

The metrics client lives on a `BackendLoop` (its own thread): `metrics_source()` hands out a
`BackendSource` whose calls run there, and a budgets round runs there whole, so the app's event
loop is left to draw and to handle keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from sretui.domain.health import HealthState, HealthStatus
from sretui.services.alerts import AlertBoard
from sretui.services.backend_loop import BackendLoop, BackendSource
from sretui.services.budgets import BudgetBoard
from sretui.services.workspace import Workspace

if TYPE_CHECKING:
    from sretui.services.health import HealthMonitor
    from sretui.services.incidents import IncidentService
    from sretui.sources.alertmanager import AlertmanagerSource
    from sretui.sources.demo_alertmanager import DemoAlertmanager

    AlertClient = AlertmanagerSource | DemoAlertmanager
    from sretui.sources.base import MetricsSource
    from sretui.store import ChangeWatcher

# The folders under the data dir whose changes by other processes screens hear about.
WATCHED_FOLDERS = ("incidents",)


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Unset:
    """Marks a client that the runtime builds itself from the workspace."""


UNSET = _Unset()
_Client = TypeVar("_Client")


class Runtime:
    """Everything an app session keeps between screens. `metrics` and `alertmanager` may be
    given (tests, benchmarks, another backend); otherwise they are built from the workspace,
    once, in a thread, the first time something asks for them."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Callable[[], datetime] | None = None,
        metrics: MetricsSource | _Unset | None = UNSET,
        alertmanager: AlertClient | _Unset | None = UNSET,
    ) -> None:
        self.workspace = workspace
        workspace.definitions  # noqa: B018 - read now, not on the event loop as screens mount
        self.now: Callable[[], datetime] = clock or utc_now
        self._metrics_given = metrics
        self._alertmanager_given = alertmanager
        self._metrics: asyncio.Task[MetricsSource | None] | None = None
        self._backend = BackendLoop()
        self._metrics_here: BackendSource | None = None
        self._alertmanager: asyncio.Task[AlertClient | None] | None = None
        self._monitor: HealthMonitor | None = None
        self._incidents: IncidentService | None = None
        self._watcher: ChangeWatcher | None = None
        no_backend = isinstance(metrics, _Unset) and workspace.backend_description() == "none"
        self.health = HealthStatus(
            HealthState.NONE if no_backend or metrics is None else HealthState.UNCHECKED
        )
        self.budget_board = BudgetBoard()
        self.alert_board = AlertBoard()

    # -- what is configured -------------------------------------------------------------------

    @property
    def has_metrics(self) -> bool:
        return self.health.state is not HealthState.NONE

    @property
    def has_alertmanager(self) -> bool:
        if isinstance(self._alertmanager_given, _Unset):
            return self.workspace.has_alertmanager
        return self._alertmanager_given is not None

    def loops_wanted(self) -> list[str]:
        """The refresh loops this session needs: `state` always (its first round takes stock,
        so every later change on disk is reported), the others when there is something to read."""
        wanted = ["state"]
        if self.has_metrics:
            wanted.append("health")
            if self.workspace.definitions.slos:
                wanted.append("budgets")
        if self.has_alertmanager:
            wanted.append("alerts")
        return wanted

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

    # -- clients, each made once --------------------------------------------------------------

    async def metrics_source(self) -> MetricsSource | None:
        """The one metrics client of this session, for use on the app's loop: its calls run on
        the backend loop. Every caller awaits the same construction, so a caller that arrives
        while it is being built waits for it instead of seeing none."""
        source = await self._backend_metrics()
        if source is None:
            return None
        if self._metrics_here is None or self._metrics_here.source is not source:
            self._metrics_here = BackendSource(source, self._backend)
        return self._metrics_here

    async def _backend_metrics(self) -> MetricsSource | None:
        """The client itself, to be used only on the backend loop."""
        if not isinstance(self._metrics_given, _Unset):
            return self._metrics_given
        if self._metrics is None:
            # Building the client imports httpx: keep that off the event loop.
            self._metrics = asyncio.ensure_future(
                asyncio.to_thread(self.workspace.metrics_source, self.now)
            )
        return await asyncio.shield(self._metrics)

    async def alertmanager(self) -> AlertClient | None:
        """The one Alertmanager client of this session, made like `metrics_source`."""
        if not isinstance(self._alertmanager_given, _Unset):
            return self._alertmanager_given
        if self._alertmanager is None:
            self._alertmanager = asyncio.ensure_future(
                asyncio.to_thread(self.workspace.alertmanager_source, self.now)
            )
        return await asyncio.shield(self._alertmanager)

    def incident_service(self) -> IncidentService:
        """Incidents on this session's data dir, written as the configured user."""
        if self._incidents is None:
            from sretui.services.incidents import IncidentService

            self._incidents = IncidentService(
                self.workspace.store(), self.workspace.user, clock=self.now
            )
        return self._incidents

    # -- one round of each refresh loop -------------------------------------------------------

    async def check_health(self) -> HealthStatus | None:
        """Probe the metrics backend once; None when there is none."""
        if self._monitor is None:
            from sretui.services.health import HealthMonitor

            source = await self.metrics_source()
            if source is None:
                return None
            prometheus = self.workspace.settings.prometheus
            self._monitor = HealthMonitor(
                source, timeout=prometheus.timeout if prometheus else 10.0, clock=self.now
            )
        self.health = await self._monitor.check()
        return self.health

    async def refresh_budgets(self) -> BudgetBoard | None:
        """Read every SLO once into the board; None when there is nothing to read."""
        from sretui.services.budgets import BudgetService

        source = await self._backend_metrics()
        slos = self.workspace.definitions.slos
        if source is None or not slos:
            return None
        service = BudgetService(source, slos, clock=self.now)
        reports = await self._backend.run(service.refresh())
        self.budget_board.apply(reports, self.now())
        return self.budget_board

    async def refresh_alerts(self) -> AlertBoard | None:
        """Read firing alerts once; a failed read keeps the last alerts with the error."""
        from sretui.sources.base import SourceError

        client = await self.alertmanager()
        if client is None:
            return None
        try:
            alerts = await client.alerts(active=True, silenced=True, inhibited=True)
            self.alert_board = AlertBoard(alerts=alerts, read_at=self.now())
        except SourceError as exc:
            board = self.alert_board
            self.alert_board = AlertBoard(
                alerts=board.alerts, read_at=board.read_at, error=str(exc)
            )
        return self.alert_board

    async def poll_state(self) -> set[str] | None:
        """Names under the watched folders that changed since the last poll (other processes,
        the CLI). The first poll takes stock, so every later change is reported."""
        return await asyncio.to_thread(self._poll_state)

    def _poll_state(self) -> set[str] | None:
        from sretui.store import ChangeWatcher

        if self._watcher is None:
            self._watcher = ChangeWatcher(self.workspace.store(), *WATCHED_FOLDERS)
            self._watcher.poll()
            return None
        return self._watcher.poll() or None

    async def aclose(self) -> None:
        """Close the clients this runtime made or was given."""
        metrics = await _made(self._metrics, self._metrics_given)
        alertmanager = await _made(self._alertmanager, self._alertmanager_given)
        try:
            if metrics is not None:
                await self._backend.run(metrics.aclose())
        finally:
            self._backend.close()
        if alertmanager is not None:
            await alertmanager.aclose()


async def _made(
    task: asyncio.Task[_Client | None] | None, given: _Client | _Unset | None
) -> _Client | None:
    """The client that was given, or the one built (None if never built or it failed)."""
    if not isinstance(given, _Unset):
        return given
    if task is None:
        return None
    try:
        return await task
    except Exception:  # a client that failed to build has nothing to close
        return None
