"""Read a TOML file with tomllib and remember on which line each key and table was written.

tomllib gives values but no positions; people need `slos.toml:12: ...`, so `LineIndex` scans the
text once for table headers and keys. It understands what definition files use (tables, arrays of
tables, dotted keys, multi-line strings and arrays); for anything finer (keys inside inline
tables) it answers with the line of the nearest enclosing key.
"""

import re
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from sretui.config.problems import ConfigError, Problem

KeyPath = tuple[str | int, ...]

_ERROR_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class TomlDocument(NamedTuple):
    path: Path
    data: dict[str, Any]
    lines: "LineIndex"

    def line_of(self, key_path: KeyPath) -> int | None:
        return self.lines.line_of(key_path)


def read_toml(path: Path) -> TomlDocument:
    """Parse `path`; raise ConfigError naming the file and line when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(Problem(path, None, f"cannot read: {exc.strerror or exc}")) from exc
    # A UTF-8 BOM (as some editors write) is accepted; not with the "utf-8-sig" codec, whose
    # module every command would import for it.
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(Problem(path, line, "not valid UTF-8")) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _ERROR_POSITION.search(message)
        line = int(match.group(1)) if match else None
        if match:
            message = message[: match.start()]
        raise ConfigError(Problem(path, line, f"invalid TOML: {message}")) from exc
    return TomlDocument(path, data, LineIndex(text))


class LineIndex:
    """Maps key paths like ("slo", 2, "sli", "error_query") to the 1-based line that set them."""

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._lines: dict[KeyPath, int] = {}
        self._array_counts: dict[KeyPath, int] = {}

    def line_of(self, key_path: KeyPath) -> int | None:
        """The line of `key_path`, else of its nearest recorded ancestor, else None.

        The text is scanned on the first question, not when the file is read: only a problem
        needs a line, and the scan costs more than tomllib's parse (a valid file never pays)."""
        if self._text is not None:
            text, self._text = self._text, None
            self._scan(text)
        path = tuple(key_path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None

    def _resolve(self, dotted: list[str]) -> list[str | int]:
        # Inside [[a]] ... [a.b], "a" means the latest element of the array of tables "a".
        resolved: list[str | int] = []
        for part in dotted:
            resolved.append(part)
            count = self._array_counts.get(tuple(resolved))
            if count is not None:
                resolved.append(count - 1)
        return resolved

    def _scan(self, text: str) -> None:
        table: list[str | int] = []
        lines = text.splitlines()
        index = 0
        while index < len(lines):
            number = index + 1
            stripped = lines[index].strip()
            index += 1
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("[["):
                keys = _parse_key(stripped[2:].split("]]", 1)[0])
                if keys:
                    parent = (*self._resolve(keys[:-1]), keys[-1])
                    count = self._array_counts.get(parent, 0) + 1
                    self._array_counts[parent] = count
                    table = [*parent, count - 1]
                    self._lines.setdefault(parent, number)
                    self._lines[tuple(table)] = number
                continue
            if stripped.startswith("["):
                keys = _parse_key(stripped[1:].split("]", 1)[0])
                if keys:
                    table = self._resolve(keys)
                    self._lines[tuple(table)] = number
                continue
            key_text, sep, value = _split_key_value(stripped)
            if not sep:
                continue
            keys = _parse_key(key_text)
            if keys:
                self._lines[(*table, *keys)] = number
            index = _skip_multiline_value(value, lines, index)


def _parse_key(text: str) -> list[str]:
    """Split a (possibly dotted, possibly quoted) TOML key into its parts."""
    parts: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        char = text[pos]
        if char in "\"'":
            end = text.find(char, pos + 1)
            if end < 0:
                return []
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if not match:
                return []
            parts.append(match.group(0))
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text):
            if text[pos] != ".":
                return []
            pos += 1
            while pos < len(text) and text[pos] in " \t":
                pos += 1
    return parts


def _split_key_value(line: str) -> tuple[str, str, str]:
    """Split `key = value` at the first '=' outside quotes."""
    quote = ""
    for pos, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:pos], "=", line[pos + 1 :]
    return line, "", ""


def _skip_multiline_value(value: str, lines: list[str], index: int) -> int:
    """Return the index of the first line after a value that may span lines."""
    state = _ValueScanner()
    state.feed(value)
    while state.open and index < len(lines):
        state.feed("\n" + lines[index])
        index += 1
    return index


class _ValueScanner:
    """Tracks open multi-line strings and brackets across the lines of one value."""

    def __init__(self) -> None:
        self.depth = 0
        self.string = ""  # the closing delimiter of an open string

    @property
    def open(self) -> bool:
        return self.depth > 0 or self.string in ('"""', "'''")

    def feed(self, text: str) -> None:
        pos = 0
        while pos < len(text):
            if self.string:
                if self.string == '"' and text[pos] == "\\":
                    pos += 2
                    continue
                if self.string == '"""' and text[pos] == "\\":
                    pos += 2
                    continue
                if text.startswith(self.string, pos):
                    pos += len(self.string)
                    self.string = ""
                    continue
                if text[pos] == "\n" and len(self.string) == 1:
                    self.string = ""  # single-line strings end at the line's end
                pos += 1
                continue
            char = text[pos]
            if text.startswith('"""', pos) or text.startswith("'''", pos):
                self.string = text[pos : pos + 3]
                pos += 3
            elif char in "\"'":
                self.string = char
                pos += 1
            elif char == "#":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                if char in "[{":
                    self.depth += 1
                elif char in "]}":
                    self.depth -= 1
                pos += 1
