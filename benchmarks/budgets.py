"""200 SLOs refreshed against a real Prometheus, against the same queries fired raw.

Starts Prometheus on loopback with three days of backfilled counters for 20 services, defines
200 SLOs over them (10 per service, different objectives and windows), then measures:

1. `BudgetService.refresh()` through `PrometheusSource` (concurrency 8): median wall time.
2. The very same PromQL queries fired with a bare httpx client and the same concurrency, only
   parsing the JSON: median wall time. The ratio of 1 to 2 is the client's overhead (goal <= 1.3).
3. The app during a refresh of those 200 SLOs, first when the table fills and then when its
   rows are updated: time from a key press to the app switching mode and to the new screen
   being drawn, and how long the event loop stalls, from a probe that runs all the time
   (goal, on the drawn times: p95 <= 100 ms, worst <= 250 ms, stall <= 100 ms).

    .venv/bin/python benchmarks/budgets.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from realservers import constant_rate, openmetrics_counters, start_prometheus

from sretui.config.settings import Endpoint
from sretui.domain.budget import windows_for
from sretui.domain.slo import SLI, SLO, default_alerts
from sretui.services.budgets import (
    COVERAGE_STEPS,
    MIN_COVERAGE_STEP,
    BudgetService,
    combined_query,
    consumption_window,
)
from sretui.sources.prometheus import PrometheusSource

SERVICES = 20
SLOS_PER_SERVICE = 10
CONCURRENCY = 8
OBJECTIVES = (99.0, 99.5, 99.9, 99.95, 99.99)
WINDOWS = (timedelta(days=1), timedelta(days=2), timedelta(days=3))


def history(end: float) -> str:
    start = end - 3 * 86400
    series = {}
    for index in range(SERVICES):
        rate = 5.0 + index
        series[f'http_requests_total{{service="svc{index}",code="200"}}'] = constant_rate(
            rate * 0.999, start
        )
        series[f'http_requests_total{{service="svc{index}",code="500"}}'] = constant_rate(
            rate * 0.001 * (1 + index % 4), start
        )
    return openmetrics_counters(series, start=start, end=end)


def slos() -> list[SLO]:
    out = []
    for index in range(SERVICES):
        for n in range(SLOS_PER_SERVICE):
            window = WINDOWS[n % len(WINDOWS)]
            service = f"svc{index}"
            out.append(
                SLO(
                    name=f"{service}-slo{n}",
                    service=service,
                    objective=OBJECTIVES[n % len(OBJECTIVES)],
                    window=window,
                    sli=SLI(
                        f'sum(rate(http_requests_total{{service="{service}",code=~"5.."}}'
                        "[{{window}}]))",
                        f'sum(rate(http_requests_total{{service="{service}"}}[{{{{window}}}}]))',
                    ),
                    alerts=default_alerts(window),
                )
            )
    return out


def raw_queries(definitions: list[SLO], now: datetime) -> list[tuple[str, float]]:
    """Every instant query a refresh makes, with its evaluation time: one query per SLO for
    every window's error and total at `now` (`combined_query`), and the coverage probe (the
    total over one grid step at the window's start plus a step; the history covers every
    window, so it always answers)."""
    queries = []
    for slo in definitions:
        budget_window = consumption_window(slo, now)
        windows = sorted(set(windows_for(slo)) - {slo.window} | {budget_window})
        queries.append((combined_query(slo, windows), now.timestamp()))
        minutes = int(budget_window.total_seconds() // 60 // COVERAGE_STEPS)
        step = max(timedelta(minutes=minutes), MIN_COVERAGE_STEP)
        _, probe = slo.sli.render(step)
        queries.append((probe, (now - budget_window + step).timestamp()))
    return queries


async def fire_raw(url: str, queries: list[tuple[str, float]]) -> float:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    gate = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one(query: str, at: float) -> None:
            async with gate:
                response = await client.post(
                    f"{url}/api/v1/query", data={"query": query, "time": at}
                )
                payload = response.json()
                assert payload["status"] == "success", payload

        start = time.perf_counter()
        await asyncio.gather(*(one(q, at) for q, at in queries))
        return time.perf_counter() - start


async def through_sretui(url: str, definitions: list[SLO], at: datetime) -> float:
    source = PrometheusSource(Endpoint(url=url, timeout=30), max_concurrency=CONCURRENCY)
    try:
        service = BudgetService(source, definitions, clock=lambda: at)
        start = time.perf_counter()
        reports = await service.refresh()
        elapsed = time.perf_counter() - start
        failed = [r for r in reports if r.error]
        assert not failed, failed[0].error
        return elapsed
    finally:
        await source.aclose()


PROBE = 0.01  # the loop-lag probe sleeps this long and records how late it wakes
TAIL = 0.5  # keys and probes go on this long after the refresh, while the table is updated
GOAL_P95, GOAL_WORST, GOAL_STALL = 0.100, 0.250, 0.100


@dataclass
class Phase:
    """What one refresh measured: per key press, the time until the app switched mode and
    until the new screen had been drawn; and every loop-lag sample taken meanwhile."""

    switched: list[float] = field(default_factory=list)
    drawn: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    refresh: float = 0.0  # how long the refresh itself took, keys and all


async def probe_loop_lag(lags: list[float]) -> None:
    """Sleep PROBE seconds over and over, recording how late each wake-up is: anything that
    holds the event loop (a handler, a render, a worker's step) shows as lag."""
    while True:
        tick = time.perf_counter()
        await asyncio.sleep(PROBE)
        lags.append(time.perf_counter() - tick - PROBE)


async def responsiveness_during_refresh(url: str, definitions: list[SLO]) -> list[Phase]:
    """Key press -> screen switch times, and event-loop lag, while the app refreshes every SLO:
    during the first refresh (the table fills) and during a second one (the rows are updated),
    and for TAIL seconds after each, while the table takes the new numbers.

    The app is the real one (`SreApp` on a `Runtime` that builds its own Prometheus client).
    Keys are posted as the terminal driver would (not through Pilot.press, which waits for the
    app to go idle). A press counts as done when the app has switched mode and then sent the
    terminal a frame of the new screen, which is when the user sees it. Frames are seen at
    `App._display` (private: Textual has no public hook), called with every composed frame and
    writing nothing in a headless run; it includes the 50 ms by which Textual's `switch_mode`
    holds back the first frame (`delay_update`). The lag probe runs all the time, in its own
    task, so a stall while a key is being handled is measured too."""
    from textual import events

    from sretui.app import SreApp
    from sretui.services.runtime import Runtime
    from sretui.services.workspace import open_workspace

    with tempfile.TemporaryDirectory() as folder:
        workspace = open_workspace(config_dir=folder, data_dir=folder, prometheus_url=url)
        workspace.definitions.slos = definitions
        app = SreApp(Runtime(workspace), live=False)
        frames: dict[object, float] = {}  # the time of each screen's latest frame
        display = app._display

        def on_frame(screen: Any, update: Any) -> None:
            display(screen, update)
            if update is not None and not app._batch_count:  # a frame the terminal gets
                frames[screen] = time.perf_counter()

        app._display = on_frame  # type: ignore[method-assign]
        phases: list[Phase] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("2", "1")  # mount both screens first
            await pilot.pause()
            for _ in range(2):
                phase = Phase()
                probe = asyncio.create_task(probe_loop_lag(phase.lags))
                refresh_started = time.perf_counter()
                worker = app.refresh_now("budgets")
                await asyncio.sleep(0.2)  # let the refresh get going
                target = ["incidents", "budgets"]
                stop_at = math.inf
                while time.perf_counter() < stop_at:
                    await asyncio.sleep(0.01)  # a moment between one key and the next
                    mode = target[len(phase.switched) % 2]
                    start = time.perf_counter()
                    app.post_message(events.Key("2" if mode == "incidents" else "1", None))
                    while app.current_mode != mode:
                        await asyncio.sleep(0.001)
                    phase.switched.append(time.perf_counter() - start)
                    while frames.get(app.screen, 0.0) < start:
                        await asyncio.sleep(0.001)
                    phase.drawn.append(frames[app.screen] - start)
                    if worker.is_finished and stop_at == math.inf:
                        phase.refresh = time.perf_counter() - refresh_started
                        stop_at = time.perf_counter() + TAIL
                await worker.wait()
                probe.cancel()
                await pilot.press("1")
                await pilot.pause()
                phases.append(phase)
        return phases


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def key_summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, "
        f"p95 {percentile(values, 0.95) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"
    )


def report(label: str, phase: Phase) -> bool:
    """Print one phase's line; True when it meets the goals (judged on the drawn times)."""
    drawn, lags = phase.drawn, phase.lags
    print(
        f"{label}: key press -> mode switched: {key_summary(phase.switched)}; "
        f"-> new screen drawn: {key_summary(drawn)} over {len(drawn)} presses; "
        f"event-loop stall: median {statistics.median(lags) * 1000:.1f} ms, "
        f"worst {max(lags) * 1000:.1f} ms over {len(lags)} probes; "
        f"the refresh took {phase.refresh:.1f} s"
    )
    return (
        percentile(drawn, 0.95) <= GOAL_P95 and max(drawn) <= GOAL_WORST and max(lags) <= GOAL_STALL
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--app-only", action="store_true", help="only the key presses and stalls (no ratio)"
    )
    args = parser.parse_args()
    end = float(int(time.time()))
    with tempfile.TemporaryDirectory() as folder:
        server = start_prometheus(Path(folder), backfill_openmetrics=history(end))
        try:
            definitions = slos()
            at = datetime.fromtimestamp(end, UTC)
            queries = raw_queries(definitions, at)
            asyncio.run(fire_raw(server.url, queries))  # warm Prometheus's caches
            ours, raw = [], []
            for _ in range(0 if args.app_only else args.runs):
                raw.append(asyncio.run(fire_raw(server.url, queries)))
                ours.append(asyncio.run(through_sretui(server.url, definitions, at)))
            phases = asyncio.run(responsiveness_during_refresh(server.url, definitions))
        finally:
            server.stop()
    print(f"{len(definitions)} SLOs, {len(queries)} queries, concurrency {CONCURRENCY}")
    if ours:
        ours_median, raw_median = statistics.median(ours), statistics.median(raw)
        ratio = ours_median / raw_median
        print(f"raw httpx:         median {raw_median:.2f} s over {args.runs}")
        print(f"BudgetService:     median {ours_median:.2f} s over {args.runs}")
        print(f"ratio: {ratio:.2f}x (goal <= 1.30x) {'OK' if ratio <= 1.3 else 'OVER'}")
    met = [
        report(label, phase)
        for label, phase in zip(("first refresh", "next refresh"), phases, strict=True)
    ]
    print(
        "goal (key press -> new screen drawn, and stall): p95 <= 100 ms, worst <= 250 ms, "
        f"stall <= 100 ms: {'OK' if all(met) else 'OVER'}"
    )


if __name__ == "__main__":
    main()
