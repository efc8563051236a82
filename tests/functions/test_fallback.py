"""Fall-back over the Pub/Sub emulator: offers, duplicates, races, crashes, dead letters.

Deliveries are pulled from the per-organisation subscriptions the deployment
declares (`vtchat.topics`) and handed to the `offer` entry point in the push
envelope Pub/Sub would POST; a 2xx answer acknowledges, anything else nacks.
Advisors act through the service functions (no ID tokens needed here).
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.api_core import exceptions as api_exceptions
from google.cloud import pubsub_v1

from tests.support import PROJECT, Functions, everyone_present, read_events, wait_until
from vtchat import availability, fallback, housekeeping, lifecycle, topics
from vtchat.models import AvailabilityRequest, Staff
from vtchat.routing import Offer
from vtchat.services import Services

pytestmark = pytest.mark.emulators

ORIGIN = "utrecht"
# Utrecht's fall-back list starts with these two (round 1 with widen_by 2)...
NEAR, NEXT = "gooi-en-vechtstreek", "gelderland-midden"
# ...and round 2 adds these.
WIDER = "hollands-midden"
ORGS = (ORIGIN, NEAR, NEXT, WIDER)


class Offers:
    """Pull subscriptions shaped like the deployment's push subscriptions."""

    def __init__(self) -> None:
        self.subscriber = pubsub_v1.SubscriberClient()
        self.publisher = pubsub_v1.PublisherClient()

    def path(self, org: str) -> str:
        return str(self.subscriber.subscription_path(PROJECT, topics.offer_subscription(org)))

    def dead_letters(self) -> str:
        return str(self.subscriber.subscription_path(PROJECT, "fallback-offers-dead-letter.test"))

    def pull(self, org: str, *, expect: int, timeout: float = 15) -> list[Any]:
        received: list[Any] = []

        def all_in() -> bool:
            answer = self.subscriber.pull(
                subscription=self.path(org), max_messages=expect - len(received), timeout=5
            )
            received.extend(answer.received_messages)
            return len(received) >= expect

        wait_until(all_in, f"{expect} deliveries to {org}", timeout, every=0)
        assert len(received) == expect, f"{org}: {len(received)} of {expect} deliveries"
        return received

    def envelope(self, org: str, message: Any) -> dict[str, Any]:
        """What a push subscription of `org` POSTs for this message."""
        return {
            "message": {
                "data": base64.b64encode(message.data).decode(),
                "attributes": dict(message.attributes),
                "messageId": message.message_id,
            },
            "subscription": self.path(org),
        }

    def push(self, functions: Functions, org: str, received: Any) -> int:
        """Deliver like a push subscription; acknowledge on 2xx, else nack."""
        status = int(functions.post("offer", self.envelope(org, received.message)).status_code)
        if 200 <= status < 300:
            self.subscriber.acknowledge(subscription=self.path(org), ack_ids=[received.ack_id])
        else:
            self.nack(org, received)
        return status

    def nack(self, org: str, received: Any) -> None:
        self.subscriber.modify_ack_deadline(
            subscription=self.path(org), ack_ids=[received.ack_id], ack_deadline_seconds=0
        )


@pytest.fixture
def offers(emulators: dict[str, str]) -> Iterator[Offers]:
    channel = Offers()
    topic = channel.publisher.topic_path(PROJECT, topics.OFFERS_TOPIC)
    dead_topic = channel.publisher.topic_path(PROJECT, topics.OFFERS_DEAD_LETTER_TOPIC)
    for name in (topic, dead_topic):
        with contextlib.suppress(api_exceptions.AlreadyExists):
            channel.publisher.create_topic(name=name)
    subscriptions = [(channel.path(org), topic, topics.offer_filter(org)) for org in ORGS]
    subscriptions.append((channel.dead_letters(), dead_topic, ""))
    for path, on_topic, filter_ in subscriptions:
        # A fresh subscription per test: no deliveries left over from another.
        with contextlib.suppress(api_exceptions.NotFound):
            channel.subscriber.delete_subscription(subscription=path)
        request: dict[str, Any] = {"name": path, "topic": on_topic, "filter": filter_}
        if on_topic == topic:
            request["ack_deadline_seconds"] = topics.OFFER_ACK_DEADLINE_SECONDS
            request["dead_letter_policy"] = {
                "dead_letter_topic": dead_topic,
                "max_delivery_attempts": topics.MAX_DELIVERY_ATTEMPTS,
            }
            request["retry_policy"] = {
                "minimum_backoff": {"seconds": 0},
                "maximum_backoff": {"seconds": 1},
            }
        channel.subscriber.create_subscription(request=request)
    yield channel
    for path, _, _ in subscriptions:
        channel.subscriber.delete_subscription(subscription=path)


def online(svc: Services, org: str, uid: str, *, capacity: int = 1) -> Staff:
    staff = Staff(uid=uid, role="advisor", org=org, display_name=f"Adviseur {uid}")
    availability.set_availability(
        svc, staff=staff, request=AvailabilityRequest(status="online", capacity=capacity)
    )
    return staff


def busy_origin(functions: Functions, svc: Services) -> None:
    """Utrecht has one advisor online, busy with a chat: newcomers wait about 17 minutes.

    That is an overflow the tick offers; with nobody online at all the intake
    itself offers the chat (tested separately).
    """
    online(svc, ORIGIN, "origin")
    functions.intake(region=ORIGIN)


def session(svc: Services, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict() or {})


def handovers(svc: Services) -> list[dict[str, Any]]:
    return [snap.to_dict() or {} for snap in svc.store.handovers().stream()]


def active_counts(svc: Services, *uids: str) -> int:
    return sum(int((svc.store.advisor(uid).get().to_dict() or {})["activeCount"]) for uid in uids)


def assigned_entries(svc: Services, session_id: str) -> int:
    return sum(
        1
        for snap in svc.store.messages(session_id).stream()
        if (snap.to_dict() or {}).get("event") == "assigned"
    )


def test_an_overflowing_chat_is_claimed_once_however_often_and_in_whatever_order_offered(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    busy_origin(functions, svc)
    chat = functions.intake(region=ORIGIN)
    online(svc, NEAR, "near")
    online(svc, NEXT, "next")
    assert session(svc, chat["sessionId"])["state"] == "waiting"

    first = housekeeping.tick(svc)
    assert first.offered == 1
    # A second tick (or a second instance's) decides nothing new.
    assert housekeeping.tick(svc).offered == 0
    stored = session(svc, chat["sessionId"])
    assert (stored["offerRound"], stored["offeredTo"]) == (1, [NEAR, NEXT])
    first_copy = offers.pull(NEAR, expect=1)[0]
    offer = fallback.parse_offer(first_copy.message.data)
    offers.nack(NEAR, first_copy)

    # Published three times in all (at-least-once publishing does this too).
    for _ in range(2):
        fallback.publish_offer(
            svc,
            Offer(
                session_id=offer.session_id,
                round=offer.round,
                previous_round=0,
                region=offer.region,
                org=ORIGIN,
                candidates=tuple(offer.candidates),
            ),
        )
    deliveries = [(NEAR, m) for m in offers.pull(NEAR, expect=3)]
    deliveries += [(NEXT, m) for m in offers.pull(NEXT, expect=3)]
    # Out of order and interleaved: the last published copies first.
    deliveries.reverse()
    deliveries = deliveries[::2] + deliveries[1::2]
    assert {offers.push(functions, org, m) for org, m in deliveries} == {204}

    stored = session(svc, chat["sessionId"])
    assert stored["state"] == "active"
    assert stored["advisorOrg"] in (NEAR, NEXT)
    assert stored["viaFallback"] is True
    assert active_counts(svc, "near", "next") == 1
    assert assigned_entries(svc, chat["sessionId"]) == 1
    assert len(handovers(svc)) == 1


def test_two_regions_claiming_at_once_claim_each_chat_once(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    busy_origin(functions, svc)
    chats = [functions.intake(region=ORIGIN) for _ in range(4)]
    online(svc, NEAR, "near", capacity=3)
    online(svc, NEXT, "next", capacity=3)
    assert housekeeping.tick(svc).offered == 4
    deliveries = [(NEAR, m) for m in offers.pull(NEAR, expect=4)]
    deliveries += [(NEXT, m) for m in offers.pull(NEXT, expect=4)]

    start = threading.Barrier(len(deliveries))
    statuses: list[int] = []

    def deliver(org: str, message: Any) -> None:
        start.wait()
        statuses.append(offers.push(functions, org, message))

    threads = [threading.Thread(target=deliver, args=item) for item in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [204] * len(deliveries)

    # Whatever the interleaving: one advisor per chat, slots counted exactly.
    states = [session(svc, c["sessionId"]) for c in chats]
    assert [s["state"] for s in states] == ["active"] * 4
    assert active_counts(svc, "near", "next") == 4
    assert sum(assigned_entries(svc, c["sessionId"]) for c in chats) == 4
    assert len(handovers(svc)) == 4


def test_a_handler_that_crashes_between_claim_and_ack_changes_nothing_on_redelivery(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    busy_origin(functions, svc)
    chat = functions.intake(region=ORIGIN)
    online(svc, NEAR, "near")
    housekeeping.tick(svc)
    first = offers.pull(NEAR, expect=1)[0]

    # The claim commits, then the instance dies before answering Pub/Sub.
    assert fallback.claim_offer(svc, fallback.parse_offer(first.message.data), org=NEAR) == (
        "claimed"
    )
    offers.nack(NEAR, first)

    again = offers.pull(NEAR, expect=1)[0]
    assert again.message.message_id == first.message.message_id
    assert again.delivery_attempt >= 2
    assert offers.push(functions, NEAR, again) == 204
    assert session(svc, chat["sessionId"])["advisorUid"] == "near"
    assert active_counts(svc, "near") == 1
    assert assigned_entries(svc, chat["sessionId"]) == 1
    assert len(handovers(svc)) == 1


def test_an_offer_nobody_can_take_stays_in_line_and_is_offered_wider_later(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    # Both nearby advisors are busy with a chat of their own.
    online(svc, NEAR, "near")
    online(svc, NEXT, "next")
    functions.intake(region=NEAR)
    functions.intake(region=NEXT)
    busy_origin(functions, svc)
    chat = functions.intake(region=ORIGIN)

    now = datetime.now(UTC)
    housekeeping.tick(svc, now=now)
    for org in (NEAR, NEXT):
        assert offers.push(functions, org, offers.pull(org, expect=1)[0]) == 204
    assert session(svc, chat["sessionId"])["state"] == "waiting"

    # Two minutes on, the next tick widens the offer; a wider region has room.
    online(svc, WIDER, "wider")
    later = now + timedelta(minutes=2, seconds=1)
    everyone_present(svc, later)
    housekeeping.tick(svc, now=later)
    stored = session(svc, chat["sessionId"])
    assert stored["offerRound"] == 2
    assert WIDER in stored["offeredTo"]
    # The emulator ignores subscription filters: this subscription also got
    # round 1, which did not name it; that copy must change nothing.
    for received in offers.pull(WIDER, expect=2):
        assert offers.push(functions, WIDER, received) == 204
    stored = session(svc, chat["sessionId"])
    assert (stored["state"], stored["advisorOrg"]) == ("active", WIDER)
    assert [h["round"] for h in handovers(svc)] == [2]


def test_an_offered_chat_is_taken_as_soon_as_a_candidate_frees_a_slot(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    near = online(svc, NEAR, "near")
    own = functions.intake(region=NEAR)
    busy_origin(functions, svc)
    chat = functions.intake(region=ORIGIN)
    housekeeping.tick(svc)
    assert session(svc, chat["sessionId"])["offeredTo"][0] == NEAR

    # No Pub/Sub delivery needed: ending a chat dispatches the freed slot,
    # and the chat offered to this organisation is among what it may take.
    lifecycle.end_chat(svc, session_id=own["sessionId"], ended_by="advisor", staff=near)
    stored = session(svc, chat["sessionId"])
    assert (stored["state"], stored["advisorUid"]) == ("active", "near")


def test_the_visitor_is_told_and_the_handover_is_recorded_for_settlement(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    busy_origin(functions, svc)
    chat = functions.intake(region=ORIGIN)
    online(svc, NEAR, "near")
    housekeeping.tick(svc)
    assert offers.push(functions, NEAR, offers.pull(NEAR, expect=1)[0]) == 204

    events = read_events(functions.stream(chat["token"]), until="assigned")
    assigned = events[-1].data
    assert assigned["fallback"] is True
    assert assigned["regionName"] == "Utrecht"
    assert assigned["orgName"] == "Veilig Thuis Gooi en Vechtstreek"

    stored = session(svc, chat["sessionId"])
    # The advisor's console reads the origin here, and its referrals from the directory.
    assert (stored["region"], stored["advisorOrg"]) == (ORIGIN, NEAR)
    assert svc.directory.referrals(stored["region"])

    (record,) = handovers(svc)
    assert set(record) == {
        "region",
        "queuedOrg",
        "answeringOrg",
        "at",
        "month",
        "round",
        "waitedSeconds",
    }
    assert (record["region"], record["queuedOrg"], record["answeringOrg"]) == (
        ORIGIN,
        ORIGIN,
        NEAR,
    )
    assert record["at"].minute % 15 == 0 and record["at"].second == 0
    assert record["month"] == f"{datetime.now(UTC):%Y-%m}"


def test_a_delivery_that_keeps_failing_ends_in_the_dead_letter_topic(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    topic = offers.publisher.topic_path(PROJECT, topics.OFFERS_TOPIC)
    offers.publisher.publish(
        topic, b"not an offer", **{topics.candidate_attribute(NEAR): "1"}
    ).result()
    statuses = []

    def dead_letters() -> list[Any]:
        answer = offers.subscriber.pull(subscription=offers.path(NEAR), max_messages=1, timeout=2)
        for received in answer.received_messages:
            statuses.append(offers.push(functions, NEAR, received))
        return list(
            offers.subscriber.pull(
                subscription=offers.dead_letters(), max_messages=1, timeout=2
            ).received_messages
        )

    dead = wait_until(dead_letters, "a dead letter after the failed deliveries", 60, every=0)
    assert dead[0].message.data == b"not an offer"
    assert set(statuses) == {400}
    assert len(statuses) == topics.MAX_DELIVERY_ATTEMPTS


def test_a_chat_whose_region_has_nobody_online_is_offered_at_intake(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    online(svc, NEAR, "near")
    chat = functions.intake(region=ORIGIN)
    # No tick needed: offered the moment it queued.
    assert session(svc, chat["sessionId"])["offerRound"] == 1
    assert offers.push(functions, NEAR, offers.pull(NEAR, expect=1)[0]) == 204
    stored = session(svc, chat["sessionId"])
    assert (stored["state"], stored["advisorUid"]) == ("active", "near")
    assert housekeeping.tick(svc).offered == 0


def test_offers_name_their_candidates_in_attributes_for_the_subscription_filters(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    functions.intake(region=ORIGIN)
    (received,) = offers.pull(NEAR, expect=1)
    assert dict(received.message.attributes) == {
        topics.candidate_attribute(NEAR): "1",
        topics.candidate_attribute(NEXT): "1",
    }
    body = json.loads(received.message.data)
    assert body["region"] == ORIGIN and body["candidates"] == [NEAR, NEXT]
    # The emulator ignores filters, so the handler checks: not a candidate, no claim.
    online(svc, WIDER, "wider")
    envelope = offers.envelope(WIDER, received.message)
    assert functions.post("offer", envelope).status_code == 204
    assert active_counts(svc, "wider") == 0
