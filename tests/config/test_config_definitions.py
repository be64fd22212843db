from datetime import timedelta
from pathlib import Path

from conftest import write

from sretui.config.definitions import load_definitions
from sretui.domain.slo import BudgetState, Calendar

SLI = """[slo.sli]
error_query = 'sum(rate(e[{{window}}]))'
total_query = 'sum(rate(t[{{window}}]))'
"""


def test_bundled_examples_are_valid(config_dir: Path) -> None:
    defs = load_definitions(config_dir)
    assert defs.problems == []
    assert [s.name for s in defs.slos] == [
        "checkout-availability",
        "checkout-latency",
        "payments-availability",
        "search-availability",
        "auth-availability",
        "catalog-availability",
    ]
    payments = defs.slos[2]
    assert payments.window == timedelta(days=28)
    assert payments.alerts[0].burn_rate == 13.44
    assert payments.min_events == 100
    assert payments.policy[BudgetState.CRITICAL][0].startswith("Feature freeze for payments")
    assert payments.policy[BudgetState.EXHAUSTED][0].startswith("Complete deployment freeze")
    catalog = defs.slos[5]
    assert catalog.calendar is Calendar.MONTH
    assert catalog.window_label == "month"
    assert [r.name for r in defs.runbooks] == ["checkout-5xx", "search-latency"]
    assert len(defs.runbooks[0].steps) == 4
    assert [e.after for e in defs.runbooks[0].escalation] == [
        timedelta(minutes=30),
        timedelta(hours=1),
    ]
    assert [g.name for g in defs.gamedays] == ["payments-db-latency"]
    assert defs.gamedays[0].abort[0].max == 0.01


def test_slo_problems_are_located_and_valid_slos_survive(tmp_path: Path) -> None:
    path = write(
        tmp_path / "slos.toml",
        f"""[[slo]]
name = "broken"
service = "s"
objective = 100
window = "30x"
[slo.sli]
error_query = 'sum(rate(e[5m]))'
total_query = 'sum(rate(t[{{{{window}}}}]))'

[[slo]]
name = "never-fires"
service = "s"
objective = 99.9
window = "30d"
{SLI}[[slo.alert]]
severity = "page"
burn_rate = 2000
long = "1h"
short = "5m"

[[slo]]
name = "good"
service = "s"
objective = 99.5
window = "7d"
{SLI}
[[slo]]
name = "good"
service = "s"
objective = 99.5
window = "7d"
{SLI}""",
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:4: slo[1].objective: 100 is out of range: must be between 0 and 100 (exclusive)",
        f"{path}:5: slo[1].window: '30x' is not a duration; expected e.g. '5m', '1h30m', '30d'",
        f"{path}:7: slo[1].sli.error_query: has no {{{{window}}}} placeholder, so every window "
        "would read the same",
        f"{path}:20: slo[2].alert[1].burn_rate: 2000x can never fire: with objective 99.9% the "
        "highest possible burn rate (every request failing) is 1000x",
        f"{path}:34: slo[4].name: duplicate SLO name 'good' (first defined at {path}:24)",
    ]
    assert [s.name for s in defs.slos] == ["good"]


def test_slo_window_and_calendar_are_exclusive(tmp_path: Path) -> None:
    path = write(
        tmp_path / "slos" / "a.toml",
        f'[[slo]]\nname = "a"\nservice = "s"\nobjective = 99.9\nwindow = "30d"\n'
        f'calendar = "quarter"\n{SLI}',
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:6: slo[1].calendar: 'quarter' is not one of: month, week"
    ]


def test_missing_required_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "slos.toml", '[[slo]]\nname = "a"\n')
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:1: missing required key 'service' in slo[1]",
        f"{path}:1: missing required key 'objective' in slo[1]",
        f"{path}:1: missing required key 'window' in slo[1]",
        f"{path}:1: missing required key 'sli' in slo[1]",
    ]


def test_alert_windows_are_checked(tmp_path: Path) -> None:
    path = write(
        tmp_path / "slos.toml",
        f'[[slo]]\nname = "a"\nservice = "s"\nobjective = 99.9\nwindow = "7d"\n{SLI}'
        '[[slo.alert]]\nseverity = "page"\nburn_rate = 10\nlong = "5m"\nshort = "1h"\n'
        '[[slo.alert]]\nseverity = "ticket"\nburn_rate = 1\nlong = "8d"\nshort = "6h"\n',
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:13: slo[1].alert[1].short: the short window must be shorter than the long window",
        f"{path}:17: warning: slo[1].alert[2].long: the long window 8d is longer than the SLO "
        "window 7d, so its burn rate says nothing about this budget",
    ]


def test_check_warns_on_a_page_under_1x_and_keeps_the_slo(tmp_path: Path) -> None:
    path = write(
        tmp_path / "slos.toml",
        f'[[slo]]\nname = "a"\nservice = "s"\nobjective = 99.9\nwindow = "30d"\n{SLI}'
        '[[slo.alert]]\nseverity = "page"\nburn_rate = 0.5\nlong = "3d"\nshort = "6h"\n'
        '[[slo.alert]]\nseverity = "ticket"\nburn_rate = 0.5\nlong = "3d"\nshort = "6h"\n',
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:11: warning: slo[1].alert[1].burn_rate: a page at 0.5x fires while the budget "
        "is spent slower than the SLO allows: it pages on a healthy service (page at 1x or "
        "more, or make it a ticket)",
    ]
    assert [s.name for s in defs.slos] == ["a"]  # a warning keeps the definition
    assert [a.burn_rate for a in defs.slos[0].alerts] == [0.5, 0.5]


def test_alert_severity_is_page_or_ticket(tmp_path: Path) -> None:
    path = write(
        tmp_path / "slos.toml",
        f'[[slo]]\nname = "a"\nservice = "s"\nobjective = 99.9\nwindow = "30d"\n{SLI}'
        '[[slo.alert]]\nseverity = "critical"\nburn_rate = 14.4\nlong = "1h"\nshort = "5m"\n',
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:10: slo[1].alert[1].severity: 'critical' is not one of: page, ticket",
    ]


def test_policy_remembers_which_states_the_team_wrote(tmp_path: Path) -> None:
    write(
        tmp_path / "slos.toml",
        f'[[slo]]\nname = "a"\nservice = "s"\nobjective = 99.9\nwindow = "30d"\n{SLI}'
        '[slo.policy]\ncritical = ["Call Ada."]\n',
    )
    (slo,) = load_definitions(tmp_path).slos
    assert slo.custom_policy == frozenset({BudgetState.CRITICAL})
    assert slo.policy[BudgetState.CRITICAL] == ("Call Ada.",)
    assert slo.policy_is_default(BudgetState.EXHAUSTED) is True


def test_runbook_and_gameday_problems(tmp_path: Path) -> None:
    runbook = write(
        tmp_path / "runbooks" / "r.toml",
        'title = "R"\n[[step]]\ndescription = "no title"\ntimeout = "soon"\n',
    )
    broken = write(tmp_path / "runbooks" / "broken.toml", 'title = "x"\n[[step]\n')
    gameday = write(
        tmp_path / "gamedays" / "g.toml",
        'title = "G"\nhypothesis = "h"\nservice = "s"\nfault_type = "meteor"\ntarget = "t"\n'
        'duration = "30m"\n[[abort]]\nname = "a"\nquery = "q"\n',
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{broken}:2: invalid TOML: Expected ']]' at the end of an array declaration",
        f"{runbook}:2: missing required key 'title' in step[1]",
        f"{runbook}:4: step[1].timeout: 'soon' is not a duration; expected e.g. '5m', '1h30m', "
        "'30d'",
        f"{gameday}:4: fault_type: 'meteor' is not one of: network, compute, storage, "
        "dependency, data, scale",
        f"{gameday}:7: abort[1]: needs min, max or both: the range the value must stay in",
    ]
    assert defs.runbooks == [] and defs.gamedays == []


def test_duplicate_runbook_names(tmp_path: Path) -> None:
    write(tmp_path / "runbooks" / "a.toml", 'name = "same"\ntitle = "A"\n[[step]]\ntitle = "s"\n')
    second = write(
        tmp_path / "runbooks" / "b.toml", 'name = "same"\ntitle = "B"\n[[step]]\ntitle = "s"\n'
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{second}: name 'same' is already used by {tmp_path / 'runbooks' / 'a.toml'}"
    ]
    assert [r.title for r in defs.runbooks] == ["A"]


def test_control_characters_in_definitions_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "slos.toml",
        '[[slo]]\nname = "evil\\u001b]0;pwned\\u0007"\nservice = "s"\nobjective = 99.9\n'
        f'window = "30d"\ndescription = "two\\nlines are fine"\n{SLI}',
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:2: slo[1].name: contains a control character (U+001B at position 5); "
        "use plain text"
    ]
    assert defs.slos == []
