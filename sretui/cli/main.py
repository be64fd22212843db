"""The `sretui` parser and dispatch: opens the app, or runs a headless subcommand.

Keep imports at the top of this module cheap: offline commands (check, toil, ...) must start
without importing textual or httpx. The app and the network clients are imported on demand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from sretui import __version__
from sretui.cli.common import (
    EXIT_PROBLEMS,
    CliError,
    Parser,
    add_common,
    open_cli_workspace,
    safe_streams,
)
from sretui.store.errors import StoreError

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def build_parser(
    argv: Sequence[str] | None = None, *, full: bool = False
) -> argparse.ArgumentParser:
    """The parser for `argv`, or for everything with `full`.

    A sub-parser costs argparse about a quarter of a millisecond to create, and more for its
    arguments; the incident one imports the incident domain for its enums. So when `argv` names
    a subcommand only that one is built (it is all that can be parsed or helped), and otherwise
    every subcommand is listed (for `sretui --help` and the choices of a usage error) with only
    its one-line summary."""
    parser = Parser(
        prog="sretui",
        description="A terminal console for on-call engineers. Without a command, opens the app.",
        epilog="Definitions are read from the config dir, state is kept in the data dir. "
        "Environment: SRETUI_CONFIG_DIR, SRETUI_DATA_DIR (flags win over both).",
    )
    parser.add_argument("--version", action="version", version=f"sretui {__version__}")
    add_common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    words = set(argv or ())
    named = None if full else [name for name in SUBCOMMANDS if name in words]
    for name, summary in SUBCOMMANDS.items():
        if named is None or name in named:
            BUILDERS.get(name, _add_area)(sub, name, summary, None if full else words)
        elif not named:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


def _add_check(sub: Subparsers, name: str, summary: str, named: Collection[str] | None) -> None:
    check = sub.add_parser(
        name,
        help=summary,
        description="Validate sretui.toml, SLOs, runbooks and game-day plans. "
        "Prints each problem as path:line: message and exits 1 when there is any.",
    )
    add_common(check)
    check.add_argument("--json", action="store_true", help="print the problems as JSON")


def _add_budget(sub: Subparsers, name: str, summary: str, named: Collection[str] | None) -> None:
    budget = sub.add_parser(
        name,
        help=summary,
        description="Error budgets of every SLO, read now from the metrics backend. "
        "Exit status: 0 fine, 1 an SLO is under --fail-under (or unreadable), "
        "3 the backend could not be read.",
    )
    add_common(budget)
    budget.add_argument(
        "--json", action="store_true", help="print the result as JSON (see the README)"
    )
    budget.add_argument(
        "--slo", action="append", metavar="NAME", help="only this SLO (repeat for more)"
    )
    budget.add_argument(
        "--fail-under",
        type=_percent,
        metavar="PCT",
        help="exit 1 when any SLO has less than PCT %% of its budget left (a CI gate)",
    )
    budget_sub = budget.add_subparsers(dest="budget_command", metavar="SUBCOMMAND")
    rules = budget_sub.add_parser(
        "rules",
        help="print Prometheus recording and alerting rules for the SLOs",
        description="Prometheus recording rules (one per SLO and window) and multiwindow "
        "burn-rate alerts, as YAML that promtool check rules accepts.",
    )
    add_common(rules)


def _add_incident(sub: Subparsers, name: str, summary: str, named: Collection[str] | None) -> None:
    from sretui.cli.incident import add_parser as add_incident_parser

    add_incident_parser(sub, add_common, named)


def _add_area(sub: Subparsers, name: str, summary: str, named: Collection[str] | None) -> None:
    """An area whose commands are not built yet: it takes the common flags and says so."""
    area = sub.add_parser(name, help=summary, description=summary)
    add_common(area)
    area.add_argument("--json", action="store_true", help="print data as JSON")


def _percent(value: str) -> float:
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a percentage") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"{value!r} is not between 0 and 100")
    return number


# Every subcommand, in the order `sretui --help` lists them; each later issue fills in its own.
SUBCOMMANDS = {
    "check": "validate every definition file",
    "budget": "error budgets and burn rates from Prometheus",
    "incident": "declare and run incidents",
    "runbook": "list and step through runbooks",
    "handoff": "build the shift handoff document",
    "toil": "log toil and see automation candidates",
    "gameday": "game-day plans and runs",
}


def cmd_check(args: argparse.Namespace) -> int:
    from sretui.cli.check import run_check

    return run_check(args, open_cli_workspace(args))


def cmd_budget(args: argparse.Namespace) -> int:
    from sretui.cli.budget import run_budget

    return run_budget(args, open_cli_workspace(args))


def cmd_incident(args: argparse.Namespace) -> int:
    from sretui.cli.incident import run_incident

    return run_incident(args, open_cli_workspace(args))


def cmd_area_not_built(args: argparse.Namespace) -> int:
    raise CliError(
        f"{args.command}: not built yet in sretui {__version__}; "
        "the app shows what is available (run sretui, or sretui --demo)."
    )


def cmd_app(args: argparse.Namespace) -> int:
    from sretui.app import make_app

    app = make_app(
        config_dir=args.config_dir,
        data_dir=args.data_dir,
        prometheus_url=args.prometheus,
        demo=args.demo,
    )
    app.run()
    return app.return_code or 0


BUILDERS: dict[str, Callable[[Subparsers, str, str, Collection[str] | None], None]] = {
    "check": _add_check,
    "budget": _add_budget,
    "incident": _add_incident,
}

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "budget": cmd_budget,
    "incident": cmd_incident,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    for position, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 arrive surrogate-escaped
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            print(f"sretui: argument {position} is not valid UTF-8: {shown!r}", file=sys.stderr)
            return 2
    with safe_streams():  # what is parsed and what headless commands print
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        for name, default in (
            ("config_dir", None),
            ("data_dir", None),
            ("prometheus", None),
            ("demo", False),
        ):
            if not hasattr(args, name):
                setattr(args, name, default)
        if args.command:
            return _run(COMMANDS.get(args.command, cmd_area_not_built), args)
    return _run(cmd_app, args)  # the app owns the terminal: its screens neutralise what they show


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except CliError as exc:
        print(f"sretui: {exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        # A read-only data dir, a full disk, a symlink: one line naming the file, no traceback.
        print(f"sretui: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
