"""What every `sretui` subcommand shares: exit codes, the user-error type, the common flags, the
workspace they open, and one plain-text table formatter.

Cheap to import: offline commands must start without textual or httpx."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

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


def terminal_columns() -> int:
    """The width help text is wrapped to: $COLUMNS, else the terminal's, else 80 (what
    `shutil.get_terminal_size` answers, without importing shutil)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, told the width instead of asking `shutil`: argparse makes a
    formatter for every argument it adds (to check its metavar), and the first one imports
    shutil, with zlib, bz2 and lzma, about 2 ms of every command's start."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser with `HelpFormatter`; sub-parsers are made of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


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
