"""Budgets that keep floods out without locking out people who share an address.

Nothing here looks at IP addresses: a school, a shelter or a library puts many
people behind one. A visitor's messages are limited per session token, with a
token bucket kept in the session document (the relay reads and
writes it anyway, so the limit holds across instances at no extra cost).
Intakes are limited per instance and minute, which the deployment's instance
cap turns into a global ceiling; a refused intake gets a friendly "busy"
answer with the phone number, never a silent failure.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class BucketState:
    tokens: float
    at: datetime


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    state: BucketState
    retry_after_seconds: int = 0


def spend_token(
    state: BucketState | None, *, now: datetime, burst: int, per_minute: int
) -> Verdict:
    """Take one token from a bucket holding at most `burst`, refilled at `per_minute`."""
    rate = per_minute / 60.0
    if state is None:
        tokens = float(burst)
    else:
        elapsed = max(0.0, (now - state.at).total_seconds())
        tokens = min(float(burst), state.tokens + elapsed * rate)
    if tokens >= 1.0:
        return Verdict(allowed=True, state=BucketState(tokens=tokens - 1.0, at=now))
    wait = math.ceil((1.0 - tokens) / rate)
    return Verdict(
        allowed=False, state=BucketState(tokens=tokens, at=now), retry_after_seconds=max(1, wait)
    )


class WindowBudget:
    """At most `limit` events per sliding minute, in this instance's memory."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._events: deque[datetime] = deque()
        self._lock = threading.Lock()

    def exhausted(self, now: datetime) -> int | None:
        """Seconds until the window has room again, or None if it has room now."""
        with self._lock:
            self._forget(now)
            return self._wait(now) if len(self._events) >= self._limit else None

    def count(self, now: datetime) -> int:
        """Events in the sliding minute up to `now`."""
        with self._lock:
            self._forget(now)
            return len(self._events)

    def _forget(self, now: datetime) -> None:
        horizon = now - _MINUTE
        while self._events and self._events[0] <= horizon:
            self._events.popleft()

    def _wait(self, now: datetime) -> int:
        return max(1, math.ceil((self._events[0] + _MINUTE - now).total_seconds()))

    def admit(self, now: datetime) -> int | None:
        """Record the event and return None, or refuse it with seconds to wait."""
        with self._lock:
            self._forget(now)
            if len(self._events) < self._limit:
                self._events.append(now)
                return None
            return self._wait(now)


class Seats:
    """At most `limit` things at once per key (open streams per chat), in this instance's memory.

    A key's entry goes when its last seat is given back, so memory follows
    what is open now, not what ever was.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._taken: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> bool:
        with self._lock:
            held = self._taken.get(key, 0)
            if held >= self._limit:
                return False
            self._taken[key] = held + 1
            return True

    def give_back(self, key: str) -> None:
        with self._lock:
            held = self._taken.get(key, 0) - 1
            if held > 0:
                self._taken[key] = held
            else:
                self._taken.pop(key, None)
