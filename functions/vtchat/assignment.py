"""Pairing waiting chats with advisors who have room.

Invariants: a chat has at most one advisor, and an advisor never has more
active chats than their capacity. They are kept by conditional writes, not by
timing and not by locks. A pairing reads the chat and the advisor without a
transaction, then commits one batch (the chat active with that advisor, the
advisor's count one up, the `assigned` entry, the queue place given up and,
across organisations, the handover record) on condition that neither document
was written since it was read. Of two pairings racing for one chat or one free
slot exactly one commits; the other reads again and finds the chat taken or
the slot gone.

Why not a transaction: Firestore locks what a transaction reads. A chat
offered to several organisations is read by each of their dispatches, and in
one transaction per round those rounds held each other's documents until a
lock wait timed out (on the emulator after 2 s, and the client library tries
up to 15 times: the half-minute stalls of the burst benchmark). Nothing is
held between the read and the commit here, so two organisations' rounds, or
two instances of one organisation, never wait on each other.

Liveness comes from dispatching after every event that can make a pairing
possible (an intake, an advisor coming online or freeing a slot, an offer
delivered); whichever of two such events commits last sees both. A dispatch
that gives up under heavy contention leaves the chat waiting, and the next
event or `tick` pairs it.

A chat kept for a language (vtchat.language) is paired only with an advisor
who speaks it, in its own organisation or one it was offered to.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore

from vtchat import queueing
from vtchat.errors import ADVISOR_OFFLINE, AT_CAPACITY, Conflict, NotFound, Unavailable, declare
from vtchat.logs import log
from vtchat.models import AdvisorDoc, HandoverDoc, Language, SessionDoc, SessionStateResponse, Staff
from vtchat.models.writes import AdvisorUpdate, SessionUpdate
from vtchat.routing import may_pair, reserved_language
from vtchat.services import Services
from vtchat.store import Snapshot, Store, from_snapshot, to_doc
from vtchat.timeline import TimelineWriter

# The error codes raised here (vtchat.openapi describes them).
ALREADY_TAKEN = declare("already_taken", Conflict, "a colleague took the chat first")
LANGUAGE_RESERVED = declare(
    "language_reserved",
    Conflict,
    "the chat waits a few minutes for an advisor who speaks the visitor's language",
)

_MAX_ROUNDS = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Assignment:
    session_id: str
    advisor_uid: str


@dataclass
class _Advisor:
    """An advisor of the dispatching organisation, as this round last read or wrote them."""

    uid: str
    org: str
    doc: AdvisorDoc

    @property
    def free(self) -> int:
        if self.doc.status != "online" or self.doc.org != self.org:
            return 0
        return self.doc.capacity - self.doc.active_count

    @property
    def languages(self) -> list[Language]:
        return self.doc.languages

    def rank(self) -> tuple[int, datetime]:
        # Most room first; among equals whoever waited longest for a chat.
        return (-self.free, self.doc.last_assigned_at or _EPOCH)


def may_take(session: SessionDoc, org: str) -> bool:
    """Whether advisors of `org` may take this waiting chat: their own, or offered to them."""
    return session.state == "waiting" and (session.org == org or org in session.offered_to)


def _quarter_hour(at: datetime) -> datetime:
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


@dataclass(frozen=True)
class _Read:
    """A chat and an advisor read together, without a transaction."""

    session_snap: Snapshot
    advisor_snap: Snapshot

    @functools.cached_property
    def session(self) -> SessionDoc:
        return from_snapshot(SessionDoc, self.session_snap)

    @functools.cached_property
    def advisor(self) -> AdvisorDoc:
        return from_snapshot(AdvisorDoc, self.advisor_snap)


def _read(store: Store, session_id: str, advisor_uid: str) -> _Read:
    refs = [store.session(session_id), store.advisor(advisor_uid)]
    found = {snap.reference.path: snap for snap in store.get_all(refs)}
    return _Read(session_snap=found[refs[0].path], advisor_snap=found[refs[1].path])


def _commit_pairing(
    svc: Services, read: _Read, *, session_id: str, advisor_uid: str, now: datetime
) -> None:
    """Commit the pairing in one batch, on condition both documents are still as read.

    The `assigned` entry is a `create` as well, so even a write that slipped
    past the session's condition could not add a second one.
    """
    store = svc.store
    session, advisor = read.session, read.advisor
    batch = store.batch()
    # Rota and fall-back alike: the visitor hears that another region helps.
    helps_elsewhere = advisor.org != session.region
    timeline = TimelineWriter(
        store, batch, session_id, seq=session.seq, expire_at=session.expire_at
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
    session_update: SessionUpdate = {
        "state": "active",
        "assignedAt": now,
        "advisorUid": advisor_uid,
        "advisorName": advisor.display_name,
        "advisorOrg": advisor.org,
        "advisorOrgName": advisor.org_name,
        "viaFallback": handover,
        "seq": timeline.seq,
        # The new advisor has the set minutes to write (vtchat.unanswered).
        "awaitingReplySince": now,
    }
    if session.language_until is not None:
        # Served: should the chat come back to a queue, it is an ordinary one.
        session_update["languageUntil"] = None
    store.update(
        batch, store.session(session_id), session_update, unchanged_since=read.session_snap
    )
    advisor_update: AdvisorUpdate = {"activeCount": advisor.active_count + 1, "lastAssignedAt": now}
    store.update(
        batch, store.advisor(advisor_uid), advisor_update, unchanged_since=read.advisor_snap
    )
    queueing.leave(store, batch, org=session.org, ticket=session.ticket)
    if handover:
        _record_handover(store, batch, session, answering_org=advisor.org, now=now)
    batch.commit()


def _record_handover(
    store: Store,
    batch: firestore.WriteBatch,
    session: SessionDoc,
    *,
    answering_org: str,
    now: datetime,
) -> None:
    # Only fall-back is settled between organisations; a rota is mutual.
    record = HandoverDoc(
        region=session.region,
        queued_org=session.transferred_from or session.org,
        answering_org=answering_org,
        at=_quarter_hour(now),
        month=f"{now:%Y-%m}",
        round=session.offer_round,
        # Whole minutes: exact seconds could match the record to a session.
        waited_seconds=int((now - session.queued_at).total_seconds()) // 60 * 60,
    )
    store.create(batch, store.handovers().document(), to_doc(record))


# Why a claim paired nobody: the chat is gone (taken, ended) or no room is
# left, or only advisors who do not speak the language it is kept for have room.
_NotClaimed = Literal["gone", "unsuited"]


def _claim(
    svc: Services, *, org: str, session_id: str, advisors: list[_Advisor]
) -> Assignment | _NotClaimed:
    """Give one chat to the best-placed advisor of `org` who may take it.

    Each attempt reads the chat and the chosen advisor afresh: a chat another
    organisation took meanwhile is dropped, an advisor who filled up or left
    makes way for the next one. A chat kept for a language goes only to an
    advisor who speaks it (vtchat.language); after the first read only they
    are tried.
    """
    store = svc.store

    def attempt() -> Assignment | _NotClaimed:
        reserved: Language | None = None
        while room := [a for a in advisors if a.free > 0 and may_pair(reserved, a.languages)]:
            chosen = min(room, key=_Advisor.rank)
            read = _read(store, session_id, chosen.uid)
            if not read.session_snap.exists or not may_take(read.session, org):
                return "gone"
            reserved = reserved_language(read.session)
            if not read.advisor_snap.exists:
                chosen.doc = chosen.doc.model_copy(update={"status": "offline"})
                continue
            chosen.doc = read.advisor
            if chosen.free <= 0 or not may_pair(reserved, chosen.languages):
                continue
            now = datetime.now(UTC)
            _commit_pairing(svc, read, session_id=session_id, advisor_uid=chosen.uid, now=now)
            chosen.doc = chosen.doc.model_copy(
                update={"active_count": chosen.doc.active_count + 1, "last_assigned_at": now}
            )
            return Assignment(session_id=session_id, advisor_uid=chosen.uid)
        return "unsuited" if reserved is not None else "gone"

    # A lock wait that timed out (ending a chat still reads the advisor in a
    # transaction) is a lost race too: run_optimistic reads again.
    return store.run_optimistic(attempt)


def _waiting_for(svc: Services, org: str) -> list[str]:
    """The chats `org` may take, in the order to take them: at most one batch.

    Its own queue and other regions' chats offered to it; someone in danger
    now first, then first come, first served. Plain queries: a transactional
    query would lock the queue's range against every new intake.
    """
    store = svc.store
    batch = svc.settings.dispatch_batch
    found = {
        snap.id: from_snapshot(SessionDoc, snap)
        for query in (store.urgent_queue(org), store.waiting_queue(org), store.offered_queue(org))
        for snap in store.query(query.limit(batch))
    }
    ordered = sorted(found.items(), key=lambda item: (not item[1].urgent, item[1].queued_at))
    return [session_id for session_id, session in ordered[:batch] if may_take(session, org)]


@dataclass
class _Round:
    paired: list[Assignment]
    # Chats of the batch that someone else took first: the queue moved on, so
    # chats beyond this batch may be waiting for the slots still free.
    lost: int = 0


def _pair_round(svc: Services, *, org: str) -> _Round:
    """Pair up to one batch of waiting chats with advisors of `org` who have room.

    Each chat is claimed on its own (`_claim`): a chat another organisation
    takes meanwhile costs this round one read, never a wait.
    """
    store = svc.store
    advisors = [
        _Advisor(uid=snap.id, org=org, doc=from_snapshot(AdvisorDoc, snap))
        for snap in store.query(store.online_advisors(org))
    ]
    result = _Round(paired=[])
    if not any(a.free > 0 for a in advisors):
        return result
    for session_id in _waiting_for(svc, org):
        if not any(a.free > 0 for a in advisors):
            break
        item = _claim(svc, org=org, session_id=session_id, advisors=advisors)
        if isinstance(item, Assignment):
            result.paired.append(item)
        elif item == "gone" and any(a.free > 0 for a in advisors):
            result.lost += 1
    return result


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
    instead of starting a second round over the same queue head, whose
    claims would mostly find their chats taken and read again.
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
                done = _pair_round(svc, org=org)
                assigned.extend(done.paired)
                # A round that lost its whole batch to neighbours paired
                # nothing, yet the queue may hold more: read it again.
                if not done.paired and not done.lost:
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

    def attempt() -> SessionStateResponse:
        read = _read(store, session_id, staff.uid)
        if not read.session_snap.exists:
            raise NotFound()
        session = read.session
        if session.org != staff.org and staff.org not in session.offered_to:
            raise NotFound()
        if session.state != "waiting":
            if session.advisor_uid == staff.uid:
                return SessionStateResponse(session_id=session_id, state=session.state)
            raise Conflict("Deze chat is al door een collega opgepakt.", code=ALREADY_TAKEN)
        if not read.advisor_snap.exists or read.advisor.status != "online":
            raise Conflict("Zet jezelf eerst online.", code=ADVISOR_OFFLINE)
        if not may_pair(reserved_language(session), read.advisor.languages):
            raise Conflict(
                "Deze chat wacht nog even op een adviseur die de taal van de bezoeker spreekt.",
                code=LANGUAGE_RESERVED,
            )
        if read.advisor.active_count >= read.advisor.capacity:
            raise Conflict("Je hebt al het maximale aantal chats.", code=AT_CAPACITY)
        _commit_pairing(
            svc, read, session_id=session_id, advisor_uid=staff.uid, now=datetime.now(UTC)
        )
        return SessionStateResponse(session_id=session_id, state="active")

    result = store.run_optimistic(attempt)
    log("INFO", "chat_accepted", sessionId=session_id, advisorUid=staff.uid)
    return result
