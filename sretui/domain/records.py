"""Decoding JSON values into typed records (msgspec Structs), with errors that name the field.

One place turns msgspec's validation errors into the messages sretui shows:
`field 'data.severity': expected one of SEV1, SEV2, SEV3, SEV4, got 'SEV9'`. The expected text
comes from the record's own type, so a new record type needs no messages of its own. Every
area's records decode through here (incidents, runbook walks); importing this module loads
msgspec but no area's domain.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

# A string that is not blank (msgspec's pattern is searched, not matched).
NON_BLANK = msgspec.Meta(pattern=r"\S")

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


def show(value: object) -> str:
    """A short repr for error messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def convert(value: object, kind: type[T], *, where: str = "") -> T:
    """`value` (as `json.loads` gives it) as a `kind`, or ValueError naming the field at fault.

    `where` is the path of `value` inside a larger record ("data"), put before every field.
    """
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as error:
        raise ValueError(explain(str(error), value, kind, where)) from None


def explain(message: str, value: object, kind: object, where: str = "") -> str:
    """A msgspec validation message, said as `field 'a.b[2]': expected ..., got ...`."""
    import msgspec.inspect as mi  # only when something is wrong

    found = _AT.match(message)
    assert found is not None  # the pattern matches any text
    text, raw_path = found.group("message"), found.group("path") or ""
    names: list[str | int] = []
    here: Any = value
    info: Any = mi.type_info(kind)
    for attribute, index in _PATH_PART.findall(raw_path):
        info = _unwrap(info)
        if attribute:
            names.append(attribute)
            here = here.get(attribute) if isinstance(here, dict) else None
            info = _field_type(info, attribute)
        elif index == "...":  # a value of a mapping: find which key holds a bad value
            key = _bad_key(here, getattr(info, "value_type", None))
            names.append(key)
            here = here.get(key) if isinstance(here, dict) else None
            info = getattr(info, "value_type", None)
        else:
            names.append(int(index))
            here = here[int(index)] if isinstance(here, list) and int(index) < len(here) else None
            info = getattr(info, "item_type", None)
    field_name = _join(where, names)
    missing = re.match(r"Object missing required field `(.+)`", text)
    if missing:
        return f"field '{_join(field_name, [missing.group(1)])}' is missing"
    unknown = re.match(r"Object contains unknown field `(.+)`", text)
    if unknown:
        keys = ", ".join(f.encode_name for f in getattr(_unwrap(info), "fields", ()))
        return f"field '{_join(field_name, [unknown.group(1)])}': expected one of the keys {keys}"
    label = f"field '{field_name}'" if field_name else "the record"
    if text.startswith(("Expected", "Invalid")):
        return f"{label}: expected {describe(info)}, got {show(here)}"
    return f"{label}: {text}"  # raised by a record's own check (__post_init__)


def describe(info: Any) -> str:
    """What a value of a type (a `msgspec.inspect` type) looks like, for error messages."""
    import msgspec.inspect as mi

    if isinstance(info, mi.Metadata):
        expected = (info.extra or {}).get("expected")
        return str(expected) if expected else describe(info.type)
    if isinstance(info, mi.UnionType):
        options = [describe(t) for t in info.types if not isinstance(t, mi.NoneType)]
        return " or ".join(options) or "null"
    if isinstance(info, mi.StrType):
        return "non-empty text" if info.pattern or info.min_length else "text"
    if isinstance(info, mi.BoolType):
        return "true or false"
    if isinstance(info, mi.IntType):
        return "a positive integer" if info.ge == 1 else "an integer"
    if isinstance(info, mi.DateTimeType):
        return "an ISO-8601 time with a UTC offset"
    if isinstance(info, mi.DateType):
        return "a date (YYYY-MM-DD)"
    if isinstance(info, mi.EnumType):
        return "one of " + ", ".join(str(member.value) for member in info.cls)
    if isinstance(info, (mi.ListType, mi.VarTupleType)):
        return "a list"
    if isinstance(info, mi.DictType):
        return (
            "an object of text values" if isinstance(info.value_type, mi.StrType) else "an object"
        )
    if isinstance(info, mi.StructType):
        return "an object"
    return "a JSON value"


def to_wire(record: msgspec.Struct) -> dict[str, Any]:
    """A record as JSON values, fields in declaration order, unset fields left out. Times are
    written as Python's `isoformat` (`+00:00`, not msgspec's `Z`): the format since v1."""
    wire = msgspec.to_builtins(record, builtin_types=(datetime, date))
    assert isinstance(wire, dict)
    return {key: _times(value) for key, value in wire.items()}


def _times(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _times(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_times(item) for item in value]
    return value


def _unwrap(info: Any) -> Any:
    import msgspec.inspect as mi

    while True:
        if isinstance(info, mi.Metadata):
            info = info.type
        elif isinstance(info, mi.UnionType):
            options = [t for t in info.types if not isinstance(t, mi.NoneType)]
            if len(options) != 1:
                return info
            info = options[0]
        else:
            return info


def _field_type(info: Any, name: str) -> Any:
    for field in getattr(info, "fields", ()):
        if field.encode_name == name:
            return field.type
    return getattr(info, "value_type", None)


def _bad_key(mapping: object, value_type: Any) -> str:
    if isinstance(mapping, dict) and value_type is not None:
        import msgspec.inspect as mi

        for key, item in mapping.items():
            if isinstance(value_type, mi.StrType) and not isinstance(item, str):
                return str(key)
    return "..."


def _join(where: str, names: list[str | int]) -> str:
    text = where
    for name in names:
        text += f"[{name}]" if isinstance(name, int) else (f".{name}" if text else name)
    return text
