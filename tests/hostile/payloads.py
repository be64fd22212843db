"""Hostile text: one table of what outside text may hold, shared by every hostile test.

Each payload is something a person, a file or a server could put where sretui shows text.
`markup` payloads must be shown literally; `escape` payloads must never reach the terminal
(no ESC, BEL, C1 or NUL byte in what sretui writes); `bidi` payloads must be shown visibly
(`<U+202E>`), never obeyed. Add a payload as one more row.
"""

from __future__ import annotations

from typing import NamedTuple


class Payload(NamedTuple):
    name: str
    text: str
    kind: str  # "markup", "escape", "bidi" or "size"


PAYLOADS = [
    Payload("close-tag", "[/]", "markup"),
    Payload("open-bracket", "[", "markup"),
    Payload("bold", "[bold]x[/]", "markup"),
    Payload("link", "[link=https://evil.example]x[/]", "markup"),
    Payload("click-quit", "[@click=app.quit]q[/]", "markup"),
    Payload("close-full", "[/full]", "markup"),
    Payload("csi-clear", "a\x1b[2Jb", "escape"),
    Payload("csi-red", "\x1b[31mred\x1b[0m", "escape"),
    Payload("osc0-title-bel", "\x1b]0;pwned\x07x", "escape"),
    Payload("osc8-link-st", "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\", "escape"),
    Payload("osc52-bel", "\x1b]52;c;aGVsbG8=\x07x", "escape"),
    Payload("osc52-st", "\x1b]52;c;aGVsbG8=\x1b\\x", "escape"),
    Payload("bare-esc", "a\x1bb", "escape"),
    Payload("bel", "a\x07b", "escape"),
    Payload("cr", "abc\rxyz", "escape"),
    Payload("backspace", "abc\x08\x08x", "escape"),
    Payload("c1-csi", "a\x9b2Jb", "escape"),
    Payload("c1-osc", "a\x9d0;t\x9cb", "escape"),
    Payload("nul", "a\x00b", "escape"),
    Payload("bidi-override", "user\u202etxt.exe", "bidi"),
    Payload("bidi-isolate", "a\u2066b\u2069c", "bidi"),
    Payload("long", "x" * 100_000, "size"),
]

# What must never be in the bytes sretui writes for outside text.
FORBIDDEN = ("\x1b", "\x07", "\x00", "\x08", "\r", *map(chr, range(0x80, 0xA0)), "\u202e", "\u2066")


def forbidden_in(written: str) -> list[str]:
    """The forbidden characters found in `written` (empty: clean)."""
    return [repr(char) for char in FORBIDDEN if char in written]
