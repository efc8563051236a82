"""Deleting what has passed its `expireAt`, locally, the way TTL does in production.

In production Firestore's TTL policies (one per collection group in
`store.EPHEMERAL`, declared in infra/) delete expired documents. The emulator
has no TTL, so `python -m vtchat.admin expire` and the `make demo` loop run
this instead; it deletes exactly what a TTL policy would, and nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime

from vtchat.services import Services
from vtchat.store import EPHEMERAL

_PAGE = 400


def delete_expired(svc: Services, *, now: datetime | None = None) -> dict[str, int]:
    """Delete every ephemeral document whose expireAt is before `now`; counts per group."""
    now = now or datetime.now(UTC)
    store = svc.store
    deleted: dict[str, int] = {}
    for group in EPHEMERAL:
        count = 0
        while True:
            page = store.query(store.expired(group, now, limit=_PAGE))
            if not page:
                break
            count += store.delete_all(snap.reference for snap in page)
        deleted[group] = count
    return deleted
