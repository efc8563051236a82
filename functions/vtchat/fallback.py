"""Fall-back: offering an overflowing chat to other regions over Pub/Sub.

An offer is first recorded on the session (round, candidates, time) by a
write on condition that the session is still as read in the round the offer
was decided from, so two ticks racing make it once; then it is published once.
Each candidate organisation's push subscription delivers it to `claim_offer`,
which runs that organisation's ordinary pairing: the chat is among the chats
the organisation may take (`offeredTo`), and each pairing commits only if the
chat is still as it read it (`vtchat.assignment`), so the first organisation
with a free advisor claims it and every later, duplicate or out-of-order
delivery finds it taken and changes nothing. Nothing is locked meanwhile:
candidates claiming at once never wait on each other. An organisation with no
room now keeps the chat in its offered list and takes it when an advisor
frees up; if nobody does, the next tick offers it again, to a wider set.

If the publish is lost after the commit, the chat is still offered in
Firestore and the next round publishes again: the cost is one re-offer delay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from google.api_core import exceptions as api_exceptions

from vtchat import assignment, topics
from vtchat.errors import BadRequest, declare
from vtchat.logs import log
from vtchat.models import OfferMessage, SessionDoc
from vtchat.routing import Offer, WaitingChat, due_offers
from vtchat.services import Services
from vtchat.store import from_snapshot

# The error codes raised here (vtchat.openapi describes them).
INVALID_OFFER = declare("invalid_offer", BadRequest, "the pushed offer is malformed")
UNKNOWN_SUBSCRIPTION = declare(
    "unknown_subscription",
    BadRequest,
    "the push comes from no organisation's subscription",
)

_PUBLISH_TIMEOUT_SECONDS = 10.0

ClaimOutcome = Literal["claimed", "not_claimed", "not_a_candidate"]


@dataclass(frozen=True)
class OfferResult:
    recorded: bool
    published: bool


def record_offer(svc: Services, offer: Offer, *, now: datetime) -> bool:
    """Mark the chat as offered in this round; False if it moved on meanwhile."""
    store = svc.store
    ref = store.session(offer.session_id)

    def attempt() -> bool:
        # A conditional write rather than a transaction: a claim of this very
        # chat by a candidate never waits for the offer's lock, nor it for the claim's.
        snapshot = store.get(ref)
        if not snapshot.exists:
            return False
        session = from_snapshot(SessionDoc, snapshot)
        if session.state != "waiting" or session.offer_round != offer.previous_round:
            return False
        # A language offer only while the chat is reserved, a fall-back round
        # only after: an offer decided in one phase is never recorded in the other.
        if (session.language_until is not None) != offer.for_language:
            return False
        batch = store.batch()
        store.update(
            batch,
            ref,
            {"offerRound": offer.round, "offeredTo": list(offer.candidates), "offeredAt": now},
            unchanged_since=snapshot,
        )
        batch.commit()
        return True

    # A lock wait that timed out is a lost race: run_optimistic reads again.
    return store.run_optimistic(attempt)


def publish_offer(svc: Services, offer: Offer) -> str:
    message = OfferMessage(
        session_id=offer.session_id,
        round=offer.round,
        region=offer.region,
        candidates=list(offer.candidates),
    )
    publisher = svc.publisher
    future = publisher.publish(
        publisher.topic_path(svc.settings.project_id, topics.OFFERS_TOPIC),
        message.model_dump_json(by_alias=True).encode("utf-8"),
        **{topics.candidate_attribute(org): "1" for org in offer.candidates},
    )
    return str(future.result(timeout=_PUBLISH_TIMEOUT_SECONDS))


def make_offer(svc: Services, offer: Offer, *, now: datetime | None = None) -> OfferResult:
    if not record_offer(svc, offer, now=now or datetime.now(UTC)):
        return OfferResult(recorded=False, published=False)
    try:
        message_id = publish_offer(svc, offer)
    except (api_exceptions.GoogleAPICallError, TimeoutError) as e:
        # Recorded but not sent: candidates still see it in their offered
        # queue, and the next round publishes again.
        log("WARNING", "offer_unpublished", sessionId=offer.session_id, error=type(e).__name__)
        return OfferResult(recorded=True, published=False)
    log(
        "INFO",
        "chat_offered",
        sessionId=offer.session_id,
        round=offer.round,
        org=offer.org,
        candidates=",".join(offer.candidates),
        messageId=message_id,
    )
    return OfferResult(recorded=True, published=True)


def offer_if_unstaffed(
    svc: Services, *, session_id: str, session: SessionDoc, now: datetime
) -> bool:
    """Offer a new chat at once when its organisation has nobody online.

    Without this the chat would wait for the next tick (up to a minute) while
    another region may have advisors free. The intake's own dispatch ran
    first, so an advisor who is online with room has already taken the chat;
    one who is online but busy means the ordinary threshold applies.
    """
    if svc.store.query(svc.store.online_advisors(session.org).limit(1)):
        return False
    offers = due_offers(
        waiting=[WaitingChat.of(session_id, session)],
        staffing={},
        directory=svc.directory,
        schedule=svc.schedule,
        policy=svc.settings.routing,
        now=now,
    )
    return any(make_offer(svc, offer, now=now).recorded for offer in offers)


def subscribed_org(svc: Services, subscription: str) -> str:
    """The organisation whose offers subscription pushed this delivery."""
    org = topics.org_of_subscription(subscription)
    if org is None or org not in svc.directory:
        raise BadRequest("Onbekende subscription.", code=UNKNOWN_SUBSCRIPTION)
    return org


def parse_offer(data: bytes) -> OfferMessage:
    """The offer in a delivery; a malformed one is refused, and so ends in the dead letters."""
    try:
        return OfferMessage.model_validate(json.loads(data))
    except ValueError as e:
        raise BadRequest("Ongeldig aanbod.", code=INVALID_OFFER) from e


def claim_offer(svc: Services, offer: OfferMessage, *, org: str) -> ClaimOutcome:
    """Let `org`'s free advisors take the offered chat (or older ones offered to them)."""
    if org not in offer.candidates:
        return "not_a_candidate"
    assigned = assignment.dispatch(svc, org=org)
    claimed = any(item.session_id == offer.session_id for item in assigned)
    log(
        "INFO",
        "offer_handled",
        sessionId=offer.session_id,
        round=offer.round,
        org=org,
        outcome="claimed" if claimed else "not_claimed",
    )
    return "claimed" if claimed else "not_claimed"
