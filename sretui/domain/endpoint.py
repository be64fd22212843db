"""How to reach an HTTP backend: plain data, loaded by config/ and used by sources/ (which
reads the token and password files when it sends a request)."""

import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class BasicAuth(NamedTuple):
    username: str
    password: str | None = None  # never in a log or traceback: see __repr__
    password_file: Path | None = None

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password_file={self.password_file!r})"


class Endpoint(NamedTuple):
    """How to reach an HTTP backend (Prometheus-compatible or Alertmanager)."""

    url: str
    headers: Mapping[str, str] = NO_HEADERS
    bearer_token_file: Path | None = None
    basic_auth: BasicAuth | None = None
    ca_file: Path | None = None
    timeout: float = 10.0


def redact_url(url: str) -> str:
    """`url` as it may be shown: parsed, with any user:password part dropped.

    A URL that does not parse cleanly (a '/' or '@' in an unencoded password makes the password
    look like part of the host or path) is not shown at all beyond its scheme, because no
    parse can say which part is secret."""
    if "@" not in url:
        return url  # no user:password part to hide
    parts = urllib.parse.urlsplit(url)
    hidden = f"{parts.scheme or '?'}://(address not shown: not a valid URL)"
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return hidden
    if "@" in parts.path or "@" in parts.query or "@" in parts.fragment:
        return hidden
    if not host:
        return hidden if "@" in parts.netloc else url
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
