"""The synthetic demo backend behind `sretui --demo`: five services that behave like live ones.

Every value is a function of the seed, the story time (see below) and the time asked about,
computed in closed form, so any instant or window can be asked for in any order and always gives
the same answer, and a 30-day window costs about as much as a 5-minute one.

The model, per service:
- request rate  lambda(t) = base_rate * (1 + 0.6 * sin(2 pi (t - phase) / 1 day)), peaking at the
  service's busiest UTC hour; its integral is closed form.
- baseline: a fixed share of 404s and of 5xx (split 60/40 between "500" and "503"), and a fixed
  fraction of requests under each latency bucket bound.
- episodes: error bursts and scripted incidents, during which the 5xx ratio is the episode's own
  (split 30/70, overload looks like 503s) and latency follows the degraded bucket fractions.
  Bursts are drawn per service and per hour from blake2b(seed, service, hour): whether one
  happens, when it starts, how long it lasts and how bad it is. A burst never leaves its hour.
  Scripted incidents are placed relative to the demo's story time (`story_at`), so the demo
  always opens on the same situation: search is burning its budget fast right now, payments
  had a bad incident five days ago and has little budget left.
- counters start at `story_at - 120 days` (midnight UTC), as if the services were deployed
  then; before that the series have no samples.

Every counter is `normal_share * (R - R_episode) + episode_share * R_episode + error_share *
E_episode` over a window, where R is the number of requests, R_episode those during episodes and
E_episode the episodes' error-ratio-weighted requests. Each UTC day's episodes and their sums
are computed once and cached; windows longer than SUMMED_DAYS use running totals of those sums.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import math
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sretui.sources.base import (
    BackendUnavailable,
    InstantResult,
    QueryError,
    RangeResult,
    Sample,
    Series,
)

if TYPE_CHECKING:
    from sretui.sources.promql_subset import Expr, Matcher, Value

DAY = 86400.0
SLOT = 3600.0  # one burst draw per service per hour
DAILY_SWING = 0.6  # traffic at peak is 1.6x the mean, at the trough 0.4x
HISTORY = timedelta(days=120)
SUMMED_DAYS = 40  # windows of up to this many whole days add up their days' episodes
MAX_POINTS = 11_000  # Prometheus's limit on the points of one series in a range query

STATUS_CODES = ("200", "404", "500", "503")
LATENCY_BOUNDS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, math.inf)
# Fraction of requests answered within each bound, normally and during bursts and incidents.
NORMAL_LATENCY = (0.62, 0.85, 0.96, 0.992, 0.998, 0.9996, 0.99995, 1.0)
DEGRADED_LATENCY = (0.25, 0.45, 0.70, 0.86, 0.94, 0.985, 0.997, 1.0)
# How the 5xx are split between "500" and "503": normally mostly bugs, in episodes mostly overload.
NORMAL_500_SHARE = 0.6
EPISODE_500_SHARE = 0.3

REQUESTS_METRIC = "http_requests_total"
BUCKET_METRIC = "http_request_duration_seconds_bucket"
COUNT_METRIC = "http_request_duration_seconds_count"


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """How one synthetic service behaves."""

    name: str
    base_rate: float  # mean requests per second over a day
    peak_hour: float  # UTC hour of the daily traffic peak
    error_ratio: float  # baseline share of 5xx responses
    client_error_ratio: float  # share of 404s, never part of an availability SLI
    burst_chance: float  # probability that a given hour has an error burst
    burst_minutes: tuple[float, float]  # a burst lasts between these many minutes
    burst_error_ratio: tuple[float, float]  # and has a 5xx ratio between these
    latency: tuple[float, ...] = NORMAL_LATENCY
    degraded_latency: tuple[float, ...] = DEGRADED_LATENCY

    def __post_init__(self) -> None:
        for fractions in (self.latency, self.degraded_latency):
            if len(fractions) != len(LATENCY_BOUNDS) or fractions[-1] != 1.0:
                raise ValueError(f"{self.name}: one fraction per latency bound, ending with 1.0")
            if any(a > b for a, b in itertools.pairwise(fractions)):
                raise ValueError(f"{self.name}: latency fractions must not decrease")
        if not 0 <= self.burst_minutes[0] <= self.burst_minutes[1] <= 60:
            raise ValueError(f"{self.name}: a burst must fit in its hour")

    @property
    def phase(self) -> float:
        """Seconds to shift the daily sine so that it peaks at `peak_hour` UTC."""
        return self.peak_hour * 3600 - DAY / 4


@dataclass(frozen=True, slots=True)
class ScriptedIncident:
    """An incident placed relative to the demo's story time, so the demo tells the same story
    whenever it is started."""

    service: str
    began_before: timedelta  # how long before the story time it began
    duration: timedelta
    error_ratio: float
    # Move the start to this UTC hour of the same day, so that the incident hits the same
    # traffic (and spends the same budget) whatever time of day the demo starts.
    at_utc_hour: float | None = None

    def episode(self, story_at: float) -> Episode:
        """The incident as an episode of a story told at `story_at` (unix seconds)."""
        start = story_at - self.began_before.total_seconds()
        if self.at_utc_hour is not None:
            start = math.floor(start / DAY) * DAY + self.at_utc_hour * 3600
        end = start + self.duration.total_seconds()
        return Episode(self.service, start, end, self.error_ratio, "incident")


@dataclass(frozen=True, slots=True)
class Episode:
    """A stretch of time [start, end) (unix seconds) when a service fails more than usual."""

    service: str
    start: float
    end: float
    error_ratio: float
    cause: str  # "burst" or "incident"


DEMO_SERVICES: tuple[ServiceProfile, ...] = (
    # Healthy, busy, with a latency SLO at 500 ms that it meets with room to spare.
    ServiceProfile(
        "checkout", 120, 14, 0.0002, 0.012, 0.04, (3, 12), (0.01, 0.04),
        latency=(0.55, 0.80, 0.95, 0.996, 0.999, 0.9998, 1.0, 1.0),
    ),
    # 99.95% over 28 days: the baseline alone spends 60% of the budget, an incident the rest.
    ServiceProfile("payments", 25, 15, 0.0003, 0.005, 0.03, (2, 10), (0.005, 0.015)),
    # 99.5% over 7 days: lots of headroom, but an ongoing incident burns it at ~20x.
    ServiceProfile("search", 200, 20, 0.001, 0.03, 0.05, (2, 15), (0.01, 0.05)),
    # 99.99%: so tight that its baseline is far below the others'.
    ServiceProfile("auth", 60, 9, 0.00003, 0.008, 0.03, (1, 5), (0.001, 0.004)),
    # 99.9% per calendar month, about half of it spent.
    ServiceProfile("catalog", 90, 18, 0.0005, 0.02, 0.04, (3, 12), (0.01, 0.03)),
)  # fmt: skip

DEMO_INCIDENTS: tuple[ScriptedIncident, ...] = (
    ScriptedIncident("search", timedelta(minutes=75), timedelta(hours=4), 0.10),
    ScriptedIncident("payments", timedelta(days=5), timedelta(minutes=100), 0.025, 14.5),
)


@dataclass(frozen=True, slots=True)
class Traffic:
    """Request integrals of one service over a window (see the module docstring)."""

    requests: float
    episode_requests: float
    episode_errors: float


@dataclass(frozen=True, slots=True)
class _Day:
    episodes: tuple[Episode, ...]
    episode_requests: float
    episode_errors: float


@dataclass(frozen=True, slots=True, eq=False)
class DemoSeries:
    """One synthetic counter series; its value over a window is linear in the `Traffic`."""

    labels: Mapping[str, str]
    service: str
    normal_share: float
    episode_share: float
    error_share: float  # multiplies the episodes' error-ratio-weighted requests
    model: DemoModel = field(repr=False)

    def increase(self, start: float, end: float) -> float | None:
        """How much the counter grew over [start, end]; None when the series did not exist."""
        traffic = self.model.traffic(self.service, start, end)
        if traffic is None:
            return None
        normal = traffic.requests - traffic.episode_requests
        return (
            self.normal_share * normal
            + self.episode_share * traffic.episode_requests
            + self.error_share * traffic.episode_errors
        )

    def sample(self, t: float) -> float | None:
        """The counter's value at t: everything it counted since the services were deployed."""
        if t < self.model.first_sample:
            return None
        return self.increase(self.model.first_sample, t)


class DemoModel:
    """The synthetic services: rates, episodes and counter series, all functions of
    (seed, story time, t). Also the `SeriesStore` that PromQL selectors read."""

    def __init__(
        self,
        seed: int,
        story_at: float,
        services: Sequence[ServiceProfile] = DEMO_SERVICES,
        incidents: Sequence[ScriptedIncident] = DEMO_INCIDENTS,
    ) -> None:
        self.seed = seed
        self.story_at = story_at
        self.first_sample = math.floor((story_at - HISTORY.total_seconds()) / DAY) * DAY
        self.profiles = {profile.name: profile for profile in services}
        self._incidents: dict[str, list[Episode]] = {name: [] for name in self.profiles}
        for incident in incidents:
            self._incidents[incident.service].append(incident.episode(story_at))
        self._first_day = round(self.first_sample / DAY)
        self._days: dict[tuple[str, int], _Day] = {}
        self._totals: dict[str, list[tuple[float, float]]] = {}
        self._selections: dict[tuple[Matcher, ...], list[DemoSeries]] = {}
        self.series: tuple[DemoSeries, ...] = tuple(self._build_series())

    # -- instantaneous behaviour ---------------------------------------------------------

    def request_rate(self, service: str, t: float) -> float:
        """Requests per second of `service` at unix time t."""
        profile = self.profiles[service]
        angle = 2 * math.pi * math.fmod(t - profile.phase, DAY) / DAY
        return profile.base_rate * (1 + DAILY_SWING * math.sin(angle))

    def episode_at(self, service: str, t: float) -> Episode | None:
        """The burst or incident going on at t, if any."""
        day = self._day(service, math.floor(t / DAY))
        return next((e for e in day.episodes if e.start <= t < e.end), None)

    def error_ratio(self, service: str, t: float) -> float:
        """The share of 5xx responses at t."""
        episode = self.episode_at(service, t)
        return episode.error_ratio if episode else self.profiles[service].error_ratio

    def latency_fraction(self, service: str, bound: float, t: float) -> float:
        """The share of requests answered within `bound` seconds (one of LATENCY_BOUNDS) at t."""
        profile = self.profiles[service]
        fractions = profile.degraded_latency if self.episode_at(service, t) else profile.latency
        return fractions[LATENCY_BOUNDS.index(bound)]

    # -- integrals -----------------------------------------------------------------------

    def requests(self, service: str, start: float, end: float) -> float:
        """The integral of the request rate over [start, end], in closed form."""
        profile = self.profiles[service]
        omega = 2 * math.pi / DAY
        # fmod keeps the cosine's argument small, so nearby times don't lose precision
        cos_end = math.cos(omega * math.fmod(end - profile.phase, DAY))
        cos_start = math.cos(omega * math.fmod(start - profile.phase, DAY))
        swing = DAILY_SWING / omega * (cos_end - cos_start)
        return profile.base_rate * ((end - start) - swing)

    def episodes(self, service: str, start: float, end: float) -> list[Episode]:
        """The bursts and incidents of `service` that overlap [start, end), in time order.

        An incident that spans midnight comes back as one piece per UTC day."""
        found: list[Episode] = []
        for day in range(math.floor(start / DAY), math.ceil(end / DAY)):
            found.extend(
                e for e in self._day(service, day).episodes if e.end > start and e.start < end
            )
        return found

    def traffic(self, service: str, start: float, end: float) -> Traffic | None:
        """Request integrals over [start, end], clipped to when the series exist.

        None when the window ends before the first sample or the service is unknown."""
        if service not in self.profiles or end < self.first_sample:
            return None
        start = max(start, self.first_sample)
        if end <= start:
            return Traffic(0.0, 0.0, 0.0)
        first_full, last_full = math.ceil(start / DAY), math.floor(end / DAY)
        if first_full >= last_full:
            episode_requests, episode_errors = self._partial(service, start, end)
        else:
            head = self._partial(service, start, first_full * DAY)
            days = self._whole_days(service, first_full, last_full)
            tail = self._partial(service, last_full * DAY, end)
            episode_requests = head[0] + days[0] + tail[0]
            episode_errors = head[1] + days[1] + tail[1]
        return Traffic(self.requests(service, start, end), episode_requests, episode_errors)

    # -- the SeriesStore interface -------------------------------------------------------

    def select(self, matchers: Sequence[Matcher]) -> list[DemoSeries]:
        """The series whose labels satisfy every matcher."""
        key = tuple(matchers)
        selected = self._selections.get(key)
        if selected is None:
            # the set of series never changes, and range queries ask the same selector each step
            if len(self._selections) >= 1024:
                self._selections.clear()
            selected = [s for s in self.series if all(m.matches(s.labels) for m in matchers)]
            self._selections[key] = selected
        return selected

    # -- internals -----------------------------------------------------------------------

    def _build_series(self) -> Iterable[DemoSeries]:
        for name, p in self.profiles.items():
            ok = 1 - p.client_error_ratio
            shares = {
                "200": (ok - p.error_ratio, ok, -1.0),
                "404": (p.client_error_ratio, p.client_error_ratio, 0.0),
                "500": (NORMAL_500_SHARE * p.error_ratio, 0.0, EPISODE_500_SHARE),
                "503": ((1 - NORMAL_500_SHARE) * p.error_ratio, 0.0, 1 - EPISODE_500_SHARE),
            }
            for code in STATUS_CODES:
                labels = {"__name__": REQUESTS_METRIC, "service": name, "code": code}
                yield DemoSeries(labels, name, *shares[code], model=self)
            for bound, normal, degraded in zip(
                LATENCY_BOUNDS, p.latency, p.degraded_latency, strict=True
            ):
                labels = {"__name__": BUCKET_METRIC, "service": name, "le": _format_bound(bound)}
                yield DemoSeries(labels, name, normal, degraded, 0.0, model=self)
            yield DemoSeries({"__name__": COUNT_METRIC, "service": name}, name, 1, 1, 0, self)

    def _partial(self, service: str, start: float, end: float) -> tuple[float, float]:
        """(episode requests, episode errors) over a window within a day or two."""
        requests = errors = 0.0
        for episode in self.episodes(service, start, end):
            count = self.requests(service, max(episode.start, start), min(episode.end, end))
            requests += count
            errors += episode.error_ratio * count
        return requests, errors

    def _whole_days(self, service: str, first: int, last: int) -> tuple[float, float]:
        """(episode requests, episode errors) over the UTC days [first, last)."""
        if last - first <= SUMMED_DAYS:
            days = [self._day(service, index) for index in range(first, last)]
            return (
                math.fsum(d.episode_requests for d in days),
                math.fsum(d.episode_errors for d in days),
            )
        # Longer spans (raw counter values count from the first sample) use running totals.
        prefix = self._running_totals(service, last)
        (requests_before, errors_before) = prefix[first - self._first_day]
        (requests_after, errors_after) = prefix[last - self._first_day]
        return requests_after - requests_before, errors_after - errors_before

    def _running_totals(self, service: str, last: int) -> list[tuple[float, float]]:
        """Episode sums over [first day, first day + i) at index i, extended up to day `last`."""
        totals = self._totals.setdefault(service, [(0.0, 0.0)])
        while len(totals) <= last - self._first_day:
            day = self._day(service, self._first_day + len(totals) - 1)
            requests, errors = totals[-1]
            totals.append((requests + day.episode_requests, errors + day.episode_errors))
        return totals

    def _day(self, service: str, index: int) -> _Day:
        key = (service, index)
        day = self._days.get(key)
        if day is None:
            day = self._days[key] = self._compute_day(service, index)
        return day

    def _compute_day(self, service: str, index: int) -> _Day:
        day_start, day_end = index * DAY, (index + 1) * DAY
        incidents = [
            Episode(service, max(i.start, day_start), min(i.end, day_end), i.error_ratio, i.cause)
            for i in self._incidents[service]
            if i.start < day_end and i.end > day_start
        ]
        slots_per_day = round(DAY / SLOT)
        bursts = [
            burst
            for slot in range(index * slots_per_day, (index + 1) * slots_per_day)
            if (burst := self.draw_burst(service, slot)) is not None
            # an incident already has the service's attention: no burst on top of it
            and not any(i.start < burst.end and i.end > burst.start for i in incidents)
        ]
        episodes = tuple(sorted(incidents + bursts, key=lambda e: e.start))
        counts = [self.requests(service, e.start, e.end) for e in episodes]
        return _Day(
            episodes,
            math.fsum(counts),
            math.fsum(e.error_ratio * c for e, c in zip(episodes, counts, strict=True)),
        )

    def draw_burst(self, service: str, slot: int) -> Episode | None:
        """The error burst of `service` in hour `slot` (unix seconds // 3600), if it has one.

        A pure function of (seed, service, slot): no global random state."""
        profile = self.profiles[service]
        digest = hashlib.blake2b(f"{self.seed}:{service}:{slot}".encode(), digest_size=16)
        happens, length, offset, severity = (
            n / 2**32 for n in struct.unpack(">4I", digest.digest())
        )
        if happens >= profile.burst_chance:
            return None
        low, high = profile.burst_minutes
        duration = (low + length * (high - low)) * 60
        start = slot * SLOT + offset * (SLOT - duration)
        low, high = profile.burst_error_ratio
        return Episode(service, start, start + duration, low + severity * (high - low), "burst")


def _format_bound(bound: float) -> str:
    """A bucket bound as Prometheus's Go clients write `le`: "0.5", "1", "+Inf"."""
    if math.isinf(bound):
        return "+Inf"
    return f"{bound:g}"


def _unix(moment: datetime) -> float:
    """Unix seconds; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _parse(expr: str) -> Expr:
    # Imported on the first query: the app creates its source while drawing its first frame,
    # and the evaluator's classes and promql-parser are not needed for that.
    from sretui.sources.promql_subset import parse

    return parse(expr)


def _samples(value: Value) -> tuple[Sample, ...]:
    return (Sample({}, value),) if isinstance(value, float) else value


class DemoSource:
    """A `MetricsSource` that answers the supported PromQL subset from the synthetic model.

    `clock` gives "now" (for queries without a time, and for outages). The demo's story
    (search's ongoing incident, payments' recent one) is placed around `story_at`, by default
    the clock's time at construction rounded down to the minute. During any of the `outages`
    (clock time in [start, end)) every query and probe raises BackendUnavailable, to show how
    the app treats a backend that is down.
    """

    def __init__(
        self,
        seed: int = 7,
        clock: Callable[[], datetime] | None = None,
        outages: Sequence[tuple[datetime, datetime]] = (),
        *,
        story_at: datetime | None = None,
    ) -> None:
        self._seed = seed
        self._clock = clock or _utc_now
        self._outages: list[tuple[float, float]] = []
        for start, end in outages:
            if end <= start:
                raise ValueError(
                    f"outage {start.isoformat()} .. {end.isoformat()} ends before it starts"
                )
            self._outages.append((_unix(start), _unix(end)))
        story = _unix(story_at) if story_at else math.floor(_unix(self._clock()) / 60) * 60
        self.model = DemoModel(seed, story)

    @property
    def description(self) -> str:
        """A short name for the status bar: "demo (seed 7)"."""
        return f"demo (seed {self._seed})"

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        """Evaluate `expr` at `at` (now when None). Raises QueryError for syntax outside the
        supported subset and BackendUnavailable during a simulated outage."""
        now = self._check_outage()
        t = _unix(at) if at is not None else now
        return InstantResult(samples=_samples(_parse(expr).evaluate(self.model, t)))

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        """Evaluate `expr` at start, start + step, ... up to end, as Prometheus's query_range.

        Like Prometheus, refuses more than 11,000 steps ((end - start) / step > 11000)."""
        self._check_outage()
        first, last = _unix(start), _unix(end)
        if not step_seconds > 0 or not math.isfinite(step_seconds):
            raise QueryError(
                "zero or negative query resolution step widths are not accepted. "
                "Try a positive integer",
                error_type="bad_data",
            )
        if last < first:
            raise QueryError("end timestamp must not be before start time", error_type="bad_data")
        steps = math.floor((last - first) / step_seconds)
        if steps > MAX_POINTS:
            raise QueryError(
                "exceeded maximum resolution of 11,000 points per timeseries. "
                "Try decreasing the query resolution (?step=XX)",
                error_type="bad_data",
            )
        node = _parse(expr)
        found: dict[tuple[tuple[str, str], ...], list[tuple[float, float]]] = {}
        for index in range(steps + 1):
            t = first + index * step_seconds
            for sample in _samples(node.evaluate(self.model, t)):
                key = tuple(sorted(sample.labels.items()))
                found.setdefault(key, []).append((t, sample.value))
            if index % 1000 == 999:
                await asyncio.sleep(0)  # long ranges: let the UI breathe between chunks
        return RangeResult(
            series=tuple(Series(dict(key), tuple(points)) for key, points in sorted(found.items()))
        )

    async def probe(self) -> None:
        """Succeeds, except during a simulated outage."""
        self._check_outage()

    async def aclose(self) -> None:
        """Nothing to release."""

    def _check_outage(self) -> float:
        """The clock's time as unix seconds; raises BackendUnavailable inside an outage."""
        now = _unix(self._clock())
        for start, end in self._outages:
            if start <= now < end:
                until = datetime.fromtimestamp(end, UTC).isoformat()
                raise BackendUnavailable(
                    f"demo backend unavailable: simulated outage until {until}"
                )
        return now
