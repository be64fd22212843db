"""`sretui budget`: the budgets table, its JSON, the CI gate, and the Prometheus rules."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from sretui.cli.common import EXIT_BACKEND, EXIT_OK, EXIT_PROBLEMS, CliError, format_table
from sretui.domain.budget import ALERTING_WORDS, BudgetReport, format_coverage
from sretui.services.budgets import BudgetService, report_json, sort_worst_first
from sretui.services.workspace import Workspace


def run_budget(args: argparse.Namespace, workspace: Workspace) -> int:
    slos = workspace.definitions.slos
    if args.slo:
        known = {s.name for s in slos}
        unknown = [name for name in args.slo if name not in known]
        if unknown:
            raise CliError(
                f"no SLO named {', '.join(map(repr, unknown))}; defined: "
                f"{', '.join(sorted(known)) or 'none'}"
            )
        slos = [s for s in slos if s.name in args.slo]
    for problem in workspace.definitions.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if getattr(args, "budget_command", None) == "rules":
        from sretui.services.rules import render_rules

        sys.stdout.write(render_rules(slos))
        return EXIT_OK
    if not slos:
        raise CliError(f"no SLOs defined in {workspace.config_dir} (slos.toml or slos/*.toml)")
    source = workspace.metrics_source()
    if source is None:
        raise CliError(
            "no metrics backend: set [prometheus] url in sretui.toml, pass --prometheus URL, "
            "or try --demo"
        )

    now = datetime.now(UTC)  # one instant for every query and for generated_at

    async def read() -> list[BudgetReport]:
        try:
            return await BudgetService(source, slos, clock=lambda: now).refresh()
        finally:
            await source.aclose()

    reports = sort_worst_first(asyncio.run(read()))
    if args.json:
        payload = {
            "generated_at": now.isoformat(),
            "source": source.description,
            "slos": [report_json(r) for r in reports],
        }
        print(json.dumps(payload, indent=2))
    else:
        print(budget_table(reports))
    failed = [r for r in reports if r.error]
    for report in failed:
        print(f"sretui: {report.slo.name}: {report.error}", file=sys.stderr)
    if args.fail_under is not None:
        under = [
            r
            for r in reports
            if r.budget_remaining is None or r.budget_remaining * 100 < args.fail_under
        ]
        for report in under:
            left = (
                "unknown"
                if report.budget_remaining is None
                else f"{report.budget_remaining * 100:.2f}%"
            )
            print(
                f"sretui: {report.slo.name}: budget remaining {left} is under {args.fail_under:g}%",
                file=sys.stderr,
            )
        if under:
            return EXIT_PROBLEMS
    if failed:
        return EXIT_BACKEND
    return EXIT_OK


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _burn(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def budget_table(reports: list[BudgetReport]) -> str:
    header = (
        "SERVICE",
        "SLO",
        "OBJ",
        "LEFT",
        "1h",
        "6h",
        "1d",
        "3d",
        "STATE",
        "ALERTING",
        "FIRING",
        "DATA",
        "EMPTY IN",
    )
    rows: list[tuple[str, ...]] = [header]
    for r in reports:
        firing = r.firing_label or "-"
        rows.append(
            (
                r.slo.service,
                r.slo.name,
                f"{r.slo.objective:g}%",
                _pct(r.budget_remaining),
                *(_burn(r.burn_rates.get(w)) for w in ("1h", "6h", "1d", "3d")),
                r.state.value,
                ALERTING_WORDS.get(r.alerting, "-") if r.alerting else "-",
                firing,
                format_coverage(r.coverage),
                r.exhaustion_text(),
            )
        )
    return format_table(rows)
