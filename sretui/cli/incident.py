"""`sretui incident ...`: declare and run incidents from a shell. Offline: imports neither
textual nor httpx, so it starts fast on a bastion."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from sretui.cli.common import EXIT_OK, EXIT_PROBLEMS, CliError, format_table
from sretui.domain.durations import humanize_duration
from sretui.domain.incident import (
    Broken,
    IcsRole,
    IncidentError,
    IncidentStatus,
    Reach,
    Severity,
    Trigger,
    add_note,
    assign_role,
    change_status,
    classify,
)
from sretui.domain.postmortem import draft_postmortem
from sretui.services.incidents import (
    IncidentService,
    IncidentStoreError,
    describe,
    incident_json,
)
from sretui.services.workspace import Workspace
from sretui.store import StoreError

Cadence = Mapping[Severity, timedelta]


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


def add_parser(sub: Any, add_common: Any) -> None:
    incident = sub.add_parser(
        "incident",
        help="declare and run incidents",
        description="Declare and run incidents. IDs may be given as their last characters.",
    )
    add_common(incident)
    commands = incident.add_subparsers(dest="incident_command", metavar="SUBCOMMAND")
    commands.required = True

    new = commands.add_parser("new", help="declare an incident (prints its id)")
    add_common(new)
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

    listing = commands.add_parser("list", help="open incidents, most severe first")
    add_common(listing)
    listing.add_argument("--all", action="store_true", help="resolved and reviewed ones too")
    listing.add_argument("--json", action="store_true")

    show = commands.add_parser("show", help="one incident with its timeline")
    add_common(show)
    show.add_argument("id")
    show.add_argument("--json", action="store_true")

    note = commands.add_parser("note", help="add a note to the timeline")
    add_common(note)
    note.add_argument("id")
    note.add_argument("text")

    role = commands.add_parser("role", help="give a role to someone")
    add_common(role)
    role.add_argument("id")
    role.add_argument(
        "role", type=_enum(IcsRole, "role"), metavar="ROLE", help=f"one of {_choices(IcsRole)}"
    )
    role.add_argument("name")

    status = commands.add_parser("status", help="move the incident along its lifecycle")
    add_common(status)
    status.add_argument("id")
    status.add_argument(
        "status",
        type=_enum(IncidentStatus, "status"),
        metavar="STATUS",
        help=f"one of {_choices(IncidentStatus)}",
    )
    status.add_argument("--note", default="")
    status.add_argument("--root-cause", help="one line; needed to resolve")

    postmortem = commands.add_parser("postmortem", help="a blameless postmortem draft (Markdown)")
    add_common(postmortem)
    postmortem.add_argument("id")


def run_incident(args: argparse.Namespace, workspace: Workspace) -> int:
    cadence = workspace.check_in_cadence
    service = IncidentService(workspace.store(), workspace.user)
    command = args.incident_command
    try:
        if command == "new":
            return _new(args, service, cadence)
        if command == "list":
            return _list(args, service, cadence)
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
    except (StoreError, IncidentStoreError) as exc:  # read-only, full, locked: names the file
        raise CliError(str(exc), EXIT_PROBLEMS) from None
    except IncidentError as exc:
        raise CliError(str(exc)) from None


def _new(args: argparse.Namespace, service: IncidentService, cadence: Cadence) -> int:
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


def _list(args: argparse.Namespace, service: IncidentService, cadence: Cadence) -> int:
    loaded = service.list(include_closed=args.all)
    for item in loaded:
        for problem in item.problems:
            print(f"warning: {problem}", file=sys.stderr)
    for unreadable in loaded.unreadable:
        print(f"sretui: {unreadable}", file=sys.stderr)
    code = EXIT_PROBLEMS if loaded.unreadable else EXIT_OK
    if args.json:
        print(json.dumps([incident_json(item.incident, cadence) for item in loaded], indent=2))
        return code
    now = service.clock()
    rows = [("ID", "SEV", "STATUS", "AGE", "IC", "TITLE")]
    for item in loaded:
        inc = item.incident
        rows.append(
            (
                inc.id,
                inc.severity.value,
                inc.status.value,
                humanize_duration(now - inc.declared_at, parts=1),
                inc.commander,
                inc.title,
            )
        )
    if len(rows) == 1:
        print("No open incidents." if not args.all else "No incidents.")
        return code
    print(format_table(rows))
    return code


def _show(args: argparse.Namespace, service: IncidentService, cadence: Cadence) -> int:
    loaded = service.load(args.id)
    for problem in loaded.problems:
        print(f"warning: {problem}", file=sys.stderr)
    incident = loaded.incident
    if args.json:
        print(json.dumps(incident_json(incident, cadence), indent=2))
        return EXIT_OK
    print(describe(incident))
    return EXIT_OK
