"""The budgets: a token bucket per session and a sliding window per instance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vtchat.limits import BucketState, WindowBudget, spend_token

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def spend(state: BucketState | None, at: datetime, *, burst: int = 3, per_minute: int = 30):  # type: ignore[no-untyped-def]
    return spend_token(state, now=at, burst=burst, per_minute=per_minute)


def test_a_new_session_may_send_a_burst_then_waits_for_the_refill() -> None:
    state = None
    for _ in range(3):
        verdict = spend(state, T0)
        assert verdict.allowed
        state = verdict.state
    refused = spend(state, T0)
    assert not refused.allowed
    assert refused.retry_after_seconds == 2  # 30 a minute: one every two seconds
    later = spend(refused.state, T0 + timedelta(seconds=2))
    assert later.allowed


def test_the_bucket_never_holds_more_than_the_burst() -> None:
    idle = BucketState(tokens=0.0, at=T0 - timedelta(hours=5))
    state: BucketState | None = idle
    allowed = 0
    for _ in range(10):
        verdict = spend(state, T0)
        allowed += verdict.allowed
        state = verdict.state
    assert allowed == 3


def test_a_clock_going_backwards_gives_nothing_extra() -> None:
    state = BucketState(tokens=0.5, at=T0)
    assert not spend(state, T0 - timedelta(minutes=1)).allowed


@pytest.mark.parametrize("per_minute", [1, 7, 60, 600])
def test_the_wait_told_is_enough(per_minute: int) -> None:
    empty = BucketState(tokens=0.0, at=T0)
    refused = spend(empty, T0, per_minute=per_minute)
    assert not refused.allowed
    after = T0 + timedelta(seconds=refused.retry_after_seconds)
    assert spend(refused.state, after, per_minute=per_minute).allowed


def test_the_window_admits_its_limit_per_minute_and_says_when_to_return() -> None:
    budget = WindowBudget(limit=2)
    assert budget.admit(T0) is None
    assert budget.admit(T0 + timedelta(seconds=10)) is None
    assert budget.admit(T0 + timedelta(seconds=20)) == 40
    assert budget.admit(T0 + timedelta(seconds=60)) is None  # the first has left the window
    assert budget.admit(T0 + timedelta(seconds=61)) == 9
