"""The Pub/Sub topology for the benchmarks, so that offers travel as in production.

`fresh_topology` creates every topic and subscription that `vtchat.topics`
declares (`vtchat.admin.setup_pubsub`): one push subscription per
organisation posting to the `offer` function, and the tick's to `tick`. It
deletes the push subscriptions of an earlier measurement first, so that a
backlog of redeliveries from then (Pub/Sub retries a 503 for minutes) cannot
reach this one; `remove_push_subscriptions` stops the pushes when a
measurement is over.

Pushes go to each function's own port (emulators/functions_plan.push_urls),
as in production they go to the function's own URL: `offer` and `tick` are
not behind Hosting.

The functions server is another process, so a chat claimed through a pushed
offer leaves no `chat_assigned` line in this process's log: `PushFigures`
counts those as the chats the pushes claimed.

On the emulator every offer subscription receives every offer (it accepts
filters but does not apply them, docs/architecture.md): one offer is 26
pushes, of which the candidates' do the work and the others answer at once.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Collection
from dataclasses import dataclass

from emulators import functions_plan
from google.api_core import exceptions as api_exceptions
from google.cloud.pubsub_v1 import SubscriberClient

from vtchat import topics
from vtchat.admin import setup_pubsub
from vtchat.services import Services


def _push_subscriptions(svc: Services, subscriber: SubscriberClient) -> list[str]:
    project = svc.settings.project_id
    names = [topics.offer_subscription(org.id) for org in svc.directory]
    names.append(topics.TICK_SUBSCRIPTION)
    return [str(subscriber.subscription_path(project, name)) for name in names]


def remove_push_subscriptions(svc: Services) -> None:
    subscriber = SubscriberClient()
    for path in _push_subscriptions(svc, subscriber):
        with contextlib.suppress(api_exceptions.NotFound):
            subscriber.delete_subscription(subscription=path)


def fresh_topology(svc: Services, api: str) -> str:
    """Topics and push subscriptions as deployed; a line for the report."""
    remove_push_subscriptions(svc)
    parts = urllib.parse.urlsplit(api)
    assert parts.hostname is not None and parts.port is not None
    urls = functions_plan.push_urls(parts.hostname, parts.port)
    setup_pubsub(svc, push_urls=urls)
    offer_base = urls["offer"]
    names, subscriptions = topics.topology([org.id for org in svc.directory])
    pushing = sum(1 for spec in subscriptions if spec.push_to == "offer")
    return (
        f"  Pub/Sub live: {len(names)} topics, {pushing} offer subscriptions pushing to"
        f" {offer_base} (the emulator delivers every offer to all of them)"
    )


@dataclass(frozen=True)
class PushFigures:
    """How the offers went: published, and the chats their pushes claimed."""

    published: int
    unpublished: int
    assigned: int
    assigned_here: int

    @classmethod
    def of(
        cls,
        *,
        published: int,
        unpublished: int,
        assigned: Collection[str],
        assigned_here: Collection[str],
    ) -> PushFigures:
        return cls(
            published=published,
            unpublished=unpublished,
            assigned=len(assigned),
            assigned_here=len(set(assigned) & set(assigned_here)),
        )

    def line(self) -> str:
        pushed = self.assigned - self.assigned_here
        return (
            f"  offers published {self.published}, unpublished {self.unpublished};"
            f" of {self.assigned} chats assigned, {pushed} by the functions server's"
            f" /api/offer (pushed offers), {self.assigned_here} by dispatches in this process"
        )
