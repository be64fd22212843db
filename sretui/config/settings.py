"""Typed settings loaded from sretui.toml. The loader is in `sretui.config.loader`."""

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from sretui.domain.endpoint import BasicAuth as BasicAuth  # re-exported: loaders, tests
from sretui.domain.endpoint import Endpoint


class RefreshSettings(NamedTuple):
    """Seconds between automatic refreshes."""

    budgets: float = 30.0
    alerts: float = 15.0
    health: float = 10.0
    state: float = 1.0  # polling the data dir for other processes' changes


# The incident workflow's check-in cadence: SEV1 every 15 minutes, SEV2 every 30.
DEFAULT_CHECK_IN: Mapping[str, timedelta] = MappingProxyType(
    {"SEV1": timedelta(minutes=15), "SEV2": timedelta(minutes=30)}
)
NO_KEYMAP: Mapping[str, str] = MappingProxyType({})


class Settings(NamedTuple):
    user: str
    on_call: tuple[str, ...] = ()
    data_dir: Path | None = None
    prometheus: Endpoint | None = None
    alertmanager: Endpoint | None = None
    refresh: RefreshSettings = RefreshSettings()
    keymap: Mapping[str, str] = NO_KEYMAP
    # Status-update cadence per severity ("SEV1" -> 15 min); a severity absent has none.
    check_in: Mapping[str, timedelta] = DEFAULT_CHECK_IN
    source_path: Path | None = None
