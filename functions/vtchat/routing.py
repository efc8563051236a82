"""Routing decisions: who should be offered a waiting chat, and how long a wait is.

Pure functions over plain values, so every rule here is unit-tested without
Firestore. `fallback` turns the decisions into transactions and Pub/Sub offers.

A waiting chat overflows when it has waited longer than the fall-back
threshold, or when its own organisation cannot be expected to reach it within
that threshold (the queue is longer than its advisors can take). It is then
offered in rounds to a widening set of organisations: round r reaches the first
r x `widen_by` regions of its fall-back list, and after the whole list every
other organisation (national). Regions that are closed are skipped; a region
served by a rota is offered to whichever organisation staffs it now.

A chat in another language than Dutch skips these rounds while it is
reserved for that language: it is offered to every organisation with an
online advisor who speaks it (`language_offer`; the whole story is in
vtchat.language).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from vtchat.models import Language, SessionDoc
from vtchat.regions import Directory


class ServingLookup(Protocol):
    def serving_org(self, region: str, at: datetime) -> str | None: ...


@dataclass(frozen=True)
class RoutingPolicy:
    fallback_after: timedelta
    reoffer_after: timedelta
    widen_by: int
    mean_chat: timedelta


@dataclass(frozen=True)
class WaitingChat:
    session_id: str
    region: str
    org: str
    queued_at: datetime
    offer_round: int = 0
    offered_at: datetime | None = None
    # Kept for advisors who speak this language (vtchat.language), or None.
    reserved_for: Language | None = None
    offered_to: tuple[str, ...] = ()

    @classmethod
    def of(cls, session_id: str, session: SessionDoc) -> WaitingChat:
        return cls(
            session_id=session_id,
            region=session.region,
            org=session.org,
            queued_at=session.queued_at,
            offer_round=session.offer_round,
            offered_at=session.offered_at,
            reserved_for=reserved_language(session),
            offered_to=tuple(session.offered_to),
        )


@dataclass(frozen=True)
class Staffing:
    """Advisors of one organisation who are online now."""

    capacity: int = 0
    free: int = 0


@dataclass(frozen=True)
class Offer:
    session_id: str
    round: int
    # The round the chat was in when this offer was decided: the guard that
    # lets exactly one of two concurrent ticks make the offer.
    previous_round: int
    region: str
    org: str
    candidates: tuple[str, ...]
    # An offer to the advisors who speak the chat's language (vtchat.language)
    # rather than a fall-back round: recorded only while the chat is reserved.
    for_language: bool = False


def reserved_language(session: SessionDoc) -> Language | None:
    """The language a chat is kept for, or None: any advisor may take it.

    The reservation lasts while `languageUntil` is set, not merely while it
    is in the future: only the tick ends it, in the same write as the entry
    that tells the visitor, so nobody who does not speak the language takes
    the chat before the visitor has been told.
    """
    if session.state != "waiting" or session.language_until is None:
        return None
    return session.language


def may_pair(reserved: Language | None, languages: Iterable[str]) -> bool:
    """Whether an advisor speaking `languages` may take a chat reserved for `reserved`."""
    return reserved is None or reserved in languages


def language_offer(chat: WaitingChat, *, speakers: Mapping[str, Iterable[str]]) -> Offer | None:
    """The offer of a reserved chat to the organisations with an online speaker.

    `speakers` maps an organisation to the languages of its online advisors.
    The chat's own organisation is never a candidate: its own advisors who
    speak the language take it from its queue. Organisations offered before
    stay candidates (their speaker may be busy and free up later); an offer is
    due only when one was not offered yet.
    """
    language = chat.reserved_for
    if language is None:
        return None
    reach = sorted(
        org for org, spoken in speakers.items() if org != chat.org and language in spoken
    )
    if not set(reach) - set(chat.offered_to):
        return None
    return Offer(
        session_id=chat.session_id,
        round=chat.offer_round + 1,
        previous_round=chat.offer_round,
        region=chat.region,
        org=chat.org,
        candidates=tuple(dict.fromkeys((*chat.offered_to, *reach))),
        for_language=True,
    )


def staffing_by_org(advisors: Iterable[tuple[str, int, int]]) -> dict[str, Staffing]:
    """Online capacity and free slots per organisation from (org, capacity, active) rows."""
    return _staffing(((org,), slots, active) for org, slots, active in advisors)


def staffing_by_language(
    advisors: Iterable[tuple[Iterable[str], int, int]],
) -> dict[str, Staffing]:
    """Online capacity and free slots of the advisors who speak each language, nationally."""
    return _staffing(advisors)


def _staffing(advisors: Iterable[tuple[Iterable[str], int, int]]) -> dict[str, Staffing]:
    capacity: dict[str, int] = defaultdict(int)
    free: dict[str, int] = defaultdict(int)
    for keys, slots, active in advisors:
        for key in set(keys):
            capacity[key] += slots
            free[key] += max(0, slots - active)
    return {key: Staffing(capacity=capacity[key], free=free[key]) for key in capacity}


def estimate_wait(*, position: int, staffing: Staffing, mean_chat: timedelta) -> timedelta | None:
    """Expected wait of the chat at `position` (1 = next), or None when nobody is online.

    The first `free` chats are taken at once; each one after that waits for a
    running chat to end, and `capacity` chats end per mean chat duration.
    """
    if position <= staffing.free:
        return timedelta(0)
    if staffing.capacity <= 0:
        return None
    return (position - staffing.free) * mean_chat / staffing.capacity


def estimate_reserved_wait(
    *,
    position: int,
    speakers: Staffing,
    own: Staffing,
    mean_chat: timedelta,
    released_in: timedelta,
) -> timedelta | None:
    """Expected wait of a chat kept for its language (vtchat.language), or None.

    Whichever comes first: an advisor who speaks it takes it, or the tick
    releases it to its own organisation after `released_in` and that queue
    takes it. Its own organisation's free Dutch-only advisors cannot take it
    before the release, so counting them as for any chat would promise a
    visitor "0 minutes" for a wait of the whole language wait.

    An approximation, like every estimate here: the chat's place is in its
    own organisation's queue, while the speakers elsewhere also serve their
    own queues; the release bounds it either way.
    """
    released_in = max(released_in, timedelta(0))  # the tick has not released it yet
    by_speaker = estimate_wait(position=position, staffing=speakers, mean_chat=mean_chat)
    after_release = estimate_wait(position=position, staffing=own, mean_chat=mean_chat)
    if after_release is not None:
        after_release += released_in
    return min((w for w in (by_speaker, after_release) if w is not None), default=None)


def wait_minutes(wait: timedelta | None) -> int | None:
    """Whole minutes for people: rounded up, never 0 for a wait that is not zero."""
    if wait is None:
        return None
    return math.ceil(wait.total_seconds() / 60)


def fallback_regions(
    directory: Directory, *, region: str, round_number: int, widen_by: int
) -> list[str]:
    """The regions a chat of `region` is offered to in round `round_number` (1-based)."""
    neighbours = directory.get(region).fallback
    reach = round_number * widen_by
    if reach < len(neighbours) + widen_by:
        return neighbours[:reach]
    return [org.id for org in directory if org.id != region]


def offer_candidates(
    directory: Directory,
    schedule: ServingLookup,
    *,
    chat: WaitingChat,
    round_number: int,
    widen_by: int,
    now: datetime,
) -> tuple[str, ...]:
    """Organisations whose advisors may claim the chat in this round, nearest first."""
    seen: dict[str, None] = {}
    for region in fallback_regions(
        directory, region=chat.region, round_number=round_number, widen_by=widen_by
    ):
        serving = schedule.serving_org(region, now)
        if serving is not None and serving != chat.org:
            seen.setdefault(serving, None)
    return tuple(seen)


def _max_round(directory: Directory, region: str, widen_by: int) -> int:
    # The first round that reaches national: the one after the round that
    # took in the last neighbour.
    return math.ceil(len(directory.get(region).fallback) / widen_by) + 1


def queue_positions(waiting: Iterable[WaitingChat]) -> dict[str, int]:
    """Position of every waiting chat in its organisation's queue (1 = next)."""
    queues: dict[str, list[WaitingChat]] = defaultdict(list)
    for chat in waiting:
        queues[chat.org].append(chat)
    positions: dict[str, int] = {}
    for chats in queues.values():
        for position, chat in enumerate(sorted(chats, key=lambda c: c.queued_at), start=1):
            positions[chat.session_id] = position
    return positions


def is_overflowing(
    chat: WaitingChat, *, position: int, staffing: Staffing, policy: RoutingPolicy, now: datetime
) -> bool:
    if now - chat.queued_at >= policy.fallback_after:
        return True
    expected = estimate_wait(position=position, staffing=staffing, mean_chat=policy.mean_chat)
    return expected is None or expected >= policy.fallback_after


def due_offers(
    *,
    waiting: Sequence[WaitingChat],
    staffing: Mapping[str, Staffing],
    directory: Directory,
    schedule: ServingLookup,
    policy: RoutingPolicy,
    now: datetime,
) -> list[Offer]:
    """The offers to make now: overflowing chats not offered, or offered too long ago."""
    positions = queue_positions(waiting)
    offers: list[Offer] = []
    for chat in sorted(waiting, key=lambda c: c.queued_at):
        if chat.reserved_for is not None:
            # Offered by language instead (`language_offer`), until the tick releases it.
            continue
        if chat.offered_at is not None and now - chat.offered_at < policy.reoffer_after:
            continue
        if not is_overflowing(
            chat,
            position=positions[chat.session_id],
            staffing=staffing.get(chat.org, Staffing()),
            policy=policy,
            now=now,
        ):
            continue
        # Skip rounds whose regions are all closed; the last round is national.
        last = max(chat.offer_round + 1, _max_round(directory, chat.region, policy.widen_by))
        for round_number in range(chat.offer_round + 1, last + 1):
            candidates = offer_candidates(
                directory,
                schedule,
                chat=chat,
                round_number=round_number,
                widen_by=policy.widen_by,
                now=now,
            )
            if candidates:
                offers.append(
                    Offer(
                        session_id=chat.session_id,
                        round=round_number,
                        previous_round=chat.offer_round,
                        region=chat.region,
                        org=chat.org,
                        candidates=candidates,
                    )
                )
                break
    return offers
