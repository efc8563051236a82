"""The wrong-resume-code budget: per code, and a global circuit breaker only."""

from datetime import UTC, datetime, timedelta

from vtchat.guesses import CODE_WINDOW, WrongCodes

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def test_a_flood_of_distinct_guesses_leaves_other_codes_alone_below_the_breaker() -> None:
    budget = WrongCodes(per_code=5, per_minute=1200)
    for n in range(1000):
        budget.failed(f"{n:012d}", NOW)
    assert budget.exhausted("K7QM3XHP2RTA", NOW) is None


def test_one_code_tried_over_and_over_is_paused_on_its_own() -> None:
    budget = WrongCodes(per_code=5, per_minute=1200)
    for _ in range(5):
        assert budget.exhausted("ZZZZZZZZZZZZ", NOW) is None
        budget.failed("ZZZZZZZZZZZZ", NOW)
    wait = budget.exhausted("ZZZZZZZZZZZZ", NOW)
    assert wait is not None and 0 < wait <= CODE_WINDOW.total_seconds()
    assert budget.exhausted("K7QM3XHP2RTA", NOW) is None
    assert budget.exhausted("ZZZZZZZZZZZZ", NOW + CODE_WINDOW) is None


def test_the_breaker_trips_only_on_a_flood_and_for_a_minute_at_most() -> None:
    budget = WrongCodes(per_code=5, per_minute=100)
    for n in range(100):
        budget.failed(f"{n:012d}", NOW)
    wait = budget.exhausted("K7QM3XHP2RTA", NOW)
    assert wait is not None and wait <= 60
    assert budget.exhausted("K7QM3XHP2RTA", NOW + timedelta(minutes=1)) is None


def test_memory_stays_bounded_under_a_flood() -> None:
    budget = WrongCodes(per_code=5, per_minute=10**5)
    for n in range(60_000):
        budget.failed(f"{n:012d}", NOW)
    assert len(budget._codes) <= 50_000
