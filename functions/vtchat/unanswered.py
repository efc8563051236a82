"""No chat left unanswered: a chat its advisor has not written in goes to a colleague.

Every assignment (pairing, accepting, a transfer to a colleague or a take-over)
sets the session's `awaitingReplySince`; the relay clears it in the write the
advisor's first message makes anyway, so answering costs nothing extra. The
`tick` asks for sessions still awaiting a reply after `unanswered_after` (one
range on one field: Firestore's automatic single-field index serves it) and
passes each on in a transaction guarded by the state it read:

- the chat goes back to the FRONT of its queue (its ticket kept, as when an
  advisor's console goes silent: vtchat.presence), with a `reassigned`
  timeline entry that tells the visitor calmly and shows the colleague why,
  and a note on the session for the colleague (`transferNote`);
- the advisor's count goes down and, if they were online, they are paused,
  with `passedOnAt` for their console to say that the chat went to a
  colleague. Pausing rather than a per-chat "not to this advisor" list: an
  advisor who did not answer one chat is not at the screen (or is absorbed
  in another chat), so the next new chat would wait out the same minutes
  with them; paused, they keep their running chats and take no new ones
  until they set themselves online, which they do at the screen.

Idempotent: a second tick, or a copy delivered twice, finds the field cleared;
a message that committed first cleared it too; a message that comes after
finds the chat no longer the advisor's (the relay's write is conditional on
the session it read). A chat found ended, waiting or with its visitor gone only
has the field cleared, so it leaves the query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from google.cloud.firestore_v1.query import Query
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import presence
from vtchat.logs import log
from vtchat.models import AdvisorDoc, SessionDoc
from vtchat.services import Services
from vtchat.store import SESSIONS, from_snapshot, where

_LIMIT = 100
Outcome = Literal["passed_on", "cleared"]


def overdue(svc: Services, before: datetime, *, limit: int = _LIMIT) -> Query:
    """Sessions whose advisor has not written since before `before`."""
    return (
        svc.store.client.collection(SESSIONS)
        .where(filter=where("awaitingReplySince", "<", before))
        .limit(limit)
    )


def sweep(svc: Services, *, now: datetime) -> list[str]:
    """Pass every overdue chat on; returns the organisations whose queues got one.

    The tick pairs them right after (its dispatch step), with whoever is free:
    never the advisor passed over, who is paused now.
    """
    before = now - svc.settings.unanswered_after
    orgs: list[str] = []
    for snap in svc.store.query(overdue(svc, before)):
        outcome = pass_on(svc, session_id=snap.id, before=before, now=now)
        if outcome is not None and outcome[0] == "passed_on":
            orgs.append(outcome[1])
    return orgs


def note_for_colleague(svc: Services, session: SessionDoc) -> str:
    minutes = round(svc.settings.unanswered_after.total_seconds() / 60)
    note = (
        f"{session.advisor_name or 'Een collega'} schreef niet binnen {minutes} minuten. "
        "Het gesprek ging daarom naar jou. De bezoeker wacht op een eerste antwoord."
    )
    if session.transfer_note:
        # An earlier transfer's note still matters to whoever continues.
        note += f" (Eerdere notitie van {session.transfer_note_by or 'een collega'}: "
        note += f"{session.transfer_note})"
    return note


def pass_on(
    svc: Services, *, session_id: str, before: datetime, now: datetime
) -> tuple[Outcome, str] | None:
    """Queue one overdue chat again for a colleague, if it is still as the query found it."""
    store = svc.store
    ref = store.session(session_id)

    def body(transaction: Transaction) -> tuple[Outcome, str, str | None] | None:
        snapshot = store.get(ref, transaction=transaction)
        if not snapshot.exists:
            return None
        session = from_snapshot(SessionDoc, snapshot)
        since = session.awaiting_reply_since
        if since is None or since >= before:
            # Answered meanwhile, or given to someone afresh.
            return None
        uid = session.advisor_uid
        if session.state != "active" or uid is None or session.visitor_presence == "gone":
            # Nobody is waiting for this advisor's first word any more.
            store.update(transaction, ref, {"awaitingReplySince": None})
            return "cleared", session.org, None
        advisor_ref = store.advisor(uid)
        advisor_snap = store.get(advisor_ref, transaction=transaction)
        # Every read is done: Firestore wants a transaction's reads before its writes.
        presence.requeue_at_front(
            svc,
            transaction,
            session_id=session_id,
            session=session,
            event="reassigned",
            also={
                "transferNote": note_for_colleague(svc, session),
                "transferNoteBy": "VT Chat",
            },
        )
        if advisor_snap.exists:
            advisor = from_snapshot(AdvisorDoc, advisor_snap)
            update: dict[str, Any] = {
                "activeCount": max(0, advisor.active_count - 1),
                "passedOnAt": now,
                "updatedAt": now,
            }
            if advisor.status == "online":
                update["status"] = "paused"
            store.update(transaction, advisor_ref, update)
        return "passed_on", session.org, uid

    outcome = store.run_transaction(body)
    if outcome is None:
        return None
    kind, org, uid = outcome
    if kind == "passed_on":
        log("INFO", "chat_passed_on", sessionId=session_id, advisorUid=uid)
    return kind, org
