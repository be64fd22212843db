"""The demo backend's PromQL: Prometheus's own grammar, evaluated on the synthetic series.

Queries are parsed by `promql-parser` (the Rust crate's Python bindings, the same parser that
`sretui check` uses), so the demo accepts and refuses exactly what Prometheus's grammar does and
reports syntax errors with the parser's own message. The syntax tree is then compiled into the
small immutable tree below, which refuses, with a `QueryError` (`error_type="bad_data"`) naming
the construct and where it is, every construct the demo does not evaluate. Evaluation follows
Prometheus's semantics: aggregating no series gives no series, division by zero gives +/-Inf or
NaN, `rate` is the increase over the range divided by the range's seconds, arithmetic drops the
metric name.

Evaluated: selectors with `= != =~ !~` matchers (regexes fully anchored) and ranges such as
`[5m]` or `[1h30m]`; `rate`, `increase`, `vector`, `histogram_quantile`; `sum`, `avg`, `min`,
`max`, `count` with `by (...)` or `without (...)`; `+ - * /` between scalars and instant vectors
(one-to-one matching on identical label sets); unary minus; number literals; parentheses.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

import promql_parser as pp

from sretui.sources.base import QueryError, Sample

ValueType = Literal["scalar", "vector", "matrix"]
Value = float | tuple[Sample, ...]

FUNCTIONS = ("histogram_quantile", "increase", "rate", "vector")
AGGREGATIONS = ("avg", "count", "max", "min", "sum")
ARITHMETIC = ("+", "-", "*", "/")

# promql-parser's enums are not hashable: a list of pairs, not a dict
_MATCH_OPS = (
    (pp.MatchOp.Equal, "="),
    (pp.MatchOp.NotEqual, "!="),
    (pp.MatchOp.Re, "=~"),
    (pp.MatchOp.NotRe, "!~"),
)
# Where a construct is in the text, for the error message: the first match outside quoted
# strings and comments (the syntax tree carries no positions).
_SKIPPED = r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`[^`]*`|#[^\n]*"


class Unsupported(Exception):
    """A construct the demo does not evaluate: `message`, found in the text by `pattern` (None:
    the query itself, at its first character)."""

    def __init__(self, message: str, pattern: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.pattern = pattern


_RAW_STRINGS = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|#[^\n]*|`([^`]*)`")


def without_raw_strings(text: str) -> str:
    """`text` with every `raw` string written as a double-quoted one.

    promql-parser 0.12 reads backslashes in backtick strings as escapes, unlike Prometheus, so
    `x{path=~`\\d+`}` would be refused. The same rewrite is in `sretui.config.promql_check`."""
    if "`" not in text:
        return text
    return _RAW_STRINGS.sub(
        lambda m: m.group(0) if m.group(1) is None else json.dumps(m.group(1), ensure_ascii=False),
        text,
    )


def _error(text: str, pos: int | None, message: str) -> QueryError:
    """A bad_data QueryError that says where in `text` the problem is, 1-based, when known."""
    if pos is None:
        where = ""
    elif "\n" in text:
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        where = f" at line {line}, char {column}"
    else:
        where = f" at char {pos + 1}"
    return QueryError(f"parse error{where}: {message}", error_type="bad_data")


def _locate(text: str, pattern: str) -> int | None:
    for match in re.finditer(f"{_SKIPPED}|(?P<hit>{pattern})", text):
        if match.group("hit") is not None:
            return match.start("hit")
    return None


def _start(text: str) -> int:
    return len(text) - len(text.lstrip())


# --- Syntax tree ----------------------------------------------------------------------------


class StoredSeries(Protocol):
    """One series a `SeriesStore` holds: its labels and its values over time."""

    @property
    def labels(self) -> Mapping[str, str]:
        """All labels, including `__name__`."""
        ...

    def sample(self, t: float) -> float | None:
        """The value at unix time `t`, None when the series has no sample then."""
        ...

    def increase(self, start: float, end: float) -> float | None:
        """How much the counter grew over [start, end], None when it has no samples there."""
        ...


class SeriesStore(Protocol):
    """Where selectors find their series."""

    def select(self, matchers: Sequence[Matcher]) -> Sequence[StoredSeries]:
        """Every series whose labels satisfy all `matchers`."""
        ...


@dataclass(frozen=True, slots=True)
class Matcher:
    """A label matcher: `name op "value"`, with `op` one of = != =~ !~."""

    name: str
    op: str
    value: str
    pattern: re.Pattern[str] | None = None

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a series with these labels is selected; a missing label counts as ""."""
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        assert self.pattern is not None
        found = self.pattern.fullmatch(actual) is not None
        return found if self.op == "=~" else not found


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    value: float
    type: ValueType = "scalar"

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        return self.value


@dataclass(frozen=True, slots=True)
class VectorSelector:
    matchers: tuple[Matcher, ...]
    type: ValueType = "vector"

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        samples = []
        for series in store.select(self.matchers):
            value = series.sample(t)
            if value is not None:
                samples.append(Sample(dict(series.labels), value))
        return tuple(samples)


@dataclass(frozen=True, slots=True)
class MatrixSelector:
    selector: VectorSelector
    range_seconds: float
    type: ValueType = "matrix"

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        # The parser only lets range vectors reach functions that read them through `increases`.
        raise QueryError("a range vector cannot be evaluated on its own", error_type="bad_data")

    def increases(self, store: SeriesStore, t: float) -> list[tuple[dict[str, str], float]]:
        """(labels without __name__, increase over the range ending at t) for each series."""
        found = []
        for series in store.select(self.selector.matchers):
            grown = series.increase(t - self.range_seconds, t)
            if grown is not None:
                found.append((_without_name(series.labels), grown))
        return found


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    type: ValueType = "vector"

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        if self.function in ("rate", "increase"):
            matrix = self.args[0]
            assert isinstance(matrix, MatrixSelector)
            divisor = matrix.range_seconds if self.function == "rate" else 1.0
            return tuple(
                Sample(labels, grown / divisor) for labels, grown in matrix.increases(store, t)
            )
        if self.function == "vector":
            return (Sample({}, _scalar(self.args[0].evaluate(store, t))),)
        quantile = _scalar(self.args[0].evaluate(store, t))
        return _histogram_quantile(quantile, _vector(self.args[1].evaluate(store, t)))


@dataclass(frozen=True, slots=True)
class Aggregation:
    op: str
    expr: Expr
    grouping: tuple[str, ...] = ()
    without: bool = False
    type: ValueType = "vector"

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        groups: dict[tuple[tuple[str, str], ...], list[float]] = {}
        for sample in _vector(self.expr.evaluate(store, t)):
            groups.setdefault(self._group_key(sample.labels), []).append(sample.value)
        return tuple(
            Sample(dict(key), _AGGREGATORS[self.op](values))
            for key, values in sorted(groups.items())
        )

    def _group_key(self, labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        if self.without:
            dropped = {*self.grouping, "__name__"}
            return tuple(sorted((k, v) for k, v in labels.items() if k not in dropped))
        return tuple(sorted((k, labels[k]) for k in self.grouping if labels.get(k, "") != ""))


@dataclass(frozen=True, slots=True)
class Unary:
    expr: Expr
    type: ValueType

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        value = self.expr.evaluate(store, t)
        if isinstance(value, float):
            return -value
        return tuple(Sample(_without_name(s.labels), -s.value) for s in value)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    lhs: Expr
    rhs: Expr
    type: ValueType

    def evaluate(self, store: SeriesStore, t: float) -> Value:
        left = self.lhs.evaluate(store, t)
        right = self.rhs.evaluate(store, t)
        operate = _ARITHMETIC[self.op]
        if isinstance(left, float) and isinstance(right, float):
            return operate(left, right)
        if isinstance(left, float):
            assert not isinstance(right, float)
            return tuple(Sample(_without_name(s.labels), operate(left, s.value)) for s in right)
        if isinstance(right, float):
            return tuple(Sample(_without_name(s.labels), operate(s.value, right)) for s in left)
        return self._match(left, right)

    def _match(self, left: tuple[Sample, ...], right: tuple[Sample, ...]) -> Value:
        """One-to-one matching on identical label sets (metric names aside)."""
        operate = _ARITHMETIC[self.op]
        right_by_labels: dict[tuple[tuple[str, str], ...], Sample] = {}
        for sample in right:
            key = _signature(sample.labels)
            if key in right_by_labels:
                raise _many_to_many("right", key)
            right_by_labels[key] = sample
        seen: set[tuple[tuple[str, str], ...]] = set()
        result = []
        for sample in left:
            key = _signature(sample.labels)
            partner = right_by_labels.get(key)
            if partner is None:
                continue
            if key in seen:
                raise _many_to_many("left", key)
            seen.add(key)
            result.append(Sample(dict(key), operate(sample.value, partner.value)))
        return tuple(result)


Expr = NumberLiteral | VectorSelector | MatrixSelector | Call | Aggregation | Unary | Binary


# --- Evaluation helpers ---------------------------------------------------------------------


def _without_name(labels: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in labels.items() if k != "__name__"}


def _signature(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in labels.items() if k != "__name__"))


def _many_to_many(side: str, key: tuple[tuple[str, str], ...]) -> QueryError:
    labels = "{" + ", ".join(f'{k}="{v}"' for k, v in key) + "}"
    return QueryError(
        f"found duplicate series for the match group {labels} on the {side} hand-side of the "
        "operation; many-to-many matching not allowed",
        error_type="execution",
    )


def _scalar(value: Value) -> float:
    assert isinstance(value, float)
    return value


def _vector(value: Value) -> tuple[Sample, ...]:
    assert not isinstance(value, float)
    return value


def _divide(a: float, b: float) -> float:
    """IEEE 754 division, as Go does it: x/0 is +/-Inf, 0/0 is NaN."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
}


def _sum(values: list[float]) -> float:
    # fsum is exact but refuses inf + -inf; Prometheus gives NaN there, as plain addition does.
    if all(math.isfinite(v) for v in values):
        return math.fsum(values)
    return sum(values)


def _min(values: list[float]) -> float:
    numbers = [v for v in values if not math.isnan(v)]  # NaN loses to any number, as in Prometheus
    return min(numbers) if numbers else math.nan


def _max(values: list[float]) -> float:
    numbers = [v for v in values if not math.isnan(v)]
    return max(numbers) if numbers else math.nan


_AGGREGATORS: dict[str, Callable[[list[float]], float]] = {
    "sum": _sum,
    "avg": lambda values: _sum(values) / len(values),
    "count": lambda values: float(len(values)),
    "min": _min,
    "max": _max,
}


def _histogram_quantile(quantile: float, buckets: tuple[Sample, ...]) -> tuple[Sample, ...]:
    """Prometheus's `histogram_quantile` over classic `le` buckets."""
    groups: dict[tuple[tuple[str, str], ...], list[tuple[float, float]]] = {}
    for sample in buckets:
        try:
            upper = float(sample.labels["le"])
        except (KeyError, ValueError):
            continue  # Prometheus skips series without a usable le label
        key = tuple(sorted((k, v) for k, v in sample.labels.items() if k not in ("le", "__name__")))
        groups.setdefault(key, []).append((upper, sample.value))
    return tuple(
        Sample(dict(key), _bucket_quantile(quantile, points))
        for key, points in sorted(groups.items())
    )


def _bucket_quantile(quantile: float, points: list[tuple[float, float]]) -> float:
    if math.isnan(quantile):
        return math.nan
    if quantile < 0:
        return -math.inf
    if quantile > 1:
        return math.inf
    merged: dict[float, float] = {}
    for upper, count in points:
        merged[upper] = merged.get(upper, 0.0) + count
    bounds = sorted(merged)
    if len(bounds) < 2 or not math.isinf(bounds[-1]):
        return math.nan
    counts: list[float] = []
    for upper in bounds:  # counts that go down between buckets are scrape noise: flatten them
        counts.append(max(merged[upper], counts[-1]) if counts else merged[upper])
    observations = counts[-1]
    if observations == 0 or math.isnan(observations):
        return math.nan
    rank = quantile * observations
    # The first bucket holding the rank, searching all but +Inf (as Prometheus's sort.Search does)
    index = bisect.bisect_left(counts, rank, hi=len(counts) - 1)
    if index == len(bounds) - 1:
        return bounds[-2]
    if index == 0 and bounds[0] <= 0:
        return bounds[0]
    start, count = 0.0, counts[index]
    if index > 0:
        start = bounds[index - 1]
        count -= counts[index - 1]
        rank -= counts[index - 1]
    return start + (bounds[index] - start) * (rank / count)


# --- From promql-parser's tree to ours --------------------------------------------------------


def _word(name: str) -> str:
    return rf"(?<![\w:]){re.escape(name)}(?![\w:])"


def _compile(node: Any) -> Expr:
    """Our tree for a promql-parser tree; raises Unsupported for what the demo cannot do."""
    if isinstance(node, pp.ParenExpr):
        return _compile(node.expr)
    if isinstance(node, pp.NumberLiteral):
        return NumberLiteral(float(node.val))
    if isinstance(node, pp.VectorSelector):
        return _selector(node)
    if isinstance(node, pp.MatrixSelector):
        seconds = node.range.total_seconds()
        return MatrixSelector(_selector(node.vector_selector), seconds)
    if isinstance(node, pp.Call):
        return _call(node)
    if isinstance(node, pp.AggregateExpr):
        return _aggregation(node)
    if isinstance(node, pp.UnaryExpr):
        operand = _compile(node.expr)
        if isinstance(operand, NumberLiteral):
            return NumberLiteral(-operand.value)
        return Unary(operand, operand.type)
    if isinstance(node, pp.BinaryExpr):
        return _binary(node)
    if isinstance(node, pp.SubqueryExpr):
        raise Unsupported(
            "subqueries are not supported by the demo backend", r"(?<=[\w\])\s])\s*:(?=[^\]]*\])"
        )
    if isinstance(node, pp.StringLiteral):
        raise Unsupported("string literals are not supported by the demo backend", None)
    raise Unsupported(f"{type(node).__name__} is not supported by the demo backend", "$^")


def _selector(node: Any) -> VectorSelector:
    if node.offset is not None:
        raise Unsupported(
            "the offset modifier is not supported by the demo backend", _word("offset")
        )
    if node.at is not None:
        raise Unsupported("the @ modifier is not supported by the demo backend", "@")
    if node.matchers.or_matchers:
        raise Unsupported('"or" between label matchers is not supported by the demo backend', "{")
    matchers: list[Matcher] = []
    if node.name is not None:
        matchers.append(Matcher("__name__", "=", node.name))
    for matcher in node.matchers.matchers:
        op = next(text for kind, text in _MATCH_OPS if matcher.op == kind)
        pattern = None
        if op in ("=~", "!~"):
            try:
                pattern = re.compile(matcher.value)
            except re.error as exc:  # Go's RE2 and Python's re differ at the edges
                raise Unsupported(
                    f'regular expression "{matcher.value}" is not supported by the demo backend: '
                    f"{exc}",
                    re.escape(matcher.name) + r"\s*[=!]~",
                ) from None
        matchers.append(Matcher(matcher.name, op, matcher.value, pattern))
    return VectorSelector(tuple(matchers))


def _call(node: Any) -> Call:
    name = node.func.name
    if name not in FUNCTIONS:
        raise Unsupported(
            f'function "{name}" is not supported by the demo backend '
            f"(it understands {', '.join(FUNCTIONS)})",
            _word(name) + r"(?=\s*\()",
        )
    return Call(name, tuple(_compile(arg) for arg in node.args))


def _aggregation(node: Any) -> Aggregation:
    op = str(node.op)
    if op not in AGGREGATIONS:
        raise Unsupported(
            f'aggregation "{op}" is not supported by the demo backend '
            f"(it understands {', '.join(AGGREGATIONS)})",
            _word(op),
        )
    modifier = node.modifier
    grouping: tuple[str, ...] = ()
    without = False
    if modifier is not None:
        grouping = tuple(modifier.labels)
        without = modifier.type == pp.AggModifierType.Without
    return Aggregation(op, _compile(node.expr), grouping, without)


def _binary(node: Any) -> Binary:
    op = str(node.op)
    if op not in ARITHMETIC:
        pattern = _word(op) if op.isalpha() else re.escape(op) + ("" if "=" in op else "(?!=)")
        raise Unsupported(f'operator "{op}" is not supported by the demo backend', pattern)
    modifier = node.modifier
    if modifier is not None and (modifier.matching is not None or modifier.return_bool):
        if modifier.return_bool:
            word = "bool"
        elif modifier.card in (pp.VectorMatchCardinality.ManyToOne,):
            word = "group_left"
        elif modifier.card in (pp.VectorMatchCardinality.OneToMany,):
            word = "group_right"
        elif modifier.matching.type == pp.LabelModifierType.Include:
            word = "on"
        else:
            word = "ignoring"
        raise Unsupported(
            f'"{word}" is not supported by the demo backend: vectors match one-to-one on '
            "identical labels",
            _word(word),
        )
    lhs, rhs = _compile(node.lhs), _compile(node.rhs)
    kind: ValueType = "scalar" if lhs.type == rhs.type == "scalar" else "vector"
    return Binary(op, lhs, rhs, kind)


@lru_cache(maxsize=512)
def parse(text: str) -> Expr:
    """Parse a PromQL expression into an immutable tree the demo can evaluate.

    The result is a scalar or instant-vector expression. A syntax error raises
    QueryError(error_type="bad_data") with promql-parser's message; a construct the demo does
    not evaluate raises the same, naming the construct and where it is in the text.
    """
    placeholder = _locate(text, r"\{\{")
    if placeholder is not None:
        end = text.find("}}", placeholder)
        shown = text[placeholder : end + 2] if end >= 0 else "{{"
        raise _error(text, placeholder, f"the placeholder {shown} was not substituted")
    try:
        tree = pp.parse(without_raw_strings(text))
    except ValueError as exc:  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        raise _error(text, None, str(exc) or "invalid promql query") from None
    try:
        node = _compile(tree)
    except Unsupported as exc:
        where = _start(text) if exc.pattern is None else _locate(text, exc.pattern)
        raise _error(text, where, exc.message) from None
    except RecursionError:
        raise _error(text, None, "the query nests too deeply for the demo backend") from None
    if node.type == "matrix":
        raise _error(
            text,
            _start(text),
            "a range vector is not a result: wrap it in rate(...) or increase(...)",
        )
    return node


def evaluate(expr: Expr, store: SeriesStore, t: float) -> Value:
    """Evaluate a parsed expression at unix time `t`: a float for scalars, samples otherwise."""
    return expr.evaluate(store, t)
