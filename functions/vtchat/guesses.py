"""The budget for wrong resume codes: no guessing, and no lockout for everyone.

A guesser never tries the same code twice, so what keeps guessing hopeless is
the code space (60 bits) against a ceiling on wrong codes the whole
deployment answers: `per_minute` per instance, times the instance cap of the
resume function (docs/architecture.md, "Resume codes", has the odds). That
ceiling is a circuit breaker set far above what visitors ever cause, so
tripping it takes a sustained flood, not 30 typos a minute from anyone.

Each code also has a small budget of its own (`per_code` per window): a code
tried over and over, by a script or a visitor who keeps mistyping, is paused
without counting against anyone else.

All of it lives in this instance's memory only. A code is remembered as an
HMAC under a random key that never leaves the process, so the table holds
nothing that identifies a visitor or a chat, and it is forgotten with the
window (or the instance).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from vtchat.limits import WindowBudget

CODE_WINDOW = timedelta(minutes=10)
# Bounds the memory a flood of distinct guesses can take (~100 bytes each).
_MAX_CODES = 50_000


class WrongCodes:
    def __init__(self, *, per_code: int, per_minute: int) -> None:
        self._per_code = per_code
        self._breaker = WindowBudget(per_minute)
        self._key = secrets.token_bytes(32)
        # digest -> (start of its window, wrong attempts in it), oldest first.
        self._codes: OrderedDict[bytes, tuple[datetime, int]] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, code: str) -> bytes:
        return hmac.new(self._key, code.encode("ascii"), hashlib.sha256).digest()[:16]

    def exhausted(self, code: str, now: datetime) -> int | None:
        """Seconds to wait before this code may be tried again, or None."""
        breaker = self._breaker.exhausted(now)
        if breaker is not None:
            return breaker
        with self._lock:
            entry = self._codes.get(self._digest(code))
        if entry is None:
            return None
        started, failures = entry
        left = started + CODE_WINDOW - now
        if left <= timedelta(0) or failures < self._per_code:
            return None
        return max(1, math.ceil(left.total_seconds()))

    def failed(self, code: str, now: datetime) -> None:
        """Count a wrong attempt with this code."""
        self._breaker.admit(now)
        digest = self._digest(code)
        with self._lock:
            self._forget(now)
            started, failures = self._codes.pop(digest, (now, 0))
            if started + CODE_WINDOW <= now:
                started, failures = now, 0
            self._codes[digest] = (started, failures + 1)

    def _forget(self, now: datetime) -> None:
        while self._codes:
            digest, (started, _) = next(iter(self._codes.items()))
            if started + CODE_WINDOW > now and len(self._codes) < _MAX_CODES:
                return
            del self._codes[digest]
