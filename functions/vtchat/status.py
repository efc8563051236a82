"""The public status of every region, served from instance memory.

`GET /api/status` is hit on every page view of 26 websites. The board is
rebuilt at most once per `status_refresh` per instance from two small queries
(the waiting chats and the online advisors, only the fields it counts), so
Firestore reads grow with time, not with traffic; one request refreshes while
concurrent ones are answered from the previous board.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from vtchat.models import RegionStatusOut, StatusResponse
from vtchat.routing import (
    Staffing,
    estimate_wait,
    staffing_by_language,
    staffing_by_org,
    wait_minutes,
)

if TYPE_CHECKING:
    from vtchat.regions import Directory
    from vtchat.schedule import Schedule
    from vtchat.settings import Settings
    from vtchat.store import Store


class Sources(Protocol):
    """What the board reads. vtchat.services.Services is one; naming only this
    keeps status from importing services, which builds the board."""

    @property
    def store(self) -> Store: ...
    @property
    def directory(self) -> Directory: ...
    @property
    def schedule(self) -> Schedule: ...
    @property
    def settings(self) -> Settings: ...


class StatusBoard:
    def __init__(self, svc: Sources) -> None:
        self._svc = svc
        self._lock = threading.Lock()
        self._response: StatusResponse | None = None
        self._staffing: dict[str, Staffing] = {}
        self._speakers: dict[str, Staffing] = {}
        self._waiting: Counter[str] = Counter()
        self._built_at = 0.0
        self._hours = {org.id: svc.schedule.describe_hours(org.id) for org in svc.directory}

    def _fresh(self) -> bool:
        max_age = self._svc.settings.status_refresh.total_seconds()
        return self._response is not None and time.monotonic() - self._built_at < max_age

    def current(self) -> StatusResponse:
        if self._fresh():
            assert self._response is not None
            return self._response
        # Only one request rebuilds; the others keep serving the previous board.
        if not self._lock.acquire(blocking=self._response is None):
            assert self._response is not None
            return self._response
        try:
            if not self._fresh():
                self._rebuild(datetime.now(UTC))
            assert self._response is not None
            return self._response
        finally:
            self._lock.release()

    def staffing(self, org: str) -> Staffing:
        self.current()
        return self._staffing.get(org, Staffing())

    def speaking(self, language: str) -> Staffing:
        """The online advisors who speak `language`, every organisation together."""
        self.current()
        return self._speakers.get(language, Staffing())

    def waiting(self, org: str) -> int:
        """Chats waiting for this organisation whose visitor is there, as of the last rebuild.

        Present means seen within `visitor_stale` (an open stream refreshes
        it): chats nobody keeps open do not fill the queue for real visitors.
        """
        self.current()
        return self._waiting[org]

    def _rebuild(self, now: datetime) -> None:
        svc = self._svc
        store = svc.store
        present_since = now - svc.settings.visitor_stale
        waiting = Counter(
            snap.get("org")
            for snap in store.query(store.all_waiting().select(["org", "visitorSeenAt"]))
            if ((snap.to_dict() or {}).get("visitorSeenAt") or now) >= present_since
        )
        online: Counter[str] = Counter()
        rows = []
        spoken: list[tuple[list[str], int, int]] = []
        for snap in store.query(
            store.all_online_advisors().select(["org", "capacity", "activeCount", "languages"])
        ):
            org = snap.get("org")
            online[org] += 1
            slots, active = int(snap.get("capacity") or 0), int(snap.get("activeCount") or 0)
            rows.append((org, slots, active))
            spoken.append((list((snap.to_dict() or {}).get("languages") or ["nl"]), slots, active))
        staffing = staffing_by_org(rows)
        regions = []
        for org in svc.directory:
            state = svc.schedule.status(org.id, now)
            queue_org = state.serving_org or org.id
            queued = waiting[queue_org]
            wait = (
                estimate_wait(
                    position=queued + 1,
                    staffing=staffing.get(queue_org, Staffing()),
                    mean_chat=svc.settings.mean_chat,
                )
                if state.open
                else None
            )
            regions.append(
                RegionStatusOut(
                    id=org.id,
                    name=org.name,
                    open=state.open,
                    opens_at=state.opens_at,
                    closes_at=state.closes_at,
                    served_by=state.serving_org,
                    hours=self._hours[org.id],
                    queue_length=queued,
                    advisors_online=online[queue_org] if state.open else 0,
                    estimated_wait_minutes=wait_minutes(wait),
                )
            )
        self._staffing = staffing
        self._speakers = staffing_by_language(spoken)
        self._waiting = waiting
        self._response = StatusResponse(generated_at=now, regions=regions)
        self._built_at = time.monotonic()
