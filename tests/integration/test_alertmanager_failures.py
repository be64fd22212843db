"""AlertmanagerSource when things go wrong, what it sends, and its pure helpers.

A real Alertmanager cannot be made to hang, answer garbage or demand a token, so these tests use
`realservers.ScriptedServer` (a real socket on 127.0.0.1) and a counting fake `httpx` transport.
The answers scripted here are copies of what Alertmanager 0.25 really sends (see
docs/alertmanager.md); the real server is exercised in test_alertmanager_client.py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from realservers import HANG, Handler, RecordedRequest, ScriptedServer, http_response

from sretui.config.settings import BasicAuth, Endpoint
from sretui.sources import http as http_module
from sretui.sources.alertmanager import (
    Alert,
    AlertmanagerError,
    AlertmanagerSource,
    Matcher,
    matchers_for_alert,
    parse_time,
    safe_text,
)
from sretui.sources.base import BackendUnavailable, BadResponse, SourceError
from sretui.sources.prometheus import Unauthorized

TOKEN = "tok-5b7e21d0c9f34a18-SECRET"
PASSWORD = "pw-71c0ffee-SECRET"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SILENCE_ID = "85f761e3-246d-4606-a8cb-e9b7121f98d1"

ALERT = {
    "annotations": {"summary": "checkout is failing"},
    "endsAt": "2026-11-23T14:05:00.000Z",
    "fingerprint": "a67cbb431b430047",
    "receivers": [{"name": "null"}],
    "startsAt": "2026-11-23T13:00:00.123456789Z",
    "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
    "updatedAt": "2026-11-23T14:00:00.000Z",
    "generatorURL": "http://prometheus.test:9090/graph",
    "labels": {"alertname": "CheckoutErrors", "service": "checkout"},
}
STATUS = {
    "cluster": {"peers": [], "status": "disabled"},
    "config": {"original": "receivers:\n- name: pager\n  slack_configs: [...]"},
    "uptime": "2026-11-23T13:00:00.000Z",
    "versionInfo": {"version": "0.25.0"},
}


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait milliseconds, not seconds."""
    monkeypatch.setattr(http_module, "BACKOFF_BASE", 0.01)


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


class CountingTransport(httpx.AsyncBaseTransport):
    """Answers from a list of responses (or exceptions), one per request, and counts."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    @property
    def calls(self) -> int:
        return len(self.requests)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(item, Exception):
            raise item
        return item


def json_response(status: int, body: object) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def source_with(transport: httpx.AsyncBaseTransport, **kwargs: int) -> AlertmanagerSource:
    endpoint = Endpoint(url="http://alertmanager.test:9093", timeout=2.0)
    return AlertmanagerSource(endpoint, transport=transport, **kwargs)


def answer(response: bytes) -> Handler:
    async def handler(request: RecordedRequest) -> bytes:
        return response

    return handler


async def create(source: AlertmanagerSource) -> str:
    return await source.create_silence(
        [Matcher("alertname", "CheckoutErrors")],
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        created_by="alice",
        comment="fix deploying",
    )


# -- what is sent ---------------------------------------------------------------------------------


async def test_alerts_request_has_the_flags_filters_prefix_and_token(token_file: Path) -> None:
    async with ScriptedServer(answer(http_response(200, json.dumps([ALERT])))) as server:
        endpoint = Endpoint(
            url=server.url + "/alertmanager/",
            headers={"X-Scope-OrgID": "team-a"},
            bearer_token_file=token_file,
        )
        source = AlertmanagerSource(endpoint)
        try:
            alerts = await source.alerts(
                silenced=True, filters=[Matcher("service", "check.*", is_regex=True), "a!=b"]
            )
        finally:
            await source.aclose()

    (request,) = server.requests
    assert request.method == "GET"
    assert request.path == "/alertmanager/api/v2/alerts"
    query = httpx.URL(request.target).params
    assert query.get_list("filter") == ['service=~"check.*"', "a!=b"]
    assert {key: query[key] for key in ("active", "silenced", "inhibited", "unprocessed")} == {
        "active": "true",
        "silenced": "true",
        "inhibited": "false",
        "unprocessed": "true",
    }
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-scope-orgid"] == "team-a"
    assert source.description == server.url + "/alertmanager"
    (alert,) = alerts
    assert alert.starts_at == datetime(2026, 11, 23, 13, 0, 0, 123456, tzinfo=UTC)
    assert alert.ends_at == datetime(2026, 11, 23, 14, 5, tzinfo=UTC)


async def test_create_silence_sends_rfc3339_utc_milliseconds_and_every_matcher_field() -> None:
    transport = CountingTransport(json_response(200, {"silenceID": SILENCE_ID}))
    source = source_with(transport)
    berlin = timezone(timedelta(hours=1))

    silence_id = await source.create_silence(
        [Matcher("alertname", "X"), Matcher("zone", "eu-.*", is_regex=True, is_equal=False)],
        starts_at=datetime(2026, 11, 23, 15, 0, 0, 123456, tzinfo=berlin),
        ends_at=datetime(2026, 11, 23, 16, 0, tzinfo=berlin),
        created_by="alice",
        comment="fix deploying",
    )

    assert silence_id == SILENCE_ID
    (request,) = transport.requests
    assert (request.method, request.url.path) == ("POST", "/api/v2/silences")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "matchers": [
            {"name": "alertname", "value": "X", "isRegex": False, "isEqual": True},
            {"name": "zone", "value": "eu-.*", "isRegex": True, "isEqual": False},
        ],
        "startsAt": "2026-11-23T14:00:00.123Z",
        "endsAt": "2026-11-23T15:00:00.000Z",
        "createdBy": "alice",
        "comment": "fix deploying",
    }


async def test_expire_silence_sends_delete_to_the_silence() -> None:
    transport = CountingTransport(httpx.Response(200))
    await source_with(transport).expire_silence(SILENCE_ID)

    (request,) = transport.requests
    assert (request.method, request.url.path) == ("DELETE", f"/api/v2/silence/{SILENCE_ID}")


@pytest.mark.parametrize("bad_id", ["", "../status", "a b", "x/y", "%2e%2e"])
async def test_a_silence_id_that_cannot_be_one_is_refused_unsent(bad_id: str) -> None:
    transport = CountingTransport(httpx.Response(200))
    with pytest.raises(ValueError, match="not a silence ID"):
        await source_with(transport).expire_silence(bad_id)
    assert transport.calls == 0


async def test_no_matchers_and_naive_times_are_refused_unsent() -> None:
    transport = CountingTransport(json_response(200, {"silenceID": SILENCE_ID}))
    source = source_with(transport)
    with pytest.raises(ValueError, match="at least one matcher"):
        await source.create_silence(
            [], starts_at=NOW, ends_at=NOW + timedelta(hours=1), created_by="a", comment="c"
        )
    with pytest.raises(ValueError, match=r"naive datetime .* for ends_at"):
        await source.create_silence(
            [Matcher("a", "b")],
            starts_at=NOW,
            ends_at=datetime(2026, 11, 23, 15, 0),
            created_by="a",
            comment="c",
        )
    assert transport.calls == 0


async def test_silences_are_parsed_and_sorted_newest_first() -> None:
    def silence(silence_id: str, starts: str, state: str, **matcher: object) -> dict[str, object]:
        return {
            "id": silence_id,
            "status": {"state": state},
            "updatedAt": starts,
            "comment": "",
            "createdBy": "bob",
            "startsAt": starts,
            "endsAt": "2026-11-24T00:00:00Z",
            "matchers": [{"name": "alertname", "value": "X", "isRegex": False, **matcher}],
        }

    transport = CountingTransport(
        json_response(
            200,
            [
                silence("a", "2026-11-23T10:00:00Z", "active"),
                silence("c", "2026-11-23T18:00:00Z", "pending", isEqual=False),
                silence("b", "2026-11-23T12:00:00.5+01:00", "expired"),  # 11:00:00.5 UTC
            ],
        )
    )

    silences = await source_with(transport).silences()

    assert [(s.id, s.state) for s in silences] == [
        ("c", "pending"),
        ("b", "expired"),
        ("a", "active"),
    ]
    assert silences[1].starts_at == datetime(2026, 11, 23, 11, 0, 0, 500000, tzinfo=UTC)
    assert silences[0].matchers == (Matcher("alertname", "X", is_equal=False),)
    # Before Alertmanager 0.22 there is no isEqual: every matcher was positive.
    assert silences[2].matchers == (Matcher("alertname", "X", is_equal=True),)


# -- what comes back wrong ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (200, b"\x00\xff\xfe garbage \x1b[31m", "application/octet-stream", "not JSON"),
        (200, b"<!DOCTYPE html><title>Sign in</title>", "text/html", "Alertmanager API v2"),
        (200, b"", "application/json", "not JSON"),
        (200, b'{"data": []}', "application/json", "not a list of objects"),
        (200, json.dumps([{**ALERT, "status": None}]).encode(), "application/json", "status"),
        (
            200,
            json.dumps([{**ALERT, "labels": {"a": 1}}]).encode(),
            "application/json",
            "not a map of strings",
        ),
        (
            200,
            json.dumps([{**ALERT, "startsAt": "yesterday"}]).encode(),
            "application/json",
            "startsAt that is not a time: 'yesterday'",
        ),
        (404, b"404 page not found", "text/plain", "path prefix"),
        (302, b"", "text/html", "login page"),
        (400, b"<html>Bad Request</html>", "text/html", "HTTP 400"),
    ],
)
async def test_answers_that_are_not_the_api_are_bad_responses(
    status: int, body: bytes, content_type: str, expected: str
) -> None:
    response = http_response(
        status, body, content_type=content_type, headers={"Location": "/login"}
    )
    async with ScriptedServer(answer(response)) as server:
        source = AlertmanagerSource(Endpoint(url=server.url))
        try:
            with pytest.raises(BadResponse) as caught:
                await source.alerts()
        finally:
            await source.aclose()

    assert expected in str(caught.value)
    assert str(caught.value).startswith(server.url + ": ")
    assert "\x1b" not in str(caught.value)
    assert len(server.requests) == 1  # never retried


async def test_garbage_bytes_instead_of_http_are_a_bad_response() -> None:
    async with ScriptedServer(answer(b"\x16\x03\x01 this is not HTTP at all\r\n\r\n")) as server:
        source = AlertmanagerSource(Endpoint(url=server.url))
        try:
            with pytest.raises(BadResponse, match="not HTTP"):
                await source.silences()
        finally:
            await source.aclose()


async def test_probe_wants_an_alertmanager_status_and_quotes_none_of_it() -> None:
    prometheus_like = {"status": "success", "data": {"config": "secret: hunter2hunter2"}}
    transport = CountingTransport(json_response(200, STATUS), json_response(200, prometheus_like))
    source = source_with(transport)

    await source.probe()
    with pytest.raises(BadResponse, match="is this URL an Alertmanager") as caught:
        await source.probe()
    assert "hunter2" not in str(caught.value)
    assert transport.requests[0].url.path == "/api/v2/status"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        # Alertmanager 0.25 answers an unknown silence with 500 and a JSON string ...
        (
            json_response(500, "silence not found"),
            f"has no silence {SILENCE_ID}: silence not found",
        ),
        # ... later versions with an empty 404.
        (httpx.Response(404), f"has no silence {SILENCE_ID}"),
        # go-swagger's own validation, e.g. an ID that is not a UUID.
        (
            json_response(422, {"code": 601, "message": "silenceID in path must be of type uuid"}),
            "refused the request (HTTP 422): silenceID in path must be of type uuid",
        ),
    ],
)
async def test_unknown_silences_are_alertmanager_errors(
    response: httpx.Response, message: str
) -> None:
    transport = CountingTransport(response)
    with pytest.raises(AlertmanagerError) as caught:
        await source_with(transport).expire_silence(SILENCE_ID)
    assert str(caught.value) == f"http://alertmanager.test:9093: {message}"
    assert caught.value.status == response.status_code
    assert transport.calls == 1


async def test_a_failing_expiry_is_not_an_unknown_silence() -> None:
    transport = CountingTransport(json_response(500, "write snapshot: disk full"))
    with pytest.raises(BackendUnavailable, match=r"HTTP 500 Internal Server Error.*disk full"):
        await source_with(transport).expire_silence(SILENCE_ID)


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(401, text="no"), Unauthorized),
        (httpx.Response(403, text="no"), Unauthorized),
        (httpx.Response(500, text="boom"), BackendUnavailable),
        (httpx.Response(429, text="slow down"), BackendUnavailable),
        (json_response(400, "bad matcher format: x"), AlertmanagerError),
    ],
)
async def test_other_errors_are_not_retried(
    response: httpx.Response, error: type[SourceError]
) -> None:
    transport = CountingTransport(response)
    with pytest.raises(error):
        await source_with(transport, retries=2).alerts()
    assert transport.calls == 1


# -- retries --------------------------------------------------------------------------------------


async def test_reads_are_retried_on_503_and_connection_errors() -> None:
    transport = CountingTransport(
        httpx.Response(503, text="overloaded"),
        httpx.ConnectError("[Errno 111] Connection refused"),
        json_response(200, [ALERT]),
    )
    alerts = await source_with(transport, retries=2).alerts()
    assert [alert.fingerprint for alert in alerts] == ["a67cbb431b430047"]
    assert transport.calls == 3


async def test_a_503_that_stays_is_unavailable_with_its_body() -> None:
    transport = CountingTransport(httpx.Response(503, text="no healthy upstream"))
    with pytest.raises(BackendUnavailable) as caught:
        await source_with(transport, retries=2).silences()
    assert str(caught.value) == (
        'http://alertmanager.test:9093: is unavailable (HTTP 503): "no healthy upstream"'
    )
    assert transport.calls == 3


async def test_creating_a_silence_is_retried_only_when_it_was_never_sent() -> None:
    refused = CountingTransport(
        httpx.ConnectError("[Errno 111] Connection refused"),
        json_response(200, {"silenceID": SILENCE_ID}),
    )
    assert await create(source_with(refused, retries=2)) == SILENCE_ID
    assert refused.calls == 2

    for failure in (
        httpx.ReadTimeout("timed out"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.Response(503, text="busy"),
    ):
        transport = CountingTransport(failure, json_response(200, {"silenceID": SILENCE_ID}))
        with pytest.raises(BackendUnavailable) as caught:
            await create(source_with(transport, retries=2))
        assert transport.calls == 1, failure
        if isinstance(failure, Exception):
            assert "the silence may have been created anyway" in str(caught.value)


async def test_a_hanging_alertmanager_times_out_and_a_silence_is_sent_once() -> None:
    async with ScriptedServer(lambda request: asyncio.sleep(0, HANG)) as server:
        source = AlertmanagerSource(Endpoint(url=server.url, timeout=0.3), retries=5)
        started = time.monotonic()
        try:
            with pytest.raises(BackendUnavailable) as read_error:
                await source.alerts()
            read_requests = len(server.requests)
            elapsed = time.monotonic() - started
            with pytest.raises(BackendUnavailable) as create_error:
                await create(source)
        finally:
            await source.aclose()

    # The timeout is the longest a user waits, retries included: one attempt fills it.
    assert str(read_error.value) == f"{server.url}: no answer within 0.3s"
    assert read_requests == 1
    assert 0.3 <= elapsed < 0.6
    assert str(create_error.value) == (
        f"{server.url}: no answer within 0.3s; the silence may have been created anyway: "
        f"list the silences before trying again"
    )
    assert len(server.requests) == read_requests + 1


# -- secrets never leak ---------------------------------------------------------------------------

ECHO = (
    f"you sent Authorization: Bearer {TOKEN} and Basic "
    + base64.b64encode(f"sre:{PASSWORD}".encode()).decode()
)
LEAK_SCENARIOS: dict[str, Callable[[], httpx.Response | Exception]] = {
    "connection refused": lambda: httpx.ConnectError(f"refused {ECHO}"),
    "timeout": lambda: httpx.ReadTimeout(f"timed out {ECHO}"),
    "503 exhausted": lambda: httpx.Response(503, text=ECHO),
    "400 refusal": lambda: json_response(400, f"bad matcher format: {ECHO}"),
    "422 refusal": lambda: json_response(422, {"code": 602, "message": ECHO}),
    "unknown silence": lambda: json_response(500, f"silence not found {ECHO}"),
    "401": lambda: httpx.Response(401, text=ECHO),
    "500 echo": lambda: httpx.Response(500, text=ECHO),
    "html": lambda: httpx.Response(200, text=f"<html>{ECHO}</html>"),
    "garbage": lambda: httpx.Response(200, content=b"\xff" + ECHO.encode()),
    "redirect": lambda: httpx.Response(302, headers={"location": f"/login?{ECHO}"}),
    # The secret straddles the 160-character cut of quoted bodies: no half of it may remain.
    "cut in half": lambda: httpx.Response(500, text="x" * 140 + ECHO),
}


@pytest.mark.parametrize("scenario", LEAK_SCENARIOS)
@pytest.mark.parametrize("auth", ["bearer", "basic-file", "basic-url"])
@pytest.mark.parametrize("call", ["alerts", "create_silence", "expire_silence"])
async def test_secrets_never_appear_in_errors_logs_or_description(
    scenario: str,
    auth: str,
    call: str,
    token_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    url = "http://alertmanager.test:9093"
    endpoint = {
        "bearer": Endpoint(url=url, bearer_token_file=token_file),
        "basic-file": Endpoint(url=url, basic_auth=BasicAuth("sre", password_file=password_file)),
        "basic-url": Endpoint(url=f"http://sre:{PASSWORD}@alertmanager.test:9093"),
    }[auth]
    encoded = base64.b64encode(f"sre:{PASSWORD}".encode()).decode()
    secrets = [TOKEN] if auth == "bearer" else [PASSWORD, encoded]
    # Halves of each secret, so that a secret cut in two is caught too.
    fragments = [s[: len(s) // 2] for s in secrets] + [s[len(s) // 2 :] for s in secrets]
    transport = CountingTransport(LEAK_SCENARIOS[scenario]())
    source = AlertmanagerSource(endpoint, transport=transport, retries=1)
    caplog.set_level(logging.DEBUG)

    texts = [source.description, repr(source)]
    try:
        if call == "alerts":
            await source.alerts()
        elif call == "create_silence":
            await create(source)
        else:
            await source.expire_silence(SILENCE_ID)
    except SourceError as exc:
        texts += [str(exc), repr(exc), exc.message]
        cause: BaseException | None = exc.__cause__
        while cause is not None:
            texts += [str(cause), repr(cause)]
            cause = cause.__cause__
    texts += [record.getMessage() for record in caplog.records]

    sent = transport.requests[0].headers["authorization"]
    assert any(secret in sent for secret in secrets)  # it was configured and sent...
    for fragment in fragments:
        assert all(fragment not in text for text in texts), scenario  # ...and never shown


# -- the pure helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T14:00:00Z", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),
        ("2026-11-23T14:00:00.123Z", datetime(2026, 11, 23, 14, 0, 0, 123000, tzinfo=UTC)),
        ("2026-11-23T14:00:00.123456789Z", datetime(2026, 11, 23, 14, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-23T14:00:00.999999999Z", datetime(2026, 11, 23, 14, 0, 0, 999999, tzinfo=UTC)),
        ("2026-11-23t14:00:00.5z", datetime(2026, 11, 23, 14, 0, 0, 500000, tzinfo=UTC)),
        ("2026-11-23T15:30:00+01:30", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),
        ("2026-11-23T08:00:00.1-06:00", datetime(2026, 11, 23, 14, 0, 0, 100000, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_time_reads_what_go_writes(text: str, expected: datetime) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["2026-11-23", "2026-11-23T14:00:00", "1700000000", "2026-11-23T25:00:00Z", ""]
)
def test_parse_time_refuses_what_is_not_rfc3339(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


async def test_go_zero_time_and_missing_end_mean_no_end() -> None:
    transport = CountingTransport(
        json_response(
            200,
            [
                {**ALERT, "endsAt": "0001-01-01T00:00:00Z"},
                {k: v for k, v in ALERT.items() if k not in ("endsAt", "annotations")},
            ],
        )
    )
    alerts = await source_with(transport).alerts()
    assert [alert.ends_at for alert in alerts] == [None, None]
    assert alerts[1].annotations == {}


@pytest.mark.parametrize(
    ("text", "expected", "multiline"),
    [
        ("x \x1b[31mred\x1b[0m", "x red", "x red"),
        ("\x1b]0;pwned\x07title", "title", "title"),
        ("\x1b]8;;http://evil.test\x1b\\link\x1b]8;;\x1b\\", "link", "link"),
        ("a\x9b2Jb", "ab", "ab"),
        ("\x1bPq#0;2;0;0;0\x1b\\after", "after", "after"),
        ("cut \x1b]0;never ends", "cut ", "cut "),
        ("lone \x1b", "lone ", "lone "),
        ("tab\there\r\nand\rthere\n", "tab here and there ", "tab here\nand\nthere\n"),
        ("bell\x07\x08\x7f\x9c", "bell", "bell"),
        ("next\x85line\u2028sep", "next line sep", "next line sep"),
        # bidi controls are shown, not obeyed (Trojan Source); zero-width spaces go
        ("rtl \u202egnp.exe\u202c zero\u200bwidth", "rtl <U+202E>gnp.exe<U+202C> zerowidth", None),
        ("nbsp\xa0x", "nbsp x", "nbsp x"),
        ("emoji 🔥 icon \ue0b0 [b]markup[/b]", "emoji 🔥 icon \ue0b0 [b]markup[/b]", None),
    ],
)
def test_safe_text_neutralises_terminal_sequences(
    text: str, expected: str, multiline: str | None
) -> None:
    assert safe_text(text) == expected
    assert safe_text(text, keep_newlines=True) == (expected if multiline is None else multiline)


def test_matcher_syntax_and_operators() -> None:
    assert str(Matcher("service", "checkout")) == 'service="checkout"'
    assert str(Matcher("service", "checkout", is_equal=False)) == 'service!="checkout"'
    assert str(Matcher("code", "5..", is_regex=True)) == 'code=~"5.."'
    assert str(Matcher("code", "5..", is_regex=True, is_equal=False)) == 'code!~"5.."'
    assert str(Matcher("note", 'a "b" \\ c\nd')) == 'note="a \\"b\\" \\\\ c\\nd"'


def test_matchers_for_alert_put_alertname_first_and_honour_exclude() -> None:
    alert = Alert(
        fingerprint="f",
        labels={"zone": "eu", "alertname": "X", "instance": "web-1", "empty": ""},
        annotations={},
        starts_at=NOW,
        ends_at=None,
        state="active",
    )
    assert matchers_for_alert(alert) == (
        Matcher("alertname", "X"),
        Matcher("instance", "web-1"),
        Matcher("zone", "eu"),
    )
    assert matchers_for_alert(alert, exclude=["instance"]) == (
        Matcher("alertname", "X"),
        Matcher("zone", "eu"),
    )
    with pytest.raises(ValueError, match="would silence every alert"):
        matchers_for_alert(alert, exclude=["alertname", "instance", "zone"])


def test_firing_for_wants_an_aware_now() -> None:
    alert = Alert("f", {"alertname": "X"}, {}, NOW, None, "active")
    assert alert.firing_for(NOW + timedelta(hours=1, minutes=5)) == timedelta(hours=1, minutes=5)
    assert alert.firing_for(NOW.astimezone(timezone(timedelta(hours=-5)))) == timedelta(0)
    with pytest.raises(ValueError, match="naive"):
        alert.firing_for(datetime(2026, 11, 23, 15, 0))
    assert Alert("f", {}, {}, NOW, None, "active").name == ""
