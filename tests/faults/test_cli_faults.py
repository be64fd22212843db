"""Faults of the disk and the data dir x the CLI commands that write: one table.

Every row asserts the same guarantees (docs/threat-model.md, "Disks and files"):
- a clear message: exit 1 and ONE line on stderr, `sretui: <path>: <reason>`, no traceback;
- nothing torn: every line of every log under the data dir still parses as a JSON object;
- nothing lost: the incident's events from before the fault are all still there, and nothing
  outside the data dir was written.

Add a case by adding a Fault to FAULTS (a way to break the disk) or a Path to PATHS (a command
that writes); the cross product runs. A technique the machine lacks (no capsh, no tmpfs mount)
skips with the reason; the injected variants always run."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INJECT = Path(__file__).parent / "inject"
# Root ignores file modes; dropping these capabilities makes read-only real for the subprocess.
DROP_CAPS = ("capsh", "--drop=cap_dac_override,cap_dac_read_search,cap_fowner", "--")
NOTE = "rolled back the deploy " * 300  # ~7 KB: more than the free part of a tmpfs page


@dataclass(frozen=True)
class Setup:
    """What a fault leaves for the run: a command prefix, extra environment, the path the
    message must name, and an outside file that must stay as it is."""

    named: Path
    prefix: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    outside: Path | None = None


@dataclass(frozen=True)
class Fault:
    name: str
    reason: str  # what the one-line message says about the cause
    prepare: Callable[[Path, Path, Path], Setup]  # (data dir, the incident's log, tmp) -> Setup
    unavailable: Callable[[], str | None] = lambda: None  # a reason to skip, or None
    paths: frozenset[str] | None = None  # the paths it applies to (None: all)


@dataclass(frozen=True)
class CliPath:
    name: str
    args: Callable[[str], list[str]]  # incident id -> `sretui incident ...` arguments
    writes_log: bool  # True: writes the existing log; False: creates a new one


PATHS = [
    CliPath("new", lambda _id: ["new", "--title", "Second", "--severity", "SEV3"], False),
    CliPath("note", lambda id_: ["note", id_, NOTE], True),
    CliPath("role", lambda id_: ["role", id_, "comms", "grace"], True),
    CliPath("status", lambda id_: ["status", id_, "mitigated"], True),
]


def _no_capsh() -> str | None:
    if shutil.which("capsh") is None:
        return "capsh is not installed: cannot make read-only real for root"
    if os.geteuid() != 0:
        return None  # not root: file modes already bind
    probe = subprocess.run([*DROP_CAPS, "-c", "true"], capture_output=True)
    return None if probe.returncode == 0 else "capsh cannot drop capabilities here"


def _caps_prefix() -> tuple[str, ...]:
    return DROP_CAPS if os.geteuid() == 0 else ()


def _readonly_dir(data: Path, log: Path, tmp: Path) -> Setup:
    for folder in (data, log.parent):
        folder.chmod(0o555)
    return Setup(named=log.parent, prefix=_caps_prefix())


def _readonly_log(data: Path, log: Path, tmp: Path) -> Setup:
    log.chmod(0o444)
    return Setup(named=log, prefix=_caps_prefix())


def _injected(errno_name: str) -> Callable[[Path, Path, Path], Setup]:
    def prepare(data: Path, log: Path, tmp: Path) -> Setup:
        env = {
            "PYTHONPATH": os.pathsep.join([str(INJECT), os.environ.get("PYTHONPATH", "")]),
            "SRETUI_FAULT_UNDER": str(data),
            "SRETUI_FAULT_ERRNO": errno_name,
        }
        return Setup(named=log.parent, env=env)

    return prepare


def _full_tmpfs(data: Path, log: Path, tmp: Path) -> Setup:
    # `data` is a 64 KB tmpfs (see the fixture): fill what is left.
    fd = os.open(data / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    return Setup(named=log.parent)


def _symlinked_log(data: Path, log: Path, tmp: Path) -> Setup:
    outside = tmp / "outside.jsonl"
    outside.write_bytes(log.read_bytes())
    log.unlink()
    log.symlink_to(outside)
    return Setup(named=log, outside=outside)


def _no_tmpfs() -> str | None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "mounting a small tmpfs needs root and mount(8)"
    return None


FAULTS = [
    # A read-only folder still lets the existing (writable) log be appended to: only `new` fails.
    Fault("read-only data dir", "Permission denied", _readonly_dir, _no_capsh, frozenset({"new"})),
    Fault(
        "read-only log",
        "Permission denied",
        _readonly_log,
        _no_capsh,
        frozenset({"note", "role", "status"}),
    ),
    Fault("full disk (injected ENOSPC)", "No space left on device", _injected("ENOSPC")),
    Fault("read-only file system (injected EROFS)", "Read-only file system", _injected("EROFS")),
    Fault(
        "full disk (64 KB tmpfs)",
        "No space left on device",
        _full_tmpfs,
        _no_tmpfs,
        frozenset({"new", "note"}),
    ),
    Fault(
        "symlinked log", "is a symlink", _symlinked_log, paths=frozenset({"note", "role", "status"})
    ),
]

CASES = [
    pytest.param(fault, path, id=f"{fault.name} / {path.name}")
    for fault in FAULTS
    for path in PATHS
    if fault.paths is None or path.name in fault.paths
]


def run(
    data: Path, args: list[str], *, prefix: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SRETUI_DATA_DIR": str(data), "SRETUI_CONFIG_DIR": str(data)}
    full_env.update(env or {})
    command = [sys.executable, "-m", "sretui", "incident", *args]
    if prefix:
        command = [*prefix, "-c", shlex.join(command)]
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=60)


@contextlib.contextmanager
def _data_dir(tmp: Path, fault: Fault) -> Iterator[Path]:
    data = tmp / "data"
    data.mkdir()
    if fault.prepare is not _full_tmpfs:
        yield data
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(data)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield data
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


def _all_log_lines(data: Path) -> list[str]:
    lines = []
    for log in sorted(data.rglob("*.jsonl")):
        if log.is_symlink():
            continue
        raw = log.read_bytes()
        assert not raw or raw.endswith(b"\n"), f"{log}: torn last line"
        lines += raw.decode().splitlines()
    return lines


@pytest.mark.parametrize(("fault", "path"), CASES)
def test_a_write_on_a_broken_disk_is_one_clear_line(
    fault: Fault, path: CliPath, tmp_path: Path
) -> None:
    if reason := fault.unavailable():
        pytest.skip(reason)
    with _data_dir(tmp_path, fault) as data:
        made = run(data, ["new", "--title", "Checkout is down", "--severity", "SEV2"])
        assert made.returncode == 0, made.stderr
        incident_id = made.stdout.strip()
        log = data / "incidents" / f"{incident_id}.jsonl"
        before = log.read_bytes()
        try:
            setup = fault.prepare(data, log, tmp_path)
            result = run(data, path.args(incident_id), prefix=setup.prefix, env=setup.env)
        finally:
            for folder in (data, data / "incidents"):
                folder.chmod(0o700)
            if log.exists() and not log.is_symlink():
                log.chmod(0o600)

        assert result.returncode == 1, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"sretui: {setup.named}"), lines[0]
        assert fault.reason in lines[0], lines[0]

        # Nothing torn, nothing lost, nothing written outside.
        for line in _all_log_lines(data):
            assert isinstance(json.loads(line), dict)
        if setup.outside is not None:
            assert setup.outside.read_bytes() == before
        else:
            assert log.read_bytes() == before
        if not path.writes_log:  # a refused `new` leaves no empty log to be reported unreadable
            assert [p.name for p in (data / "incidents").glob("*.jsonl")] == [log.name]
