"""How to reach an HTTP backend: plain data, loaded by config/ and used by sources/ (which
reads the token and password files when it sends a request)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BasicAuth:
    username: str
    password: str | None = field(default=None, repr=False)  # never in a log or traceback
    password_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """How to reach an HTTP backend (Prometheus-compatible or Alertmanager)."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    bearer_token_file: Path | None = None
    basic_auth: BasicAuth | None = None
    ca_file: Path | None = None
    timeout: float = 10.0
