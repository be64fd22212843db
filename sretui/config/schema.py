"""Strict reading of TOML tables into typed values.

A `Reader` wraps one table. Each accessor takes a key out of it, checks its type and records a
`Problem` naming the file, the line and the key when something is wrong; `finish()` reports every
key nobody asked for as unknown. Loaders never raise on bad content: they collect all problems,
so `sretui check` can list them in one go.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from sretui.config.problems import Problem
from sretui.config.tomlfile import KeyPath, TomlDocument
from sretui.domain.durations import format_duration, parse_duration
from sretui.domain.text import CONTROL

_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "a table",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


_BARE_KEY = re.compile(r"[A-Za-z0-9_.+-]+")  # binding ids hold dots


def key_name(key_path: KeyPath) -> str:
    """A key path as people can find it in the file: slo[2].sli.error_query (1-based)."""
    text = ""
    for part in key_path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            # A key TOML allows only quoted ("a\nb", "") is shown quoted, escapes and all.
            shown = part if _BARE_KEY.fullmatch(part) else json.dumps(part)
            text += f".{shown}" if text else shown
    return text or "the top level"


class Reader:
    """Typed, located access to one TOML table."""

    def __init__(
        self,
        doc: TomlDocument,
        data: Mapping[str, Any],
        key_path: KeyPath,
        problems: list[Problem],
        parent: Reader | None = None,
    ) -> None:
        self.doc = doc
        self.data = data
        self.key_path = key_path
        self.problems = problems
        self.parent = parent
        self._seen: set[str] = set()
        self._ok = True

    @property
    def ok(self) -> bool:
        """False once a problem was found in this table or any table inside it."""
        return self._ok

    def _fail(self) -> None:
        reader: Reader | None = self
        while reader is not None:
            reader._ok = False
            reader = reader.parent

    @classmethod
    def root(cls, doc: TomlDocument, problems: list[Problem]) -> Reader:
        return cls(doc, doc.data, (), problems)

    # -- problems ---------------------------------------------------------------------------

    def line(self, key: str | None = None) -> int | None:
        path = (*self.key_path, key) if key is not None else self.key_path
        return self.doc.line_of(path)

    def problem(self, key: str | None, message: str) -> None:
        """Record a problem about `key` (or the table itself when key is None)."""
        self._fail()
        path = (*self.key_path, key) if key is not None else self.key_path
        text = f"{key_name(path)}: {message}" if path else message
        self.problems.append(Problem(self.doc.path, self.line(key), text))

    def allow(self, *keys: str) -> None:
        """Declare keys this table may have, so `finish()` names them in its hints."""
        self._seen.update(keys)

    def has(self, key: str) -> bool:
        return key in self.data

    # -- accessors --------------------------------------------------------------------------

    def _take(self, key: str, kind: type | tuple[type, ...], required: bool) -> Any:
        self._seen.add(key)
        if key not in self.data:
            if required:
                where = f" in {key_name(self.key_path)}" if self.key_path else ""
                self._fail()
                self.problems.append(
                    Problem(self.doc.path, self.line(), f"missing required key '{key}'{where}")
                )
            return None
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; TOML keeps them apart and so do we.
        if isinstance(value, bool) and bool not in kinds:
            wrong = True
        else:
            wrong = not isinstance(value, kinds)
        if wrong:
            names = [
                _TYPE_NAMES.get(k, k.__name__) for k in kinds if not (k is int and float in kinds)
            ]
            expected = " or ".join(names)
            self.problem(key, f"expected {expected}, got {_describe(value)}")
            return None
        return value

    def string(
        self,
        key: str,
        *,
        required: bool = False,
        default: str | None = None,
        choices: Iterable[str] | None = None,
        allow_empty: bool = False,
    ) -> str | None:
        value = self._take(key, str, required)
        if value is None:
            return default
        control = _first_control_character(value)
        if control is not None:
            self.problem(key, f"contains a control character ({control}); use plain text")
            return default
        if not allow_empty and not value.strip():
            self.problem(key, "must not be empty")
            return default
        if choices is not None:
            options = list(choices)
            if value not in options:
                self.problem(key, f"{value!r} is not one of: {', '.join(options)}")
                return default
        return str(value)

    def number(
        self,
        key: str,
        *,
        required: bool = False,
        default: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive: bool = False,
    ) -> float | None:
        value = self._take(key, (int, float), required)
        if value is None:
            return default
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            self.problem(key, "must be a finite number")
            return default
        low_bad = minimum is not None and (number <= minimum if exclusive else number < minimum)
        high_bad = maximum is not None and (number >= maximum if exclusive else number > maximum)
        if low_bad or high_bad:
            if minimum is not None and maximum is not None:
                bounds = f"between {_num(minimum)} and {_num(maximum)}"
                if exclusive:
                    bounds += " (exclusive)"
            elif minimum is not None:
                bounds = f"{'above' if exclusive else 'at least'} {_num(minimum)}"
            else:
                bounds = f"{'below' if exclusive else 'at most'} {_num(maximum or 0)}"
            self.problem(key, f"{_num(number)} is out of range: must be {bounds}")
            return default
        return number

    def boolean(self, key: str, *, default: bool = False) -> bool:
        value = self._take(key, bool, False)
        return default if value is None else bool(value)

    def name(self, key: str, *, required: bool = False) -> str | None:
        """A name shown on one line of the screen: plain, short text.

        Refused: line breaks and tabs, bidi controls (they reorder what follows), anything
        that reads as Textual markup (a `[...]` tag such as `[/]` or `[@click=app.quit]`) and
        more than NAME_MAX characters. Every screen shows names as text anyway
        (tests/hostile/test_hostile_definitions.py); refusing says so to whoever wrote it."""
        value = self.string(key, required=required)
        if value is None:
            return None
        problem = _name_problem(value)
        if problem is not None:
            self.problem(key, problem)
            return None
        return value

    def string_list(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._take(key, (list, str), required)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)  # a lone string is a list of one; people write it that way
        out: list[str] = []
        for position, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(key, f"item {position + 1}: expected a string, got {_describe(item)}")
            else:
                out.append(item)
        return tuple(out)

    def string_map(self, key: str) -> dict[str, str]:
        value = self._take(key, dict, False)
        if value is None:
            return {}
        out: dict[str, str] = {}
        for name, item in value.items():
            if not isinstance(item, str):
                self.problem(f"{key}.{name}", f"expected a string, got {_describe(item)}")
            else:
                out[name] = item
        return out

    def duration(
        self,
        key: str,
        *,
        required: bool = False,
        default: timedelta | None = None,
        minimum: timedelta = timedelta(seconds=1),
        maximum: timedelta = timedelta(days=400),
    ) -> timedelta | None:
        """A duration between `minimum` and `maximum` (1s..400d unless the key says otherwise)."""
        value = self._take(key, str, required)
        if value is None:
            return default
        try:
            parsed = parse_duration(value)
        except ValueError as exc:
            self.problem(key, str(exc))
            return default
        except OverflowError:  # "99999999999d" is beyond what a timedelta holds
            parsed = None
        if parsed is None or parsed > maximum:
            self.problem(key, f"'{value}' is longer than {format_duration(maximum)}")
            return default
        if parsed < minimum:
            self.problem(key, f"'{value}' is shorter than {format_duration(minimum)}")
            return default
        return parsed

    def path(self, key: str, *, base: Path, must_exist: bool = False) -> Path | None:
        """A file path; relative paths are relative to the folder of the file they appear in."""
        value = self.string(key)
        if value is None:
            return None
        resolved = Path(value).expanduser()
        if not resolved.is_absolute():
            resolved = base / resolved
        if must_exist and not resolved.exists():
            self.problem(key, f"{resolved} does not exist")
        return resolved

    def table(self, key: str, *, required: bool = False) -> Reader | None:
        value = self._take(key, dict, required)
        if value is None:
            return None
        return Reader(self.doc, value, (*self.key_path, key), self.problems, self)

    def tables(self, key: str, *, required: bool = False) -> list[Reader]:
        """An array of tables ([[key]]): one Reader per element."""
        value = self._take(key, list, required)
        if value is None:
            return []
        readers = []
        for position, item in enumerate(value):
            path = (*self.key_path, key, position)
            if not isinstance(item, dict):
                self._fail()
                self.problems.append(
                    Problem(
                        self.doc.path,
                        self.doc.line_of(path),
                        f"{key_name(path)}: expected a table, got {_describe(item)}",
                    )
                )
                continue
            readers.append(Reader(self.doc, item, path, self.problems, self))
        return readers

    def finish(self) -> None:
        """Report every key that no accessor asked for."""
        known = sorted(self._seen)
        for key in self.data:
            if key in self._seen:
                continue
            import difflib  # here, not at the top: only a typo pays for it

            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            expected = f" (known keys: {', '.join(known)})" if known and not hint else ""
            self.problem(key, f"unknown key{suggestion}{expected}")


NAME_MAX = 200
_MARKUP_TAG = re.compile(r"\[[^\[\]]*\]")  # `[b]`, `[/]`, `[@click=...]`: a Textual/Rich tag
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _name_problem(value: str) -> str | None:
    if len(value) > NAME_MAX:
        return f"is {len(value)} characters long; a name may have at most {NAME_MAX}"
    if "\n" in value or "\t" in value:
        return "must be on one line (no line break or tab)"
    if (tag := _MARKUP_TAG.search(value)) is not None:
        return (
            f"contains {tag.group()!r}, which reads as markup; "
            "write plain text (parentheses instead of square brackets)"
        )
    for position, char in enumerate(value):
        if char in _BIDI:
            return (
                f"contains a bidi control (U+{ord(char):04X} at position {position + 1}), "
                "which reorders the text shown after it"
            )
    return None


def _first_control_character(text: str) -> str | None:
    """The first C0/C1 control character other than newline and tab, as U+XXXX at position N.

    Names and descriptions are drawn on the terminal: an escape sequence in them could repaint
    or retitle the screen, so definitions may not carry any."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at position {found.start() + 1}"


def _num(value: float) -> str:
    return f"{value:g}"
