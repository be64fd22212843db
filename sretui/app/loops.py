"""One refresh loop: a worker that does one round of work, publishes what it got on a signal,
then arms the next round. Rounds never overlap, and a manual refresh replaces the pending timer
instead of starting a second loop beside the first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.app import App
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import Worker

if TYPE_CHECKING:
    from sretui.screens.base import SreAppBase

T = TypeVar("T")


class RefreshLoop(Generic[T]):
    """Runs `job` in an exclusive worker of group `name`; a result that is not None is
    published on `signal`. With `live` off (snapshot tests) nothing is re-armed."""

    def __init__(
        self,
        app: App[Any],
        name: str,
        job: Callable[[], Awaitable[T | None]],
        signal: Signal[T],
        *,
        every: float,
        live: bool = True,
    ) -> None:
        self.app = app
        self.name = name
        self.job = job
        self.signal = signal
        self.every = every
        self.live = live
        self.rounds = 0
        self._timer: Timer | None = None

    def run(self) -> Worker[None]:
        """Start a round now (the running one, if any, is cancelled)."""
        return self.app.run_worker(
            self._round(), name=self.name, group=self.name, exclusive=True, exit_on_error=False
        )

    async def _round(self) -> None:
        try:
            result = await self.job()
            if result is not None:
                self.signal.publish(result)
        except Exception as exc:  # a bug must show in the app, not end the loop
            self.app.notify(f"{self.name} refresh failed: {exc}", severity="error", markup=False)
        finally:
            self.rounds += 1
            self._arm()

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.live:
            self._timer = self.app.set_timer(self.every, self.run, name=f"{self.name}-loop")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


def runtime_loops(app: SreAppBase, *, live: bool) -> dict[str, RefreshLoop[Any]]:
    """The app's loops: backend health, budgets, alerts, and other processes' changes on disk."""
    runtime = app.runtime
    every = runtime.workspace.settings.refresh
    return {
        "health": RefreshLoop(
            app, "health", runtime.check_health, app.health_signal, every=every.health, live=live
        ),
        "budgets": RefreshLoop(
            app,
            "budgets",
            runtime.refresh_budgets,
            app.budgets_signal,
            every=every.budgets,
            live=live,
        ),
        "alerts": RefreshLoop(
            app, "alerts", runtime.refresh_alerts, app.alerts_signal, every=every.alerts, live=live
        ),
        "state": RefreshLoop(
            app, "state", runtime.poll_state, app.incidents_signal, every=every.state, live=live
        ),
    }
