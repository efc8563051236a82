"""Routing by language: a chat in another language than Dutch goes first to advisors who speak it.

How it runs, and why it is safe alongside the ordinary fall-back:

1. The intake stores the visitor's `language` and, for any language but
   Dutch, `languageUntil = now + language_wait`. From then on the chat is
   *reserved*: pairing (vtchat.assignment) gives it only to an advisor whose
   languages (the `langs` claim, copied to the advisor document when they go
   online) include it, whether of its own organisation or another.
2. Right after the intake's own dispatch (a speaker of its own organisation
   takes it there), the chat is offered at once to every organisation with an
   online advisor who speaks the language, any region, through the ordinary
   exactly-once machinery: `fallback.record_offer` (a conditional write
   guarded by the offer round), `publish_offer`, and each candidate's
   `claim_offer`. A speaker who takes it settles it like any fall-back: a
   handover record and `viaFallback`.
3. While reserved, the ordinary fall-back rounds leave the chat alone
   (`routing.due_offers` skips it): offering it to neighbours whose advisors
   may not take it would only replace the speakers in `offeredTo`. Instead
   each tick offers it again, one round up, when an organisation with a
   speaker came online that was not offered it yet (`routing.language_offer`);
   organisations offered earlier stay candidates.
4. Once `languageUntil` has passed, the tick releases the chat: one write,
   on condition that the session is still as the tick read it, deletes
   `languageUntil`, puts the chat back to round 0 with no offers (an ordinary
   chat of its own region that has waited long: the usual fall-back follows at
   once) and adds the `language_unmatched` entry that tells the visitor, in
   their language, that a Dutch-speaking advisor will help. A second tick, or
   one delivered twice, finds nothing reserved and changes nothing.

The reservation ends only by that write (or by a pairing), not merely by the
clock: so nobody who does not speak the language takes the chat before the
visitor has been told. `record_offer` records a language offer only while
the chat is reserved and a fall-back round only when it is not, so an offer
decided in one phase can never be recorded in the other, even though the
release puts the offer round back to 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from vtchat import fallback
from vtchat.logs import log
from vtchat.models import AdvisorDoc, SessionDoc
from vtchat.routing import WaitingChat, language_offer
from vtchat.services import Services
from vtchat.store import from_snapshot
from vtchat.timeline import TimelineWriter


def speakers_by_org(advisors: Iterable[AdvisorDoc]) -> dict[str, set[str]]:
    """The languages spoken by each organisation's online advisors."""
    spoken: dict[str, set[str]] = defaultdict(set)
    for advisor in advisors:
        if advisor.status == "online":
            spoken[advisor.org].update(advisor.languages)
    return dict(spoken)


def offer_by_language(
    svc: Services,
    *,
    session_id: str,
    session: SessionDoc,
    advisors: Iterable[AdvisorDoc],
    now: datetime,
) -> bool:
    """Offer a reserved chat to the organisations with a speaker not offered it yet."""
    offer = language_offer(WaitingChat.of(session_id, session), speakers=speakers_by_org(advisors))
    return offer is not None and fallback.make_offer(svc, offer, now=now).recorded


def offer_new_chat(svc: Services, *, session_id: str, session: SessionDoc, now: datetime) -> bool:
    """The intake's offer of a new reserved chat: every online advisor is read once."""
    store = svc.store
    advisors = [
        from_snapshot(AdvisorDoc, snap) for snap in store.query(store.all_online_advisors())
    ]
    return offer_by_language(
        svc, session_id=session_id, session=session, advisors=advisors, now=now
    )


def release(svc: Services, session_id: str, *, now: datetime) -> bool:
    """End the reservation of a chat nobody speaking its language took in time.

    One batch on condition that the session is unchanged since read: it
    either commits whole (reservation gone, offers reset, the visitor told)
    or not at all, and a chat no longer reserved, or not yet due, is left alone.
    """
    store = svc.store
    ref = store.session(session_id)

    def attempt() -> bool:
        snapshot = store.get(ref)
        if not snapshot.exists:
            return False
        session = from_snapshot(SessionDoc, snapshot)
        due = session.language_until
        if session.state != "waiting" or due is None or due > now:
            return False
        batch = store.batch()
        timeline = TimelineWriter(
            store, batch, session_id, seq=session.seq, expire_at=session.expire_at
        )
        timeline.system("language_unmatched")
        store.update(
            batch,
            ref,
            {
                "languageUntil": None,
                "offerRound": 0,
                "offeredTo": [],
                "offeredAt": None,
                "seq": timeline.seq,
            },
            unchanged_since=snapshot,
        )
        batch.commit()
        return True

    released = store.run_optimistic(attempt)
    if released:
        log("INFO", "language_unmatched", sessionId=session_id)
    return released


def release_due(svc: Services, waiting: Iterable[tuple[str, SessionDoc]], *, now: datetime) -> int:
    """Release every reserved chat whose wait for a speaker is over."""
    return sum(
        1
        for session_id, session in waiting
        if session.language_until is not None
        and session.language_until <= now
        and release(svc, session_id, now=now)
    )


def reoffer(
    svc: Services,
    waiting: Iterable[tuple[str, SessionDoc]],
    advisors: list[AdvisorDoc],
    *,
    now: datetime,
) -> int:
    """Offer reserved chats to organisations whose speaker came online since."""
    return sum(
        1
        for session_id, session in waiting
        if session.language_until is not None
        and session.language_until > now
        and offer_by_language(
            svc, session_id=session_id, session=session, advisors=advisors, now=now
        )
    )
