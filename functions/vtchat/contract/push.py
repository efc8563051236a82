"""Pub/Sub's pushes: offers to fall-back organisations and the scheduled tick (internal)."""

from __future__ import annotations

import base64
import json

from vtchat.contract.base import SESSION_EXAMPLE, Endpoint
from vtchat.models import (
    PushEnvelope,
)
from vtchat.topics import TICK_SUBSCRIPTION, offer_subscription

_OFFER_EXAMPLE = {
    "message": {
        "data": base64.b64encode(
            json.dumps(
                {**SESSION_EXAMPLE, "round": 1, "region": "utrecht", "candidates": ["flevoland"]}
            ).encode()
        ).decode(),
        "messageId": "1",
    },
    "subscription": f"projects/demo-vtchat/subscriptions/{offer_subscription('flevoland')}",
}
_TICK_EXAMPLE = {
    "message": {"data": "", "messageId": "2"},
    "subscription": f"projects/demo-vtchat/subscriptions/{TICK_SUBSCRIPTION}",
}

PUSH: tuple[Endpoint, ...] = (
    Endpoint(
        "offer",
        "POST",
        "push",
        "A fall-back offer pushed to one organisation",
        PushEnvelope,
        status=204,
        errors=("unknown_subscription", "invalid_offer", "contention"),
        example=_OFFER_EXAMPLE,
        internal=True,
        description="Pushed by each organisation's subscription to the fall-back offers "
        "topic. Any 2xx acknowledges; 400 and 503 are retried, then dead-lettered.",
    ),
    Endpoint(
        "tick",
        "POST",
        "push",
        "The housekeeping tick",
        PushEnvelope,
        status=204,
        errors=("not_found", "contention"),
        example=_TICK_EXAMPLE,
        internal=True,
        description="Pushed from the tick topic, which Cloud Scheduler publishes to every "
        "minute: expiry, re-offers and after-hours notices.",
    ),
)
