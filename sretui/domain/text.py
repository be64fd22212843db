"""Text from outside (alert labels, annotations, comments, server messages) made safe to draw
on a terminal. Pure: screens and offline commands use it without importing any client."""

from __future__ import annotations

import re
import unicodedata

_TERMINAL_SEQUENCE = re.compile(
    r"""
      (?: \x1b [\]PX^_] | [\x90\x98\x9d\x9e\x9f] )  # OSC, DCS, SOS, PM, APC (7- or 8-bit)
      .*? (?: \x07 | \x1b\\ | \x9c | \Z )           # ... up to their terminator, or the end
    | (?: \x1b\[ | \x9b ) [0-?]* [ -/]* [@-~]        # CSI ... its final byte
    | \x1b [ -/]* [0-~]?                             # any other escape, or a lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """`text` from outside (a label, annotation, comment) made safe to draw on a terminal.

    Escape sequences (CSI, OSC, DCS, ... in their 7- and 8-bit forms) are removed whole, so
    they can neither repaint or retitle the screen nor leave debris such as `[31m` behind.
    Other control and invisible format characters (bidi overrides, zero-width spaces) are
    removed; tabs and other whitespace become a space; line breaks become a space unless
    `keep_newlines` (then `\\r\\n` and `\\r` become `\\n`). Printable text, including emoji and
    private-use characters, is kept as it is. Textual markup such as `[b]` is NOT escaped: show
    the result as `rich.text.Text` or with `markup=False`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TERMINAL_SEQUENCE.sub("", text)
    kept: list[str] = []
    for char in text:
        if char.isprintable() or (char == "\n" and keep_newlines):
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in ("Co", "Cn"):
            kept.append(char)  # private use (icon fonts) and newer-than-Python characters
    return "".join(kept)
