"""`sretui budget` against a real Prometheus holding eight days of counters of a known shape.

The shape (checkout, 10 requests/s throughout):
- until 2 hours before the end, 0.05% of requests fail (0.005/s);
- in the last 2 hours, 2% fail (0.2/s).
With objective 99.8% (budget 0.002) every number below is worked out by hand in the comments.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from conftest import write
from realservers import RunningServer, openmetrics_counters, start_prometheus

DAY = 86400.0
TOTAL_RATE = 10.0
BEFORE_ERRORS = 0.005
LAST_ERRORS = 0.2

SLOS = """
[[slo]]
name = "checkout-availability"
service = "checkout"
objective = 99.8
window = "7d"
[slo.sli]
error_query = 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{window}}]))'
total_query = 'sum(rate(http_requests_total{service="checkout"}[{{window}}]))'

[[slo]]
name = "broken-query"
service = "checkout"
objective = 99.9
window = "7d"
[slo.sli]
error_query = 'sum(rate(http_requests_total{code=~"5.."}[{{window}}])) by ('
total_query = 'sum(rate(http_requests_total[{{window}}]))'

[[slo]]
name = "ghost-service"
service = "ghost"
objective = 99.9
window = "7d"
[slo.sli]
error_query = 'sum(rate(http_requests_total{service="ghost",code=~"5.."}[{{window}}]))'
total_query = 'sum(rate(http_requests_total{service="ghost"}[{{window}}]))'

[[slo]]
name = "typo-in-errors"
service = "checkout"
objective = 99.9
window = "7d"
[slo.sli]
error_query = 'sum(rate(http_request_total{service="checkout",code=~"5.."}[{{window}}]))'
total_query = 'sum(rate(http_requests_total{service="checkout"}[{{window}}]))'
"""


def _errors(start: float, switch: float):
    def value(t: float) -> float:
        if t <= switch:
            return 1000 + BEFORE_ERRORS * (t - start)
        return 1000 + BEFORE_ERRORS * (switch - start) + LAST_ERRORS * (t - switch)

    return value


def _ok(start: float, switch: float):
    errors = _errors(start, switch)
    return lambda t: 1000 + TOTAL_RATE * (t - start) - (errors(t) - 1000)


class Shape:
    """The backfilled counters: sample times and the counters' values at any time."""

    def __init__(self, end: float) -> None:
        self.end = end
        self.start = end - 8 * DAY
        self.switch = end - 2 * 3600
        recent = int(end) - 6 * 3600
        self.times = sorted(
            {*range(int(self.start), recent, 300), *range(recent, int(end) + 1, 60)}
        )
        self.errors = _errors(self.start, self.switch)
        self.ok = _ok(self.start, self.switch)

    def expected_ratio(self, at: float, window: float) -> float:
        """The error ratio Prometheus computes: rate() extrapolates both series by the same
        factor (same sample times), so the ratio is the increase between the first and last
        samples inside [at - window, at] (both ends included in Prometheus 2.x)."""
        inside = [t for t in self.times if at - window <= t <= at]
        first, last = inside[0], inside[-1]
        errors = self.errors(last) - self.errors(first)
        total = errors + self.ok(last) - self.ok(first)
        return errors / total


@pytest.fixture(scope="module")
def shape() -> Shape:
    return Shape(float(int(time.time())))


@pytest.fixture(scope="module")
def shaped_prometheus(
    tmp_path_factory: pytest.TempPathFactory, shape: Shape
) -> Iterator[RunningServer]:
    history = openmetrics_counters(
        {
            'http_requests_total{service="checkout",code="500"}': shape.errors,
            'http_requests_total{service="checkout",code="200"}': shape.ok,
        },
        start=shape.start,
        end=shape.end,
        times=shape.times,
    )
    server = start_prometheus(tmp_path_factory.mktemp("shaped"), backfill_openmetrics=history)
    try:
        yield server
    finally:
        server.stop()


def _budget(config: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sretui",
            "budget",
            "--config-dir",
            str(config),
            "--prometheus",
            url,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    write(tmp_path / "slos.toml", SLOS)
    return tmp_path


WINDOWS = {
    "5m": 300,
    "30m": 1800,
    "1h": 3600,
    "2h": 7200,
    "6h": 6 * 3600,
    "1d": DAY,
    "3d": 3 * DAY,
    "7d": 7 * DAY,
}


def test_every_field_matches_the_hand_worked_numbers(
    config: Path, shaped_prometheus: RunningServer, shape: Shape
) -> None:
    result = _budget(config, shaped_prometheus.url, "--json")
    assert result.returncode == 3, result.stderr  # one SLO's query is refused
    payload = json.loads(result.stdout)
    assert payload["source"] == shaped_prometheus.url
    generated_at = datetime.fromisoformat(payload["generated_at"])
    by_name = {s["name"]: s for s in payload["slos"]}
    assert [s["name"] for s in payload["slos"]] == [
        "broken-query",
        "ghost-service",
        "typo-in-errors",
        "checkout-availability",
    ]  # worst first: errors (a query matching no series is one), then the paging SLO

    checkout = by_name["checkout-availability"]
    assert checkout["service"] == "checkout"
    assert checkout["objective"] == 99.8
    assert checkout["window"] == "7d"
    at = generated_at.timestamp()
    ratio_7d = shape.expected_ratio(at, WINDOWS["7d"])
    assert checkout["error_ratio"] == pytest.approx(ratio_7d, rel=1e-9)
    assert checkout["budget_consumed"] == pytest.approx(ratio_7d / 0.002, rel=1e-9)
    assert checkout["budget_remaining"] == pytest.approx(1 - ratio_7d / 0.002, rel=1e-9)
    assert checkout["state"] == "healthy"
    # Exact, following the sample grid:
    for window, seconds in WINDOWS.items():
        expected = shape.expected_ratio(at, seconds) / 0.002
        assert checkout["burn_rates"][window] == pytest.approx(expected, rel=1e-9), window
    burn_6h_exact = shape.expected_ratio(at, WINDOWS["6h"]) / 0.002
    # And the story in round numbers (the grid moves the window edges by at most 5 minutes):
    ideal_burns = {
        "5m": 10.0,  # 0.2 / 10 = 2% errors; 0.02 / 0.002
        "30m": 10.0,
        "1h": 10.0,
        "2h": 10.0,
        "6h": 3.5,  # (4 h x 0.005 + 2 h x 0.2) / 60 = 0.007
        "1d": 1.0625,  # (22 h x 0.005 + 0.4) / 240 = 0.002125
        "3d": 0.75 / 720 / 0.002,  # (70 h x 0.005 + 0.4) / 720
        "7d": 1.23 / 1680 / 0.002,
    }
    assert set(checkout["burn_rates"]) == set(ideal_burns)
    for window, burn in ideal_burns.items():
        assert checkout["burn_rates"][window] == pytest.approx(burn, rel=5e-3), window
    # Sloth's 7d table. 10x over 1h does not reach 13.44x; 6h burns 3.5x in round numbers and
    # a little more on the sample grid (the window starts on the first sample inside it, so it
    # holds slightly less of the quiet period); 1.06x over 1d and 0.52x over 3d are below the
    # tickets. The old 7d derivation fired all four, tickets at 0.7x and 0.233x.
    assert burn_6h_exact > 3.5
    assert checkout["alerts"] == [
        {"severity": "page", "burn_rate": 13.44, "long": "1h", "short": "5m", "firing": False},
        {"severity": "page", "burn_rate": 3.5, "long": "6h", "short": "30m", "firing": True},
        {"severity": "ticket", "burn_rate": 1.4, "long": "1d", "short": "2h", "firing": False},
        {"severity": "ticket", "burn_rate": 0.98, "long": "3d", "short": "6h", "firing": False},
    ]
    assert checkout["alerting"] == "page"
    assert checkout["coverage"] == 1.0  # eight days of data for a 7d window
    # remaining x 7 days / burn(6h), about 0.634 x 168 h / 3.5 = 30.4 h
    exhaustion = datetime.fromisoformat(checkout["exhaustion_at"])
    burn_6h = shape.expected_ratio(at, WINDOWS["6h"]) / 0.002
    expected_hours = (1 - ratio_7d / 0.002) * 168 / burn_6h
    assert (exhaustion - generated_at) / timedelta(hours=1) == pytest.approx(
        expected_hours, rel=1e-9
    )
    assert checkout["error"] is None

    broken = by_name["broken-query"]
    assert broken["state"] == "error"
    assert broken["error"].startswith(f"{shaped_prometheus.url}: ")
    assert "bad_data" in broken["error"] and "parse error" in broken["error"]
    assert broken["budget_remaining"] is None and broken["exhaustion_at"] is None

    assert [a["firing"] for a in broken["alerts"]] == [None, None, None, None]
    assert broken["alerting"] is None and broken["coverage"] is None

    # A label value that matches nothing is a configuration problem, not an idle service.
    ghost = by_name["ghost-service"]
    assert ghost["state"] == "error"
    assert ghost["error"] == "no series match total_query over 7d: check its metric and labels"
    assert ghost["error_ratio"] is None and ghost["budget_remaining"] is None
    assert [a["firing"] for a in ghost["alerts"]] == [None, None, None, None]
    assert ghost["alerting"] is None

    # A typo in the error metric would read as "no errors" (100% left): it is an error too.
    typo = by_name["typo-in-errors"]
    assert typo["state"] == "error"
    assert typo["error"] == (
        "no series match error_query: no metric named 'http_request_total' over 7d: check its name"
    )
    assert typo["budget_remaining"] is None
    assert "broken-query" in result.stderr and "Traceback" not in result.stderr
    assert "sretui: ghost-service: no series match total_query" in result.stderr


def test_numbers_agree_with_prometheus_itself(
    config: Path, shaped_prometheus: RunningServer
) -> None:
    result = _budget(config, shaped_prometheus.url, "--json", "--slo", "checkout-availability")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    (checkout,) = payload["slos"]
    at = datetime.fromisoformat(payload["generated_at"]).timestamp()
    for window, burn in checkout["burn_rates"].items():
        expr = (
            f'sum(rate(http_requests_total{{service="checkout",code=~"5.."}}[{window}]))'
            f' / sum(rate(http_requests_total{{service="checkout"}}[{window}])) / 0.002'
        )
        answer = httpx.post(
            f"{shaped_prometheus.url}/api/v1/query", data={"query": expr, "time": at}
        ).json()
        assert answer["status"] == "success"
        (sample,) = answer["data"]["result"]
        assert burn == pytest.approx(float(sample["value"][1]), rel=1e-12), window


def test_fail_under_gates_and_table_output(config: Path, shaped_prometheus: RunningServer) -> None:
    ok = _budget(
        config, shaped_prometheus.url, "--slo", "checkout-availability", "--fail-under", "50"
    )
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert lines[0].split() == [
        "SERVICE",
        "SLO",
        "OBJ",
        "LEFT",
        "1h",
        "6h",
        "1d",
        "3d",
        "STATE",
        "ALERTING",
        "FIRING",
        "DATA",
        "EMPTY",
        "IN",
    ]
    fields = lines[1].split()
    assert fields[:3] == ["checkout", "checkout-availability", "99.8%"]
    assert fields[8:13] == ["healthy", "PAGE", "page", "3.5x", "100%"]
    shown = [float(f.rstrip("%x")) for f in fields[3:8]]
    # left 63.4%, burns 10x / 3.5x / 1.06x / 0.52x, within the sample-grid shift
    assert shown == pytest.approx([63.4, 10.0, 3.5, 1.06, 0.52], rel=5e-3, abs=0.011)
    assert lines[1].endswith("page 3.5x  100%  1 day 6 hours")  # 30.43 hours at 3.5x
    gated = _budget(
        config, shaped_prometheus.url, "--slo", "checkout-availability", "--fail-under", "70"
    )
    assert gated.returncode == 1
    assert re.search(
        r"checkout-availability: budget remaining 63\.\d\d% is under 70%", gated.stderr
    )


def test_backend_down_is_a_clear_message(config: Path) -> None:
    result = _budget(config, "http://127.0.0.1:9", "--slo", "checkout-availability")
    assert result.returncode == 3
    assert "http://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_pass_promtool(config: Path, tmp_path: Path) -> None:
    from realservers import promtool_binary

    rules = subprocess.run(
        [sys.executable, "-m", "sretui", "budget", "rules", "--demo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    path = write(tmp_path / "rules.yml", rules)
    check = subprocess.run(
        [promtool_binary(), "check", "rules", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 72 rules found" in check.stdout


SHORT_HISTORY = 7200  # two hours of samples, 60 s apart, ending at the fixture's "now"

SHORT_SLOS = """
[[slo]]
name = "day"
service = "checkout"
objective = 99.9
window = "1d"
[slo.sli]
error_query = 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{window}}]))'
total_query = 'sum(rate(http_requests_total{service="checkout"}[{{window}}]))'

[[slo]]
name = "month"
service = "checkout"
objective = 99.9
window = "30d"
[slo.sli]
error_query = 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{window}}]))'
total_query = 'sum(rate(http_requests_total{service="checkout"}[{{window}}]))'
"""


@pytest.fixture(scope="module")
def short_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A Prometheus that has only been up for two hours: counters that were already running
    (at 50,000 and 100,000) when it first scraped them."""
    end = float(int(time.time()))
    start = end - SHORT_HISTORY
    history = openmetrics_counters(
        {
            'http_requests_total{service="checkout",code="500"}': lambda t: (
                50_000 + 0.01 * (t - start)
            ),
            'http_requests_total{service="checkout",code="200"}': lambda t: (
                100_000 + 9.99 * (t - start)
            ),
        },
        start=start,
        end=end,
        times=range(int(start), int(end) + 1, 60),
    )
    server = start_prometheus(tmp_path_factory.mktemp("short"), backfill_openmetrics=history)
    server.history_end = end  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stop()


async def test_coverage_of_a_short_history_is_measured_exactly(
    short_prometheus: RunningServer,
) -> None:
    from sretui.config.settings import Endpoint
    from sretui.domain.slo import SLI, SLO, BudgetState, default_alerts
    from sretui.services.budgets import BudgetService
    from sretui.sources.prometheus import PrometheusSource

    end = short_prometheus.history_end  # type: ignore[attr-defined]
    sli = SLI(
        'sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{window}}]))',
        'sum(rate(http_requests_total{service="checkout"}[{{window}}]))',
    )
    day = timedelta(days=1)
    slos = [
        SLO("day", "checkout", 99.9, day, sli, alerts=default_alerts(day)),
        SLO("month", "checkout", 99.9, 30 * day, sli, alerts=default_alerts(30 * day)),
    ]
    source = PrometheusSource(Endpoint(url=short_prometheus.url, timeout=10.0))
    at = datetime.fromtimestamp(end, tz=UTC)
    try:
        day_report, month_report = await BudgetService(source, slos, clock=lambda: at).refresh()
    finally:
        await source.aclose()
    # The first minute with a 5m rate is 119 minutes before the end (two samples are needed).
    assert day_report.coverage == 119 * 60 / 86400
    assert month_report.coverage == 119 * 60 / (30 * 86400)
    for report in (day_report, month_report):
        assert report.partial is True
        assert report.state is not BudgetState.ERROR
        assert report.policy_state is None  # under half the window: no policy drawn


def test_budget_json_reports_coverage_on_a_short_history(
    tmp_path: Path, short_prometheus: RunningServer
) -> None:
    write(tmp_path / "slos.toml", SHORT_SLOS)
    result = _budget(tmp_path, short_prometheus.url, "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    by_name = {s["name"]: s for s in payload["slos"]}
    late = datetime.fromisoformat(payload["generated_at"]).timestamp()
    end = short_prometheus.history_end  # type: ignore[attr-defined]
    # Measured at the command's own "now", a few seconds after the history ends: the data
    # began about 119 minutes before the end, found to the minute.
    for name, window in (("day", 86400), ("month", 30 * 86400)):
        covered = by_name[name]["coverage"] * window
        assert 118 * 60 <= covered - (late - end) <= 120 * 60, name
    table = _budget(tmp_path, short_prometheus.url)
    assert table.returncode == 0, table.stderr
    rows = {line.split()[1]: line for line in table.stdout.splitlines()[1:]}
    assert re.search(r"  8%  ", rows["day"]), rows["day"]  # DATA: 119 minutes of 1 day
    assert re.search(r"  0\.28%  ", rows["month"]), rows["month"]
