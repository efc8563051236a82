"""Ending chats and making their content expire on schedule.

Firestore TTL does not cascade, so every message carries its own `expireAt`.
While a chat runs, that is a provisional deadline (start + maximum lifetime +
retention); when it ends, the session and each message get the final one
(end + retention). The session's `expiryFinal` flag records that the second
step finished, so it can be completed later if an instance dies in between.
"""

from __future__ import annotations

from datetime import UTC, datetime

from google.api_core import exceptions as api_exceptions
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import assignment, queueing, records
from vtchat.access import require_staff_on_session
from vtchat.errors import NotFound
from vtchat.logs import log
from vtchat.models import AdvisorDoc, EndedBy, SessionDoc, SessionStateResponse, Staff
from vtchat.services import Services
from vtchat.store import NOTES, WATCHERS, from_snapshot
from vtchat.timeline import TimelineWriter


def final_expiry(svc: Services, session: SessionDoc, ended_at: datetime) -> datetime:
    config = svc.settings
    served = session.assigned_at is not None
    return ended_at + (config.content_retention if served else config.unserved_retention)


def end_chat(
    svc: Services,
    *,
    session_id: str,
    ended_by: EndedBy,
    staff: Staff | None = None,
    now: datetime | None = None,
    unless_seen_since: datetime | None = None,
) -> SessionStateResponse:
    """End a chat once; ending an ended chat again is a no-op that succeeds.

    With `unless_seen_since` (the presence sweep), a chat whose visitor has
    been seen since then is left as it is.
    """

    def body(transaction: Transaction) -> tuple[SessionDoc, bool]:
        session = _read_session(svc, transaction, session_id=session_id, staff=staff)
        if not _should_end(session, unless_seen_since=unless_seen_since):
            return session, False
        ended_at = now or datetime.now(UTC)
        _write_end(svc, transaction, session_id, session, ended_by=ended_by, ended_at=ended_at)
        return session, True

    session, changed = svc.store.run_transaction(body)
    if not changed and session.state != "ended":
        return SessionStateResponse(session_id=session_id, state=session.state)
    if changed:
        _after_end(svc, session_id, session, ended_by=ended_by)
    return SessionStateResponse(session_id=session_id, state="ended")


def _read_session(
    svc: Services, transaction: Transaction, *, session_id: str, staff: Staff | None
) -> SessionDoc:
    """The chat, read in the transaction; staff may end only a chat that is theirs."""
    snapshot = svc.store.get(svc.store.session(session_id), transaction=transaction)
    if not snapshot.exists:
        raise NotFound()
    session = from_snapshot(SessionDoc, snapshot)
    if staff is not None:
        require_staff_on_session(staff, session)
    return session


def _should_end(session: SessionDoc, *, unless_seen_since: datetime | None) -> bool:
    """Not when ended already, nor (for the sweep) when the visitor was seen since."""
    if session.state == "ended":
        return False
    seen_at = session.visitor_seen_at
    return unless_seen_since is None or (seen_at is not None and seen_at < unless_seen_since)


def _write_end(
    svc: Services,
    transaction: Transaction,
    session_id: str,
    session: SessionDoc,
    *,
    ended_by: EndedBy,
    ended_at: datetime,
) -> None:
    """The ending's writes, after its last read (the advisor), as Firestore requires."""
    store = svc.store
    advisor_ref = store.advisor(session.advisor_uid) if session.advisor_uid else None
    advisor_snap = store.get(advisor_ref, transaction=transaction) if advisor_ref else None
    expire_at = final_expiry(svc, session, ended_at)
    timeline = TimelineWriter(store, transaction, session_id, seq=session.seq, expire_at=expire_at)
    timeline.system("ended", ended_by=ended_by)
    if session.state == "waiting":
        queueing.leave(store, transaction, org=session.org, ticket=session.ticket)
    record_id = records.write_at_end(
        store, transaction, session, ended_at=ended_at, ended_by=ended_by
    )
    store.update(
        transaction,
        store.session(session_id),
        {
            "state": "ended",
            "endedAt": ended_at,
            "endedBy": ended_by,
            "expireAt": expire_at,
            "expiryFinal": False,
            "seq": timeline.seq,
            "recordId": record_id,
            # Nobody watches presence any more; it also leaves the sweep's query.
            "visitorSeenAt": None,
            **({"visitorPresence": "gone"} if ended_by == "visitor" else {}),
            # Out of the unanswered sweep's query (vtchat.unanswered).
            **({"awaitingReplySince": None} if session.awaiting_reply_since else {}),
        },
    )
    if advisor_ref is not None and advisor_snap is not None and advisor_snap.exists:
        advisor = from_snapshot(AdvisorDoc, advisor_snap)
        store.update(transaction, advisor_ref, {"activeCount": max(0, advisor.active_count - 1)})


def _after_end(svc: Services, session_id: str, session: SessionDoc, *, ended_by: EndedBy) -> None:
    """Once the ending committed: final expiry for the messages, the freed slot used."""
    log("INFO", "chat_ended", sessionId=session_id, endedBy=ended_by)
    try:
        finalize_expiry(svc, session_id=session_id)
    except api_exceptions.GoogleAPICallError as e:
        # The chat has ended; its messages keep the provisional expireAt
        # (later, never earlier) until `expiryFinal` is completed.
        log("WARNING", "expiry_deferred", sessionId=session_id, reason=type(e).__name__)
    if session.advisor_uid:
        # The freed slot belongs to the advisor's organisation, which after a
        # fall-back is not the one the chat queued at.
        assignment.dispatch_quietly(svc, org=session.advisor_org or session.org)


def finalize_expiry(svc: Services, *, session_id: str) -> int:
    """Give every message of an ended chat the session's final expireAt."""
    store = svc.store
    snapshot = store.get(store.session(session_id))
    if not snapshot.exists:
        return 0
    session = from_snapshot(SessionDoc, snapshot)
    if session.state != "ended" or session.expiry_final:
        return 0
    # A chat a supervisor read along in also has watchers and notes: they
    # go with it (vtchat.supervision). Others cost no extra query.
    groups = [store.messages(session_id)]
    if session.supervised:
        groups += [store.session(session_id).collection(c) for c in (WATCHERS, NOTES)]
    stale = [
        doc.reference
        for group in groups
        for doc in store.query(group)
        if (doc.to_dict() or {}).get("expireAt") != session.expire_at
    ]
    updated = store.update_all(stale, {"expireAt": session.expire_at})
    store.update_all([store.session(session_id)], {"expiryFinal": True})
    return updated
