"""Typing, read, received and the discreet pause: what one side of a chat tells the other.

Never any text: only that someone types (until a time a few seconds ahead),
how far each side has read or received the timeline, and whether the visitor
has covered the chat. One field per side on the session document, which the
console already listens to and each stream instance follows with one listener
(vtchat.fanout). A signal costs the session read that checks the caller, and
at most one write:

- typing is written at most once per `typing_every` (5 s) per side: the
  stored "until" shows when it was written, so a flood of calls writes once;
  `typing: false` clears it while it still shows;
- a seq only when it grows, and never beyond the end of the timeline;
- the pause only when it changes, and no sooner than `pause_every` after its
  last change (else 429 with Retry-After: the widget tries again).

Every write sets `signalAt` (what the listeners follow) and adds one to
`signalVersion` (by which a stream sends each state once, in order). The
write is conditional on the session being unchanged since the read, so two
racing calls cannot both pass the checks: the loser reads again
(store.run_optimistic). No transaction: no BeginTransaction round trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from google.cloud.firestore import Increment

from vtchat.access import require_current_token
from vtchat.errors import NOT_YOUR_CHAT, Forbidden, NotFound, RateLimited, declare
from vtchat.models import SessionDoc, SignalAccepted, SignalRequest, Staff
from vtchat.models.writes import SessionUpdate
from vtchat.services import Services
from vtchat.settings import Settings
from vtchat.store import from_snapshot
from vtchat.tokens import SessionClaim

SIGNAL_NOT_YOURS = declare(
    "signal_not_yours",
    Forbidden,
    "a signal of the other side: the visitor sends typing, receivedSeq and paused, "
    "an advisor typing and readSeq",
)

_NOT_YOURS = "Dit signaal hoort bij de andere kant van het gesprek."
_NOT_ASSIGNED = "Dit gesprek is niet aan jou toegewezen."
_TOGGLING = "Je wisselt snel tussen pauze en chat. Probeer het zo opnieuw."


def from_visitor(
    svc: Services, *, claim: SessionClaim, request: SignalRequest, now: datetime | None = None
) -> SignalAccepted:
    """The visitor's typing, received seq or pause; `claim` is bound to the session already."""
    if request.read_seq is not None:
        raise Forbidden(_NOT_YOURS, code=SIGNAL_NOT_YOURS)
    return _store(svc, _Signal(svc.settings, request, now or datetime.now(UTC), claim=claim))


def from_advisor(
    svc: Services, *, staff: Staff, request: SignalRequest, now: datetime | None = None
) -> SignalAccepted:
    """The assigned advisor's typing or read seq (a supervisor takes the chat over first)."""
    if request.received_seq is not None or request.paused is not None:
        raise Forbidden(_NOT_YOURS, code=SIGNAL_NOT_YOURS)
    return _store(svc, _Signal(svc.settings, request, now or datetime.now(UTC), staff=staff))


def _store(svc: Services, signal: _Signal) -> SignalAccepted:
    store = svc.store

    def attempt() -> SignalAccepted:
        ref = store.session(signal.request.session_id)
        snapshot = store.get(ref)
        if not snapshot.exists:
            raise NotFound()
        update = signal.changes(from_snapshot(SessionDoc, snapshot))
        if not update:
            return SignalAccepted(written=False)
        update |= {"signalAt": signal.now, "signalVersion": Increment(1)}
        batch = store.batch()
        # Lost to another writer of the session: read again and decide again.
        store.update(batch, ref, update, unchanged_since=snapshot)
        batch.commit()
        return SignalAccepted(written=True)

    return store.run_optimistic(attempt)


@dataclass(frozen=True)
class _Signal:
    """One call's signals, and what they change on the session as read (pure)."""

    config: Settings
    request: SignalRequest
    now: datetime
    claim: SessionClaim | None = None
    staff: Staff | None = None

    def changes(self, session: SessionDoc) -> SessionUpdate:
        """The fields to write; empty when nothing changes. Refuses a caller not on the chat."""
        if self.claim is not None:
            require_current_token(self.claim, session)
        if self.staff is not None and session.advisor_uid != self.staff.uid:
            raise Forbidden(_NOT_ASSIGNED, code=NOT_YOUR_CHAT)
        update: SessionUpdate = {}
        if session.state == "ended":
            return update
        if self.request.paused is not None:
            # Also while waiting: whoever takes the chat sees it at once.
            update |= self._pause(session, self.request.paused)
        if session.state != "active":
            # Typing or reading while nobody is on the other side.
            return update
        if self.staff is None:
            paused = update.get("visitorPaused", session.visitor_paused)
            update |= self._visitor(session, paused=paused)
        else:
            update |= self._advisor(session)
        return update

    def _visitor(self, session: SessionDoc, *, paused: bool) -> SessionUpdate:
        update: SessionUpdate = {}
        # A covered chat types nothing (it may still receive: the widget keeps it).
        typing = None if paused else self.request.typing
        until = _typing(session.visitor_typing_until, typing, self.now, self.config)
        if until is not None:
            update["visitorTypingUntil"] = until.value
        seq = _grown(session.visitor_received_seq, self.request.received_seq, session.seq)
        if seq is not None:
            update["visitorReceivedSeq"] = seq
        return update

    def _advisor(self, session: SessionDoc) -> SessionUpdate:
        update: SessionUpdate = {}
        until = _typing(session.advisor_typing_until, self.request.typing, self.now, self.config)
        if until is not None:
            update["advisorTypingUntil"] = until.value
        seq = _grown(session.advisor_read_seq, self.request.read_seq, session.seq)
        if seq is not None:
            update["advisorReadSeq"] = seq
        return update

    def _pause(self, session: SessionDoc, paused: bool) -> SessionUpdate:
        if paused == session.visitor_paused:
            return {}
        last = session.visitor_paused_at
        if last is not None and self.now - last < self.config.pause_every:
            wait = (last + self.config.pause_every - self.now).total_seconds()
            raise RateLimited(_TOGGLING, retry_after_seconds=max(1, math.ceil(wait)))
        update: SessionUpdate = {"visitorPaused": paused, "visitorPausedAt": self.now}
        if paused and _showing(session.visitor_typing_until, self.now):
            # A covered chat types nothing.
            update["visitorTypingUntil"] = None
        return update


@dataclass(frozen=True)
class _Until:
    value: datetime | None


def _showing(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now


def _typing(
    stored: datetime | None, typing: bool | None, now: datetime, config: Settings
) -> _Until | None:
    """The new "typing until" to write, or None to write nothing."""
    if typing is None:
        return None
    if not typing:
        return _Until(None) if _showing(stored, now) else None
    # Written less than `typing_every` ago: it still shows long enough.
    if stored is not None and stored > now + config.typing_ttl - config.typing_every:
        return None
    return _Until(now + config.typing_ttl)


def _grown(stored: int, asked: int | None, end: int) -> int | None:
    """The seq to write: only forward, and never past the last entry of the timeline."""
    if asked is None:
        return None
    value = min(asked, end)
    return value if value > stored else None
