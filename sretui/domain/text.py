"""Text from outside (alert labels, annotations, comments, server messages) made safe to draw
on a terminal. Pure: screens and offline commands use it without importing any client."""

from __future__ import annotations

import functools
import re

_TERMINAL_SEQUENCE = r"""
      (?: \x1b [\]PX^_] | [\x90\x98\x9d\x9e\x9f] )  # OSC, DCS, SOS, PM, APC (7- or 8-bit)
      .*? (?: \x07 | \x1b\\ | \x9c | \Z )           # ... up to their terminator, or the end
    | (?: \x1b\[ | \x9b ) [0-?]* [ -/]* [@-~]        # CSI ... its final byte
    | \x1b [ -/]* [0-~]?                             # any other escape, or a lone ESC
    """


@functools.cache
def _terminal_sequence() -> re.Pattern[str]:
    """Compiled on the first text that is not plain: every command prints, few print that."""
    return re.compile(_TERMINAL_SEQUENCE, re.VERBOSE | re.DOTALL)


# Characters that reorder the text around them (Trojan Source, CVE-2021-42574): shown as
# their code point, so a reader sees that the text holds one, and the terminal never obeys it.
BIDI_CONTROLS = frozenset(
    map(chr, (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
)
# Invisible, but part of how emoji and some scripts are written: kept.
_JOINERS = frozenset("\u200c\u200d")
_PLAIN = re.compile(r"[ -~\n]*")  # printable ASCII and line feeds: nothing to do
# Control characters (C0 but tab and line feed, DEL, C1): never stored, never shown.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _category(char: str) -> str:
    import unicodedata  # here, not at the top: only text with unusual characters needs it

    return unicodedata.category(char)


def has_control(text: str) -> bool:
    """Whether `text` holds a control character (an escape, a bell, a NUL, a C1 byte, ...);
    tab and line feed are not counted."""
    return CONTROL.search(text) is not None


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """`text` from outside (a file, a server, a person) made safe to draw on a terminal. This is
    THE function for every output edge: the CLI's streams, and every piece of outside text the
    app puts in a cell, a title, a toast or a tooltip.

    Escape sequences (CSI, OSC, DCS, ... in their 7- and 8-bit forms) are removed whole, so
    they can neither repaint or retitle the screen nor leave debris such as `[31m` behind.
    Bidi controls (U+202E, ...) are shown as `<U+202E>`, so they are seen and not obeyed.
    Other control and invisible format characters (zero-width spaces, ...) are removed but for
    the joiners emoji need; tabs and other whitespace become a space; line breaks become a
    space unless `keep_newlines` (then `\\r\\n` and `\\r` become `\\n`). Printable text,
    including emoji and private-use characters, is kept as it is. Textual markup such as `[b]`
    is NOT escaped: show the result as `rich.text.Text` or with `markup=False`.
    """
    if _PLAIN.fullmatch(text) and (keep_newlines or "\n" not in text):
        return text  # the common case, and fast for a long note
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _terminal_sequence().sub("", text)
    kept: list[str] = []
    for char in text:
        if char.isprintable() or (char == "\n" and keep_newlines) or char in _JOINERS:
            kept.append(char)
        elif char in BIDI_CONTROLS:
            kept.append(f"<U+{ord(char):04X}>")
        elif char.isspace():
            kept.append(" ")
        elif _category(char) in ("Co", "Cn"):
            kept.append(char)  # private use (icon fonts) and newer-than-Python characters
    return "".join(kept)
