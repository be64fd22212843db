"""The PromQL subset of the demo backend: each construct, its semantics and its error messages.

Evaluated against a tiny in-memory store of counters that grow at constant rates, so every
expected number can be worked out by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pytest

from sretui.sources.base import QueryError, Sample
from sretui.sources.promql_subset import (
    Aggregation,
    Call,
    Matcher,
    MatrixSelector,
    Value,
    VectorSelector,
    evaluate,
    parse,
    tokenize,
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


# --- tokens --------------------------------------------------------------------------------


def test_tokenizer_reads_durations_numbers_strings_and_operators():
    tokens = tokenize('rate(x{a=~"5.."}[1h30m]) / 0x10 # comment')
    assert [(t.kind, t.text) for t in tokens] == [
        ("identifier", "rate"),
        ("(", "("),
        ("identifier", "x"),
        ("{", "{"),
        ("identifier", "a"),
        ("=~", "=~"),
        ("string", '"5.."'),
        ("}", "}"),
        ("[", "["),
        ("duration", "1h30m"),
        ("]", "]"),
        (")", ")"),
        ("/", "/"),
        ("number", "0x10"),
        ("eof", ""),
    ]
    assert tokens[-2].number == 16.0
    assert tokens[6].string == "5.."
    assert tokens[13].pos == 27


def test_strings_decode_escapes_and_raw_backticks():
    assert parse(r'x{a="tab\there \"q\" \x41\u00e9"}').matchers[1].value == 'tab\there "q" Aé'
    assert parse(r"x{a='it\'s'}").matchers[1].value == "it's"
    assert parse(r"x{a=`\d+`}").matchers[1].value == r"\d+"


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


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("rate(x[5m]) % 2", 'parse error at char 13: operator "%" is not supported'),
        ("x > 1", 'parse error at char 3: operator ">" is not supported'),
        ("x == 1", 'parse error at char 3: operator "==" is not supported'),
        ("2 ^ 3", 'parse error at char 3: operator "^" is not supported'),
        ("x and y", 'parse error at char 3: operator "and" is not supported'),
        ("irate(x[5m])", 'parse error at char 1: function "irate" is not supported by the demo'),
        ("sum(x) by (a) + abs(x)", 'parse error at char 17: function "abs" is not supported'),
        ("topk(3, x)", 'parse error at char 1: aggregation "topk" is not supported'),
        ("sum(rate(x[5m] offset 1h))", "parse error at char 16: the offset modifier is not"),
        ("rate(x[5m] @ 100)", "parse error at char 12: the @ modifier is not supported"),
        ("x[5m:1m]", "parse error at char 5: subqueries are not supported"),
        ("rate(x[5m])[1h]", "parse error at char 12: ranges are only allowed on metric selectors"),
        ("sum(x) / on(a) sum(y)", 'parse error at char 10: "on" is not supported'),
        ("x / ignoring(a) y", 'parse error at char 5: "ignoring" is not supported'),
        ("x / bool y", 'parse error at char 5: "bool" is not supported'),
        ('label_replace(x, "a", "b", "c", "d")', 'char 1: function "label_replace" is not'),
        ('"text"', "parse error at char 1: string literals are not supported"),
        ("rate(x[{{window}}])", "parse error at char 8: the placeholder {{window}} was not"),
        ("rate(x[1m30h])", "parse error at char 8: bad duration '1m30h': units must go from"),
        ("rate(x[0s])", "parse error at char 8: bad duration '0s': a duration must be longer"),
        ("rate(x[5])", 'parse error at char 8: unexpected number "5" in range, expected a dur'),
        ("5min", 'parse error at char 1: bad number or duration syntax "5min"'),
        ("sum(rate(x[5m])", 'parse error at char 16: unexpected end of input: a ")" is missing'),
        ('x{code~"5"}', "parse error at char 7: unexpected character '~'"),
        ('x{code="5"', "parse error at char 11: unexpected end of input in label matching"),
        ('x{code="5}', "parse error at char 8: unterminated quoted string"),
        ('x{code=~"5(.."}', 'parse error at char 9: invalid regular expression "5(.."'),
        ('{code=~".*"}', "parse error at char 1: vector selector must contain at least one non-"),
        ('x{__name__="y"}', "parse error at char 1: metric name must not be set twice"),
        ("rate(x)", 'char 6: expected type range vector in call to function "rate", got instant'),
        ("sum(x[5m])", "char 5: expected type instant vector in aggregation expression, got range"),
        ("vector(x)", 'char 8: expected type scalar in call to function "vector", got instant'),
        ("rate(x[5m], 1)", 'char 1: expected 1 argument(s) in call to "rate", got 2'),
        ("x[5m]", "parse error at char 1: a range vector is not a result: wrap it in rate("),
        ("x[5m] + 1", "parse error at char 7: binary expression must contain only scalar and"),
        ("sum by (a) (x) by (b)", "parse error at char 16: an aggregation takes only one"),
        ("sum x", 'parse error at char 5: unexpected identifier "x" after aggregation "sum"'),
        ("", "parse error at char 1: no expression found in input"),
        ("sum(x) / ", "parse error at char 10: unexpected end of input"),
        ("* 2", 'parse error at char 1: unexpected "*": an operand is missing'),
    ],
)
def test_unsupported_or_bad_syntax_names_what_and_where(expr, message):
    assert message in parse_error(expr)


def test_error_position_in_a_multi_line_query_gives_line_and_char():
    expr = 'sum(rate(x{service="a"}[5m]))\n  % sum(rate(x[5m]))'
    assert parse_error(expr).startswith(
        'parse error at line 2, char 3: operator "%" is not supported'
    )


def test_parse_results_are_cached_and_immutable():
    assert parse("sum(rate(x[5m]))") is parse("sum(rate(x[5m]))")
