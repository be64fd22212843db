"""The backend loop: work handed to it runs in its own thread, and comes back (or fails, or is
cancelled) as if it had run on the caller's loop."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from pathlib import Path

import pytest

from sretui.services.backend_loop import BackendLoop, BackendSource
from sretui.services.runtime import Runtime
from sretui.services.workspace import open_workspace
from sretui.sources.base import BackendUnavailable, InstantResult, RangeResult, Sample


def _thread() -> str:
    return threading.current_thread().name


async def test_work_runs_in_the_backend_thread_and_its_result_comes_back() -> None:
    backend = BackendLoop()

    async def where() -> str:
        await asyncio.sleep(0)
        return _thread()

    try:
        assert await backend.run(where()) == "sretui-backend"
        assert _thread() != "sretui-backend"
    finally:
        backend.close()
    assert not backend.running


async def test_an_error_there_is_raised_here() -> None:
    backend = BackendLoop()

    async def fails() -> None:
        raise BackendUnavailable("connection refused", url="http://backend")

    try:
        with pytest.raises(BackendUnavailable, match="connection refused"):
            await backend.run(fails())
    finally:
        backend.close()


async def test_cancelling_the_caller_cancels_the_work() -> None:
    backend = BackendLoop()
    started, cancelled = threading.Event(), threading.Event()

    async def hangs() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    try:
        caller = asyncio.ensure_future(backend.run(hangs()))
        await asyncio.to_thread(started.wait, 5)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert await asyncio.to_thread(cancelled.wait, 5)
    finally:
        backend.close()


async def test_closing_cancels_what_still_runs_and_can_be_repeated() -> None:
    backend = BackendLoop()
    cancelled = threading.Event()

    async def hangs() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    caller = asyncio.ensure_future(backend.run(hangs()))
    await asyncio.sleep(0.05)
    await asyncio.to_thread(backend.close)
    assert cancelled.is_set() and not backend.running
    with pytest.raises(asyncio.CancelledError):
        await caller
    backend.close()


class RecordingSource:
    """Answers every query, remembering the thread that asked."""

    description = "recording://test"

    def __init__(self) -> None:
        self.threads: list[str] = []

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        self.threads.append(_thread())
        return InstantResult((Sample({}, 1.0),))

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        self.threads.append(_thread())
        return RangeResult()

    async def probe(self) -> None:
        self.threads.append(_thread())

    async def aclose(self) -> None:
        self.threads.append(_thread())


async def test_a_backend_source_calls_its_client_in_the_backend_thread() -> None:
    backend = BackendLoop()
    client = RecordingSource()
    source = BackendSource(client, backend)
    try:
        assert source.description == "recording://test"
        assert (await source.query("up")).value == 1.0
        await source.probe()
        await source.aclose()
        assert client.threads == ["sretui-backend"] * 3
    finally:
        backend.close()


async def test_the_runtime_talks_to_its_backend_only_in_the_backend_thread(tmp_path: Path) -> None:
    client = RecordingSource()
    runtime = Runtime(open_workspace(demo=True, data_dir=str(tmp_path)), metrics=client)
    try:
        board = await runtime.refresh_budgets()
        assert board is not None and board.rows
        await runtime.check_health()
        assert client.threads and set(client.threads) == {"sretui-backend"}
    finally:
        await runtime.aclose()
    assert client.threads[-1] == "sretui-backend"  # closed there too
