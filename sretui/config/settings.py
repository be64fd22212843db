"""Typed settings loaded from sretui.toml. The loader is in `sretui.config.loader`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BasicAuth:
    username: str
    password: str | None = field(default=None, repr=False)  # never in a log or traceback
    password_file: Path | None = None

    def resolve_password(self) -> str:
        """The password, read from `password_file` when that is set."""
        if self.password_file is not None:
            return self.password_file.read_text(encoding="utf-8").strip()
        return self.password or ""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """How to reach an HTTP backend (Prometheus-compatible or Alertmanager)."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    bearer_token_file: Path | None = None
    basic_auth: BasicAuth | None = None
    ca_file: Path | None = None
    timeout: float = 10.0

    def bearer_token(self) -> str | None:
        """The token from `bearer_token_file`, read fresh so rotated tokens are picked up."""
        if self.bearer_token_file is None:
            return None
        return self.bearer_token_file.read_text(encoding="utf-8").strip()


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    """Seconds between automatic refreshes."""

    budgets: float = 30.0
    alerts: float = 15.0
    health: float = 10.0
    state: float = 1.0  # polling the data dir for other processes' changes


# The incident workflow's check-in cadence: SEV1 every 15 minutes, SEV2 every 30.
DEFAULT_CHECK_IN: Mapping[str, timedelta] = {
    "SEV1": timedelta(minutes=15),
    "SEV2": timedelta(minutes=30),
}


@dataclass(frozen=True, slots=True)
class Settings:
    user: str
    on_call: tuple[str, ...] = ()
    data_dir: Path | None = None
    prometheus: Endpoint | None = None
    alertmanager: Endpoint | None = None
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    keymap: Mapping[str, str] = field(default_factory=dict)
    # Status-update cadence per severity ("SEV1" -> 15 min); a severity absent has none.
    check_in: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_CHECK_IN))
    source_path: Path | None = None
