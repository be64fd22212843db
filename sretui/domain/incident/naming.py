"""Incident ids and chat channel names."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

from sretui.domain.incident.inputs import SLUG_MAX, utc

if TYPE_CHECKING:
    import random

_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o, u


def new_incident_id(at: datetime, rng: random.Random | None = None) -> str:
    """`INC-YYYYMMDD-HHMM-xxxx`: the UTC minute of declaration and four random base32
    characters (about a million per minute), so processes need not coordinate."""
    if rng is not None:
        suffix = "".join(rng.choice(_ID_ALPHABET) for _ in range(4))
    else:  # 256 is a multiple of 32: each byte picks a letter without bias
        suffix = "".join(_ID_ALPHABET[byte % 32] for byte in os.urandom(4))
    return f"INC-{utc(at, 'at').strftime('%Y%m%d-%H%M')}-{suffix}"


# Letters that Unicode does not decompose into ASCII but that have a usual ASCII spelling.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "\u0131": "i",  # dotless i
    }
)


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """Lowercase ASCII words joined by hyphens: "Checkout: 5xx spike!" -> "checkout-5xx-spike".

    Accented letters lose their accents, a few others are spelled out (ß -> ss), the rest of
    non-ASCII is dropped. Cut at `max_length`, at a word boundary when there is one.
    """
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        slug = slug.strip("-")
    return slug


def channel_name(title: str, at: datetime) -> str:
    """`#inc-YYYY-MM-DD-slug`, dated in UTC; "incident" when the title leaves no slug."""
    return f"#inc-{utc(at, 'at').strftime('%Y-%m-%d')}-{slugify(title) or 'incident'}"
