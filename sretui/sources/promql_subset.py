"""A small PromQL parser and evaluator: the subset that SLIs and game-day checks use.

The demo backend (`sretui.sources.demo`) answers queries with it. The lexer and the recursive
descent parser follow Prometheus's grammar for the constructs they accept and refuse everything
else with a `QueryError` (`error_type="bad_data"`) that names the construct and its position, the
way Prometheus says "parse error at char N: ...". Evaluation follows Prometheus's semantics:
aggregating no series gives no series, division by zero gives +/-Inf or NaN, `rate` is the
increase over the range divided by the range's seconds, arithmetic drops the metric name.

Understood: selectors with `= != =~ !~` matchers (regexes fully anchored) and ranges such as
`[5m]` or `[1h30m]`; `rate`, `increase`, `vector`, `histogram_quantile`; `sum`, `avg`, `min`,
`max`, `count` with `by (...)` or `without (...)` before or after the argument; `+ - * /` between
scalars and instant vectors (one-to-one matching on identical label sets); unary minus; number
literals; parentheses; `#` comments.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

from sretui.domain.durations import parse_duration
from sretui.sources.base import QueryError, Sample

ValueType = Literal["scalar", "vector", "matrix"]
Value = float | tuple[Sample, ...]

# The argument types of each supported function; all of them return an instant vector.
_SIGNATURES: dict[str, tuple[ValueType, ...]] = {
    "histogram_quantile": ("scalar", "vector"),
    "increase": ("matrix",),
    "rate": ("matrix",),
    "vector": ("scalar",),
}
FUNCTIONS = tuple(_SIGNATURES)
AGGREGATIONS = ("avg", "count", "max", "min", "sum")

_DURATION = re.compile(r"(?:\d+(?:ms|s|m|h|d|w|y))+")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_IDENTIFIER = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

# Two-character operators first, so that "!=" is not read as "!" then "=".
_OPERATORS = (
    "==", "!=", "=~", "!~", ">=", "<=",
    "=", "+", "-", "*", "/", "%", "^", ">", "<", "(", ")", "{", "}", "[", "]", ",", ":", "@",
)  # fmt: skip
_UNSUPPORTED_BINARY = frozenset({"%", "^", "==", "!=", ">", "<", ">=", "<="})
_UNSUPPORTED_KEYWORD_OPERATORS = frozenset({"and", "or", "unless", "atan2"})
_UNSUPPORTED_MODIFIERS = frozenset({"bool", "on", "ignoring", "group_left", "group_right"})
_OTHER_AGGREGATIONS = frozenset(
    {"stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group", "limitk"}
)
_ESCAPES = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    "\\": "\\", '"': '"', "'": "'",
}  # fmt: skip
_TYPE_NAMES: dict[ValueType, str] = {
    "scalar": "scalar",
    "vector": "instant vector",
    "matrix": "range vector",
}


# --- Tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One lexeme: `kind` is "number", "duration", "string", "identifier", "eof" or the operator
    itself ("(", "=~", "+" ...). `pos` is the 0-based offset of its first character."""

    kind: str
    text: str
    pos: int
    number: float = 0.0
    string: str = ""

    def describe(self) -> str:
        """The token as an error message shows it."""
        if self.kind == "eof":
            return "end of input"
        if self.kind == "string":
            return f"string {self.text}"
        if self.kind in ("number", "duration", "identifier"):
            return f'{self.kind} "{self.text}"'
        return f'"{self.text}"'


def _error(text: str, pos: int, message: str) -> QueryError:
    """A bad_data QueryError that says where in `text` the problem is, 1-based."""
    if "\n" in text:
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        where = f"line {line}, char {column}"
    else:
        where = f"char {pos + 1}"
    return QueryError(f"parse error at {where}: {message}", error_type="bad_data")


def tokenize(text: str) -> list[Token]:
    """Split a PromQL expression into tokens, ending with an "eof" token."""
    tokens: list[Token] = []
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char == "#":
            end = text.find("\n", pos)
            pos = length if end < 0 else end
        elif char.isdigit() or (char == "." and pos + 1 < length and text[pos + 1].isdigit()):
            token = _lex_number(text, pos)
            tokens.append(token)
            pos += len(token.text)
        elif char == "_" or char.isalpha():
            match = _IDENTIFIER.match(text, pos)
            assert match is not None  # a letter or "_" always starts an identifier
            word = match.group()
            if word.lower() in ("inf", "nan"):
                tokens.append(Token("number", word, pos, number=float(word)))
            else:
                tokens.append(Token("identifier", word, pos))
            pos = match.end()
        elif char in "\"'`":
            token = _lex_string(text, pos)
            tokens.append(token)
            pos += len(token.text)
        elif text.startswith("{{", pos):
            end = text.find("}}", pos)
            placeholder = text[pos : end + 2] if end >= 0 else "{{"
            raise _error(text, pos, f"the placeholder {placeholder} was not substituted")
        else:
            for operator in _OPERATORS:
                if text.startswith(operator, pos):
                    tokens.append(Token(operator, operator, pos))
                    pos += len(operator)
                    break
            else:
                raise _error(text, pos, f"unexpected character {char!r}")
    tokens.append(Token("eof", "", length))
    return tokens


def _lex_number(text: str, pos: int) -> Token:
    duration = _DURATION.match(text, pos)
    if duration and not _continues_word(text, duration.end()):
        return Token("duration", duration.group(), pos)
    number = _NUMBER.match(text, pos)
    if number is None or _continues_word(text, number.end()):
        end = pos
        while end < len(text) and (text[end].isalnum() or text[end] in "._"):
            end += 1
        raise _error(text, pos, f'bad number or duration syntax "{text[pos:end]}"')
    literal = number.group()
    value = float(int(literal, 16)) if literal[:2].lower() == "0x" else float(literal)
    return Token("number", literal, pos, number=value)


def _continues_word(text: str, pos: int) -> bool:
    return pos < len(text) and (text[pos].isalnum() or text[pos] in "_.")


def _lex_string(text: str, start: int) -> Token:
    quote = text[start]
    pos = start + 1
    chars: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == quote:
            return Token("string", text[start : pos + 1], start, string="".join(chars))
        if quote == "`":
            chars.append(char)
            pos += 1
        elif char == "\n":
            break
        elif char == "\\":
            decoded, pos = _unescape(text, pos)
            chars.append(decoded)
        else:
            chars.append(char)
            pos += 1
    raise _error(text, start, "unterminated quoted string")


def _unescape(text: str, pos: int) -> tuple[str, int]:
    """Decode the escape sequence at text[pos] == "\\"; return it and the position after it."""
    code = text[pos + 1 : pos + 2]
    if code in _ESCAPES:
        return _ESCAPES[code], pos + 2
    widths = {"x": 2, "u": 4, "U": 8}
    if code in widths:
        digits = text[pos + 2 : pos + 2 + widths[code]]
        if len(digits) == widths[code] and all(c in "0123456789abcdefABCDEF" for c in digits):
            return chr(int(digits, 16)), pos + 2 + widths[code]
    elif len(octal := text[pos + 1 : pos + 4]) == 3 and all(c in "01234567" for c in octal):
        return chr(int(octal, 8)), pos + 4
    raise _error(text, pos, f"unknown escape sequence {text[pos : pos + 2]!r}")


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


# --- Parser ---------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the token list; one instance per expression."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def fail(self, token: Token, message: str) -> QueryError:
        return _error(self.text, token.pos, message)

    def expect(self, kind: str, context: str) -> Token:
        if self.token.kind != kind:
            raise self.fail(
                self.token, f'unexpected {self.token.describe()} {context}, expected "{kind}"'
            )
        return self.advance()

    def parse(self) -> Expr:
        if self.token.kind == "eof":
            raise self.fail(self.token, "no expression found in input")
        node = self.expression()
        if self.token.kind != "eof":
            raise self.unexpected_after_expression()
        if node.type == "matrix":
            raise self.fail(
                self.tokens[0],
                "a range vector is not a result: wrap it in rate(...) or increase(...)",
            )
        return node

    def unexpected_after_expression(self) -> QueryError:
        token = self.token
        if token.kind == "eof":
            return self.fail(token, 'unexpected end of input: a ")" is missing')
        if token.kind in _UNSUPPORTED_BINARY:
            return self.fail(token, f'operator "{token.text}" is not supported by the demo backend')
        if token.kind == "identifier" and token.text in _UNSUPPORTED_KEYWORD_OPERATORS:
            return self.fail(token, f'operator "{token.text}" is not supported by the demo backend')
        if token.kind == "identifier" and token.text == "offset":
            return self.fail(token, "the offset modifier is not supported by the demo backend")
        if token.kind == "@":
            return self.fail(token, "the @ modifier is not supported by the demo backend")
        if token.kind == "[":
            return self.fail(
                token, "ranges are only allowed on metric selectors; subqueries are not supported"
            )
        return self.fail(token, f"unexpected {token.describe()}")

    def expression(self) -> Expr:
        return self.binary(("+", "-"), self.term)

    def term(self) -> Expr:
        return self.binary(("*", "/"), self.unary)

    def binary(self, operators: tuple[str, ...], operand: _Rule) -> Expr:
        node = operand()
        while self.token.kind in operators:
            op_token = self.advance()
            if self.token.kind == "identifier" and self.token.text in _UNSUPPORTED_MODIFIERS:
                raise self.fail(
                    self.token,
                    f'"{self.token.text}" is not supported by the demo backend: vectors match '
                    "one-to-one on identical labels",
                )
            right = operand()
            node = Binary(op_token.text, node, right, self.binary_type(op_token, node, right))
        return node

    def binary_type(self, op: Token, left: Expr, right: Expr) -> ValueType:
        if left.type == "matrix" or right.type == "matrix":
            raise self.fail(
                op, "binary expression must contain only scalar and instant vector types"
            )
        return "scalar" if left.type == right.type == "scalar" else "vector"

    def unary(self) -> Expr:
        if self.token.kind in ("-", "+"):
            sign = self.advance()
            operand = self.unary()
            if operand.type == "matrix":
                raise self.fail(
                    sign, "unary expression only allowed on scalars and instant vectors"
                )
            if sign.kind == "+":
                return operand
            if isinstance(operand, NumberLiteral):
                return NumberLiteral(-operand.value)
            return Unary(operand, operand.type)
        return self.postfix()

    def postfix(self) -> Expr:
        node = self.primary()
        if self.token.kind == "[":
            if not isinstance(node, VectorSelector):
                raise self.fail(
                    self.token,
                    "ranges are only allowed on metric selectors; subqueries are not supported",
                )
            self.advance()
            duration = self.token
            if duration.kind != "duration":
                raise self.fail(
                    duration, f"unexpected {duration.describe()} in range, expected a duration"
                )
            self.advance()
            if self.token.kind == ":":
                raise self.fail(self.token, "subqueries are not supported by the demo backend")
            self.expect("]", "in range")
            node = MatrixSelector(node, self.duration_seconds(duration))
        if self.token.kind == "identifier" and self.token.text == "offset":
            raise self.fail(self.token, "the offset modifier is not supported by the demo backend")
        if self.token.kind == "@":
            raise self.fail(self.token, "the @ modifier is not supported by the demo backend")
        return node

    def duration_seconds(self, token: Token) -> float:
        try:
            return parse_duration(token.text).total_seconds()
        except ValueError as exc:
            raise self.fail(token, f"bad duration {exc}") from None

    def primary(self) -> Expr:
        token = self.token
        if token.kind == "number":
            self.advance()
            return NumberLiteral(token.number)
        if token.kind == "(":
            self.advance()
            node = self.expression()
            if self.token.kind != ")":
                raise self.unexpected_after_expression()
            self.advance()
            return node
        if token.kind == "{":
            return self.selector(None)
        if token.kind == "identifier":
            return self.identifier()
        if token.kind == "string":
            raise self.fail(token, "string literals are not supported by the demo backend")
        if token.kind == "duration":
            raise self.fail(token, f"unexpected {token.describe()}: durations belong in [...]")
        if token.kind in _UNSUPPORTED_BINARY or token.kind in ("*", "/"):
            raise self.fail(token, f"unexpected {token.describe()}: an operand is missing")
        raise self.fail(token, f"unexpected {token.describe()}")

    def identifier(self) -> Expr:
        token = self.token
        name = token.text
        following = self.tokens[self.index + 1].kind
        if name in AGGREGATIONS:
            return self.aggregation()
        if name in _OTHER_AGGREGATIONS and following in ("(", "identifier"):
            raise self.fail(
                token,
                f'aggregation "{name}" is not supported by the demo backend '
                f"(it understands {', '.join(AGGREGATIONS)})",
            )
        if following == "(":
            if name not in FUNCTIONS:
                raise self.fail(
                    token,
                    f'function "{name}" is not supported by the demo backend '
                    f"(it understands {', '.join(FUNCTIONS)})",
                )
            return self.call()
        if name in ("by", "without") or name in _UNSUPPORTED_MODIFIERS or name == "offset":
            raise self.fail(token, f"unexpected {token.describe()}")
        if name in _UNSUPPORTED_KEYWORD_OPERATORS:
            raise self.fail(token, f'operator "{name}" needs an operand on its left')
        self.advance()
        return self.selector(name)

    def selector(self, name: str | None) -> VectorSelector:
        start = self.tokens[self.index - 1] if name is not None else self.token
        matchers: list[Matcher] = []
        if name is not None:
            matchers.append(Matcher("__name__", "=", name))
        if self.token.kind == "{":
            self.advance()
            while self.token.kind != "}":
                matcher = self.matcher()
                if matcher.name == "__name__" and name is not None:
                    raise self.fail(start, "metric name must not be set twice")
                matchers.append(matcher)
                if self.token.kind == ",":
                    self.advance()
                elif self.token.kind != "}":
                    raise self.fail(
                        self.token,
                        f"unexpected {self.token.describe()} in label matching, "
                        'expected "," or "}"',
                    )
            self.advance()
        if not any(not m.matches({}) for m in matchers):
            raise self.fail(start, "vector selector must contain at least one non-empty matcher")
        return VectorSelector(tuple(matchers))

    def matcher(self) -> Matcher:
        label = self.token
        if label.kind != "identifier" or not _LABEL_NAME.fullmatch(label.text):
            raise self.fail(
                label, f"unexpected {label.describe()} in label matching, expected a label name"
            )
        self.advance()
        op = self.token
        if op.kind not in ("=", "!=", "=~", "!~"):
            raise self.fail(
                op, f"unexpected {op.describe()} in label matching, expected one of = != =~ !~"
            )
        self.advance()
        value = self.token
        if value.kind != "string":
            raise self.fail(
                value, f"unexpected {value.describe()} in label matching, expected a string"
            )
        self.advance()
        pattern = None
        if op.kind in ("=~", "!~"):
            try:
                pattern = re.compile(value.string)
            except re.error as exc:
                raise self.fail(value, f"invalid regular expression {value.text}: {exc}") from None
        return Matcher(label.text, op.kind, value.string, pattern)

    def label_list(self) -> tuple[str, ...]:
        self.expect("(", "in grouping")
        labels: list[str] = []
        while self.token.kind != ")":
            label = self.token
            if label.kind != "identifier" or not _LABEL_NAME.fullmatch(label.text):
                raise self.fail(
                    label, f"unexpected {label.describe()} in grouping, expected a label name"
                )
            labels.append(self.advance().text)
            if self.token.kind == ",":
                self.advance()
            elif self.token.kind != ")":
                raise self.fail(
                    self.token,
                    f'unexpected {self.token.describe()} in grouping, expected "," or ")"',
                )
        self.advance()
        return tuple(labels)

    def aggregation(self) -> Aggregation:
        op = self.advance()
        grouping: tuple[str, ...] | None = None
        without = False
        if self.token.kind == "identifier" and self.token.text in ("by", "without"):
            without = self.advance().text == "without"
            grouping = self.label_list()
        self.expect("(", f'after aggregation "{op.text}"')
        inner_start = self.token
        inner = self.expression()
        if self.token.kind == ",":
            raise self.fail(self.token, f'aggregation "{op.text}" takes one argument')
        if self.token.kind != ")":
            raise self.unexpected_after_expression()
        self.advance()
        if self.token.kind == "identifier" and self.token.text in ("by", "without"):
            if grouping is not None:
                raise self.fail(self.token, "an aggregation takes only one grouping clause")
            without = self.advance().text == "without"
            grouping = self.label_list()
        if inner.type != "vector":
            raise self.fail(
                inner_start,
                f"expected type instant vector in aggregation expression, got "
                f"{_TYPE_NAMES[inner.type]}",
            )
        return Aggregation(op.text, inner, grouping or (), without)

    def call(self) -> Call:
        name = self.advance()
        self.advance()  # "("
        args: list[tuple[Token, Expr]] = []
        while self.token.kind != ")":
            args.append((self.token, self.expression()))
            if self.token.kind == ",":
                self.advance()
            elif self.token.kind != ")":
                raise self.unexpected_after_expression()
        self.advance()
        expected = _SIGNATURES[name.text]
        if len(args) != len(expected):
            raise self.fail(
                name,
                f'expected {len(expected)} argument(s) in call to "{name.text}", got {len(args)}',
            )
        for (token, arg), wanted in zip(args, expected, strict=True):
            if arg.type != wanted:
                raise self.fail(
                    token,
                    f'expected type {_TYPE_NAMES[wanted]} in call to function "{name.text}", '
                    f"got {_TYPE_NAMES[arg.type]}",
                )
        return Call(name.text, tuple(arg for _, arg in args))


class _Rule(Protocol):
    def __call__(self) -> Expr: ...


@lru_cache(maxsize=512)
def parse(text: str) -> Expr:
    """Parse a PromQL expression of the supported subset into an immutable syntax tree.

    The result is a scalar or instant-vector expression; anything else, and any syntax outside
    the subset, raises QueryError(error_type="bad_data") with the position of the problem.
    """
    return _Parser(text).parse()


def evaluate(expr: Expr, store: SeriesStore, t: float) -> Value:
    """Evaluate a parsed expression at unix time `t`: a float for scalars, samples otherwise."""
    return expr.evaluate(store, t)
