"""Relaying a message from the visitor or the advisor into the timeline.

A message costs two Firestore round trips: one read of the session and the
message id together, and one commit that creates the message and moves the
session's `seq` on, on condition that the session is still as read (else the
store reads again and retries). A transaction would add a BeginTransaction
round trip, and its locks make two writers of one chat wait for each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from google.cloud.firestore import Increment

from vtchat.access import require_current_token
from vtchat.errors import (
    CHAT_ENDED,
    CHAT_NOT_ACTIVE,
    NOT_YOUR_CHAT,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    declare,
)
from vtchat.limits import BucketState, spend_token
from vtchat.logs import log
from vtchat.models import MessageAccepted, MessageDoc, MessageRequest, Sender, SessionDoc, Staff
from vtchat.models.writes import SessionUpdate
from vtchat.services import Services
from vtchat.settings import Settings
from vtchat.store import Store, from_snapshot
from vtchat.timeline import TimelineWriter
from vtchat.tokens import SessionClaim

# The error codes raised here (vtchat.openapi describes them).
CHAT_TOO_LONG = declare(
    "chat_too_long",
    Conflict,
    "the chat reached its maximum number of messages",
)
MESSAGE_ID_TAKEN = declare(
    "message_id_taken",
    Conflict,
    "the message id was used for another text or chat",
)

_ENDED = "Dit gesprek is beëindigd. Start een nieuwe chat als je nog iets wilt vragen."
_TOO_LONG = (
    "Dit gesprek is te lang geworden voor de chat. Start een nieuwe chat, of bel Veilig Thuis: "
    "0800 2000."
)


def post_message(
    svc: Services,
    request: MessageRequest,
    *,
    staff: Staff | None,
    claim: SessionClaim | None = None,
    now: datetime | None = None,
) -> MessageAccepted:
    """Store one message exactly once, however often the client sends it.

    `staff` is None for the visitor, whose token (`claim`) the caller has
    already bound to `request.session_id`; it must still be the session's
    current one, which the session read below shows at no extra cost.
    """
    post = _Post(svc.store, svc.settings, request, staff, claim, sent_at=now or datetime.now(UTC))
    result = svc.store.run_optimistic(post.attempt)
    if not result.duplicate:
        log(
            "INFO",
            "message_relayed",
            sessionId=request.session_id,
            sender=post.sender,
            seq=result.seq,
        )
    return result


@dataclass
class _Post:
    store: Store
    config: Settings
    request: MessageRequest
    staff: Staff | None
    claim: SessionClaim | None
    sent_at: datetime

    @property
    def sender(self) -> Sender:
        return "visitor" if self.staff is None else "advisor"

    def attempt(self) -> MessageAccepted:
        """One read, then one conditional commit (run again when it finds a newer session)."""
        session_ref = self.store.session(self.request.session_id)
        message_ref = self.store.message(self.request.session_id, self.request.message_id)
        found = {s.reference.path: s for s in self.store.get_all([session_ref, message_ref])}
        snapshot, existing = found[session_ref.path], found[message_ref.path]
        if not snapshot.exists:
            raise NotFound()
        session = from_snapshot(SessionDoc, snapshot)
        if self.claim is not None:
            require_current_token(self.claim, session)
        # A resend is answered before any other check: it spends no budget and
        # is acknowledged even after the chat has ended.
        if existing.exists:
            return self._duplicate(from_snapshot(MessageDoc, existing))
        budget = self._admit(session)
        batch = self.store.batch()
        timeline = TimelineWriter(
            self.store, batch, self.request.session_id, seq=session.seq, expire_at=session.expire_at
        )
        doc = timeline.text(
            message_id=self.request.message_id,
            sender=self.sender,
            text=self.request.text,
            sender_uid=self.staff.uid if self.staff else None,
            advisor_name=self.staff.display_name if self.staff else None,
        )
        update: SessionUpdate = {"seq": timeline.seq, **budget, **self._typing_ends(session)}
        # `create` fails if a copy of this message got in first, the condition
        # if anyone else wrote the session (and so perhaps took this seq).
        self.store.update(batch, session_ref, update, unchanged_since=snapshot)
        batch.commit()
        return MessageAccepted(
            message_id=self.request.message_id,
            seq=doc.seq,
            created_at=self.sent_at,
            duplicate=False,
        )

    def _duplicate(self, stored: MessageDoc) -> MessageAccepted:
        staff = self.staff
        if stored.sender != self.sender or (staff is not None and stored.sender_uid != staff.uid):
            raise Conflict("Dit bericht-id is al gebruikt.", code=MESSAGE_ID_TAKEN)
        return MessageAccepted(
            message_id=self.request.message_id,
            seq=stored.seq,
            created_at=stored.created_at,
            duplicate=True,
        )

    def _admit(self, session: SessionDoc) -> SessionUpdate:
        """Refuse a message the chat cannot take; else the session fields it changes."""
        if self.staff is not None:
            # Only the assigned advisor writes: a supervisor takes a chat over first.
            if session.advisor_uid != self.staff.uid:
                raise Forbidden("Dit gesprek is niet aan jou toegewezen.", code=NOT_YOUR_CHAT)
            if session.state != "active":
                raise Conflict("Dit gesprek is niet actief.", code=CHAT_NOT_ACTIVE)
        if session.state == "ended":
            raise Conflict(_ENDED, code=CHAT_ENDED)
        if session.seq >= self.config.messages_per_session:
            raise Conflict(_TOO_LONG, code=CHAT_TOO_LONG)
        if self.staff is not None:
            return self._replied(session)
        return self._spend_token(session)

    def _replied(self, session: SessionDoc) -> SessionUpdate:
        """The advisor wrote: the chat is answered (vtchat.unanswered), in the write made anyway."""
        update: SessionUpdate = {}
        if session.awaiting_reply_since is not None:
            update["awaitingReplySince"] = None
        if session.first_reply_at is None:
            update["firstReplyAt"] = self.sent_at
        return update

    def _typing_ends(self, session: SessionDoc) -> SessionUpdate:
        """A message ends its sender's typing, in the write it makes anyway (vtchat.signals)."""
        until = session.visitor_typing_until if self.staff is None else session.advisor_typing_until
        if until is None:
            return {}
        update: SessionUpdate = (
            {"visitorTypingUntil": None} if self.staff is None else {"advisorTypingUntil": None}
        )
        if until > self.sent_at:
            # It still showed: tell the other side's stream (by its version).
            update |= {"signalAt": self.sent_at, "signalVersion": Increment(1)}
        return update

    def _spend_token(self, session: SessionDoc) -> SessionUpdate:
        bucket = (
            BucketState(session.message_tokens, session.message_tokens_at)
            if session.message_tokens is not None and session.message_tokens_at is not None
            else None
        )
        verdict = spend_token(
            bucket,
            now=self.sent_at,
            burst=self.config.message_burst,
            per_minute=self.config.messages_per_minute,
        )
        if not verdict.allowed:
            raise RateLimited(retry_after_seconds=verdict.retry_after_seconds)
        return {"messageTokens": verdict.state.tokens, "messageTokensAt": self.sent_at}
