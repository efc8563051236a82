"""Pairing waiting chats with advisors who have room.

Invariants, kept by Firestore transactions rather than by timing: a chat has
at most one advisor, and an advisor never has more active chats than their
capacity. Every pairing reads the session and the advisor documents it changes
inside the transaction, so two dispatchers racing for the same chat or the
same free slot cannot both commit.

Liveness comes from dispatching after every event that can make a pairing
possible (an intake, an advisor coming online or freeing a slot); whichever of
two such events commits last sees both. A dispatch that gives up under heavy
contention leaves the chat waiting, and the next event or `tick` pairs it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from google.api_core import exceptions as api_exceptions
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import queueing
from vtchat.errors import Conflict, NotFound, Unavailable
from vtchat.logs import log
from vtchat.models import AdvisorDoc, HandoverDoc, SessionDoc, SessionStateResponse, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot, to_doc
from vtchat.timeline import TimelineWriter

_MAX_ROUNDS = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Assignment:
    session_id: str
    advisor_uid: str


@dataclass
class _Candidate:
    uid: str
    doc: AdvisorDoc
    active: int

    @property
    def free(self) -> int:
        return self.doc.capacity - self.active

    def rank(self) -> tuple[int, datetime]:
        # Most room first; among equals whoever waited longest for a chat.
        return (-self.free, self.doc.last_assigned_at or _EPOCH)


def _has_room(advisor: AdvisorDoc) -> bool:
    return advisor.active_count < advisor.capacity


def may_take(session: SessionDoc, org: str) -> bool:
    """Whether advisors of `org` may take this waiting chat: their own, or offered to them."""
    return session.state == "waiting" and (session.org == org or org in session.offered_to)


def _quarter_hour(at: datetime) -> datetime:
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def _assign(
    svc: Services,
    transaction: Transaction,
    *,
    session_id: str,
    session: SessionDoc,
    advisor_uid: str,
    advisor: AdvisorDoc,
    now: datetime,
) -> None:
    store = svc.store
    # Rota and fall-back alike: the visitor hears that another region helps.
    helps_elsewhere = advisor.org != session.region
    timeline = TimelineWriter(
        store, transaction, session_id, seq=session.seq, expire_at=session.expire_at
    )
    timeline.system(
        "assigned",
        advisor_name=advisor.display_name,
        org_name=advisor.org_name,
        fallback=True if helps_elsewhere else None,
        region_name=svc.directory.get(session.region).short_name if helps_elsewhere else None,
    )
    # Whose chat it was: the queue's organisation, or the one that transferred it.
    queued_org = session.transferred_from or session.org
    handover = advisor.org != queued_org
    store.update(
        transaction,
        store.session(session_id),
        {
            "state": "active",
            "assignedAt": now,
            "advisorUid": advisor_uid,
            "advisorName": advisor.display_name,
            "advisorOrg": advisor.org,
            "advisorOrgName": advisor.org_name,
            "viaFallback": handover,
            "seq": timeline.seq,
        },
    )
    queueing.leave(store, transaction, org=session.org, ticket=session.ticket)
    if handover:
        # Only fall-back is settled between organisations; a rota is mutual.
        record = HandoverDoc(
            region=session.region,
            queued_org=queued_org,
            answering_org=advisor.org,
            at=_quarter_hour(now),
            month=f"{now:%Y-%m}",
            round=session.offer_round,
            # Whole minutes: exact seconds could match the record to a session.
            waited_seconds=int((now - session.queued_at).total_seconds()) // 60 * 60,
        )
        store.create(transaction, store.handovers().document(), to_doc(record))


def _pair_round(svc: Services, *, org: str) -> list[Assignment]:
    """Pair up to one batch of waiting chats with advisors of `org` who have room.

    The chats are the organisation's own queue and other regions' chats
    offered to it, oldest first. Candidates are found with plain queries and
    then re-read by reference inside the transaction: that locks only the
    documents being changed, not the whole queue, so new intakes and unrelated
    advisors are never blocked.
    """
    store = svc.store
    batch = svc.settings.dispatch_batch
    advisor_refs = [
        snap.reference
        for snap in store.query(store.online_advisors(org))
        if _has_room(from_snapshot(AdvisorDoc, snap))
    ]
    if not advisor_refs:
        return []
    waiting_refs = list(
        {
            snap.reference.id: snap.reference
            for query in (
                store.urgent_queue(org),
                store.waiting_queue(org),
                store.offered_queue(org),
            )
            for snap in store.query(query.limit(batch))
        }.values()
    )
    if not waiting_refs:
        return []

    def body(transaction: Transaction) -> list[Assignment]:
        sessions = sorted(
            (
                (snap.id, from_snapshot(SessionDoc, snap))
                for snap in store.get_all(waiting_refs, transaction=transaction)
                if snap.exists
            ),
            # Someone in danger now goes first, then first come, first served.
            key=lambda item: (not item[1].urgent, item[1].queued_at),
        )
        candidates = [
            _Candidate(uid=snap.id, doc=doc, active=doc.active_count)
            for snap in store.get_all(advisor_refs, transaction=transaction)
            if snap.exists
            for doc in (from_snapshot(AdvisorDoc, snap),)
            if doc.status == "online" and doc.org == org
        ]
        now = datetime.now(UTC)
        paired: list[Assignment] = []
        for session_id, session in sessions[:batch]:
            if not may_take(session, org):
                continue
            room = [c for c in candidates if c.free > 0]
            if not room:
                break
            chosen = min(room, key=_Candidate.rank)
            _assign(
                svc,
                transaction,
                session_id=session_id,
                session=session,
                advisor_uid=chosen.uid,
                advisor=chosen.doc,
                now=now,
            )
            chosen.active += 1
            chosen.doc = chosen.doc.model_copy(update={"last_assigned_at": now})
            paired.append(Assignment(session_id=session_id, advisor_uid=chosen.uid))
        for candidate in candidates:
            if candidate.active != candidate.doc.active_count:
                store.update(
                    transaction,
                    store.advisor(candidate.uid),
                    {"activeCount": candidate.active, "lastAssignedAt": now},
                )
        return paired

    return store.run_transaction(body)


@dataclass
class _Flight:
    running: bool = False
    # Set when a dispatch was asked for while one was running: run once more.
    again: bool = False


_flights: dict[str, _Flight] = {}
_flights_lock = threading.Lock()


def dispatch(svc: Services, *, org: str) -> list[Assignment]:
    """Pair the organisation's queue with its free advisors until one runs out.

    Within one instance at most one dispatch per organisation runs at a time;
    a request that arrives meanwhile makes the running one go round again
    instead of starting a second, competing transaction. That keeps a burst of
    intakes from fighting over the same queue head (and on the emulator, whose
    deadlock detection is a 30-second lock timeout, from stalling).
    """
    with _flights_lock:
        flight = _flights.setdefault(org, _Flight())
        if flight.running:
            flight.again = True
            return []
        flight.running = True
    assigned: list[Assignment] = []
    try:
        while True:
            with _flights_lock:
                flight.again = False
            for _ in range(_MAX_ROUNDS):
                paired = _pair_round(svc, org=org)
                assigned.extend(paired)
                if not paired:
                    break
            with _flights_lock:
                if not flight.again:
                    flight.running = False
                    break
    except BaseException:
        with _flights_lock:
            flight.running = False
        raise
    for item in assigned:
        log(
            "INFO", "chat_assigned", sessionId=item.session_id, advisorUid=item.advisor_uid, org=org
        )
    return assigned


def dispatch_quietly(svc: Services, *, org: str) -> list[Assignment]:
    """Dispatch after the caller's own work has committed; never fail that work.

    The caller's change is already safe in Firestore; if pairing loses every
    retry to contention, the chat simply keeps waiting for the next dispatch.
    """
    try:
        return dispatch(svc, org=org)
    except (Unavailable, api_exceptions.GoogleAPICallError) as e:
        log("WARNING", "dispatch_deferred", org=org, reason=type(e).__name__)
        return []


def accept(svc: Services, *, staff: Staff, session_id: str) -> SessionStateResponse:
    """An advisor picks one specific waiting chat of their organisation or offered to it."""
    store = svc.store

    def body(transaction: Transaction) -> SessionStateResponse:
        session_snap = store.get(store.session(session_id), transaction=transaction)
        advisor_snap = store.get(store.advisor(staff.uid), transaction=transaction)
        if not session_snap.exists:
            raise NotFound()
        session = from_snapshot(SessionDoc, session_snap)
        if session.org != staff.org and staff.org not in session.offered_to:
            raise NotFound()
        if session.state != "waiting":
            if session.advisor_uid == staff.uid:
                return SessionStateResponse(session_id=session_id, state=session.state)
            raise Conflict("Deze chat is al door een collega opgepakt.", code="already_taken")
        if not advisor_snap.exists:
            raise Conflict("Zet jezelf eerst online.", code="advisor_offline")
        advisor = from_snapshot(AdvisorDoc, advisor_snap)
        if advisor.status != "online":
            raise Conflict("Zet jezelf eerst online.", code="advisor_offline")
        if advisor.active_count >= advisor.capacity:
            raise Conflict("Je hebt al het maximale aantal chats.", code="at_capacity")
        now = datetime.now(UTC)
        _assign(
            svc,
            transaction,
            session_id=session_id,
            session=session,
            advisor_uid=staff.uid,
            advisor=advisor,
            now=now,
        )
        store.update(
            transaction,
            store.advisor(staff.uid),
            {"activeCount": advisor.active_count + 1, "lastAssignedAt": now},
        )
        return SessionStateResponse(session_id=session_id, state="active")

    result = store.run_transaction(body)
    log("INFO", "chat_accepted", sessionId=session_id, advisorUid=staff.uid)
    return result
