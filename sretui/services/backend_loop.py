"""A second event loop, in a thread of its own, where a session talks to its metrics backend.

The app's event loop draws the screen and handles keys. Requests to the metrics backend, the
parsing of their answers and the budget math of a refresh run here instead: a refresh of 200
SLOs is 400 requests and about a second and a half of Python, which on the app's loop held
every key press and every frame behind it. The two threads still share the interpreter, but
the app's loop now waits at most one switch interval (5 ms) for it, not for a whole round of
request callbacks. No Textual here: the runtime uses this, and the CLI does not.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sretui.sources.base import InstantResult, MetricsSource, RangeResult

T = TypeVar("T")


class BackendLoop:
    """An asyncio loop running in a daemon thread, started on first use."""

    def __init__(self, name: str = "sretui-backend") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name=self.name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on this loop and wait for its result on the caller's loop. Cancelling
        the caller cancels it here; its exception is raised to the caller."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._started())
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Cancel what still runs, stop the loop and wait for its thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(_cancel_all_and_stop, loop)
        thread.join(timeout=5)
        if not thread.is_alive():
            loop.close()


def _cancel_all_and_stop(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if not tasks:
        loop.stop()
        return
    # Let the cancelled tasks unwind (close their connections) before the loop stops.
    asyncio.gather(*tasks, return_exceptions=True).add_done_callback(lambda _: loop.stop())


class BackendSource:
    """A `MetricsSource` for the app's loop whose every call runs on the backend loop, so the
    client (and its connection pool) is only ever used from that one loop."""

    def __init__(self, source: MetricsSource, backend: BackendLoop) -> None:
        self.source = source
        self.backend = backend

    @property
    def description(self) -> str:
        return self.source.description

    def __repr__(self) -> str:
        return f"BackendSource({self.source!r})"

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        return await self.backend.run(self.source.query(expr, at))

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        return await self.backend.run(self.source.query_range(expr, start, end, step_seconds))

    async def probe(self) -> None:
        await self.backend.run(self.source.probe())

    async def aclose(self) -> None:
        await self.backend.run(self.source.aclose())
