"""Queue places that stay live without rewriting every waiting session.

Each organisation has one small document, `queues/{org}`, holding the opaque
tickets of the chats waiting for it. A ticket sorts by queue time, so a
visitor's position is the number of tickets before theirs plus one. Joining
and leaving are single array transforms written in the same transaction as the
session change, without reading the document: a queue event costs one write
whatever the queue's length, and each waiting visitor's stream, which listens
to that one document, computes its own place.
"""

from __future__ import annotations

import bisect
import secrets
from datetime import UTC, datetime

from google.cloud import firestore

from vtchat.store import Store, Writer

# Sorts before every digit: an urgent chat goes ahead of everyone not urgent.
_URGENT = "!"


def _stamp(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y%m%d%H%M%S%f}"


def new_ticket(queued_at: datetime, *, urgent: bool = False) -> str:
    # Microsecond queue time first (sort order), then randomness (uniqueness);
    # nothing in it points back to the session.
    ticket = f"{_stamp(queued_at)}-{secrets.token_hex(4)}"
    return _URGENT + ticket if urgent else ticket


def issued_before(ticket: str, horizon: datetime) -> bool:
    """Whether the ticket's queue time is before `horizon`, urgent or not."""
    return ticket.removeprefix(_URGENT).partition("-")[0] < _stamp(horizon)


def join(store: Store, writer: Writer, *, org: str, ticket: str) -> None:
    store.set(writer, store.queue(org), {"waiting": firestore.ArrayUnion([ticket])}, merge=True)


def leave(store: Store, writer: Writer, *, org: str, ticket: str | None) -> None:
    if ticket is None:
        return
    store.set(writer, store.queue(org), {"waiting": firestore.ArrayRemove([ticket])}, merge=True)


def position(waiting: list[str], ticket: str) -> int | None:
    """1-based place of `ticket`, or None once it has left the queue."""
    ordered = sorted(waiting)
    index = bisect.bisect_left(ordered, ticket)
    if index < len(ordered) and ordered[index] == ticket:
        return index + 1
    return None
