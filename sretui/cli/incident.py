"""`sretui incident ...`: declare and run incidents from a shell. Offline: imports neither
textual nor httpx, so it starts fast on a bastion."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sretui.cli.common import EXIT_OK, EXIT_PROBLEMS, CliError, format_table
from sretui.domain.durations import humanize_duration

if TYPE_CHECKING:
    from sretui.domain.incident import Severity
    from sretui.services.incidents import IncidentService
    from sretui.services.workspace import Workspace

    Cadence = Mapping[Severity, timedelta]

SUMMARIES = {
    "new": "declare an incident (prints its id)",
    "list": "open incidents, most severe first",
    "show": "one incident with its timeline",
    "note": "add a note to the timeline",
    "role": "give a role to someone",
    "status": "move the incident along its lifecycle",
    "postmortem": "a blameless postmortem draft (Markdown)",
}


def _choices(kind: Any) -> str:
    return "|".join(member.value for member in kind)


def _enum(kind: Any, what: str) -> Callable[[str], str]:
    """An argparse type for one of `kind`'s values (names and the domain's aliases too): a
    wrong value is a usage error that lists the accepted ones, never a traceback."""

    def parse(value: str) -> str:
        try:
            return str(kind(value).value)
        except ValueError:
            accepted = ", ".join(member.value for member in kind)
            raise argparse.ArgumentTypeError(
                f"unknown {what} {value!r}; accepted: {accepted}"
            ) from None

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def add_parser(sub: Any, add_common: Any, named: Collection[str] | None = None) -> None:
    """The `incident` parser. With `named` (the command line's words), only the sub-command it
    names is built, or, when it names none, each is listed with its summary: building `new`,
    `role` and `status` imports the incident domain for its enums."""
    incident = sub.add_parser(
        "incident",
        help="declare and run incidents",
        description="Declare and run incidents. IDs may be given as their last characters.",
    )
    add_common(incident)
    commands = incident.add_subparsers(dest="incident_command", metavar="SUBCOMMAND")
    commands.required = True
    wanted = None if named is None else [name for name in SUMMARIES if name in named]
    for name, summary in SUMMARIES.items():
        if wanted is None or name in wanted:
            add_common(_BUILDERS[name](commands, name, summary))
        elif not wanted:
            commands.add_parser(name, help=summary, add_help=False)


def _add_new(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    from sretui.domain.incident import Broken, Reach, Severity, Trigger

    new: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    new.add_argument("--title", required=True)
    new.add_argument(
        "--severity",
        type=_enum(Severity, "severity"),
        metavar="SEV1..SEV4",
        help="severity, or an override of the matrix",
    )
    new.add_argument(
        "--broken",
        type=_enum(Broken, "answer to what is broken"),
        metavar=_choices(Broken),
        help="what is broken (with --users)",
    )
    new.add_argument(
        "--users",
        type=_enum(Reach, "answer to how many users"),
        metavar=_choices(Reach),
        help="how many users (with --broken)",
    )
    new.add_argument(
        "--trigger",
        action="append",
        default=[],
        type=_enum(Trigger, "trigger"),
        metavar=_choices(Trigger),
        help="an auto-escalation trigger (repeat for more)",
    )
    new.add_argument("--reason", default="", help="why, when --severity overrides the matrix")
    new.add_argument("--service", action="append", default=[], metavar="S")
    new.add_argument("--ic", metavar="NAME", help="incident commander (default: you)")
    new.add_argument("--impact", default="", help="who or what is affected, in one line")
    new.add_argument("--json", action="store_true")
    return new


def _add_list(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    listing: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    listing.add_argument("--all", action="store_true", help="resolved and reviewed ones too")
    listing.add_argument("--json", action="store_true")
    return listing


def _add_show(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    show: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    return show


def _add_note(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    note: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    note.add_argument("id")
    note.add_argument("text")
    return note


def _add_role(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    from sretui.domain.incident import IcsRole

    role: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    role.add_argument("id")
    role.add_argument(
        "role", type=_enum(IcsRole, "role"), metavar="ROLE", help=f"one of {_choices(IcsRole)}"
    )
    role.add_argument("name")
    return role


def _add_status(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    from sretui.domain.incident import IncidentStatus

    status: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    status.add_argument("id")
    status.add_argument(
        "status",
        type=_enum(IncidentStatus, "status"),
        metavar="STATUS",
        help=f"one of {_choices(IncidentStatus)}",
    )
    status.add_argument("--note", default="")
    status.add_argument("--root-cause", help="one line; needed to resolve")
    return status


def _add_postmortem(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    postmortem: argparse.ArgumentParser = commands.add_parser(name, help=summary)
    postmortem.add_argument("id")
    return postmortem


_BUILDERS: dict[str, Callable[[Any, str, str], argparse.ArgumentParser]] = {
    "new": _add_new,
    "list": _add_list,
    "show": _add_show,
    "note": _add_note,
    "role": _add_role,
    "status": _add_status,
    "postmortem": _add_postmortem,
}


def run_incident(args: argparse.Namespace, workspace: Workspace) -> int:
    from sretui.store.errors import StoreError

    try:
        if args.incident_command == "list" and not args.json:
            return _list_rows(args, workspace)
        return _run_on_domain(args, workspace)
    except StoreError as exc:  # read-only, full, locked: names the file
        raise CliError(str(exc), EXIT_PROBLEMS) from None


def _run_on_domain(args: argparse.Namespace, workspace: Workspace) -> int:
    from sretui.domain.incident import (
        IcsRole,
        IncidentError,
        add_note,
        assign_role,
        change_status,
    )
    from sretui.domain.postmortem import draft_postmortem
    from sretui.services.incidents import IncidentService, IncidentStoreError

    cadence = workspace.check_in_cadence
    service = IncidentService(workspace.store(), workspace.user)
    command = args.incident_command
    try:
        if command == "new":
            return _new(args, service, cadence)
        if command == "list":
            return _list_json(args, service, cadence)
        if command == "show":
            return _show(args, service, cadence)
        if command == "note":
            incident = service.apply(args.id, add_note, args.text)
            print(f"{incident.id}: note added")
        elif command == "role":
            incident = service.apply(args.id, assign_role, args.role, args.name)
            print(f"{incident.id}: {IcsRole(args.role).label} is {args.name}")
        elif command == "status":
            incident = service.apply(
                args.id, change_status, args.status, root_cause=args.root_cause, note=args.note
            )
            print(f"{incident.id}: {incident.status.value}")
        elif command == "postmortem":
            incident = service.load(args.id).incident
            sys.stdout.write(draft_postmortem(incident, service.clock()))
        return EXIT_OK
    except IncidentStoreError as exc:
        raise CliError(str(exc), EXIT_PROBLEMS) from None
    except IncidentError as exc:
        raise CliError(str(exc)) from None


def _new(args: argparse.Namespace, service: IncidentService, cadence: Cadence) -> int:
    from sretui.domain.incident import Severity, classify
    from sretui.services.incidents import incident_json

    classification = None
    if args.broken or args.users:
        if not (args.broken and args.users):
            raise CliError("--broken and --users go together (the two matrix questions)")
        classification = classify(args.broken, args.users, args.trigger)
    elif args.trigger:
        raise CliError("--trigger raises a matrix severity: give --broken and --users too")
    if classification is None and not args.severity:
        raise CliError("give --severity SEV1..SEV4, or --broken and --users for the matrix")
    incident = service.declare(
        args.title,
        services=args.service,
        classification=classification,
        severity=Severity(args.severity) if args.severity else None,
        reason=args.reason,
        commander=args.ic,
        impact=args.impact,
    )
    if args.json:
        print(json.dumps(incident_json(incident, cadence), indent=2))
    else:
        print(incident.id)
        print(
            f"{incident.severity.value} · {incident.channel} · IC {incident.commander}",
            file=sys.stderr,
        )
    return EXIT_OK


def _list_rows(args: argparse.Namespace, workspace: Workspace) -> int:
    """The table, from the summary cache: the incident domain is imported only to fold the
    logs that changed since the last listing."""
    from sretui.services.incident_rows import list_rows

    listed = list_rows(workspace.store(), workspace.user, include_closed=args.all)
    code = _say_problems(listed.problems, listed.unreadable)
    if not listed.rows:
        print("No open incidents." if not args.all else "No incidents.")
        return code
    now = datetime.now(UTC)
    table = [("ID", "SEV", "STATUS", "AGE", "IC", "TITLE")]
    for row in listed.rows:
        age = humanize_duration(now - row.declared_at, parts=1)
        table.append((row.id, row.severity, row.status, age, row.commander, row.title))
    print(format_table(table))
    return code


def _list_json(args: argparse.Namespace, service: IncidentService, cadence: Cadence) -> int:
    from sretui.services.incidents import incident_json

    loaded = service.list(include_closed=args.all)
    code = _say_problems([p for item in loaded for p in item.problems], loaded.unreadable)
    print(json.dumps([incident_json(item.incident, cadence) for item in loaded], indent=2))
    return code


def _say_problems(problems: list[Any], unreadable: list[str]) -> int:
    """A listing's skipped lines and left-out logs on stderr; the exit status they mean."""
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    for line in unreadable:
        print(f"sretui: {line}", file=sys.stderr)
    return EXIT_PROBLEMS if unreadable else EXIT_OK


def _show(args: argparse.Namespace, service: IncidentService, cadence: Cadence) -> int:
    from sretui.services.incidents import describe, incident_json

    loaded = service.load(args.id)
    for problem in loaded.problems:
        print(f"warning: {problem}", file=sys.stderr)
    incident = loaded.incident
    if args.json:
        print(json.dumps(incident_json(incident, cadence), indent=2))
        return EXIT_OK
    print(describe(incident))
    return EXIT_OK
