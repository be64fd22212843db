"""`sretui check`: every problem in the definitions, as path:line: message."""

from __future__ import annotations

import argparse
import json
import sys

from sretui.cli.common import EXIT_OK, EXIT_PROBLEMS
from sretui.services.workspace import Workspace


def run_check(args: argparse.Namespace, workspace: Workspace) -> int:
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
