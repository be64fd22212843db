"""PromQL checked offline: every query in the definitions must parse as Prometheus would parse it.

`sretui check` (and every load of the definitions) reports a query that does not parse as
`path:line: slo[N].sli.error_query: <the parser's message>`, without asking any backend, and
keeps the definition (see `check_promql`). The
parser is `promql-parser` (Python bindings of the Rust crate, compatible with Prometheus 2.45);
it is imported on first use, so commands that load no query never pay for it.
"""

from __future__ import annotations

import json
import re

from sretui.config.problems import Problem
from sretui.config.schema import Reader, key_name
from sretui.domain.slo import WINDOW_PLACEHOLDERS

# Any valid duration will do: the check is about syntax, not about which window is asked.
CHECK_WINDOW = "5m"
# Quoted strings and comments, left as they are, or a `raw` string (group 1).
_RAW_STRINGS = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|#[^\n]*|`([^`]*)`")


def _without_raw_strings(query: str) -> str:
    """promql-parser 0.12 reads backslashes in `raw` strings as escapes, unlike Prometheus:
    write them double-quoted. (The demo backend, a layer apart, has the same rewrite.)"""
    if "`" not in query:
        return query
    return _RAW_STRINGS.sub(
        lambda m: m.group(0) if m.group(1) is None else json.dumps(m.group(1), ensure_ascii=False),
        query,
    )


def promql_problem(query: str) -> str | None:
    """Why `query` is not a PromQL query an SLI or a check can use, or None when it is.

    `{{window}}` placeholders are substituted first. The message is the parser's own."""
    import promql_parser  # lazy: only loading definitions needs it

    for placeholder in WINDOW_PLACEHOLDERS:
        query = query.replace(placeholder, CHECK_WINDOW)
    try:
        expr = promql_parser.parse(_without_raw_strings(query))
    except ValueError as exc:  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        return str(exc) or "invalid promql query"
    while isinstance(expr, promql_parser.ParenExpr):
        expr = expr.expr
    if isinstance(expr, promql_parser.MatrixSelector | promql_parser.SubqueryExpr):
        return "gives a range vector, not a number per series: wrap it in rate(...) or similar"
    if isinstance(expr, promql_parser.StringLiteral):
        return "gives a string, not a number"
    return None


def check_promql(table: Reader, key: str, query: str | None) -> None:
    """Record a problem on `table.key` when `query` (already read from it) does not parse.

    The definition is kept: the backend has the last word on what it accepts (a newer
    Prometheus knows syntax this parser does not), and a query it refuses shows as that SLO's
    error on the budgets screen, next to this problem."""
    if query is None:
        return
    problem = promql_problem(query)
    if problem is not None:
        where = key_name((*table.key_path, key))
        table.problems.append(Problem(table.doc.path, table.line(key), f"{where}: {problem}"))
