"""Fixtures shared by every test: config dirs made from the bundled examples, and the app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sretui.services.workspace import examples_dir

# Snapshots show paths and times: pin them so a snapshot is the same on every machine.
FIXED_NOW = datetime(2026, 11, 23, 14, 5, 0, tzinfo=UTC)
SNAPSHOT_ROOT = Path("/tmp/sretui-snapshots")


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the bundled examples, safe to edit."""
    target = tmp_path / "config"
    shutil.copytree(examples_dir(), target)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    return target


@pytest.fixture
def snapshot_dirs() -> Iterator[tuple[Path, Path]]:
    """Config and data dirs at fixed paths (they appear on screen in snapshots)."""
    shutil.rmtree(SNAPSHOT_ROOT, ignore_errors=True)
    config = SNAPSHOT_ROOT / "config"
    data = SNAPSHOT_ROOT / "data"
    shutil.copytree(examples_dir(), config)
    data.mkdir()
    yield config, data
    shutil.rmtree(SNAPSHOT_ROOT, ignore_errors=True)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
