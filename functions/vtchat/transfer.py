"""Handing an active chat to a colleague or to another organisation.

Nothing of the conversation moves: the timeline stays where it is and the
rules let whoever holds the chat read all of it. The visitor is told who
continues (`transferred`); the note is for the colleague only and lives on the
session, never in the visitor's timeline. A supervisor takes a chat over by
transferring it to themself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.cloud.firestore_v1.document import DocumentReference
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import assignment, queueing, supervision
from vtchat.access import session_for_staff
from vtchat.errors import (
    ADVISOR_OFFLINE,
    AT_CAPACITY,
    CHAT_NOT_ACTIVE,
    NOT_SUPERVISOR,
    Conflict,
    Forbidden,
    declare,
)
from vtchat.logs import log
from vtchat.models import (
    AdvisorDoc,
    AuditWhat,
    SessionDoc,
    SessionStateResponse,
    Staff,
    TransferDoc,
    TransferRequest,
)
from vtchat.services import Services
from vtchat.store import Snapshot, Store, from_snapshot, to_doc
from vtchat.timeline import TimelineWriter

# The error codes raised here (vtchat.openapi describes them).
NOT_A_COLLEAGUE = declare(
    "not_a_colleague",
    Forbidden,
    "a colleague must be of the chat's organisation",
)
SAME_ADVISOR = declare("same_advisor", Conflict, "the chat is this colleague's already")
SAME_ORG = declare("same_org", Conflict, "the chat is this organisation's already")

# The console counts today's transfers; a day later the record is of no use.
TRANSFER_KEPT = timedelta(hours=24)


def transfer(
    svc: Services, *, staff: Staff, request: TransferRequest, now: datetime | None = None
) -> SessionStateResponse:
    """Hand an active chat to a colleague (`to_advisor`) or an organisation (`to_org`)."""
    now = now or datetime.now(UTC)
    if request.to_org is not None:
        svc.directory.get(request.to_org)  # an unknown organisation is refused here
    store = svc.store

    def body(transaction: Transaction) -> tuple[SessionDoc, str]:
        move = _read_move(svc, transaction, staff=staff, request=request, now=now)
        # Both ways share the checks and reads above; each writes its own hand-over.
        org = _to_colleague(move) if request.to_advisor is not None else _to_organisation(move)
        if move.session.advisor_uid != staff.uid:
            # A supervisor moving a chat that was not theirs: in the audit
            # log like reading along (vtchat.supervision), never its content.
            what: AuditWhat = "takeover" if request.to_advisor == staff.uid else "reassigned"
            supervision.audit_takeover(
                svc, transaction, staff=staff, session_id=request.session_id, what=what, at=now
            )
        return move.session, org

    session, org = store.run_transaction(body)
    log(
        "INFO",
        "chat_transferred",
        sessionId=request.session_id,
        advisorUid=staff.uid,
        toOrg=org,
        colleague=request.to_advisor is not None,
    )
    if request.to_org is not None:
        assignment.dispatch_quietly(svc, org=org)
    # The freed slot may take a waiting chat.
    assignment.dispatch_quietly(svc, org=session.advisor_org or session.org)
    state = "active" if request.to_advisor is not None else "waiting"
    return SessionStateResponse(session_id=request.session_id, state=state)


@dataclass(frozen=True)
class _Move:
    """One transfer inside its transaction: the chat and its current advisor as read."""

    svc: Services
    transaction: Transaction
    staff: Staff
    request: TransferRequest
    now: datetime
    session: SessionDoc
    current_ref: DocumentReference
    current_snap: Snapshot


def _read_move(
    svc: Services,
    transaction: Transaction,
    *,
    staff: Staff,
    request: TransferRequest,
    now: datetime,
) -> _Move:
    """The checks both ways share: the staff member's chat, and still running."""
    store = svc.store
    session = session_for_staff(store, transaction, session_id=request.session_id, staff=staff)
    if session.state != "active" or session.advisor_uid is None:
        raise Conflict("Alleen een lopend gesprek kan worden overgedragen.", code=CHAT_NOT_ACTIVE)
    current_ref = store.advisor(session.advisor_uid)
    current_snap = store.get(current_ref, transaction=transaction)
    return _Move(svc, transaction, staff, request, now, session, current_ref, current_snap)


def _to_colleague(move: _Move) -> str:
    """The chat stays active with another advisor; returns their organisation."""
    store, transaction, request, session = (
        move.svc.store,
        move.transaction,
        move.request,
        move.session,
    )
    assert request.to_advisor is not None
    if request.to_advisor == session.advisor_uid:
        raise Conflict("Dit gesprek is al van deze collega.", code=SAME_ADVISOR)
    target_ref = store.advisor(request.to_advisor)
    target_snap = store.get(target_ref, transaction=transaction)
    target = from_snapshot(AdvisorDoc, target_snap) if target_snap.exists else None
    _check_colleague(move.staff, session, target, taking_over=request.to_advisor == move.staff.uid)
    assert target is not None
    # Every read is done: Firestore wants a transaction's reads before its writes.
    _release(store, transaction, move.current_ref, move.current_snap)
    timeline = _timeline(move.svc, transaction, request.session_id, session)
    timeline.system("transferred", advisor_name=target.display_name, org_name=target.org_name)
    store.update(
        transaction,
        store.session(request.session_id),
        {
            "advisorUid": request.to_advisor,
            "advisorName": target.display_name,
            "advisorOrg": target.org,
            "advisorOrgName": target.org_name,
            **_note(request, move.staff),
            "seq": timeline.seq,
            # The colleague has the set minutes to write too (vtchat.unanswered).
            "awaitingReplySince": move.now,
        },
    )
    store.update(
        transaction,
        target_ref,
        {"activeCount": target.active_count + 1, "lastAssignedAt": move.now},
    )
    return target.org


def _to_organisation(move: _Move) -> str:
    """The chat waits again, first in the other organisation's line; returns that one."""
    store, transaction, request, session = (
        move.svc.store,
        move.transaction,
        move.request,
        move.session,
    )
    assert request.to_org is not None
    if request.to_org == (session.advisor_org or session.org):
        raise Conflict("Kies een andere organisatie.", code=SAME_ORG)
    org = move.svc.directory.get(request.to_org)
    _release(store, transaction, move.current_ref, move.current_snap)
    timeline = _timeline(move.svc, transaction, request.session_id, session)
    timeline.system("transferred", org_name=org.name)
    ticket = session.ticket or queueing.new_ticket(session.queued_at, urgent=session.urgent)
    store.update(
        transaction,
        store.session(request.session_id),
        {
            "state": "waiting",
            "org": org.id,
            "transferredFrom": session.transferred_from or session.org,
            "advisorUid": None,
            "advisorName": None,
            "advisorOrg": None,
            "advisorOrgName": None,
            "offeredTo": [],
            "ticket": ticket,
            "awaitingReplySince": None,
            **_note(request, move.staff),
            "seq": timeline.seq,
        },
    )
    # At the front of the other organisation's line: the visitor has waited already.
    queueing.join(store, transaction, org=org.id, ticket=ticket)
    if session.transferred_from is None:
        # Counted once per chat, for the organisation whose chat it was
        # (`transferredFrom`), as the console counted sessions before.
        _record_transfer(store, transaction, from_org=session.org, to_org=org.id, now=move.now)
    return org.id


def _check_colleague(
    staff: Staff, session: SessionDoc, target: AdvisorDoc | None, *, taking_over: bool
) -> None:
    if target is None or target.status != "online":
        raise Conflict("Deze collega is niet online.", code=ADVISOR_OFFLINE)
    if taking_over:
        if staff.role != "supervisor":
            raise Forbidden(
                "Alleen een leidinggevende kan een gesprek overnemen.", code=NOT_SUPERVISOR
            )
        return
    if target.org != (session.advisor_org or session.org):
        raise Forbidden(
            "Draag over aan een collega van je eigen organisatie.", code=NOT_A_COLLEAGUE
        )
    if target.active_count >= target.capacity:
        raise Conflict("Deze collega heeft al het maximale aantal chats.", code=AT_CAPACITY)


def _release(
    store: Store, transaction: Transaction, ref: DocumentReference, snapshot: Snapshot
) -> None:
    if snapshot.exists:
        current = from_snapshot(AdvisorDoc, snapshot)
        store.update(transaction, ref, {"activeCount": max(0, current.active_count - 1)})


def _timeline(
    svc: Services, transaction: Transaction, session_id: str, session: SessionDoc
) -> TimelineWriter:
    return TimelineWriter(
        svc.store, transaction, session_id, seq=session.seq, expire_at=session.expire_at
    )


def _record_transfer(
    store: Store, transaction: Transaction, *, from_org: str, to_org: str, now: datetime
) -> None:
    # What the handing organisation's supervisor may read of the chat from now on.
    record = TransferDoc(from_org=from_org, to_org=to_org, at=now, expire_at=now + TRANSFER_KEPT)
    store.create(transaction, store.transfers().document(), to_doc(record))


def _note(request: TransferRequest, staff: Staff) -> dict[str, str | None]:
    return {
        "transferNote": request.note or None,
        "transferNoteBy": staff.display_name if request.note else None,
    }
