"""Fixtures for the state layer's tests: a fresh data dir, a pinned umask, child processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sretui.store import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Where the data dir goes; it does not exist yet, so Store creates it."""
    return tmp_path / "data"


@pytest.fixture
def store(root: Path) -> Store:
    return Store(root, lock_timeout=5.0)


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test; the old one comes back afterwards."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask) and None
    os.umask(old)


@pytest.fixture
def spawn_python() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `python -c code args...` with sretui importable; every child is killed at the end."""
    children: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def spawn(code: str, *args: object) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(
            [sys.executable, "-c", code, *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.poll() is None:
            child.kill()
        child.communicate()
