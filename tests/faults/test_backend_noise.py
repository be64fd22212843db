"""The budget CLI against backends that fail: one line on stderr per run, never the noise of
tasks left running when asyncio.run() closes the loop ("unhandled exception during
asyncio.run() shutdown", "Task exception was never retrieved"). A real Prometheus will not hang
on demand, so these are ScriptedServers; a row of ROWS is one way a backend fails."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from realservers import HANG, RecordedRequest, ScriptedServer, http_response

TIMEOUT = 0.5
# A backend that answers at once gets this much: on a busy machine the scripted server (in the
# test's own event loop) can take longer than TIMEOUT to send its 503, which then reads as a
# timeout. Only the rows about timeouts run with the short one.
ANSWERS_TIMEOUT = 3.0
SLACK = 0.3  # event-loop and process scheduling on a shared 2-core machine


async def _hang(request: RecordedRequest) -> None:
    return HANG


async def _slow(request: RecordedRequest) -> bytes:
    await asyncio.sleep(TIMEOUT * 3)
    return http_response(200, '{"status":"success","data":{"resultType":"vector","result":[]}}')


async def _unavailable(request: RecordedRequest) -> bytes:
    return http_response(503, "try later")


async def _garbage(request: RecordedRequest) -> bytes:
    return b"\x00\xffnot http at all\r\n\r\n"


# (row id, the server's behaviour or None for a port nobody listens on, what stderr says)
ROWS: list[tuple[str, Callable[[RecordedRequest], object] | None, str]] = [
    ("hang", _hang, f"no answer within {TIMEOUT:g}s"),
    ("slow", _slow, f"no answer within {TIMEOUT:g}s"),
    ("503", _unavailable, "HTTP 503"),
    ("garbage", _garbage, "not HTTP"),
    ("refused", None, "cannot connect"),
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Backend:
    """A ScriptedServer for a behaviour, or the URL of a closed port for None."""

    def __init__(self, behaviour: Callable[[RecordedRequest], object] | None) -> None:
        self.server = ScriptedServer(behaviour) if behaviour is not None else None  # type: ignore[arg-type]
        self.url = ""

    async def __aenter__(self) -> _Backend:
        if self.server is None:
            self.url = f"http://127.0.0.1:{_closed_port()}"
        else:
            await self.server.__aenter__()
            self.url = self.server.url
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.server is not None:
            await self.server.__aexit__(*exc_info)


ONE_SLO = """[[slo]]
name = "checkout"
service = "checkout"
objective = 99.9
window = "30d"
[slo.sli]
error_query = 'sum(rate(e[{{window}}]))'
total_query = 'sum(rate(t[{{window}}]))'
"""
RUNS = 3


@pytest.mark.parametrize(("name", "behaviour", "said"), ROWS, ids=[r[0] for r in ROWS])
async def test_budget_cli_prints_one_line_and_no_shutdown_noise(
    tmp_path: Path, name: str, behaviour: Callable[[RecordedRequest], object] | None, said: str
) -> None:
    (tmp_path / "slos.toml").write_text(ONE_SLO, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRETUI_")}
    async with _Backend(behaviour) as backend:
        timeout = TIMEOUT if said.startswith("no answer") else ANSWERS_TIMEOUT
        settings = f'[prometheus]\nurl = "{backend.url}"\ntimeout = {timeout}\n'
        (tmp_path / "sretui.toml").write_text(settings, encoding="utf-8")
        for _ in range(RUNS):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "sretui",
                "--config-dir",
                str(tmp_path),
                "--data-dir",
                str(tmp_path / "data"),
                "budget",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
            )
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
            lines = stderr.decode().splitlines()
            assert len(lines) == 1, f"{name}: {lines}"
            assert lines[0].startswith("sretui: checkout: ") and said in lines[0], lines
