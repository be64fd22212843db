from datetime import UTC, datetime, timedelta

from sretui.domain.health import HealthState, HealthTracker

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_unchecked_until_the_first_probe() -> None:
    tracker = HealthTracker()
    assert tracker.status(T0).state is HealthState.UNCHECKED
    assert tracker.status(T0).label == "checking"


def test_ok_then_stale_with_age_then_down() -> None:
    tracker = HealthTracker(down_after=timedelta(minutes=2))
    tracker.record_success(T0)
    assert tracker.status(T0 + timedelta(seconds=5)).label == "ok"
    tracker.record_failure(T0 + timedelta(seconds=30), "connection refused")
    status = tracker.status(T0 + timedelta(seconds=42))
    assert status.state is HealthState.STALE
    assert status.label == "stale 42s"
    assert status.error == "connection refused"
    assert tracker.status(T0 + timedelta(minutes=2)).label == "down"


def test_recovers_after_a_success() -> None:
    tracker = HealthTracker()
    tracker.record_failure(T0, "boom")
    assert tracker.status(T0).label == "down"  # never answered
    tracker.record_success(T0 + timedelta(seconds=10))
    status = tracker.status(T0 + timedelta(seconds=11))
    assert status.label == "ok"
    assert status.error is None
