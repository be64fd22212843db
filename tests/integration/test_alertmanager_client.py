"""AlertmanagerSource against a real Alertmanager 0.25 on loopback.

The module starts its own Alertmanager (the session one is shared with other tests, and the
silences made here would suppress their alerts). Each test posts alerts under an alertname of
its own and looks only at those, so the tests do not see each other's alerts and silences.
Alertmanager keeps times to the millisecond, so the times sent here are whole milliseconds.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from realservers import (
    ALERTMANAGER_CONFIG,
    RunningServer,
    ServerBinaryMissing,
    find_binary,
    start_alertmanager,
)

from sretui.config.settings import Endpoint
from sretui.sources.alertmanager import (
    Alert,
    AlertmanagerError,
    AlertmanagerSource,
    Matcher,
    Silence,
    matchers_for_alert,
)
from sretui.sources.base import BackendUnavailable

T = TypeVar("T")

POLL_TIMEOUT = 5.0
"""Seconds to wait for Alertmanager to show a silence's effect on an alert's state."""


# The default configuration plus one inhibition rule that touches only the alertnames below.
CONFIG = (
    ALERTMANAGER_CONFIG
    + """\
inhibit_rules:
  - source_matchers: ['alertname="DatacenterDown"']
    target_matchers: ['alertname="CheckoutDown"']
    equal: ['run']
"""
)


@pytest.fixture(scope="module")
def am_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A fresh Alertmanager for this module (null receiver, no clustering)."""
    try:
        server = start_alertmanager(tmp_path_factory.mktemp("alertmanager-client"), config=CONFIG)
    except ServerBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def source(am_server: RunningServer) -> AsyncIterator[AlertmanagerSource]:
    source = AlertmanagerSource(Endpoint(url=am_server.url, timeout=5.0))
    try:
        yield source
    finally:
        await source.aclose()


@pytest.fixture
def alertname() -> str:
    """An alertname no other test uses."""
    return f"Test{uuid.uuid4().hex[:10]}"


def now_ms() -> datetime:
    """Now in UTC, cut to the millisecond (what Alertmanager keeps)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def post_alerts(server: RunningServer, *alerts: Mapping[str, object]) -> None:
    """Send alerts the way Prometheus does: POST /api/v2/alerts."""
    response = httpx.post(f"{server.url}/api/v2/alerts", json=list(alerts), timeout=5.0)
    assert response.status_code == 200, response.text


def an_alert(alertname: str, starts_at: datetime, **labels: str) -> dict[str, object]:
    return {
        "labels": {"alertname": alertname, **labels},
        "annotations": {"summary": f"{alertname} is failing"},
        "startsAt": rfc3339(starts_at),
        "generatorURL": "http://prometheus.test:9090/graph?g0.expr=up",
    }


async def only_alert(source: AlertmanagerSource, alertname: str, **flags: bool) -> Alert:
    found = await source.alerts(filters=[f'alertname="{alertname}"'], **flags)
    assert len(found) == 1, found
    return found[0]


async def wait_for(read: Callable[[], Awaitable[T]], until: Callable[[T], bool], what: str) -> T:
    """Poll `read()` until `until(result)`: Alertmanager updates states asynchronously."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + POLL_TIMEOUT
    while True:
        result = await read()
        if until(result):
            return result
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {POLL_TIMEOUT}s: {result!r}")
        await asyncio.sleep(0.05)


# -- alerts ---------------------------------------------------------------------------------------


async def test_alerts_come_back_with_labels_annotations_and_times(
    source: AlertmanagerSource, am_server: RunningServer, alertname: str
) -> None:
    started = now_ms() - timedelta(minutes=90)
    hostile = "disk full \x1b[31m\x1b]0;pwned\x07 [b]bold[/b]"
    alert = an_alert(alertname, started, service="checkout", severity="page")
    alert["annotations"] = {"summary": hostile, "runbook": "https://runbooks.test/checkout"}
    post_alerts(am_server, alert)

    got = await only_alert(source, alertname)

    assert got.name == alertname
    assert got.labels == {"alertname": alertname, "service": "checkout", "severity": "page"}
    # Text from outside is data: kept byte for byte, escapes and markup included.
    assert got.annotations == {"summary": hostile, "runbook": "https://runbooks.test/checkout"}
    assert got.starts_at == started and got.starts_at.tzinfo is UTC
    # Without an endsAt, Alertmanager resolves the alert resolve_timeout (5m) after its update.
    assert got.ends_at is not None
    assert timedelta(minutes=4) < got.ends_at - datetime.now(UTC) <= timedelta(minutes=5)
    assert got.state == "active"
    assert got.silenced_by == () and got.inhibited_by == ()
    assert len(got.fingerprint) == 16 and int(got.fingerprint, 16) >= 0
    assert got.generator_url == "http://prometheus.test:9090/graph?g0.expr=up"
    assert got.firing_for(started + timedelta(minutes=90)) == timedelta(minutes=90)
    assert got.firing_for(started - timedelta(minutes=1)) == timedelta(0)


async def test_filters_are_anded_and_quote_any_value(
    source: AlertmanagerSource, am_server: RunningServer, alertname: str
) -> None:
    awkward = 'say "hi" \\ {a,b}=~x'
    started = now_ms() - timedelta(minutes=5)
    post_alerts(
        am_server,
        an_alert(alertname, started, service="checkout", note=awkward),
        an_alert(alertname, started, service="search", note="plain"),
    )
    this_test = Matcher("alertname", alertname)

    async def services(*matchers: Matcher | str) -> list[str]:
        alerts = await source.alerts(filters=[this_test, *matchers])
        return sorted(alert.labels["service"] for alert in alerts)

    assert await services() == ["checkout", "search"]
    assert await services(Matcher("service", "checkout")) == ["checkout"]
    assert await services('service="search"') == ["search"]
    assert await services(Matcher("service", "check.*", is_regex=True)) == ["checkout"]
    assert await services(Matcher("service", "check", is_regex=True)) == []  # anchored
    assert await services(Matcher("service", "checkout", is_equal=False)) == ["search"]
    assert await services(Matcher("note", awkward)) == ["checkout"]
    assert await services(Matcher("note", awkward), Matcher("service", "search")) == []


async def test_a_bad_filter_is_refused_in_alertmanagers_words(
    source: AlertmanagerSource, am_server: RunningServer
) -> None:
    with pytest.raises(AlertmanagerError) as bad_format:
        await source.alerts(filters=["alertname"])
    with pytest.raises(AlertmanagerError) as bad_regex:
        await source.alerts(filters=[Matcher("service", "(", is_regex=True)])

    assert str(bad_format.value) == (
        f"{am_server.url}: refused the alert filter (HTTP 400): bad matcher format: alertname"
    )
    assert bad_format.value.status == 400
    assert "error parsing regexp: missing closing )" in str(bad_regex.value)


async def test_an_inhibited_alert_is_suppressed_and_names_its_inhibitor(
    source: AlertmanagerSource, am_server: RunningServer
) -> None:
    run = uuid.uuid4().hex
    post_alerts(
        am_server,
        an_alert("DatacenterDown", now_ms(), run=run),
        an_alert("CheckoutDown", now_ms(), run=run),
    )
    this_run = Matcher("run", run)

    alerts = await wait_for(
        lambda: source.alerts(filters=[this_run], inhibited=True),
        lambda alerts: any(alert.state == "suppressed" for alert in alerts),
        "the inhibition",
    )

    by_name = {alert.name: alert for alert in alerts}
    source_alert, target = by_name["DatacenterDown"], by_name["CheckoutDown"]
    assert (source_alert.state, source_alert.inhibited_by) == ("active", ())
    assert (target.state, target.inhibited_by) == ("suppressed", (source_alert.fingerprint,))
    assert target.silenced_by == ()
    # By default only what needs attention: the inhibited alert is left out.
    assert [alert.name for alert in await source.alerts(filters=[this_run])] == ["DatacenterDown"]
    suppressed_only = await source.alerts(filters=[this_run], active=False, inhibited=True)
    assert [alert.name for alert in suppressed_only] == ["CheckoutDown"]


# -- silences -------------------------------------------------------------------------------------


async def test_silence_an_alert_then_expire_it(
    source: AlertmanagerSource, am_server: RunningServer, alertname: str
) -> None:
    post_alerts(am_server, an_alert(alertname, now_ms(), service="checkout", instance="web-1"))
    alert = await only_alert(source, alertname)
    matchers = matchers_for_alert(alert, exclude=["instance"])
    assert matchers == (Matcher("alertname", alertname), Matcher("service", "checkout"))
    starts, ends = now_ms(), now_ms() + timedelta(hours=2)

    silence_id = await source.create_silence(
        matchers,
        starts_at=starts,
        ends_at=ends,
        created_by="alice@example.com",
        comment="deploying the fix \x1b[31m",
    )

    suppressed = await wait_for(
        lambda: only_alert(source, alertname, silenced=True),
        lambda alert: alert.state == "suppressed",
        "the alert becoming suppressed",
    )
    assert suppressed.silenced_by == (silence_id,)
    assert suppressed.inhibited_by == ()
    # The default view is what needs attention: a silenced alert is not in it.
    assert await source.alerts(filters=[f'alertname="{alertname}"']) == []

    (silence,) = [s for s in await source.silences() if s.id == silence_id]
    assert silence.state == "active"
    assert silence.matchers == matchers
    assert silence.created_by == "alice@example.com"
    assert silence.comment == "deploying the fix \x1b[31m"
    assert silence.ends_at == ends
    assert starts <= silence.starts_at <= datetime.now(UTC)

    await source.expire_silence(silence_id)

    (expired,) = [s for s in await source.silences() if s.id == silence_id]
    assert expired.state == "expired"
    assert expired.ends_at <= datetime.now(UTC)
    active_again = await wait_for(
        lambda: source.alerts(filters=[f'alertname="{alertname}"']),
        lambda alerts: len(alerts) == 1,
        "the alert becoming active again",
    )
    assert active_again[0].state == "active" and active_again[0].silenced_by == ()
    # Expiring an expired silence succeeds, which makes a retried DELETE harmless.
    await source.expire_silence(silence_id)


async def test_silences_are_listed_newest_first_with_their_states(
    source: AlertmanagerSource, alertname: str
) -> None:
    now = now_ms()
    matchers = [Matcher("alertname", alertname)]
    first = await source.create_silence(
        matchers, starts_at=now, ends_at=now + timedelta(hours=1), created_by="a", comment="1"
    )
    later = await source.create_silence(
        [*matchers, Matcher("severity", "page|critical", is_regex=True)],
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        created_by="b",
        comment="maintenance window",
    )
    await asyncio.sleep(0.01)  # Alertmanager's clock has milliseconds: no tie with `first`
    expired = await source.create_silence(
        matchers, starts_at=now, ends_at=now + timedelta(hours=1), created_by="c", comment="3"
    )
    await source.expire_silence(expired)

    silences = [s for s in await source.silences() if s.id in {first, later, expired}]

    assert [(s.id, s.state) for s in silences] == [
        (later, "pending"),
        (expired, "expired"),  # made after `first`: it started later
        (first, "active"),
    ]
    pending = silences[0]
    assert pending.starts_at == now + timedelta(hours=1)
    assert pending.matchers[1] == Matcher("severity", "page|critical", is_regex=True)


async def test_a_start_in_the_past_becomes_now(source: AlertmanagerSource, alertname: str) -> None:
    before = datetime.now(UTC)
    silence_id = await source.create_silence(
        [Matcher("alertname", alertname)],
        starts_at=before - timedelta(days=1),
        ends_at=before + timedelta(hours=1),
        created_by="bob",
        comment="",
    )

    (silence,) = [s for s in await source.silences() if s.id == silence_id]
    assert before - timedelta(milliseconds=1) <= silence.starts_at <= datetime.now(UTC)
    assert silence.comment == ""


@pytest.mark.parametrize(
    ("starts", "ends", "matchers", "message"),
    [
        (
            timedelta(hours=2),
            timedelta(hours=1),
            [Matcher("alertname", "X")],
            "Failed to create silence: start time must be before end time",
        ),
        (
            timedelta(hours=-2),
            timedelta(hours=-1),
            [Matcher("alertname", "X")],
            "Failed to create silence: end time can't be in the past",
        ),
        (
            timedelta(0),
            timedelta(hours=1),
            [Matcher("alertname", "")],
            "silence invalid: at least one matcher must not match the empty string",
        ),
        (
            timedelta(0),
            timedelta(hours=1),
            [Matcher("alertname", ".*", is_regex=True)],
            "silence invalid: at least one matcher must not match the empty string",
        ),
    ],
)
async def test_a_refused_silence_gives_alertmanagers_message(
    source: AlertmanagerSource,
    am_server: RunningServer,
    starts: timedelta,
    ends: timedelta,
    matchers: list[Matcher],
    message: str,
) -> None:
    now = now_ms()
    with pytest.raises(AlertmanagerError) as caught:
        await source.create_silence(
            matchers, starts_at=now + starts, ends_at=now + ends, created_by="a", comment="c"
        )

    assert str(caught.value) == f"{am_server.url}: refused the silence (HTTP 400): {message}"
    assert caught.value.status == 400


async def test_expiring_an_unknown_silence_says_so(
    source: AlertmanagerSource, am_server: RunningServer
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(AlertmanagerError) as caught:
        await source.expire_silence(unknown)
    # Alertmanager 0.25 answers 500 "silence not found" (later versions: an empty 404).
    assert str(caught.value) == f"{am_server.url}: has no silence {unknown}: silence not found"


async def test_naive_datetimes_are_refused_before_anything_is_sent(
    source: AlertmanagerSource,
) -> None:
    naive = datetime(2026, 11, 23, 14, 0)
    with pytest.raises(ValueError, match=r"naive datetime .* for starts_at"):
        await source.create_silence(
            [Matcher("alertname", "X")],
            starts_at=naive,
            ends_at=naive.replace(tzinfo=UTC) + timedelta(hours=1),
            created_by="a",
            comment="c",
        )


async def test_silences_made_by_amtool_are_read_and_ours_are_seen_by_amtool(
    source: AlertmanagerSource, am_server: RunningServer, alertname: str
) -> None:
    try:
        amtool = find_binary("amtool")
    except ServerBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)

    def run(*args: str) -> str:
        done = subprocess.run(
            [amtool, f"--alertmanager.url={am_server.url}", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return done.stdout.strip()

    theirs = run(
        "silence", "add", "--author=amtool", "--comment=from amtool", "--duration=1h",
        f"alertname={alertname}", 'instance=~"web-.*"', 'env!="staging"',
    )  # fmt: skip
    ours = await source.create_silence(
        [Matcher("alertname", alertname), Matcher("zone", "eu-.*", is_regex=True, is_equal=False)],
        starts_at=now_ms(),
        ends_at=now_ms() + timedelta(hours=1),
        created_by="sretui",
        comment="from sretui",
    )

    by_id: dict[str, Silence] = {s.id: s for s in await source.silences()}
    assert set(by_id[theirs].matchers) == {
        Matcher("alertname", alertname),
        Matcher("instance", "web-.*", is_regex=True),
        Matcher("env", "staging", is_equal=False),
    }
    assert (by_id[theirs].created_by, by_id[theirs].comment) == ("amtool", "from amtool")
    seen_by_amtool = json.loads(run("silence", "query", "--output=json", f"alertname={alertname}"))
    (record,) = [s for s in seen_by_amtool if s["id"] == ours]
    assert {"name": "zone", "value": "eu-.*", "isRegex": True, "isEqual": False} in record[
        "matchers"
    ]


# -- health ---------------------------------------------------------------------------------------


async def test_probe_of_a_running_alertmanager(source: AlertmanagerSource) -> None:
    await source.probe()


async def test_a_stopped_alertmanager_is_unavailable_and_named(tmp_path: Path) -> None:
    try:
        server = start_alertmanager(tmp_path)
    except ServerBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    url = server.url
    source = AlertmanagerSource(Endpoint(url=url + "/", timeout=2.0), retries=1)
    try:
        await source.probe()
        server.stop()
        for call in (source.probe, source.alerts, source.silences):
            with pytest.raises(BackendUnavailable) as caught:
                await call()
            assert str(caught.value).startswith(f"{url}: cannot connect")
            assert caught.value.url == url
    finally:
        server.stop()
        await source.aclose()
