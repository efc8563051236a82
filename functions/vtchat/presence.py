"""Who is still there: the visitor behind a chat and the advisor behind a console.

Presence is a last-seen time, not a connection flag, because an instance that
dies cannot say goodbye. The visitor's open event stream refreshes
`visitorSeenAt`, and so does the widget's heartbeat. An advisor's console sends
heartbeats that refresh `seenAt`. The `tick` acts on whoever has been silent
too long:

- a visitor not seen for `visitor_stale` is shown to the advisor as dropped;
  one not seen for `visitor_grace` has gone: a waiting chat leaves the queue,
  an active one stays with the advisor (who ends and registers it) marked gone;
- an advisor not heard from for `advisor_grace` is set offline and their
  active chats go back to the front of the queue with a note, so a colleague
  (or another region, by the usual fall-back) continues them; nothing is lost.

Every sweep re-reads inside a transaction and acts only if the silence still
holds, so two ticks at once, or a heartbeat arriving meanwhile, are safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from google.api_core import exceptions as api_exceptions
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import assignment, lifecycle, queueing
from vtchat.access import read_session, require_current_token
from vtchat.errors import ADVISOR_OFFLINE, Conflict, NotFound
from vtchat.logs import log
from vtchat.models import AdvisorDoc, HeartbeatResponse, SessionDoc, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot
from vtchat.timeline import TimelineWriter
from vtchat.tokens import SessionClaim

_SWEEP_LIMIT = 200


def _next_in(svc: Services) -> int:
    return int(svc.settings.visitor_seen_refresh.total_seconds())


def visitor_seen(svc: Services, *, session_id: str, now: datetime | None = None) -> datetime:
    """Record a sign of life of the visitor; a blind write, no read."""
    now = now or datetime.now(UTC)
    try:
        svc.store.update_all(
            [svc.store.session(session_id)],
            {"visitorSeenAt": now, "visitorPresence": "connected"},
        )
    except api_exceptions.NotFound as e:
        raise NotFound() from e
    return now


def visitor_heartbeat(
    svc: Services,
    *,
    session_id: str,
    now: datetime | None = None,
    claim: SessionClaim | None = None,
) -> HeartbeatResponse:
    """A visitor's explicit sign of life: counts once an advisor has the chat.

    A waiting chat keeps its place only by its open stream: a heartbeat costs
    nothing, so a script could otherwise keep hundreds of fake chats in a
    queue with one request each per minute (docs/reliability.md, attacks).
    """
    session = read_session(svc.store, session_id)
    if claim is not None:
        # A token that a resume elsewhere retired (read above anyway).
        require_current_token(claim, session)
    if session.state == "waiting":
        seen = session.visitor_seen_at or session.created_at
        return HeartbeatResponse(seen_at=seen, next_in_seconds=_next_in(svc))
    return HeartbeatResponse(
        seen_at=visitor_seen(svc, session_id=session_id, now=now), next_in_seconds=_next_in(svc)
    )


def visitor_dropped(svc: Services, *, session_id: str) -> None:
    """The visitor's stream was cut from their side: show it before the grace runs out."""
    try:
        svc.store.update_all([svc.store.session(session_id)], {"visitorPresence": "dropped"})
    except api_exceptions.GoogleAPICallError as e:
        # Only a hint for the advisor: the tick derives it from the last-seen time anyway.
        log("WARNING", "presence_not_recorded", sessionId=session_id, reason=type(e).__name__)


def advisor_heartbeat(
    svc: Services, *, staff: Staff, now: datetime | None = None
) -> HeartbeatResponse:
    now = now or datetime.now(UTC)
    store = svc.store
    ref = store.advisor(staff.uid)
    snapshot = store.get(ref)
    if not snapshot.exists or from_snapshot(AdvisorDoc, snapshot).status == "offline":
        # Offline advisors carry no last-seen time: the sweep would only clear it again.
        raise Conflict("Je staat offline. Zet jezelf eerst online.", code=ADVISOR_OFFLINE)
    store.update_all([ref], {"seenAt": now, "expireAt": now + svc.settings.advisor_retention})
    return HeartbeatResponse(
        seen_at=now, next_in_seconds=int(svc.settings.advisor_grace.total_seconds() / 4)
    )


@dataclass
class PresenceReport:
    visitors_dropped: int = 0
    visitors_gone: int = 0
    advisors_lost: int = 0
    chats_requeued: int = 0


def sweep(svc: Services, *, now: datetime) -> PresenceReport:
    report = PresenceReport()
    _sweep_visitors(svc, now=now, report=report)
    _sweep_advisors(svc, now=now, report=report)
    return report


def _sweep_visitors(svc: Services, *, now: datetime, report: PresenceReport) -> None:
    store = svc.store
    config = svc.settings
    stale_before = now - config.visitor_stale
    gone_before = now - config.visitor_grace
    for snap in store.query(store.unseen_visitors(stale_before, limit=_SWEEP_LIMIT)):
        seen = from_snapshot(SessionDoc, snap)
        if seen.state == "waiting" and seen.visitor_seen_at and seen.visitor_seen_at < gone_before:
            # Ending clears the last-seen time; it re-checks it in its transaction.
            ended = lifecycle.end_chat(
                svc, session_id=snap.id, ended_by="visitor", now=now, unless_seen_since=gone_before
            )
            report.visitors_gone += ended.state == "ended"
            continue
        outcome = _mark_absent(svc, session_id=snap.id, stale_before=stale_before, now=now)
        if outcome == "gone":
            report.visitors_gone += 1
        elif outcome == "dropped":
            report.visitors_dropped += 1


def _mark_absent(
    svc: Services, *, session_id: str, stale_before: datetime, now: datetime
) -> str | None:
    store = svc.store
    ref = store.session(session_id)
    gone_before = now - svc.settings.visitor_grace

    def body(transaction: Transaction) -> str | None:
        snapshot = store.get(ref, transaction=transaction)
        if not snapshot.exists:
            return None
        session = from_snapshot(SessionDoc, snapshot)
        seen_at = session.visitor_seen_at
        if seen_at is None or seen_at >= stale_before:
            return None
        if session.state == "ended":
            store.update(transaction, ref, {"visitorSeenAt": None})
            return None
        if seen_at < gone_before:
            # Out of the sweep from now on; a returning visitor's stream sets it again.
            store.update(transaction, ref, {"visitorPresence": "gone", "visitorSeenAt": None})
            return "gone"
        if session.visitor_presence == "connected":
            store.update(transaction, ref, {"visitorPresence": "dropped"})
            return "dropped"
        return None

    outcome = store.run_transaction(body)
    if outcome is not None:
        log("INFO", f"visitor_{outcome}", sessionId=session_id)
    return outcome


def _sweep_advisors(svc: Services, *, now: datetime, report: PresenceReport) -> None:
    store = svc.store
    lost_before = now - svc.settings.advisor_grace
    orgs: set[str] = set()
    for snap in store.query(store.unseen_advisors(lost_before)):
        requeued = release_advisor(svc, uid=snap.id, lost_before=lost_before, now=now)
        if requeued is None:
            continue
        report.advisors_lost += 1
        report.chats_requeued += len(requeued)
        orgs.update(requeued)
    for org in sorted(orgs):
        assignment.dispatch_quietly(svc, org=org)


def release_advisor(
    svc: Services, *, uid: str, lost_before: datetime | None, now: datetime
) -> list[str] | None:
    """Set an advisor offline and queue their chats again at the front.

    With `lost_before` the advisor is one gone silent, released only if no
    heartbeat since; without it the advisor signed off themselves, and the
    visitors should not wait out the grace period for someone who has left.
    Returns the organisations whose queues received chats, or None when the
    advisor turned out not to be lost (a heartbeat won the race).
    """
    store = svc.store
    advisor_ref = store.advisor(uid)
    chat_refs = [snap.reference for snap in store.query(store.active_chats_of(uid))]
    if lost_before is None and not chat_refs:
        # Signed off with nothing running: the availability write already
        # set them offline, and every offline toggle would otherwise pay a
        # transaction. (A chat assigned before that write is in the query.)
        return []

    def body(transaction: Transaction) -> tuple[list[str], list[str]] | None:
        advisor_snap = store.get(advisor_ref, transaction=transaction)
        if not advisor_snap.exists:
            return None
        advisor = from_snapshot(AdvisorDoc, advisor_snap)
        if lost_before is not None and (advisor.seen_at is None or advisor.seen_at >= lost_before):
            return None
        chats = [
            (snap.id, from_snapshot(SessionDoc, snap))
            for snap in store.get_all(chat_refs, transaction=transaction)
            if snap.exists
        ]
        requeued: list[str] = []
        orgs: list[str] = []
        for session_id, session in chats:
            if session.state != "active" or session.advisor_uid != uid:
                continue
            requeue_at_front(
                svc,
                transaction,
                session_id=session_id,
                session=session,
                event="advisor_lost",
                also={"advisorLostAt": now},
            )
            requeued.append(session_id)
            orgs.append(session.org)
        store.update(
            transaction,
            advisor_ref,
            {"status": "offline", "activeCount": 0, "seenAt": None, "updatedAt": now},
        )
        return requeued, orgs

    outcome = store.run_transaction(body)
    if outcome is None:
        return None
    requeued, orgs = outcome
    reason = "advisor_lost" if lost_before is not None else "advisor_offline"
    if lost_before is not None or requeued:
        log("WARNING", reason, advisorUid=uid, chatsRequeued=len(requeued))
    for session_id in requeued:
        log("INFO", "chat_requeued", sessionId=session_id, reason=reason)
    return orgs


def requeue_at_front(
    svc: Services,
    transaction: Transaction,
    *,
    session_id: str,
    session: SessionDoc,
    event: Literal["advisor_lost", "reassigned"],
    also: Mapping[str, Any],
) -> None:
    """Put an active chat back at the front of its queue, telling the visitor why.

    Shared by a lost advisor (here) and an unanswered chat (vtchat.unanswered):
    the original ticket sorts by the first queue time, and the timeline entry
    tells the visitor and, later, whoever continues the chat.
    """
    store = svc.store
    timeline = TimelineWriter(
        store, transaction, session_id, seq=session.seq, expire_at=session.expire_at
    )
    timeline.system(event, advisor_name=session.advisor_name)
    ticket = session.ticket or queueing.new_ticket(session.queued_at, urgent=session.urgent)
    store.update(
        transaction,
        store.session(session_id),
        {
            "state": "waiting",
            "advisorUid": None,
            "advisorName": None,
            "advisorOrg": None,
            "advisorOrgName": None,
            "awaitingReplySince": None,
            "ticket": ticket,
            **also,
            "seq": timeline.seq,
        },
    )
    queueing.join(store, transaction, org=session.org, ticket=ticket)
