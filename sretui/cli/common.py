"""What every `sretui` subcommand shares: exit codes, the user-error type, the common flags, the
workspace they open, and one plain-text table formatter.

Cheap to import: offline commands must start without textual or httpx."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

from sretui.domain.text import safe_text

if TYPE_CHECKING:
    from sretui.services.workspace import Workspace

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_BACKEND = 3


class CliError(Exception):
    """A user error with a message for stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class SafeStream:
    """A text stream that passes every write through `safe_text`: whatever a command prints
    (an incident's title, a log's author, an argument argparse echoes back), no escape
    sequence or control character reaches the terminal, and bidi controls are shown as
    `<U+202E>`. JSON output is unchanged: `json.dumps` already escapes every such character."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(safe_text(text, keep_newlines=True))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr as SafeStreams for the duration (the headless commands)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = SafeStream(saved[0])  # type: ignore[assignment]
    sys.stderr = SafeStream(saved[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def url_argument(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        from sretui.domain.endpoint import redact_url  # never echo a password back

        shown = redact_url(value)
        raise argparse.ArgumentTypeError(f"{shown!r} is not a URL (expected http://host:port)")
    return value


def add_common(parser: argparse.ArgumentParser, *, suppress: bool = True) -> None:
    """The flags every command takes, before or after the subcommand; SUPPRESS keeps a
    subcommand from resetting a value given before it."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config-dir", metavar="DIR", default=default, help="where definitions are read from"
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", default=default, help="where state is kept (incidents, ...)"
    )
    parser.add_argument(
        "--prometheus",
        metavar="URL",
        type=url_argument,
        default=default,
        help="Prometheus-compatible API to read metrics from (overrides sretui.toml)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="use the bundled examples, a synthetic metrics backend and a throw-away data dir",
    )


def open_cli_workspace(args: argparse.Namespace) -> Workspace:
    from sretui.services.workspace import open_workspace

    return open_workspace(
        config_dir=args.config_dir,
        data_dir=args.data_dir,
        prometheus_url=args.prometheus,
        demo=args.demo,
    )


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart; the first row is the header.
    The last column is not padded, so a long title never pushes trailing blanks."""
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    )
