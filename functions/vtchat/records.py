"""The anonymous record every chat leaves behind when it ends.

Written in the same transaction that ends the chat, so every chat has exactly
one, whoever ends it and however (the visitor leaving the queue, the tick, the
advisor). The advisor's registration later fills in its registration part.
Times are rounded (start to the quarter hour, waiting and duration to whole
minutes) and the id is random: the record cannot be matched to a person, and
once the session's TTL has passed not even to the conversation.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from google.cloud.firestore_v1.transaction import Transaction

from vtchat.models import ChatRecordDoc, EndedBy, EndedHow, SessionDoc
from vtchat.store import Store, to_doc


def quarter_hour(at: datetime) -> datetime:
    # A plain datetime: Firestore's own subclass does not survive replace().
    plain = datetime.fromtimestamp(at.timestamp(), tz=UTC)
    return plain.replace(minute=plain.minute - plain.minute % 15, second=0, microsecond=0)


def whole_minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()) // 60)


def ended_how(session: SessionDoc, ended_by: EndedBy) -> EndedHow:
    if ended_by == "system":
        return "ended_by_system"
    if ended_by == "advisor":
        return "ended_by_advisor"
    return "visitor_left_during_chat" if session.assigned_at else "visitor_left_while_waiting"


def record_of(session: SessionDoc, *, ended_at: datetime, ended_by: EndedBy) -> ChatRecordDoc:
    served = session.assigned_at is not None
    return ChatRecordDoc(
        region=session.region,
        queued_org=session.transferred_from or session.org,
        answering_org=(session.advisor_org or session.org) if served else None,
        month=f"{session.created_at:%Y-%m}",
        started=quarter_hour(session.created_at),
        waited_minutes=whole_minutes(session.queued_at, session.assigned_at or ended_at),
        duration_minutes=whole_minutes(session.assigned_at, ended_at)
        if session.assigned_at
        else None,
        ended_how=ended_how(session, ended_by),
        served=served,
        transferred=session.transferred_from is not None,
        urgent=session.urgent,
        via_fallback=session.via_fallback,
        age_band=session.age_band,
        gender=session.gender,
        # Counted in the figures (chats per language); a handful of values.
        language=session.language,
        # Same whole minutes as the waiting time (vtchat.service_levels).
        first_reply_minutes=whole_minutes(session.queued_at, session.first_reply_at)
        if session.first_reply_at
        else None,
    )


def write_at_end(
    store: Store,
    transaction: Transaction,
    session: SessionDoc,
    *,
    ended_at: datetime,
    ended_by: EndedBy,
) -> str:
    """Create the chat's record; returns its id for the session to keep."""
    record_id = secrets.token_urlsafe(12)
    record = record_of(session, ended_at=ended_at, ended_by=ended_by)
    store.create(transaction, store.chat_record(record_id), to_doc(record))
    return record_id
