"""The `sretui` command: opens the app, or runs a headless subcommand.

Keep imports at the top of this module cheap: offline commands (check, toil, ...) must start
without importing textual or httpx. The app and the network clients are imported on demand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sretui import __version__

if TYPE_CHECKING:
    from sretui.services.workspace import Workspace

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user error with a message for stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL (expected http://host:port)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sretui",
        description="A terminal console for on-call engineers. Without a command, opens the app.",
        epilog="Definitions are read from the config dir, state is kept in the data dir. "
        "Environment: SRETUI_CONFIG_DIR, SRETUI_DATA_DIR (flags win over both).",
    )
    parser.add_argument("--version", action="version", version=f"sretui {__version__}")
    _add_common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="validate every definition file",
        description="Validate sretui.toml, SLOs, runbooks and game-day plans. "
        "Prints each problem as path:line: message and exits 1 when there is any.",
    )
    _add_common(check)
    check.add_argument("--json", action="store_true", help="print the problems as JSON")

    budget = sub.add_parser(
        "budget",
        help=AREA_COMMANDS["budget"],
        description="Error budgets of every SLO, read now from the metrics backend. "
        "Exit status: 0 fine, 1 an SLO is under --fail-under (or unreadable), "
        "3 the backend could not be read.",
    )
    _add_common(budget)
    budget.add_argument("--json", action="store_true", help="print the DESIGN.md JSON")
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
    _add_common(rules)

    from sretui.cli_incident import add_parser as add_incident_parser

    add_incident_parser(sub, _add_common)

    for name, summary in AREA_COMMANDS.items():
        if name in ("budget", "incident"):
            continue
        area = sub.add_parser(name, help=summary, description=summary)
        _add_common(area)
        area.add_argument("--json", action="store_true", help="print data as JSON")
    return parser


def _percent(value: str) -> float:
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a percentage") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"{value!r} is not between 0 and 100")
    return number


# Subcommands for each area; each later issue fills in its own.
AREA_COMMANDS = {
    "budget": "error budgets and burn rates from Prometheus",
    "incident": "declare and run incidents",
    "runbook": "list and step through runbooks",
    "handoff": "build the shift handoff document",
    "toil": "log toil and see automation candidates",
    "gameday": "game-day plans and runs",
}


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool = True) -> None:
    # Accepted before or after the subcommand; SUPPRESS keeps a subcommand from resetting a
    # value given before it.
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
        type=_url,
        default=default,
        help="Prometheus-compatible API to read metrics from (overrides sretui.toml)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="use the bundled examples, a synthetic metrics backend and a throw-away data dir",
    )


def _workspace(args: argparse.Namespace) -> Workspace:
    from sretui.services.workspace import open_workspace

    return open_workspace(
        config_dir=args.config_dir,
        data_dir=args.data_dir,
        prometheus_url=args.prometheus,
        demo=args.demo,
    )


def cmd_check(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    problems = workspace.problems
    defs = workspace.definitions
    if args.json:
        payload = {
            "config_dir": str(workspace.config_dir),
            "files": [str(p) for p in defs.files],
            "problems": [
                {"path": str(p.path), "line": p.line, "message": p.message} for p in problems
            ],
        }
        print(json.dumps(payload, indent=2))
    else:
        for problem in problems:
            print(problem)
        counts = (
            f"{len(defs.slos)} SLOs, {len(defs.runbooks)} runbooks, "
            f"{len(defs.gamedays)} game-day plans"
        )
        verdict = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        print(f"{verdict} in {workspace.config_dir} ({counts} valid)", file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


def cmd_budget(args: argparse.Namespace) -> int:
    from sretui.cli_budget import run_budget

    return run_budget(args, _workspace(args))


def cmd_incident(args: argparse.Namespace) -> int:
    from sretui.cli_incident import run_incident

    return run_incident(args, _workspace(args))


def cmd_area_not_built(args: argparse.Namespace) -> int:
    raise CliError(
        f"sretui {args.command}: not built yet in sretui {__version__}; "
        "the app shows what is available (run sretui, or sretui --demo)."
    )


def cmd_app(args: argparse.Namespace) -> int:
    from sretui.app import SreApp

    workspace = _workspace(args)
    app = SreApp(workspace)
    app.run()
    return app.return_code or 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "budget": cmd_budget,
    "incident": cmd_incident,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (
        ("config_dir", None),
        ("data_dir", None),
        ("prometheus", None),
        ("demo", False),
    ):
        if not hasattr(args, name):
            setattr(args, name, default)
    handler = COMMANDS.get(args.command or "", cmd_area_not_built) if args.command else cmd_app
    try:
        return handler(args)
    except CliError as exc:
        print(f"sretui: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
