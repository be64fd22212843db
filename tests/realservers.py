"""Real servers for tests: Prometheus (optionally with backfilled history), Alertmanager, and a
tiny scripted HTTP server, all on 127.0.0.1.

A plain module (no pytest in it) so that fixtures, scripts and a developer at a REPL can all use
it. See docs/real-servers.md for how backfill works and the pitfalls it has.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import itertools
import math
import os
import shutil
import signal
import socket
import ssl as ssl_module
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

READY_TIMEOUT = 30.0
"""Seconds a server may take to answer /-/ready (a 2-core machine starts Prometheus in ~1 s)."""

STOP_TIMEOUT = 10.0
"""Seconds between SIGTERM and SIGKILL on teardown."""

PORT_ATTEMPTS = 3
"""A free port can be taken by someone else before the server binds it: try this many times."""

INSTALL_HINT = (
    "run `make test`, which installs the Debian packages prometheus and "
    "prometheus-alertmanager (or install them yourself with apt-get)"
)


class ServerBinaryMissing(RuntimeError):
    """A server binary the tests need is not installed."""


class ServerFailedToStart(RuntimeError):
    """A server exited or never became ready; the message carries the tail of its log."""


def find_binary(*names: str) -> str:
    """The path of the first of `names` found on PATH or in /usr/bin; raises if none is."""
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/bin:/usr/local/bin")
        if found:
            return found
    raise ServerBinaryMissing(f"{' / '.join(names)} is not installed: {INSTALL_HINT}")


def prometheus_binary() -> str:
    return find_binary("prometheus")


def promtool_binary() -> str:
    return find_binary("promtool")


def alertmanager_binary() -> str:
    # Debian calls it prometheus-alertmanager; upstream tarballs call it alertmanager.
    return find_binary("prometheus-alertmanager", "alertmanager")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- processes ----------------------------------------------------------------------------------

_RUNNING: set[RunningServer] = set()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # If the test process is killed (even with SIGKILL), the kernel sends the server SIGTERM,
    # so no Prometheus is left holding a port. Linux only; elsewhere teardown has to do.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass(eq=False)
class RunningServer:
    """A server process started by these helpers. Stop it with `stop()` (idempotent)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path
    url_path: str = ""  # a path prefix such as "/prometheus" when the server runs under one
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:40123 (plus the path prefix, if any)."""
        return f"http://127.0.0.1:{self.port}{self.url_path}"

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server wrote to stdout/stderr."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the server's process group, wait, then SIGKILL it if it hangs."""
        _RUNNING.discard(self)
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_RUNNING):
        server.stop(timeout=5)


def _spawn(name: str, argv: Sequence[str], workdir: Path, port: int) -> RunningServer:
    log_path = workdir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(argv),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown can kill it whole
            preexec_fn=_die_with_parent,
        )
    server = RunningServer(
        name=name, port=port, process=process, workdir=workdir, log_path=log_path
    )
    _RUNNING.add(server)
    return server


def wait_ready(
    server: RunningServer, timeout: float = READY_TIMEOUT, path: str = "/-/ready"
) -> None:
    """Poll `path` until it answers 200; raise `ServerFailedToStart` with the log tail if the
    process exits or the time runs out."""
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if not server.alive():
            raise ServerFailedToStart(
                f"{server.name} exited with status {server.process.returncode} before it was "
                f"ready. Last lines of {server.log_path}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url + path, timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.05)
    server.stop()
    raise ServerFailedToStart(
        f"{server.name} on {server.url} was not ready within {timeout:g}s ({last_error}). "
        f"Last lines of {server.log_path}:\n{server.log_tail()}"
    )


def _start(
    name: str,
    workdir: Path,
    argv_for_port: Callable[[int], Sequence[str]],
    *,
    url_path: str = "",
    timeout: float = READY_TIMEOUT,
) -> RunningServer:
    """Start a server on a free port and wait until it is ready, retrying if the port was
    taken between choosing it and binding it."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = free_port()
        server = _spawn(name, argv_for_port(port), workdir, port)
        server.url_path = url_path
        try:
            wait_ready(server, timeout)
        except ServerFailedToStart:
            server.stop()
            if "address already in use" in server.log_tail().lower() and attempt < PORT_ATTEMPTS:
                continue
            raise
        except BaseException:
            server.stop()
            raise
        return server
    raise AssertionError("unreachable")  # pragma: no cover


# -- Prometheus ---------------------------------------------------------------------------------


def prometheus_config(
    *,
    rule_files: Iterable[Path] = (),
    scrape_self_port: int | None = None,
    evaluation_interval: str = "15s",
    alertmanager_url: str | None = None,
) -> str:
    """A minimal prometheus.yml: rules, optionally a self-scrape and an Alertmanager."""
    lines = ["global:", "  scrape_interval: 15s", f"  evaluation_interval: {evaluation_interval}"]
    rules = [str(path) for path in rule_files]
    if rules:
        lines.append("rule_files:")
        lines += [f"  - {_yaml_string(path)}" for path in rules]
    if alertmanager_url:
        host = alertmanager_url.split("://", 1)[-1].rstrip("/")
        lines += [
            "alerting:",
            "  alertmanagers:",
            "    - static_configs:",
            f"        - targets: [{_yaml_string(host)}]",
        ]
    if scrape_self_port is not None:
        lines += [
            "scrape_configs:",
            "  - job_name: prometheus",
            "    static_configs:",
            f"      - targets: ['127.0.0.1:{scrape_self_port}']",
        ]
    return "\n".join(lines) + "\n"


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def backfill(openmetrics: str, tsdb_dir: Path, *, max_block_duration: str = "24h") -> None:
    """Turn OpenMetrics text into TSDB blocks in `tsdb_dir` with promtool.

    Run this BEFORE Prometheus starts on that directory (see docs/real-servers.md for why).
    `--max-block-duration` is a hidden flag in promtool 2.42; longer blocks mean fewer
    directories to open at start-up.
    """
    tsdb_dir.mkdir(parents=True, exist_ok=True)
    source = tsdb_dir.parent / f"{tsdb_dir.name}-backfill.om"
    source.write_text(openmetrics, encoding="utf-8")
    argv = [
        promtool_binary(),
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        f"--max-block-duration={max_block_duration}",
        "--quiet",
        str(source),
        str(tsdb_dir),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise ServerFailedToStart(
            f"promtool could not backfill {source} (exit {done.returncode}):\n"
            f"{(done.stdout + done.stderr).strip()[-3000:]}"
        )


def start_prometheus(
    tmp_path: Path,
    *,
    backfill_openmetrics: str | None = None,
    rule_files: Iterable[Path] = (),
    extra_args: Sequence[str] = (),
    scrape_self: bool = False,
    evaluation_interval: str = "15s",
    alertmanager_url: str | None = None,
    route_prefix: str = "",
    timeout: float = READY_TIMEOUT,
) -> RunningServer:
    """Start /usr/bin/prometheus on a free loopback port and wait until it is ready.

    With `backfill_openmetrics`, that text is turned into TSDB blocks first (it must end with
    `# EOF`). `route_prefix` (e.g. "/prometheus") serves everything under that path, as behind a
    reverse proxy; the returned server's `url` includes it.
    """
    workdir = tmp_path / "prometheus"
    workdir.mkdir(parents=True, exist_ok=True)
    tsdb = workdir / "tsdb"
    if backfill_openmetrics is not None:
        backfill(backfill_openmetrics, tsdb)
    binary = prometheus_binary()
    config = workdir / "prometheus.yml"
    prefix = "/" + route_prefix.strip("/") if route_prefix.strip("/") else ""

    def argv(port: int) -> list[str]:
        config.write_text(
            prometheus_config(
                rule_files=rule_files,
                scrape_self_port=port if scrape_self else None,
                evaluation_interval=evaluation_interval,
                alertmanager_url=alertmanager_url,
            ),
            encoding="utf-8",
        )
        args = [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tsdb}",
            f"--web.listen-address=127.0.0.1:{port}",
            # Retention counts back from the newest block: keep old backfilled history.
            "--storage.tsdb.retention.time=400d",
            "--log.level=info",
        ]
        if prefix:
            args.append(f"--web.external-url=http://127.0.0.1:{port}{prefix}")
        return [*args, *extra_args]

    return _start("prometheus", workdir, argv, url_path=prefix, timeout=timeout)


# -- Alertmanager -------------------------------------------------------------------------------

ALERTMANAGER_CONFIG = """\
route:
  receiver: 'null'
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: 'null'
"""


def start_alertmanager(
    tmp_path: Path,
    *,
    config: str = ALERTMANAGER_CONFIG,
    extra_args: Sequence[str] = (),
    timeout: float = READY_TIMEOUT,
) -> RunningServer:
    """Start Alertmanager on a free loopback port (no clustering) and wait until it is ready."""
    workdir = tmp_path / "alertmanager"
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "alertmanager.yml"
    config_path.write_text(config, encoding="utf-8")
    binary = alertmanager_binary()

    def argv(port: int) -> list[str]:
        return [
            binary,
            f"--config.file={config_path}",
            f"--storage.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",  # empty: no gossip port, no peers
            *extra_args,
        ]

    return _start("alertmanager", workdir, argv, timeout=timeout)


# -- OpenMetrics history ------------------------------------------------------------------------

CounterShape = Callable[[float], float]
"""Cumulative counter value at a unix time."""


def unix(moment: float | datetime) -> float:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("use an aware datetime")
        return moment.timestamp()
    return float(moment)


def constant_rate(
    per_second: float, since: float | datetime, initial: float = 1000.0
) -> CounterShape:
    """A counter growing `per_second` from `initial` at `since`.

    Starting above zero keeps Prometheus's extrapolation-to-zero rule out of the arithmetic.
    """
    origin = unix(since)
    return lambda t: initial + per_second * (t - origin)


def sample_times(
    start: float | datetime,
    end: float | datetime,
    *,
    step: float = 300.0,
    recent_step: float = 60.0,
    recent: float = 6 * 3600.0,
) -> list[float]:
    """Sample times from `start` to exactly `end`: `recent_step` apart for the last `recent`
    seconds (so rate(...[5m]) works at `end`), `step` apart before that (smaller files)."""
    first, last = unix(start), unix(end)
    if recent_step > 60:
        raise ValueError("recent_step above 60 s leaves rate(...[5m]) without data near the end")
    times: list[float] = []
    moment = last
    boundary = last - recent
    while moment >= first:
        times.append(moment)
        moment -= recent_step if moment > boundary else step
    times.reverse()
    return times


def _format_number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def _format_time(moment: float) -> str:
    # OpenMetrics timestamps are SECONDS; promtool reads milliseconds as far-future seconds.
    return str(int(moment)) if float(moment).is_integer() else repr(float(moment))


def _family(series: str) -> tuple[str, str]:
    """('http_requests', 'http_requests_total') for 'http_requests_total{...}'."""
    name = series.split("{", 1)[0].strip()
    family = name.removesuffix("_total") if name.endswith("_total") else name
    return family, name


def openmetrics_counters(
    series: Mapping[str, CounterShape],
    *,
    start: float | datetime,
    end: float | datetime,
    step: float = 300.0,
    recent_step: float = 60.0,
    recent: float = 6 * 3600.0,
    times: Sequence[float] | None = None,
) -> str:
    """OpenMetrics text (ending with `# EOF`) for counters of known shape, ready for `backfill`.

    `series` maps a series in exposition notation, e.g.
    `'http_requests_total{service="checkout",code="200"}'`, to a function giving its cumulative
    value at a unix time. Samples are taken at `sample_times(...)` (or the given `times`).
    """
    moments = (
        list(times)
        if times is not None
        else sample_times(start, end, step=step, recent_step=recent_step, recent=recent)
    )
    if any(b <= a for a, b in itertools.pairwise(moments)):
        # promtool silently drops samples that go back in time within a series.
        raise ValueError("sample times must strictly increase")
    by_family: dict[str, list[str]] = {}
    for key in series:
        by_family.setdefault(_family(key)[0], []).append(key)
    lines: list[str] = []
    for family, keys in by_family.items():
        lines.append(f"# TYPE {family} counter")
        for key in keys:
            shape = series[key]
            lines += [f"{key} {_format_number(shape(t))} {_format_time(t)}" for t in moments]
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


# -- a scripted HTTP server ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """What the scripted server received."""

    method: str
    target: str  # path and query string, as sent
    headers: Mapping[str, str]  # names lower-cased
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def form(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


HANG = None
"""A handler returning HANG never answers (until the server closes)."""

Handler = Callable[[RecordedRequest], Awaitable[bytes | None]]


def http_response(
    status: int = 200,
    body: bytes | str = b"",
    *,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
    reason: str = "",
) -> bytes:
    """Raw HTTP/1.1 response bytes with Content-Length and `Connection: close`."""
    payload = body.encode() if isinstance(body, str) else body
    head = [f"HTTP/1.1 {status} {reason or _REASONS.get(status, 'Whatever')}"]
    head += [f"Content-Type: {content_type}", f"Content-Length: {len(payload)}"]
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload


_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class ScriptedServer:
    """An asyncio HTTP server on 127.0.0.1 whose answers come from `handler`.

    Use as `async with ScriptedServer(handler) as server:`; `server.url` is its base URL and
    `server.requests` what it received. The handler returns raw response bytes (see
    `http_response`; anything, garbage included, is sent as is) or `HANG` to never answer.
    With `ssl` (a server-side context) it speaks HTTPS.
    """

    def __init__(self, handler: Handler, *, ssl: ssl_module.SSLContext | None = None) -> None:
        self.handler = handler
        self.ssl = ssl
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl else 'http'}://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            request = await self._read(reader)
            if request is None:
                return
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                answer = await self.handler(request)
                if answer is HANG:
                    await asyncio.Event().wait()
                    return
                writer.write(answer)
                await writer.drain()
            finally:
                self.in_flight -= 1
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self._tasks.discard(task)  # type: ignore[arg-type]

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> RecordedRequest | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        body = await reader.readexactly(length) if length else b""
        return RecordedRequest(method=method, target=target, headers=headers, body=body)
