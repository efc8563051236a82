"""Queue tickets, the Pub/Sub topology, and how a ChatError becomes a response."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vtchat import topics
from vtchat.errors import ChatClosed
from vtchat.http import error_response
from vtchat.queueing import new_ticket, position
from vtchat.regions import load_directory

ORG_IDS = [org.id for org in load_directory()]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)

# --- Queue tickets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (T0, T0 + timedelta(microseconds=1)),
        (T0, T0 + timedelta(seconds=1)),
        (T0 + timedelta(seconds=59), T0 + timedelta(minutes=1)),
        (T0 + timedelta(hours=23), T0 + timedelta(days=1)),
        (datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        # Compared as instants, whatever the zone: 10:00 CET is 09:00 UTC.
        (datetime(2026, 11, 19, 10, 0, tzinfo=AMSTERDAM), T0 + timedelta(minutes=30)),
        (T0 - timedelta(minutes=30), datetime(2026, 11, 19, 10, 0, tzinfo=AMSTERDAM)),
    ],
)
def test_tickets_sort_by_queue_time(earlier: datetime, later: datetime) -> None:
    assert new_ticket(earlier) < new_ticket(later)


def test_tickets_of_a_shuffled_queue_sort_back_into_queue_order() -> None:
    times = [T0 + timedelta(seconds=7 * i, microseconds=i) for i in range(50)]
    tickets = {new_ticket(at): at for at in random.sample(times, len(times))}
    assert [tickets[ticket] for ticket in sorted(tickets)] == times


def test_tickets_for_the_same_time_are_unique() -> None:
    tickets = [new_ticket(T0) for _ in range(200)]
    assert len(set(tickets)) == len(tickets)


def test_a_ticket_says_nothing_but_the_queue_time() -> None:
    ticket = new_ticket(datetime(2026, 11, 19, 10, 0, 5, 123456, tzinfo=AMSTERDAM))
    stamp, _, suffix = ticket.partition("-")
    assert stamp == "20261119090005123456"
    assert len(suffix) == 8
    int(suffix, 16)


# --- Queue positions ----------------------------------------------------------------

QUEUE = [new_ticket(T0 + timedelta(seconds=i)) for i in range(5)]


@pytest.mark.parametrize("index", range(len(QUEUE)))
def test_position_is_one_based_in_queue_order(index: int) -> None:
    assert position(QUEUE, QUEUE[index]) == index + 1


@pytest.mark.parametrize("index", range(len(QUEUE)))
def test_position_does_not_depend_on_the_stored_order(index: int) -> None:
    stored = [QUEUE[3], QUEUE[0], QUEUE[4], QUEUE[2], QUEUE[1]]
    assert position(stored, QUEUE[index]) == index + 1


def test_position_leaves_the_stored_list_as_it_was() -> None:
    stored = list(reversed(QUEUE))
    position(stored, QUEUE[0])
    assert stored == list(reversed(QUEUE))


@pytest.mark.parametrize(
    ("waiting", "ticket"),
    [
        ([], QUEUE[0]),
        (QUEUE[1:], QUEUE[0]),
        (QUEUE[:-1], QUEUE[-1]),
        (QUEUE, new_ticket(T0 + timedelta(seconds=2))),  # same time, another ticket
        (QUEUE, ""),
    ],
    ids=["empty-queue", "before-all", "after-all", "same-time-other-ticket", "empty-ticket"],
)
def test_position_is_none_once_the_ticket_has_left(waiting: list[str], ticket: str) -> None:
    assert position(waiting, ticket) is None


def test_positions_move_up_as_earlier_chats_leave() -> None:
    waiting = list(QUEUE)
    mine = QUEUE[3]
    waiting.remove(QUEUE[0])
    assert position(waiting, mine) == 3
    waiting.remove(QUEUE[4])
    waiting.remove(QUEUE[2])
    assert position(waiting, mine) == 2


# --- Subscriptions ------------------------------------------------------------------


def test_there_are_26_organisations_to_route_to() -> None:
    assert len(ORG_IDS) == 26


@pytest.mark.parametrize("org", ORG_IDS)
def test_offer_subscription_names_lead_back_to_their_organisation(org: str) -> None:
    name = topics.offer_subscription(org)
    assert topics.org_of_subscription(name) == org
    assert topics.org_of_subscription(f"projects/p/subscriptions/{name}") == org
    assert topics.org_of_subscription(f"projects/demo-vtchat/subscriptions/{name}") == org


@pytest.mark.parametrize(
    "subscription",
    [
        topics.TICK_SUBSCRIPTION,
        f"projects/p/subscriptions/{topics.TICK_SUBSCRIPTION}",
        f"projects/p/subscriptions/{topics.OFFERS_DEAD_LETTER_TOPIC}.inspect",
        f"projects/p/subscriptions/{topics.TICK_DEAD_LETTER_TOPIC}.inspect",
        "",
        "fallback-offers.",
        "projects/p/subscriptions/fallback-offers.",
        "fallback-offers",
        "projects/p/subscriptions/",
        "projects/p/subscriptions/other.utrecht",
        "fallback-offers.utrecht/extra",
        "utrecht",
    ],
)
def test_other_subscriptions_name_no_organisation(subscription: str) -> None:
    assert topics.org_of_subscription(subscription) is None


@pytest.mark.parametrize("org", ["utrecht", "zuid-limburg"])
def test_offer_filter_matches_the_candidate_attribute(org: str) -> None:
    assert topics.offer_filter(org) == f'attributes:"candidate-{org}"'
    assert topics.candidate_attribute(org) in topics.offer_filter(org)


# --- Topology -----------------------------------------------------------------------

TOPIC_LIST, SUBSCRIPTIONS = topics.topology(ORG_IDS)
BY_NAME = {spec.name: spec for spec in SUBSCRIPTIONS}


def test_subscription_names_are_unique() -> None:
    assert len(BY_NAME) == len(SUBSCRIPTIONS)
    assert len(set(TOPIC_LIST)) == len(TOPIC_LIST)


def test_every_subscription_is_on_a_declared_topic() -> None:
    assert {spec.topic for spec in SUBSCRIPTIONS} <= set(TOPIC_LIST)


def test_every_dead_letter_topic_is_declared() -> None:
    dead_letters = {spec.dead_letter_topic for spec in SUBSCRIPTIONS} - {None}
    assert dead_letters == {topics.OFFERS_DEAD_LETTER_TOPIC, topics.TICK_DEAD_LETTER_TOPIC}
    assert dead_letters <= set(TOPIC_LIST)


@pytest.mark.parametrize("org", ORG_IDS)
def test_each_organisation_has_one_filtered_offer_push_subscription(org: str) -> None:
    spec = BY_NAME[topics.offer_subscription(org)]
    assert spec.topic == topics.OFFERS_TOPIC
    assert spec.push_to == "offer"
    assert spec.filter == topics.offer_filter(org)
    assert spec.dead_letter_topic == topics.OFFERS_DEAD_LETTER_TOPIC
    assert spec.ack_deadline_seconds == topics.OFFER_ACK_DEADLINE_SECONDS


def test_offer_subscriptions_are_exactly_one_per_organisation() -> None:
    offers = [spec for spec in SUBSCRIPTIONS if spec.push_to == "offer"]
    assert sorted(topics.org_of_subscription(spec.name) or "" for spec in offers) == sorted(ORG_IDS)


def test_the_tick_subscription_pushes_every_tick_to_the_tick_function() -> None:
    spec = BY_NAME[topics.TICK_SUBSCRIPTION]
    assert spec.topic == topics.TICK_TOPIC
    assert spec.push_to == "tick"
    assert spec.filter == ""
    assert spec.dead_letter_topic == topics.TICK_DEAD_LETTER_TOPIC
    assert spec.ack_deadline_seconds == topics.TICK_ACK_DEADLINE_SECONDS


@pytest.mark.parametrize("topic", [topics.OFFERS_DEAD_LETTER_TOPIC, topics.TICK_DEAD_LETTER_TOPIC])
def test_dead_letters_wait_on_a_pull_subscription_for_people(topic: str) -> None:
    [spec] = [spec for spec in SUBSCRIPTIONS if spec.topic == topic]
    assert spec.name == f"{topic}{topics.DEAD_LETTER_SUBSCRIPTION_SUFFIX}"
    assert spec.push_to is None
    assert spec.dead_letter_topic is None


def test_the_topology_has_one_subscription_per_org_plus_tick_and_dead_letters() -> None:
    assert len(SUBSCRIPTIONS) == len(ORG_IDS) + 3


# --- Error responses ----------------------------------------------------------------


def test_a_closed_chat_is_answered_409_with_code_message_and_details() -> None:
    details = {"opensAt": "2026-11-20T08:00:00Z", "hours": ["maandag t/m vrijdag 09:00\u201317:00"]}
    response = error_response(ChatClosed(details=details))
    assert response.status_code == 409
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert body == {
        "error": {"code": "chat_closed", "message": ChatClosed.default_message, "details": details}
    }
    assert "0800 2000" in body["error"]["message"]


def test_an_error_without_details_or_fields_answers_code_and_message_only() -> None:
    response = error_response(ChatClosed())
    body = json.loads(response.get_data(as_text=True))
    assert set(body["error"]) == {"code", "message"}
