"""PromQL checked offline: `sretui check` names the file, the line and the parser's message."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write

from sretui.config.definitions import load_definitions
from sretui.config.promql_check import promql_problem


def _slo(name: str, error_query: str, total_query: str = "sum(rate(t[{{window}}]))") -> str:
    return f"""[[slo]]
name = "{name}"
service = "s"
objective = 99.9
window = "30d"
[slo.sli]
error_query = '''{error_query}'''
total_query = '''{total_query}'''
"""


def test_a_query_that_does_not_parse_is_a_located_problem_and_the_slo_is_kept(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "slos.toml",
        _slo("good", "sum(rate(e[{{window}}]))")
        + "\n"
        + _slo("unclosed", "sum(rate(e[{{window}}])")
        + "\n"
        + _slo("no-range", "sum(rate(e[{{window}}]))", "sum(rate(t))"),
    )
    defs = load_definitions(tmp_path)
    assert [str(p) for p in defs.problems] == [
        f"{path}:16: slo[2].sli.error_query: unclosed left parenthesis",
        f"{path}:26: slo[3].sli.total_query: has no {{{{window}}}} placeholder, "
        "so every window would read the same",
        f"{path}:26: slo[3].sli.total_query: "
        "expected type matrix in call to function 'rate', got vector",
    ]
    # kept: the backend has the last word, and shows its own error for the SLO
    assert [s.name for s in defs.slos] == ["good", "unclosed"]


def test_the_window_placeholder_is_substituted_before_parsing() -> None:
    assert promql_problem("sum(rate(e[{{window}}])) / sum(rate(t[{{.window}}]))") is None
    # without substitution the parser would stop at the "{" inside the brackets
    assert promql_problem("sum(rate(e[{{other}}]))") == (
        "unexpected character inside brackets: '{'"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("rate(x[{{window}}]) %", "invalid promql query"),
        ('x{code~"5"}', "unexpected character inside braces: '~'"),
        ("foo(x)", "unknown function with name 'foo'"),
        ('x{code=~"5(.."}', "illegal regex for 5(.."),
        ("", "no expression found in input"),
        ('x{a="\ud800"}', None),  # a lone surrogate cannot reach the Rust parser
        ("x[{{window}}]", "gives a range vector"),
        ("(x[5m:1m])", "gives a range vector"),
        ('"text"', "gives a string, not a number"),
    ],
)
def test_the_parsers_message_is_reported(query: str, message: str | None) -> None:
    problem = promql_problem(query)
    assert problem is not None
    if message is not None:
        assert problem.startswith(message)


def test_valid_queries_including_what_the_demo_cannot_answer_pass() -> None:
    # The check is Prometheus's grammar, not the demo's subset: irate and offset are fine.
    for query in (
        'sum(irate(http_requests_total{code=~"5.."}[{{window}}] offset 1h))',
        "histogram_quantile(0.99, sum by (le) (rate(b[{{window}}])))",
        "1 - (sum(rate(ok[{{window}}])) / sum(rate(all[{{window}}])))",
        # raw strings keep their backslashes, as in Prometheus (promql-parser 0.12 refuses this)
        'sum(rate(x{path=~`/api/v\\d+/.*`, quote=`"`}[{{window}}]))',
    ):
        assert promql_problem(query) is None, query


def test_game_day_check_queries_are_checked_too(config_dir: Path) -> None:
    plan = config_dir / "gamedays" / "payments-db-latency.toml"
    text = plan.read_text(encoding="utf-8")
    good = 'sum(rate(http_requests_total{service="payments"}[5m]))\''
    assert good in text
    plan.write_text(text.replace(good, "sum(rate(http_requests_total[5m])'", 1), encoding="utf-8")
    defs = load_definitions(config_dir)
    (problem,) = defs.problems
    assert problem.path == plan
    assert problem.message == "steady_state[1].query: unclosed left parenthesis"
    assert [g.name for g in defs.gamedays] == ["payments-db-latency"]


def test_the_bundled_examples_parse(config_dir: Path) -> None:
    assert load_definitions(config_dir).problems == []


def test_sretui_check_stays_offline_and_fast(config_dir: Path) -> None:
    # The parser is a compiled extension imported on first use: 100 SLI checks in well
    # under the 100 ms a user would notice.
    promql_problem("vector(1)")
    started = time.perf_counter()
    for _ in range(100):
        assert promql_problem('sum(rate(x{code=~"5.."}[{{window}}])) / sum(rate(x[1h]))') is None
    assert time.perf_counter() - started < 0.1
    code = (
        "import sys; from sretui.config.definitions import load_definitions; "
        "print(sorted(m for m in ('httpx', 'textual', 'promql_parser') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
