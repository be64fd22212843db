"""Load the definition files people write: SLOs, runbooks and game-day plans.

Every loader collects problems instead of raising, keeps every definition that is valid, and
drops only the ones with problems, so one typo never hides the rest of the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from sretui.config.problems import ConfigError, Problem
from sretui.config.promql_check import check_promql
from sretui.config.schema import Reader, key_name
from sretui.config.tomlfile import TomlDocument, read_toml
from sretui.domain.durations import format_duration
from sretui.domain.gameday import ChecklistPhase, FaultType, GameDay, MetricCheck
from sretui.domain.runbook import Escalation, Runbook, RunbookStep
from sretui.domain.slo import (
    ALERT_SEVERITIES,
    DEFAULT_POLICY,
    POLICY_STATES,
    SLI,
    SLO,
    BudgetState,
    BurnRateAlert,
    Calendar,
    default_alerts,
    has_window_placeholder,
)

OBJECTIVE_DECIMALS = 6
"""An objective like 99.999999 is the most precise one kept; more digits are refused."""
CALENDAR_WINDOWS = {Calendar.MONTH: timedelta(days=30), Calendar.WEEK: timedelta(days=7)}


class Definitions:
    """Everything loaded from a config dir, with the problems found on the way."""

    __slots__ = ("config_dir", "files", "gamedays", "problems", "runbooks", "slos")

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self.slos: list[SLO] = []
        self.runbooks: list[Runbook] = []
        self.gamedays: list[GameDay] = []
        self.problems: list[Problem] = []
        self.files: list[Path] = []


def load_definitions(config_dir: Path) -> Definitions:
    defs = Definitions(config_dir)
    defs.slos = load_slos(config_dir, defs.problems, defs.files)
    defs.runbooks = _load_each(
        sorted((config_dir / "runbooks").glob("*.toml")), _runbook, defs.problems, defs.files
    )
    defs.gamedays = _load_each(
        sorted((config_dir / "gamedays").glob("*.toml")), _gameday, defs.problems, defs.files
    )
    if not config_dir.is_dir():
        defs.problems.append(Problem(config_dir, None, "config dir does not exist"))
    # Within a file, report in the order people read it.
    order = {path: index for index, path in enumerate(defs.files)}
    defs.problems.sort(key=lambda p: (order.get(p.path, -1), p.line or 0))
    return defs


def slo_files(config_dir: Path) -> list[Path]:
    files = []
    single = config_dir / "slos.toml"
    if single.exists():
        files.append(single)
    files.extend(sorted((config_dir / "slos").glob("*.toml")))
    return files


def _read(path: Path, problems: list[Problem], files: list[Path]) -> TomlDocument | None:
    files.append(path)
    try:
        return read_toml(path)
    except ConfigError as exc:
        problems.append(exc.problem)
        return None


# -- SLOs -------------------------------------------------------------------------------------


def load_slos(config_dir: Path, problems: list[Problem], files: list[Path]) -> list[SLO]:
    slos: list[SLO] = []
    seen: dict[str, tuple[Path, Reader]] = {}  # a line is looked up only for a duplicate
    for path in slo_files(config_dir):
        doc = _read(path, problems, files)
        if doc is None:
            continue
        root = Reader.root(doc, problems)
        tables = root.tables("slo")
        root.finish()
        if not tables and not root.has("slo") and not root.data:
            continue
        if not tables and root.ok:
            problems.append(Problem(path, None, "no [[slo]] tables in this file"))
        for table in tables:
            slo = _slo(table)
            if slo is None:
                continue
            if slo.name in seen:
                first_path, first = seen[slo.name]
                where = f"{first_path}:{first.line()}"
                table.problem("name", f"duplicate SLO name {slo.name!r} (first defined at {where})")
                continue
            seen[slo.name] = (path, table)
            slos.append(slo)
    return slos


def _slo(table: Reader) -> SLO | None:
    name = table.name("name", required=True)
    service = table.name("service", required=True)
    description = table.string("description", default="", allow_empty=True) or ""
    owner = table.string("owner", default="", allow_empty=True) or ""
    objective = table.number("objective", required=True, minimum=0, maximum=100, exclusive=True)
    if objective is not None and round(objective, OBJECTIVE_DECIMALS) != objective:
        # 1e-300 or 99.99999999999999: the error budget (100 - objective) is then rounding noise.
        table.problem(
            "objective",
            f"{objective!r} has more than {OBJECTIVE_DECIMALS} decimal places; "
            "the budget arithmetic cannot keep it meaningful",
        )
        objective = None
    calendar_text = table.string("calendar", choices=[c.value for c in Calendar])
    calendar = Calendar(calendar_text) if calendar_text else None
    window: timedelta | None
    if calendar is not None:
        window = CALENDAR_WINDOWS[calendar]
        if table.has("window"):
            table.duration("window")
            table.problem("window", "set either window (rolling) or calendar, not both")
    else:
        window = table.duration("window", required=True, minimum=timedelta(minutes=1))
        if window is not None and window < timedelta(hours=1):
            table.problem("window", "an SLO window shorter than 1h makes no sense")
            window = None
    min_events = table.number("min_events", default=0.0, minimum=0, maximum=1e12) or 0.0
    sli = _sli(table.table("sli", required=True))
    alerts = _alerts(table, objective, window)
    policy, custom_policy = _policy(table.table("policy"))
    table.finish()
    if not table.ok or None in (name, service, objective, window, sli):
        return None
    assert name and service and objective is not None and window and sli  # for the type checker
    return SLO(
        name=name,
        service=service,
        objective=objective,
        window=window,
        sli=sli,
        description=description,
        owner=owner,
        calendar=calendar,
        alerts=alerts,
        policy=policy,
        min_events=min_events,
        custom_policy=custom_policy,
    )


def _sli(table: Reader | None) -> SLI | None:
    if table is None:
        return None
    error_query = table.string("error_query", required=True)
    total_query = table.string("total_query", required=True)
    for key, query in (("error_query", error_query), ("total_query", total_query)):
        if query is not None and not query.replace("{{window}}", "").strip():
            table.problem(key, "is only the {{window}} placeholder; write a PromQL query around it")
            continue
        if query is not None and not has_window_placeholder(query):
            table.problem(key, "has no {{window}} placeholder, so every window would read the same")
        check_promql(table, key, query)
    table.finish()
    if not table.ok or error_query is None or total_query is None:
        return None
    return SLI(error_query, total_query)


def _alerts(
    table: Reader, objective: float | None, window: timedelta | None
) -> tuple[BurnRateAlert, ...]:
    readers = table.tables("alert")
    if not readers:
        return default_alerts(window) if window else ()
    alerts = []
    max_burn = None
    if objective is not None and 0 < objective < 100:
        max_burn = 100 / (100 - objective)
    for alert in readers:
        severity = alert.string("severity", required=True, choices=list(ALERT_SEVERITIES))
        burn_rate = alert.number("burn_rate", required=True, minimum=0, exclusive=True)
        long = alert.duration("long", required=True)
        short = alert.duration("short", required=True)
        if long and short and short >= long:
            alert.problem("short", "the short window must be shorter than the long window")
        if window and long and long > window:
            _warn(
                alert,
                "long",
                f"the long window {format_duration(long)} is longer than the SLO window "
                f"{format_duration(window)}, so its burn rate says nothing about this budget",
            )
        if severity == "page" and burn_rate is not None and burn_rate < 1:
            _warn(
                alert,
                "burn_rate",
                f"a page at {burn_rate:g}x fires while the budget is spent slower than the SLO "
                "allows: it pages on a healthy service (page at 1x or more, or make it a ticket)",
            )
        if burn_rate is not None and max_burn is not None and burn_rate > max_burn:
            alert.problem(
                "burn_rate",
                f"{burn_rate:g}x can never fire: with objective {objective:g}% the highest "
                f"possible burn rate (every request failing) is {max_burn:.4g}x",
            )
        alert.finish()
        if alert.ok and severity and burn_rate and long and short:
            alerts.append(BurnRateAlert(severity, burn_rate, long, short))
    return tuple(alerts)


def _warn(table: Reader, key: str, message: str) -> None:
    """Report something doubtful that still works: the definition is kept."""
    where = key_name((*table.key_path, key))
    table.problems.append(Problem(table.doc.path, table.line(key), f"warning: {where}: {message}"))


def _policy(
    table: Reader | None,
) -> tuple[dict[BudgetState, tuple[str, ...]], frozenset[BudgetState]]:
    """The policy per state, and which states the team wrote (the rest are the default)."""
    policy = dict(DEFAULT_POLICY)
    if table is None:
        return policy, frozenset()
    custom: set[BudgetState] = set()
    for state in POLICY_STATES:
        if table.has(state.value):
            policy[state] = table.string_list(state.value)
            custom.add(state)
    table.finish()
    return policy, frozenset(custom)


# -- runbooks ---------------------------------------------------------------------------------


def _runbook(root: Reader) -> Runbook | None:
    name = root.string("name", default=root.doc.path.stem)
    title = root.string("title", required=True)
    service = root.string("service", default="") or ""
    alert = root.string("alert", default="") or ""
    owner = root.string("owner", default="") or ""
    overview = root.string("overview", default="", allow_empty=True) or ""
    impact = root.string("impact", default="", allow_empty=True) or ""
    steps = []
    for step in root.tables("step", required=True):
        title_text = step.string("title", required=True)
        parsed = RunbookStep(
            title=title_text or "",
            description=step.string("description", default="", allow_empty=True) or "",
            command=step.string("command", default="", allow_empty=True) or "",
            expected=step.string("expected", default="", allow_empty=True) or "",
            if_unexpected=step.string("if_unexpected", default="", allow_empty=True) or "",
            link=step.string("link", default="", allow_empty=True) or "",
            timeout=step.duration("timeout"),
        )
        step.finish()
        steps.append(parsed)
    escalations = []
    for escalation in root.tables("escalation"):
        after = escalation.duration("after", required=True)
        contact = escalation.string("contact", required=True)
        context = escalation.string("context", default="", allow_empty=True) or ""
        escalation.finish()
        if after and contact:
            escalations.append(Escalation(after, contact, context))
    root.finish()
    if not root.ok or not title or not name:
        return None
    return Runbook(
        name=name,
        title=title,
        steps=tuple(steps),
        service=service,
        alert=alert,
        owner=owner,
        overview=overview,
        impact=impact,
        escalation=tuple(sorted(escalations, key=lambda e: e.after)),
    )


# -- game days --------------------------------------------------------------------------------


def _checks(root: Reader, key: str) -> tuple[MetricCheck, ...]:
    checks = []
    for check in root.tables(key):
        name = check.string("name", required=True)
        query = check.string("query", required=True)
        check_promql(check, "query", query)
        low = check.number("min")
        high = check.number("max")
        if low is None and high is None and check.ok:
            check.problem(None, "needs min, max or both: the range the value must stay in")
        if low is not None and high is not None and low > high:
            check.problem("min", f"min {low:g} is above max {high:g}")
        check.finish()
        if check.ok and name and query:
            checks.append(MetricCheck(name, query, low, high))
    return tuple(checks)


def _gameday(root: Reader) -> GameDay | None:
    name = root.string("name", default=root.doc.path.stem)
    title = root.string("title", required=True)
    hypothesis = root.string("hypothesis", required=True)
    service = root.string("service", required=True)
    fault = root.string("fault_type", required=True, choices=[f.value for f in FaultType])
    target = root.string("target", required=True)
    duration = root.duration("duration", required=True)
    blast_radius = root.string("blast_radius", default="") or ""
    rollback_plan = root.string("rollback_plan", default="", allow_empty=True) or ""
    approvals = root.string_list("approvals")
    steady_state = _checks(root, "steady_state")
    abort = _checks(root, "abort")
    checklist: dict[ChecklistPhase, tuple[str, ...]] = {}
    table = root.table("checklist")
    if table is not None:
        for phase in ChecklistPhase:
            checklist[phase] = table.string_list(phase.value)
        table.finish()
    root.finish()
    if not root.ok or not (name and title and hypothesis and service and fault and target):
        return None
    if duration is None:
        return None
    return GameDay(
        name=name,
        title=title,
        hypothesis=hypothesis,
        service=service,
        fault_type=FaultType(fault),
        target=target,
        duration=duration,
        blast_radius=blast_radius,
        rollback_plan=rollback_plan,
        approvals=approvals,
        steady_state=steady_state,
        abort=abort,
        checklist=checklist or None,
    )


# -- shared -----------------------------------------------------------------------------------


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_T = TypeVar("_T", bound=_Named)


def _load_each(
    paths: Iterable[Path],
    build: Callable[[Reader], _T | None],
    problems: list[Problem],
    files: list[Path],
) -> list[_T]:
    """Build one definition per file, reporting files that share a name."""
    out: list[_T] = []
    first: dict[str, Path] = {}
    for path in paths:
        doc = _read(path, problems, files)
        if doc is None:
            continue
        item = build(Reader.root(doc, problems))
        if item is None:
            continue
        if item.name in first:
            problems.append(
                Problem(path, None, f"name {item.name!r} is already used by {first[item.name]}")
            )
            continue
        first[item.name] = path
        out.append(item)
    return out
