"""The demo backend's PromQL: each construct, its semantics and its error messages.

Queries are parsed by promql-parser and evaluated against a tiny in-memory store of counters
that grow at constant rates, so every expected number can be worked out by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pytest

from sretui.sources.base import QueryError, Sample
from sretui.sources.promql_subset import (
    Aggregation,
    Binary,
    Call,
    Matcher,
    MatrixSelector,
    NumberLiteral,
    Value,
    VectorSelector,
    evaluate,
    parse,
)

T = 1_000_000.0  # evaluation time, unix seconds


@dataclass(frozen=True)
class LinearCounter:
    """A counter that has grown by `per_second` every second since the epoch."""

    labels: Mapping[str, str]
    per_second: float

    def sample(self, t: float) -> float | None:
        return self.per_second * t

    def increase(self, start: float, end: float) -> float | None:
        return self.per_second * (end - start)


def _counter(name: str, per_second: float, **labels: str) -> LinearCounter:
    return LinearCounter({"__name__": name, **labels}, per_second)


@dataclass
class Store:
    series: Sequence[LinearCounter]

    def select(self, matchers: Sequence[Matcher]) -> list[LinearCounter]:
        return [s for s in self.series if all(m.matches(s.labels) for m in matchers)]


STORE = Store(
    [
        _counter("requests_total", 10, service="api", code="200"),
        _counter("requests_total", 2, service="api", code="500"),
        _counter("requests_total", 1, service="api", code="503"),
        _counter("requests_total", 5, service="web", code="200"),
        _counter("requests_total", 4, service="web", code="404"),
        _counter("errors_total", 3, service="api"),
        _counter("errors_total", 0, service="web"),
        _counter("failures_total", 1, service="api"),
        _counter("latency_bucket", 60, le="0.1"),
        _counter("latency_bucket", 90, le="0.5"),
        _counter("latency_bucket", 100, le="+Inf"),
    ]
)


def run(expr: str) -> Value:
    return evaluate(parse(expr), STORE, T)


def vector(expr: str) -> dict[tuple[tuple[str, str], ...], float]:
    value = run(expr)
    assert not isinstance(value, float), f"{expr} gave a scalar"
    return {tuple(sorted(s.labels.items())): s.value for s in value}


def only(expr: str) -> float:
    value = run(expr)
    assert not isinstance(value, float)
    assert len(value) == 1, value
    return value[0].value


def parse_error(expr: str) -> str:
    with pytest.raises(QueryError) as caught:
        parse(expr)
    assert caught.value.error_type == "bad_data"
    return str(caught.value)


# --- what the parser hands over -----------------------------------------------------------


def test_durations_numbers_strings_and_comments_reach_the_tree():
    node = parse('rate(x{a=~"5.."}[1h30m]) / 0x10 # comment')
    assert isinstance(node, Binary) and node.op == "/" and node.type == "vector"
    assert node.rhs == NumberLiteral(16.0)
    call = node.lhs
    assert isinstance(call, Call) and call.function == "rate"
    (matrix,) = call.args
    assert isinstance(matrix, MatrixSelector) and matrix.range_seconds == 5400
    name, code = matrix.selector.matchers
    assert (name.name, name.op, name.value) == ("__name__", "=", "x")
    assert (code.name, code.op, code.value) == ("a", "=~", "5..")
    assert code.pattern is not None and code.pattern.pattern == "5.."


def test_strings_decode_escapes_and_raw_backticks():
    assert parse(r'x{a="tab\there \"q\" \x41\u00e9"}').matchers[1].value == 'tab\there "q" Aé'
    assert parse(r"x{a='it\'s'}").matchers[1].value == "it's"
    # raw strings keep backslashes, as in Prometheus (promql-parser alone would refuse this)
    assert parse(r"x{a=`\d+`}").matchers[1].value == r"\d+"
    assert parse('x{a=`say "hi"`, b="`"}').matchers[1:] == (
        Matcher("a", "=", 'say "hi"'),
        Matcher("b", "=", "`"),
    )


# --- selectors -----------------------------------------------------------------------------


def test_selector_with_name_returns_counter_values_with_all_labels():
    assert vector('requests_total{service="web"}') == {
        (("__name__", "requests_total"), ("code", "200"), ("service", "web")): 5 * T,
        (("__name__", "requests_total"), ("code", "404"), ("service", "web")): 4 * T,
    }


def test_each_matcher_operator():
    assert set(vector('requests_total{code="500"}')) == {
        (("__name__", "requests_total"), ("code", "500"), ("service", "api"))
    }
    assert only('sum(requests_total{service!="api"})') == 9 * T
    assert only('sum(requests_total{code=~"5.."})') == 3 * T
    assert only('sum(requests_total{code!~"5.."})') == 19 * T


def test_regex_matchers_are_fully_anchored():
    assert run('requests_total{code=~"5"}') == ()
    assert run('requests_total{code=~"50"}') == ()
    assert only('sum(requests_total{code=~"50|5.3"})') == 1 * T


def test_a_missing_label_matches_the_empty_string():
    assert only('sum(errors_total{code=""})') == 3 * T
    assert only('sum(requests_total{code!=""})') == 22 * T


def test_name_can_be_given_as_a_matcher():
    assert only('sum({__name__="errors_total"})') == 3 * T
    assert only('count({__name__=~"requests_.*|errors_total"})') == 7


@pytest.mark.parametrize(
    ("expr", "seconds"),
    [
        ("rate(x[90s])", 90),
        ("rate(x[5m])", 300),
        ("rate(x[1h])", 3600),
        ("rate(x[1h30m])", 5400),
        ("rate(x[30d])", 30 * 86400),
        ("rate(x[1w])", 7 * 86400),
        ("rate(x[2d12h])", 2.5 * 86400),
        ("rate(x[1500ms])", 1.5),
    ],
)
def test_range_durations(expr, seconds):
    node = parse(expr)
    assert isinstance(node, Call)
    assert isinstance(node.args[0], MatrixSelector)
    assert node.args[0].range_seconds == seconds


# --- functions -----------------------------------------------------------------------------


def test_rate_is_increase_over_the_range_seconds_and_drops_the_name():
    assert vector('rate(requests_total{service="api",code="500"}[5m])') == {
        (("code", "500"), ("service", "api")): 2.0
    }
    assert vector('increase(requests_total{service="api",code="500"}[5m])') == {
        (("code", "500"), ("service", "api")): 600.0
    }
    assert only('sum(increase(errors_total{service="api"}[1h30m]))') == 3 * 5400


def test_vector_turns_a_scalar_into_a_one_element_vector():
    assert run("vector(3)") == (Sample({}, 3.0),)
    assert run("vector(1 + 2 * 3)") == (Sample({}, 7.0),)


def test_histogram_quantile_interpolates_inside_the_bucket():
    # 100 observations: 60 under 0.1s, 90 under 0.5s. The 75th is halfway from 60 to 90.
    assert only(
        "histogram_quantile(0.75, sum by (le) (rate(latency_bucket[5m])))"
    ) == pytest.approx(0.3)
    assert only("histogram_quantile(0.3, sum by (le) (rate(latency_bucket[5m])))") == 0.05
    # Beyond the last finite bucket Prometheus answers with that bucket's bound.
    assert only("histogram_quantile(0.95, sum by (le) (rate(latency_bucket[5m])))") == 0.5
    assert only("histogram_quantile(2, sum by (le) (rate(latency_bucket[5m])))") == math.inf
    assert run('histogram_quantile(0.5, rate(latency_bucket{le!="+Inf"}[5m]))') != ()
    assert math.isnan(only('histogram_quantile(0.5, rate(latency_bucket{le!="+Inf"}[5m]))'))


# --- aggregation ---------------------------------------------------------------------------


def test_sum_without_grouping_gives_one_unlabelled_sample():
    assert run("sum(rate(requests_total[1m]))") == (Sample({}, 22.0),)


def test_sum_by_before_or_after_the_argument():
    expected = {(("service", "api"),): 13.0, (("service", "web"),): 9.0}
    assert vector("sum by (service) (rate(requests_total[1m]))") == expected
    assert vector("sum(rate(requests_total[1m])) by (service)") == expected


def test_sum_without_drops_the_listed_labels():
    assert vector("sum without (code) (rate(requests_total[1m]))") == {
        (("service", "api"),): 13.0,
        (("service", "web"),): 9.0,
    }


def test_other_aggregations():
    assert only("avg(rate(requests_total[1m]))") == 22 / 5
    assert only("min(rate(requests_total[1m]))") == 1.0
    assert only("max(rate(requests_total[1m]))") == 10.0
    assert only("count(rate(requests_total[1m]))") == 5.0


def test_sum_over_no_series_is_no_data_not_zero():
    assert run('sum(rate(requests_total{service="nope"}[5m]))') == ()
    assert run('sum(rate(requests_total{service="nope"}[5m])) / 2') == ()


def test_aggregation_parse_tree():
    node = parse("sum without (code, le) (x)")
    assert isinstance(node, Aggregation)
    assert (node.op, node.grouping, node.without) == ("sum", ("code", "le"), True)
    assert isinstance(node.expr, VectorSelector)


# --- binary operators ----------------------------------------------------------------------


def test_scalar_arithmetic_and_precedence():
    assert run("1 + 2 * 3") == 7.0
    assert run("(1 + 2) * 3") == 9.0
    assert run("10 - 4 - 3") == 3.0
    assert run("12 / 3 / 2") == 2.0
    assert run("-2 * -3") == 6.0
    assert run("1e3 + .5 + 0x10") == 1016.5


def test_sli_ratio_divides_matching_vectors():
    ratio = only(
        'sum(rate(requests_total{service="api",code=~"5.."}[1h]))'
        ' / sum(rate(requests_total{service="api"}[1h]))'
    )
    assert ratio == 3 / 13


def test_vectors_match_on_identical_label_sets_only():
    result = vector("rate(errors_total[1m]) / sum by (service) (rate(requests_total[1m]))")
    assert result == {(("service", "api"),): 3 / 13, (("service", "web"),): 0.0}
    # requests_total series carry a code label, errors_total ones don't: nothing matches
    assert run("rate(requests_total[1m]) / rate(errors_total[1m])") == ()


def test_scalar_and_vector_arithmetic_drops_the_metric_name():
    assert vector('errors_total{service="api"} * 2') == {(("service", "api"),): 6 * T}
    assert vector('100 - rate(errors_total{service="api"}[1m])') == {(("service", "api"),): 97.0}
    assert vector('-rate(errors_total{service="api"}[1m])') == {(("service", "api"),): -3.0}


def test_division_by_zero_gives_inf_and_nan_like_prometheus():
    assert run("1 / 0") == math.inf
    assert run("-1 / 0") == -math.inf
    value = run("0 / 0")
    assert isinstance(value, float) and math.isnan(value)
    web_errors = 'rate(errors_total{service="web"}[1m])'
    assert only(f"vector(1) / sum({web_errors})") == math.inf
    assert math.isnan(only(f"sum({web_errors}) / sum({web_errors})"))


def test_many_to_many_matching_is_an_execution_error():
    # errors_total and failures_total have the same labels once rate() drops their names
    both = 'rate({__name__=~"errors_total|failures_total"}[1m])'
    per_service = "sum by (service) (rate(requests_total[1m]))"
    with pytest.raises(QueryError) as caught:
        run(f"{per_service} / {both}")
    assert caught.value.error_type == "execution"
    assert str(caught.value) == (
        'found duplicate series for the match group {service="api"} on the right hand-side of '
        "the operation; many-to-many matching not allowed"
    )
    with pytest.raises(QueryError, match="on the left hand-side"):
        run(f"{both} / {per_service}")


def test_special_number_literals():
    assert run("Inf") == math.inf
    assert run("-inf") == -math.inf
    value = run("NaN")
    assert isinstance(value, float) and math.isnan(value)


def test_comments_and_newlines_are_whitespace():
    expr = """
    # errors over total
    sum(rate(requests_total{code=~"5.."}[1h]))   # the 5xx
      / sum(rate(requests_total[1h]))
    """
    assert only(expr) == 3 / 22


# --- what the subset refuses, and where -----------------------------------------------------


# Constructs Prometheus's grammar allows but the demo does not evaluate: named, with where.
@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("rate(x[5m]) % 2", 'parse error at char 13: operator "%" is not supported'),
        ("x > 1", 'parse error at char 3: operator ">" is not supported'),
        ("x >= 1", 'parse error at char 3: operator ">=" is not supported'),
        ("x == 1", 'parse error at char 3: operator "==" is not supported'),
        ("2 ^ 3", 'parse error at char 3: operator "^" is not supported'),
        ("x and y", 'parse error at char 3: operator "and" is not supported'),
        ("x unless y", 'parse error at char 3: operator "unless" is not supported'),
        ("x > bool 1", 'parse error at char 3: operator ">" is not supported'),
        ("irate(x[5m])", 'parse error at char 1: function "irate" is not supported by the demo'),
        ("sum(x) by (a) + abs(x)", 'parse error at char 17: function "abs" is not supported'),
        ("topk(3, x)", 'parse error at char 1: aggregation "topk" is not supported'),
        ('count_values("v", x)', 'parse error at char 1: aggregation "count_values" is not'),
        ("sum(rate(x[5m] offset 1h))", "parse error at char 16: the offset modifier is not"),
        ("rate(x[5m] @ 100)", "parse error at char 12: the @ modifier is not supported"),
        ("x[5m:1m]", "parse error at char 5: subqueries are not supported"),
        ("rate(x[5m])[1h:1m]", "parse error at char 15: subqueries are not supported"),
        ("sum(x) / on(a) sum(y)", 'parse error at char 10: "on" is not supported'),
        ("x / ignoring(a) y", 'parse error at char 5: "ignoring" is not supported'),
        ("x / on(a) group_left y", 'parse error at char 11: "group_left" is not supported'),
        ('x{a="1" or b="2"}', '"or" between label matchers is not supported'),
        ('label_replace(x, "a", "b", "c", "d")', 'char 1: function "label_replace" is not'),
        ('"text"', "parse error at char 1: string literals are not supported"),
        ("rate(x[{{window}}])", "parse error at char 8: the placeholder {{window}} was not"),
        ("x[5m]", "parse error at char 1: a range vector is not a result: wrap it in rate("),
        ('x{a=~"(?<n>a)"}', 'regular expression "(?<n>a)" is not supported by the demo backend'),
    ],
)
def test_unsupported_constructs_are_named_with_where_they_are(expr, message):
    assert message in parse_error(expr)


# Syntax errors: promql-parser's own message (it gives no position).
@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("rate(x[5m])[1h]", "parse error: ranges only allowed for vector selectors"),
        ("x / bool y", "parse error: bool modifier can only be used on comparison operators"),
        ("rate(x[1m30h])", "parse error: not a valid duration string: 1m30h"),
        ("rate(x[0s])", "parse error: duration must be greater than 0"),
        ("5min", "parse error: bad number or duration syntax"),
        ("sum(rate(x[5m])", "parse error: unclosed left parenthesis"),
        ('x{code~"5"}', "parse error: unexpected character inside braces: '~'"),
        ('x{code="5"', "parse error: unexpected end of input inside braces"),
        ('x{code="5}', "parse error: unterminated quoted string"),
        ('x{code=~"5(.."}', "parse error: illegal regex for 5(.."),
        ('{code=~".*"}', "parse error: vector selector must contain at least one non-empty"),
        ('x{__name__="y"}', "parse error: metric name must not be set twice"),
        ("rate(x)", "parse error: expected type matrix in call to function 'rate', got vector"),
        ("sum(x[5m])", "parse error: expected type vector in aggregation expression, got matrix"),
        ("vector(x)", "parse error: expected type scalar in call to function 'vector', got vec"),
        ("rate(x[5m], 1)", "parse error: expected 1 argument(s) in call to 'rate', got 2"),
        ("x[5m] + 1", "parse error: binary expression must contain only scalar and instant"),
        ("foo(x)", "parse error: unknown function with name 'foo'"),
        ("sum by (a) (x) by (b)", "parse error: invalid promql query"),
        ("", "parse error: no expression found in input"),
        ("sum(x) / ", "parse error: invalid promql query"),
        ('x{a="\ud800"}', "parse error: "),
    ],
)
def test_syntax_errors_carry_the_parsers_message(expr, message):
    assert parse_error(expr).startswith(message)


def test_error_position_in_a_multi_line_query_gives_line_and_char():
    expr = 'sum(rate(x{service="a"}[5m]))\n  % sum(rate(x[5m]))'
    assert parse_error(expr).startswith(
        'parse error at line 2, char 3: operator "%" is not supported'
    )


def test_parse_results_are_cached_and_immutable():
    assert parse("sum(rate(x[5m]))") is parse("sum(rate(x[5m]))")


def test_a_deeply_nested_query_is_an_error_not_a_crash():
    assert "nests too deeply" in parse_error("(" * 5000 + "1" + ")" * 5000)
