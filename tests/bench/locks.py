"""Counting, in this process, the Firestore calls that waited out a lock.

The Firestore emulator (gcloud 528) locks what a transaction reads and gives
up a lock wait after about 2 s with `Aborted: Transaction lock timeout`. The
client library retries an aborted transaction by itself (up to 15 times), so a
call can sit out a whole series of such waits without any exception reaching
the service code: that series was the "30-second lock timeout" of the first
burst measurements. `LockWatch` watches the one place where the library turns
a gRPC error into an exception, so it sees those retried aborts too. Next to
them it counts the conditional writes that found a document written meanwhile
(a failed precondition, or a `create` of one that exists): a re-read, not a
wait. It changes nothing: each error is passed on.
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from google.api_core import exceptions as api_exceptions


class LockWatch:
    """While entered, counts lock timeouts and failed preconditions of this process."""

    def __init__(self) -> None:
        self.lock_timeouts = 0
        # Which service call waited, and in which module's transaction.
        self.waited_in: Counter[str] = Counter()
        self.other_aborts = 0
        self.failed_preconditions = 0
        self._lock = threading.Lock()
        self._convert: Callable[[Any], Any] | None = None

    def _observe(self, rpc_error: Any) -> Any:
        assert self._convert is not None
        error = self._convert(rpc_error)
        with self._lock:
            if isinstance(error, api_exceptions.Aborted):
                if "lock timeout" in str(error).lower():
                    self.lock_timeouts += 1
                    self.waited_in[_service_call()] += 1
                else:
                    self.other_aborts += 1
            elif isinstance(
                error, (api_exceptions.FailedPrecondition, api_exceptions.AlreadyExists)
            ):
                # A condition or a `create` found the document written meanwhile.
                self.failed_preconditions += 1
        return error

    def __enter__(self) -> LockWatch:
        self._convert = api_exceptions.from_grpc_error
        # grpc_helpers calls `exceptions.from_grpc_error` by attribute: every
        # Firestore RPC of this process passes here when it fails.
        api_exceptions.from_grpc_error = self._observe
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._convert is not None:
            api_exceptions.from_grpc_error = self._convert

    def line(self) -> str:
        return (
            f"emulator lock timeouts in this process (incl. the client library's own"
            f" retries): {self.lock_timeouts} {dict(self.waited_in) or ''};"
            f" other aborts {self.other_aborts};"
            f" conditional writes that found a document written meanwhile (re-read, no wait):"
            f" {self.failed_preconditions}"
        )


def _service_call() -> str:
    """`outer.call → inner module` of the waiting call, e.g. `lifecycle.end_chat → assignment`."""
    frames = [
        f
        for f in traceback.extract_stack()
        if "/vtchat/" in f.filename and Path(f.filename).stem not in ("store", "timeline")
    ]
    if not frames:
        return "?"
    outer, inner = Path(frames[0].filename).stem, Path(frames[-1].filename).stem
    return f"{outer}.{frames[0].name} → {inner}"
