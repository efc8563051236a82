"""The Pub/Sub topology the functions publish to and are pushed from.

One offers topic fans out to one push subscription per organisation, each
filtered on that organisation's candidate attribute; `tick` is pushed from a
topic that Cloud Scheduler publishes to every minute. Terraform (infra/) and
the emulator set-up (`python -m vtchat.admin setup-pubsub`) both declare what
`topology()` lists, and a contract test keeps them equal.

The filter saves deliveries in production; correctness never depends on it:
the Pub/Sub emulator accepts filters but delivers every message, and the offer
handler ignores offers that do not name its organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

OFFERS_TOPIC = "fallback-offers"
OFFERS_DEAD_LETTER_TOPIC = "fallback-offers-dead-letter"
TICK_TOPIC = "tick"
TICK_DEAD_LETTER_TOPIC = "tick-dead-letter"
TICK_SUBSCRIPTION = "tick.housekeeping"
DEAD_LETTER_SUBSCRIPTION_SUFFIX = ".inspect"
_OFFER_SUBSCRIPTION_PREFIX = "fallback-offers."

# A claim is one Firestore transaction; a tick a few queries and transactions.
OFFER_ACK_DEADLINE_SECONDS = 30
TICK_ACK_DEADLINE_SECONDS = 120
MAX_DELIVERY_ATTEMPTS = 5


def offer_subscription(org: str) -> str:
    return f"{_OFFER_SUBSCRIPTION_PREFIX}{org}"


def candidate_attribute(org: str) -> str:
    return f"candidate-{org}"


def offer_filter(org: str) -> str:
    return f'attributes:"{candidate_attribute(org)}"'


def org_of_subscription(subscription: str) -> str | None:
    """The organisation a push delivery is for, from `projects/p/subscriptions/<id>`."""
    name = subscription.rsplit("/", 1)[-1]
    if not name.startswith(_OFFER_SUBSCRIPTION_PREFIX):
        return None
    return name.removeprefix(_OFFER_SUBSCRIPTION_PREFIX) or None


@dataclass(frozen=True)
class SubscriptionSpec:
    name: str
    topic: str
    # The function the subscription pushes to (its entry point in main.py).
    push_to: str | None
    filter: str
    ack_deadline_seconds: int
    dead_letter_topic: str | None


def topology(org_ids: list[str]) -> tuple[list[str], list[SubscriptionSpec]]:
    """Every topic and subscription of the deployment."""
    topics = [OFFERS_TOPIC, OFFERS_DEAD_LETTER_TOPIC, TICK_TOPIC, TICK_DEAD_LETTER_TOPIC]
    subscriptions = [
        SubscriptionSpec(
            name=offer_subscription(org),
            topic=OFFERS_TOPIC,
            push_to="offer",
            filter=offer_filter(org),
            ack_deadline_seconds=OFFER_ACK_DEADLINE_SECONDS,
            dead_letter_topic=OFFERS_DEAD_LETTER_TOPIC,
        )
        for org in org_ids
    ]
    subscriptions.append(
        SubscriptionSpec(
            name=TICK_SUBSCRIPTION,
            topic=TICK_TOPIC,
            push_to="tick",
            filter="",
            ack_deadline_seconds=TICK_ACK_DEADLINE_SECONDS,
            dead_letter_topic=TICK_DEAD_LETTER_TOPIC,
        )
    )
    # Dead letters are kept on a pull subscription for people to inspect.
    subscriptions.extend(
        SubscriptionSpec(
            name=f"{topic}{DEAD_LETTER_SUBSCRIPTION_SUFFIX}",
            topic=topic,
            push_to=None,
            filter="",
            ack_deadline_seconds=60,
            dead_letter_topic=None,
        )
        for topic in (OFFERS_DEAD_LETTER_TOPIC, TICK_DEAD_LETTER_TOPIC)
    )
    return topics, subscriptions
