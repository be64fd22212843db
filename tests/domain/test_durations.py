from datetime import timedelta

import pytest

from sretui.domain.durations import format_duration, humanize_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5m", timedelta(minutes=5)),
        ("1h", timedelta(hours=1)),
        ("1h30m", timedelta(minutes=90)),
        ("30d", timedelta(days=30)),
        ("1w", timedelta(days=7)),
        ("90s", timedelta(seconds=90)),
        ("250ms", timedelta(milliseconds=250)),
        ("1y", timedelta(days=365)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a duration"),
        ("5", "is not a duration"),
        ("5x", "is not a duration"),
        ("m5", "is not a duration"),
        ("30m1h", "largest to smallest"),
        ("1h1h", "largest to smallest"),
        ("0s", "longer than zero"),
        (" 5m", "is not a duration"),
    ],
)
def test_parse_duration_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=5), "5m"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(days=28), "28d"),
        (timedelta(days=1), "1d"),
        (timedelta(seconds=0), "0s"),
        (timedelta(milliseconds=1500), "1s500ms"),
    ],
)
def test_format_duration(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text


def test_format_parse_round_trip() -> None:
    for text in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "7d", "28d", "30d", "1h30m"):
        assert format_duration(parse_duration(text)) == text


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(days=3, hours=4, minutes=5), "3 days 4 hours"),
        (timedelta(days=2, minutes=5), "2 days"),
        (timedelta(hours=1, minutes=1), "1 hour 1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(seconds=1), "1 second"),
        (timedelta(seconds=59), "59 seconds"),
    ],
)
def test_humanize_duration(delta: timedelta, words: str) -> None:
    assert humanize_duration(delta) == words
