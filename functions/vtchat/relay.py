"""Relaying a message from the visitor or the advisor into the timeline."""

from __future__ import annotations

from datetime import UTC, datetime

from google.cloud.firestore_v1.transaction import Transaction

from vtchat.errors import Conflict, Forbidden, NotFound, RateLimited
from vtchat.limits import BucketState, spend_token
from vtchat.logs import log
from vtchat.models import MessageAccepted, MessageDoc, MessageRequest, Sender, SessionDoc, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot
from vtchat.timeline import TimelineWriter

_ENDED = "Dit gesprek is beëindigd. Start een nieuwe chat als je nog iets wilt vragen."
_TOO_LONG = (
    "Dit gesprek is te lang geworden voor de chat. Start een nieuwe chat, of bel Veilig Thuis: "
    "0800 2000."
)


def post_message(
    svc: Services, request: MessageRequest, *, staff: Staff | None, now: datetime | None = None
) -> MessageAccepted:
    """Store one message exactly once, however often the client sends it.

    `staff` is None for the visitor, whose token the caller has already bound
    to `request.session_id`.
    """
    store = svc.store
    session_ref = store.session(request.session_id)
    message_ref = store.message(request.session_id, request.message_id)
    sender: Sender = "visitor" if staff is None else "advisor"
    sent_at = now or datetime.now(UTC)
    config = svc.settings

    def body(transaction: Transaction) -> MessageAccepted:
        snapshot = store.get(session_ref, transaction=transaction)
        if not snapshot.exists:
            raise NotFound()
        session = from_snapshot(SessionDoc, snapshot)
        existing = store.get(message_ref, transaction=transaction)
        if existing.exists:
            stored = from_snapshot(MessageDoc, existing)
            if stored.sender != sender or (staff is not None and stored.sender_uid != staff.uid):
                raise Conflict("Dit bericht-id is al gebruikt.", code="message_id_taken")
            return MessageAccepted(
                message_id=request.message_id,
                seq=stored.seq,
                created_at=stored.created_at,
                duplicate=True,
            )
        if staff is not None:
            # Only the assigned advisor writes: a supervisor takes a chat over first.
            if session.advisor_uid != staff.uid:
                raise Forbidden("Dit gesprek is niet aan jou toegewezen.", code="not_your_chat")
            if session.state != "active":
                raise Conflict("Dit gesprek is niet actief.", code="chat_not_active")
        if session.state == "ended":
            raise Conflict(_ENDED, code="chat_ended")
        if session.seq >= config.messages_per_session:
            raise Conflict(_TOO_LONG, code="chat_too_long")
        budget: dict[str, object] = {}
        if staff is None:
            verdict = spend_token(
                BucketState(session.message_tokens, session.message_tokens_at)
                if session.message_tokens is not None and session.message_tokens_at is not None
                else None,
                now=sent_at,
                burst=config.message_burst,
                per_minute=config.messages_per_minute,
            )
            if not verdict.allowed:
                raise RateLimited(retry_after_seconds=verdict.retry_after_seconds)
            budget = {"messageTokens": verdict.state.tokens, "messageTokensAt": sent_at}
        timeline = TimelineWriter(
            store, transaction, request.session_id, seq=session.seq, expire_at=session.expire_at
        )
        doc = timeline.text(
            message_id=request.message_id,
            sender=sender,
            text=request.text,
            sender_uid=staff.uid if staff else None,
            advisor_name=staff.display_name if staff else None,
        )
        store.update(
            transaction, session_ref, {"seq": timeline.seq, "lastMessageAt": sent_at, **budget}
        )
        return MessageAccepted(
            message_id=request.message_id, seq=doc.seq, created_at=sent_at, duplicate=False
        )

    result = store.run_transaction(body)
    if not result.duplicate:
        log("INFO", "message_relayed", sessionId=request.session_id, sender=sender, seq=result.seq)
    return result
