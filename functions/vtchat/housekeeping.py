"""The scheduled `tick`: the time-based work no visitor or advisor event triggers.

Run every minute (Cloud Scheduler -> Pub/Sub -> push in production, a loop in
`make demo`). Everything it does is guarded by the state it reads, so two
ticks at once, or one delivered twice, change nothing more than one:
- act on presence: visitors who have gone, advisors whose console went silent
  (`vtchat.presence`), and chats open past their maximum lifetime;
- pass chats whose advisor has not written in time to a colleague, back at
  the front of the queue (`vtchat.unanswered`; guarded by the session as read);
- release chats kept for a language nobody speaking it took in time, telling
  the visitor (`vtchat.language`; guarded by the session as read);
- pair chats with free advisors (a backstop for dispatches lost to contention);
- offer chats kept for a language to organisations whose speaker came online;
- offer overflowing chats to other regions (`fallback.make_offer` is guarded
  by the offer round);
- tell a visitor still waiting after closing time, once, that the chat has
  closed (their chat stays in the queue: nobody is cut off);
- repair queue documents that drifted from the waiting sessions;
- finish giving ended chats' messages their final expireAt.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.cloud import firestore
from google.cloud.firestore_v1.transaction import Transaction
from pydantic.alias_generators import to_camel

from vtchat import assignment, fallback, language, lifecycle, presence, queueing, unanswered
from vtchat.logs import log
from vtchat.models import AdvisorDoc, QueueDoc, SessionDoc
from vtchat.routing import Staffing, WaitingChat, due_offers, staffing_by_org
from vtchat.services import Services
from vtchat.store import from_snapshot
from vtchat.timeline import TimelineWriter


@dataclass
class TickReport:
    waiting: int = 0
    assigned: int = 0
    offered: int = 0
    told_closed: int = 0
    queues_repaired: int = 0
    expiry_finalized: int = 0
    visitors_dropped: int = 0
    visitors_gone: int = 0
    advisors_lost: int = 0
    chats_requeued: int = 0
    overdue_ended: int = 0
    language_released: int = 0
    unanswered_passed_on: int = 0
    orgs_dispatched: list[str] = field(default_factory=list)


def _staffing(advisors: list[AdvisorDoc]) -> dict[str, Staffing]:
    return staffing_by_org((a.org, a.capacity, a.active_count) for a in advisors)


def _waiting(svc: Services) -> list[tuple[str, SessionDoc]]:
    return [
        (snap.id, from_snapshot(SessionDoc, snap))
        for snap in svc.store.query(svc.store.all_waiting())
    ]


def tick(svc: Services, *, now: datetime | None = None) -> TickReport:
    now = now or datetime.now(UTC)
    store = svc.store
    report = TickReport()
    seen = presence.sweep(svc, now=now)
    report.visitors_dropped = seen.visitors_dropped
    report.visitors_gone = seen.visitors_gone
    report.advisors_lost = seen.advisors_lost
    report.chats_requeued = seen.chats_requeued
    report.overdue_ended = _end_overdue(svc, now=now)
    # Before the advisors are read: the passed-over advisor is paused by then,
    # and the dispatch below gives the chat to a colleague.
    report.unanswered_passed_on = len(unanswered.sweep(svc, now=now))
    advisors = [
        from_snapshot(AdvisorDoc, snap) for snap in store.query(store.all_online_advisors())
    ]
    staffing = _staffing(advisors)
    waiting = _waiting(svc)
    # Before pairing: a released chat is paired by its own region in this tick.
    report.language_released = language.release_due(svc, waiting, now=now)
    if report.language_released:
        waiting = _waiting(svc)

    # Organisations with room and a chat they may take: their own or offered.
    takers = {
        org
        for _, session in waiting
        for org in (session.org, *session.offered_to)
        if staffing.get(org, Staffing()).free > 0
    }
    for org in sorted(takers):
        report.assigned += len(assignment.dispatch_quietly(svc, org=org))
        report.orgs_dispatched.append(org)
    if report.assigned:
        waiting = _waiting(svc)
        advisors = [
            from_snapshot(AdvisorDoc, snap) for snap in store.query(store.all_online_advisors())
        ]
        staffing = _staffing(advisors)
    report.waiting = len(waiting)

    offers = due_offers(
        waiting=[WaitingChat.of(session_id, session) for session_id, session in waiting],
        staffing=staffing,
        directory=svc.directory,
        schedule=svc.schedule,
        policy=svc.settings.routing,
        now=now,
    )
    for offer in offers:
        if fallback.make_offer(svc, offer, now=now).recorded:
            report.offered += 1
    report.offered += language.reoffer(svc, waiting, advisors, now=now)

    for session_id, session in waiting:
        if (
            not session.after_hours_told
            and staffing.get(session.org, Staffing()).capacity == 0
            and svc.schedule.serving_org(session.region, now) is None
            and _tell_closed(svc, session_id)
        ):
            report.told_closed += 1

    report.queues_repaired = _repair_queues(svc, waiting, started=now)
    report.expiry_finalized = _finish_expiry(svc)
    counts = {
        to_camel(name): value
        for name, value in vars(report).items()
        if isinstance(value, int) and name != "waiting"
    }
    if any(counts.values()):
        log("INFO", "tick", waiting=report.waiting, **counts)
    return report


def _end_overdue(svc: Services, *, now: datetime, limit: int = 50) -> int:
    """End chats past their maximum lifetime: their tokens expired, nobody can continue."""
    store = svc.store
    overdue = store.query(store.overdue_chats(now - svc.settings.session_max_lifetime, limit=limit))
    for snap in overdue:
        lifecycle.end_chat(svc, session_id=snap.id, ended_by="system", now=now)
    return len(overdue)


def _finish_expiry(svc: Services, *, limit: int = 50) -> int:
    """Complete ends whose messages did not all get the final expireAt."""
    store = svc.store
    pending = store.query(store.expiry_unfinished(limit=limit))
    for snap in pending:
        lifecycle.finalize_expiry(svc, session_id=snap.id)
    return len(pending)


def _tell_closed(svc: Services, session_id: str) -> bool:
    """Add the 'closed while you wait' note to a waiting chat, once."""
    store = svc.store
    ref = store.session(session_id)

    def body(transaction: Transaction) -> bool:
        snapshot = store.get(ref, transaction=transaction)
        if not snapshot.exists:
            return False
        session = from_snapshot(SessionDoc, snapshot)
        if session.state != "waiting" or session.after_hours_told:
            return False
        timeline = TimelineWriter(
            store, transaction, session_id, seq=session.seq, expire_at=session.expire_at
        )
        timeline.system("after_hours")
        store.update(transaction, ref, {"afterHoursTold": True, "seq": timeline.seq})
        return True

    return store.run_transaction(body)


def _repair_queues(
    svc: Services, waiting: list[tuple[str, SessionDoc]], *, started: datetime
) -> int:
    """Make each queue document hold exactly the tickets of its waiting chats.

    Only transforms, never a rewrite: a ticket that joined after this tick
    read the sessions must not be dropped. A ticket is stale only if it is
    older than the tick and no waiting chat holds it. A missing ticket goes
    back only after its session is re-read as still waiting: a chat assigned
    after this tick read the sessions must not come back into the queue.
    """
    store = svc.store
    expected: dict[str, set[str]] = defaultdict(set)
    holders: dict[str, str] = {}
    for session_id, session in waiting:
        if session.ticket is not None:
            expected[session.org].add(session.ticket)
            holders[session.ticket] = session_id
    refs = [store.queue(org.id) for org in svc.directory]
    current: dict[str, set[str]] = {}
    for snap in store.get_all(refs):
        if snap.exists:
            current[snap.id] = set(from_snapshot(QueueDoc, snap).waiting)
    removals = store.client.batch()
    repaired: set[str] = set()
    missing: list[tuple[str, str]] = []
    for org in svc.directory:
        have = current.get(org.id, set())
        want = expected.get(org.id, set())
        stale = sorted(t for t in have - want if queueing.issued_before(t, started))
        if stale:
            store.set(
                removals, store.queue(org.id), {"waiting": firestore.ArrayRemove(stale)}, merge=True
            )
            repaired.add(org.id)
        missing += [(org.id, ticket) for ticket in sorted(want - have)]
    # Removals first: one write may not both remove from and add to one array.
    if len(removals) > 0:
        removals.commit()
    for org_id, ticket in missing:
        if _rejoin_if_waiting(svc, holders[ticket], ticket=ticket):
            repaired.add(org_id)
    return len(repaired)


def _rejoin_if_waiting(svc: Services, session_id: str, *, ticket: str) -> bool:
    """Put a ticket back in its queue if its chat still waits with it.

    The session is read inside the transaction, so an assignment (which writes
    the session and takes the ticket out) either commits first and is seen
    here, or commits after this and removes the ticket again.
    """
    store = svc.store
    ref = store.session(session_id)

    def body(transaction: Transaction) -> bool:
        snapshot = store.get(ref, transaction=transaction)
        if not snapshot.exists:
            return False
        session = from_snapshot(SessionDoc, snapshot)
        if session.state != "waiting" or session.ticket != ticket:
            return False
        queueing.join(store, transaction, org=session.org, ticket=ticket)
        return True

    return store.run_transaction(body)
