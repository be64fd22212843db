"""PrometheusSource when the backend misbehaves: scripted loopback servers and fake transports.

The real Prometheus cannot be made to hang, lie or demand a token, so these tests use
`realservers.ScriptedServer` (a real socket on 127.0.0.1, for headers, hangs and garbage) and
`httpx.MockTransport` (for counting attempts and requests in flight).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import math
import shutil
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from realservers import HANG, RecordedRequest, ScriptedServer, http_response

from sretui.config.settings import BasicAuth, Endpoint
from sretui.sources import http as http_module
from sretui.sources.base import (
    BackendUnavailable,
    BadResponse,
    QueryError,
    SourceError,
)
from sretui.sources.prometheus import PrometheusSource, Unauthorized, clamp_step

TOKEN = "tok-3f9a1c77e0b24d5e-SECRET"
PASSWORD = "pw-8c1d2e3f-SECRET"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def envelope(result_type: str = "vector", result: object = (), **extra: object) -> bytes:
    body = {"status": "success", "data": {"resultType": result_type, "result": list(result)}}
    body.update(extra)
    return json.dumps(body).encode()


def one_sample(value: str = "1", labels: dict[str, str] | None = None) -> bytes:
    return envelope(result=[{"metric": labels or {}, "value": [NOW.timestamp(), value]}])


def error_envelope(error_type: str, error: str) -> bytes:
    return json.dumps({"status": "error", "errorType": error_type, "error": error}).encode()


def answer(response: bytes) -> Callable[[RecordedRequest], object]:
    async def handler(request: RecordedRequest) -> bytes:
        return response

    return handler


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait milliseconds, not seconds (the schedule itself is tested below)."""
    monkeypatch.setattr(http_module, "BACKOFF_BASE", 0.01)


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


class CountingTransport(httpx.AsyncBaseTransport):
    """Answers from a list of responses (or exceptions), one per request, and counts."""

    def __init__(self, *answers: httpx.Response | Exception, delay: float = 0.0) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay = delay
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.requests.append(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            item = self.answers[min(self.calls, len(self.answers)) - 1]
            if isinstance(item, Exception):
                raise item
            return item
        finally:
            self.in_flight -= 1


def json_response(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "application/json"})


def source_with(
    transport: httpx.AsyncBaseTransport, endpoint: Endpoint | None = None, **kwargs: int
) -> PrometheusSource:
    endpoint = endpoint or Endpoint(url="http://prometheus.test:9090", timeout=2.0)
    return PrometheusSource(endpoint, transport=transport, **kwargs)


# -- what is sent ---------------------------------------------------------------------------------


async def test_request_shape_headers_and_bearer_token(token_file: Path) -> None:
    async with ScriptedServer(answer(http_response(200, one_sample("2.5")))) as server:
        endpoint = Endpoint(
            url=server.url + "/prometheus/",
            headers={"X-Scope-OrgID": "team-a"},
            bearer_token_file=token_file,
        )
        source = PrometheusSource(endpoint)
        try:
            result = await source.query('sum(rate(x{a="b"}[5m]))', NOW)
        finally:
            await source.aclose()

    assert result.value == 2.5
    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/prometheus/api/v1/query"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-scope-orgid"] == "team-a"
    assert request.form() == {"query": 'sum(rate(x{a="b"}[5m]))', "time": str(int(NOW.timestamp()))}


async def test_basic_auth_from_settings_and_from_the_url(tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    async with ScriptedServer(answer(http_response(200, one_sample()))) as server:
        from_settings = PrometheusSource(
            Endpoint(url=server.url, basic_auth=BasicAuth("sre", password_file=password_file))
        )
        from_url = PrometheusSource(
            Endpoint(url=server.url.replace("://", f"://sre:{PASSWORD}@") + "/prom")
        )
        try:
            await from_settings.probe()
            await from_url.probe()
        finally:
            await from_settings.aclose()
            await from_url.aclose()

    expected = "Basic " + base64.b64encode(f"sre:{PASSWORD}".encode()).decode()
    assert [r.headers["authorization"] for r in server.requests] == [expected, expected]
    assert server.requests[1].path == "/prom/api/v1/query"
    assert from_url.description == server.url + "/prom"
    assert PASSWORD not in repr(from_url)


async def test_rotated_token_is_picked_up(token_file: Path) -> None:
    async with ScriptedServer(answer(http_response(200, one_sample()))) as server:
        source = PrometheusSource(Endpoint(url=server.url, bearer_token_file=token_file))
        try:
            await source.probe()
            token_file.write_text("rotated-token-value\n", encoding="utf-8")
            await source.probe()
        finally:
            await source.aclose()

    assert [r.headers["authorization"] for r in server.requests] == [
        f"Bearer {TOKEN}",
        "Bearer rotated-token-value",
    ]


async def test_range_query_sends_unix_seconds_and_a_clamped_step() -> None:
    transport = CountingTransport(json_response(200, envelope("matrix")))
    source = source_with(transport)

    await source.query_range("up", NOW - timedelta(days=2), NOW, 1)

    form = dict(httpx.QueryParams(transport.requests[0].content.decode()))
    assert transport.requests[0].url.path == "/api/v1/query_range"
    assert form == {
        "query": "up",
        "start": str(int((NOW - timedelta(days=2)).timestamp())),
        "end": str(int(NOW.timestamp())),
        "step": "16",  # ceil(172800 / 11000)
    }


def test_clamp_step_arithmetic() -> None:
    assert clamp_step(0, 3600, 60) == 60
    assert clamp_step(0, 110_000, 1) == 10
    assert clamp_step(0, 110_001, 1) == 11
    assert clamp_step(0, 110_001, 30) == 30
    with pytest.raises(ValueError):
        clamp_step(0, 10, 0)
    with pytest.raises(ValueError):
        clamp_step(10, 0, 1)


# -- what comes back ------------------------------------------------------------------------------


async def test_values_warnings_and_empty_vectors() -> None:
    samples = [
        {"metric": {"le": "a"}, "value": [1.5, "NaN"]},
        {"metric": {"le": "b"}, "value": [1.5, "+Inf"]},
        {"metric": {"le": "c"}, "value": [1.5, "-Inf"]},
        {"metric": {"le": "d"}, "value": [1.5, "0.25"]},
    ]
    transport = CountingTransport(
        json_response(200, envelope(result=samples, warnings=["partial response"])),
        json_response(200, envelope(result=[])),
        json_response(200, envelope("scalar", [1.5, "3"])),
    )
    source = source_with(transport)

    values = await source.query("x")
    empty = await source.query("y")
    scalar = await source.query("z")

    got = [s.value for s in values.samples]
    assert math.isnan(got[0]) and got[1:] == [math.inf, -math.inf, 0.25]
    assert values.warnings == ("partial response",)
    assert empty.samples == () and empty.value is None
    assert scalar.value == 3.0 and scalar.samples[0].labels == {}


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (200, b"\x00\xff\xfe garbage \x1b[31m", "application/octet-stream", "not JSON"),
        (200, b"<!DOCTYPE html><title>Sign in</title>", "text/html", "login page"),
        (200, b'{"data": {"resultType": "vector", "result": []}}', "application/json", "status"),
        (200, b'{"status": "success", "data": []}', "application/json", "query result"),
        (
            200,
            b'{"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, '
            b'"value": [1, "many"]}]}}',
            "application/json",
            "not a number",
        ),
        (404, b"404 page not found", "text/plain", "path prefix"),
        (302, b"", "text/html", "login page"),
    ],
)
async def test_answers_that_are_not_the_api_are_bad_responses(
    status: int, body: bytes, content_type: str, expected: str
) -> None:
    response = http_response(
        status, body, content_type=content_type, headers={"Location": "/login"}
    )
    async with ScriptedServer(answer(response)) as server:
        source = PrometheusSource(Endpoint(url=server.url))
        try:
            with pytest.raises(BadResponse) as caught:
                await source.query("up")
        finally:
            await source.aclose()

    assert expected in str(caught.value)
    assert str(caught.value).startswith(server.url + ": ")
    assert "\x1b" not in str(caught.value)  # terminal escapes from the body are neutralised
    assert len(server.requests) == 1  # never retried


async def test_garbage_bytes_instead_of_http_are_a_bad_response() -> None:
    async with ScriptedServer(answer(b"\x16\x03\x01 this is not HTTP at all\r\n\r\n")) as server:
        source = PrometheusSource(Endpoint(url=server.url))
        try:
            with pytest.raises(BadResponse, match="not HTTP"):
                await source.query("up")
        finally:
            await source.aclose()


async def test_probe_checks_the_answer() -> None:
    source = source_with(CountingTransport(json_response(200, one_sample("2"))))
    with pytest.raises(BadResponse, match=r"vector\(1\)"):
        await source.probe()


# -- retries --------------------------------------------------------------------------------------


async def test_503_is_retried_then_succeeds() -> None:
    unavailable = httpx.Response(503, text="overloaded")
    transport = CountingTransport(unavailable, unavailable, json_response(200, one_sample("7")))
    source = source_with(transport, retries=2)

    result = await source.query("up")

    assert result.value == 7.0
    assert transport.calls == 3


async def test_503_query_timeout_gives_up_after_the_retries() -> None:
    timeout = json_response(503, error_envelope("timeout", "query timed out in query execution"))
    transport = CountingTransport(timeout)
    source = source_with(transport, retries=2)

    with pytest.raises(BackendUnavailable, match="query timed out in query execution"):
        await source.query("up")
    assert transport.calls == 3


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (json_response(400, error_envelope("bad_data", "parse error")), QueryError),
        (json_response(422, error_envelope("execution", "many-to-many")), QueryError),
        (httpx.Response(401, text="no"), Unauthorized),
        (httpx.Response(403, text="no"), Unauthorized),
        (httpx.Response(500, text="boom"), BackendUnavailable),
        (httpx.Response(429, text="slow down"), BackendUnavailable),
    ],
)
async def test_other_errors_are_not_retried(
    response: httpx.Response, error: type[SourceError]
) -> None:
    transport = CountingTransport(response)
    source = source_with(transport, retries=2)

    with pytest.raises(error):
        await source.query("up")
    assert transport.calls == 1


async def test_query_error_keeps_type_and_message() -> None:
    source = source_with(
        CountingTransport(json_response(422, error_envelope("execution", "out of memory")))
    )
    with pytest.raises(QueryError) as caught:
        await source.query("up")
    assert caught.value.error_type == "execution"
    assert str(caught.value) == (
        "http://prometheus.test:9090: refused the query (execution): out of memory"
    )


async def test_connection_errors_are_retried() -> None:
    transport = CountingTransport(
        httpx.ConnectError("[Errno 111] Connection refused"),
        json_response(200, one_sample("1")),
    )
    source = source_with(transport, retries=2)

    await source.probe()
    assert transport.calls == 2


async def test_hanging_server_times_out_within_the_timeout_retries_included() -> None:
    # The timeout is the longest a user waits: no retry outlives it (tests/faults has the table).
    async with ScriptedServer(lambda request: asyncio.sleep(0, HANG)) as server:
        source = PrometheusSource(Endpoint(url=server.url, timeout=0.3), retries=5)
        started = time.monotonic()
        try:
            with pytest.raises(BackendUnavailable) as caught:
                await source.query("up")
        finally:
            await source.aclose()
        elapsed = time.monotonic() - started

    assert str(caught.value) == f"{server.url}: no answer within 0.3s"
    assert len(server.requests) == 1
    assert 0.3 <= elapsed < 0.6


async def test_backoff_grows_with_jitter_and_respects_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http_module, "BACKOFF_BASE", 0.25)
    sleeps: list[float] = []

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    transport = CountingTransport(httpx.Response(503))
    endpoint = Endpoint(url="http://prometheus.test:9090", timeout=100.0)
    source = source_with(transport, endpoint, retries=5)

    with pytest.raises(BackendUnavailable):
        await source.query("up")

    assert transport.calls == 6
    bounds = [(0.125, 0.25), (0.25, 0.5), (0.5, 1.0), (1.0, 2.0), (1.0, 2.0)]
    assert all(low <= s <= high for s, (low, high) in zip(sleeps, bounds, strict=True))


# -- concurrency ----------------------------------------------------------------------------------


async def test_never_more_than_max_concurrency_in_flight() -> None:
    transport = CountingTransport(json_response(200, one_sample("1")), delay=0.02)
    source = source_with(transport, max_concurrency=3)

    results = await asyncio.gather(*(source.query(f"q{i}") for i in range(20)))

    assert len(results) == 20
    assert transport.calls == 20
    assert transport.max_in_flight == 3


async def test_concurrency_limit_on_a_real_socket() -> None:
    async def slow(request: RecordedRequest) -> bytes:
        await asyncio.sleep(0.05)
        return http_response(200, one_sample("1"))

    async with ScriptedServer(slow) as server:
        source = PrometheusSource(Endpoint(url=server.url), max_concurrency=4)
        try:
            await asyncio.gather(*(source.query(f"q{i}") for i in range(16)))
        finally:
            await source.aclose()

    assert len(server.requests) == 16
    assert server.max_in_flight == 4


# -- secrets never leak ---------------------------------------------------------------------------


ECHO = (
    f"you sent Authorization: Bearer {TOKEN} and Basic "
    + base64.b64encode(f"sre:{PASSWORD}".encode()).decode()
)
LEAK_SCENARIOS: dict[str, Callable[[], httpx.Response | Exception]] = {
    "connection refused": lambda: httpx.ConnectError("[Errno 111] Connection refused"),
    "timeout": lambda: httpx.ReadTimeout("timed out"),
    "503 exhausted": lambda: httpx.Response(503, text=ECHO),
    "query error": lambda: json_response(400, error_envelope("bad_data", ECHO)),
    "401": lambda: httpx.Response(401, text=ECHO),
    "403 envelope": lambda: json_response(403, error_envelope("forbidden", ECHO)),
    "500 echo": lambda: httpx.Response(500, text=ECHO),
    "html": lambda: httpx.Response(200, text=f"<html>{ECHO}</html>"),
    "garbage": lambda: httpx.Response(200, content=b"\xff" + ECHO.encode()),
    "warnings": lambda: json_response(200, envelope(result=[], warnings=[ECHO])),
}


@pytest.mark.parametrize("scenario", LEAK_SCENARIOS)
@pytest.mark.parametrize("auth", ["bearer", "basic-file", "basic-url"])
async def test_secrets_never_appear_in_errors_logs_or_description(
    scenario: str,
    auth: str,
    token_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    url = "http://prometheus.test:9090"
    endpoint = {
        "bearer": Endpoint(url=url, bearer_token_file=token_file),
        "basic-file": Endpoint(url=url, basic_auth=BasicAuth("sre", password_file=password_file)),
        "basic-url": Endpoint(url=f"http://sre:{PASSWORD}@prometheus.test:9090"),
    }[auth]
    secrets = (
        [TOKEN]
        if auth == "bearer"
        else [PASSWORD, base64.b64encode(f"sre:{PASSWORD}".encode()).decode()]
    )
    transport = CountingTransport(LEAK_SCENARIOS[scenario]())
    source = PrometheusSource(endpoint, transport=transport, retries=1)
    caplog.set_level(logging.DEBUG)

    texts = [source.description, repr(source)]
    try:
        result = await source.query("up")
        texts += list(result.warnings)
    except SourceError as exc:
        texts += [str(exc), repr(exc), exc.message]
        cause: BaseException | None = exc.__cause__
        while cause is not None:
            texts += [str(cause), repr(cause)]
            cause = cause.__cause__
    texts += [record.getMessage() for record in caplog.records]

    sent = transport.requests[0].headers["authorization"]
    assert any(secret in sent for secret in secrets)  # it was configured and sent...
    for secret in secrets:
        assert all(secret not in text for text in texts), scenario  # ...and never shown


async def test_unreadable_token_file_names_the_file_not_the_token(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-token"
    endpoint = Endpoint(url="http://prometheus.test:9090", bearer_token_file=missing)
    source = source_with(CountingTransport(json_response(200, one_sample())), endpoint)

    with pytest.raises(SourceError, match=r"cannot read the bearer token file .*no-such-token"):
        await source.probe()


async def test_token_with_a_newline_inside_is_refused_without_quoting_it(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(f"{TOKEN}\nX-Evil: 1", encoding="utf-8")
    transport = CountingTransport(json_response(200, one_sample()))
    source = PrometheusSource(
        Endpoint(url="http://prometheus.test:9090", bearer_token_file=token_file),
        transport=transport,
    )

    with pytest.raises(SourceError) as caught:
        await source.probe()
    assert "cannot be sent in an HTTP header" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert transport.calls == 0


# -- TLS with a private CA ------------------------------------------------------------------------


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)

    key = ["-newkey", "rsa:2048", "-nodes"]
    run("req", "-x509", *key, "-days", "2", "-subj", "/CN=test-ca", "-keyout", "ca.key",
        "-out", "ca.pem")  # fmt: skip
    run("req", *key, "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr")
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem")  # fmt: skip
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


async def test_ca_file_is_used_to_verify_tls(tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_server_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async with ScriptedServer(answer(http_response(200, one_sample())), ssl=context) as server:
        trusting = PrometheusSource(Endpoint(url=server.url, ca_file=ca))
        default = PrometheusSource(Endpoint(url=server.url), retries=0)
        broken = PrometheusSource(Endpoint(url=server.url, ca_file=tmp_path / "missing.pem"))
        try:
            await trusting.probe()
            with pytest.raises(BackendUnavailable, match="certificate verify failed"):
                await default.probe()
            with pytest.raises(SourceError, match=r"cannot load the CA file .*missing\.pem"):
                await broken.probe()
        finally:
            for source in (trusting, default, broken):
                await source.aclose()


async def test_a_secret_straddling_the_quote_cut_is_never_half_shown() -> None:
    """The server echoes the token just before the point where quotations are cut."""
    from sretui.sources import prometheus as module

    token = "tok-" + "S" * 40
    body = ("x" * (module.SNIPPET_LENGTH - 10)) + token
    transport = httpx.MockTransport(lambda request: httpx.Response(500, text=body))
    token_file = Path(tempfile.mkdtemp()) / "token"
    token_file.write_text(token)
    source = PrometheusSource(
        Endpoint(url="http://127.0.0.1:9", bearer_token_file=token_file), transport=transport
    )
    try:
        with pytest.raises(SourceError) as caught:
            await source.query("up")
    finally:
        await source.aclose()
    text = str(caught.value) + repr(caught.value)
    assert "tok-SSS" not in text and "SSSSSS" not in text
    assert caught.value.__cause__ is None
