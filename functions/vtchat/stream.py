"""The visitor's server-sent-events stream of their chat's timeline.

One query delivers the entries missed since `Last-Event-ID`, then the
instance's shared listener (vtchat.fanout) the new ones as they commit, so a
reconnect costs only the entries it missed and an open stream costs no
listener of its own. Entries are emitted strictly in `seq` order without gaps:
an entry that arrives early waits for the ones before it, and one that comes
twice is sent once. The advisor's signals (vtchat.signals) come the same way,
outside the timeline: once right after the replay, from the session as read
at the start, then each newer version from the listener.
"""

from __future__ import annotations

import json
import queue
import re
import time
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta

from google.api_core import exceptions as api_exceptions

from vtchat import presence, queueing
from vtchat.access import TAKEN_OVER, read_session, require_current_token
from vtchat.errors import BadRequest, NotFound, declare
from vtchat.fanout import QueueChanged, SignalsChanged
from vtchat.logs import log
from vtchat.models import MessageDoc, QueueUpdate, SessionDoc, SignalUpdate, VisitorEvent
from vtchat.routing import (
    estimate_reserved_wait,
    estimate_wait,
    reserved_language,
    wait_minutes,
)
from vtchat.services import Services
from vtchat.store import from_snapshot, where
from vtchat.tokens import SessionClaim

# The error codes raised here (vtchat.openapi describes them).
BAD_LAST_EVENT_ID = declare(
    "bad_last_event_id",
    BadRequest,
    "Last-Event-ID is not a number of this chat's timeline",
)

_MAX_EVENT_ID = 10**9
_EVENT_ID = re.compile(r"[0-9]{1,10}")
# Client reconnect delay suggested to the browser (ms).
RETRY_MS = 2000


def parse_last_event_id(raw: str | None) -> int:
    if raw is None or raw.strip() == "":
        return 0
    # Only the ids this stream sends: int() alone would also take "+1", "1_0" and
    # non-ASCII digits.
    if not _EVENT_ID.fullmatch(raw.strip()):
        raise BadRequest("Ongeldige Last-Event-ID.", code=BAD_LAST_EVENT_ID)
    value = int(raw.strip())
    if value > _MAX_EVENT_ID:
        raise BadRequest("Ongeldige Last-Event-ID.", code=BAD_LAST_EVENT_ID)
    return value


def format_event(event: VisitorEvent) -> str:
    data = json.dumps(event.model_dump(mode="json", by_alias=True, exclude_none=True))
    return f"id: {event.seq}\nevent: {event.type}\ndata: {data}\n\n"


def open_stream(
    svc: Services, *, session_id: str, after: int, claim: SessionClaim | None = None
) -> Iterator[str] | None:
    """Check the session and return the stream, or None when nothing can follow."""
    session = read_session(svc.store, session_id)
    if claim is not None:
        require_current_token(claim, session)
    if after > session.seq:
        raise BadRequest("Ongeldige Last-Event-ID.", code=BAD_LAST_EVENT_ID)
    if session.state == "ended" and after >= session.seq:
        return None
    return _seated(
        svc, session_id, _follow(svc, session_id=session_id, session=session, after=after)
    )


def _seated(svc: Services, session_id: str, stream: Generator[str, None, None]) -> Iterator[str]:
    """The stream, if this chat has fewer than `streams_per_session` open on this instance.

    One token could otherwise hold hundreds of streams, each a server thread
    (docs/platform.md). A real visitor has one, two while a reconnect
    overlaps the stream it replaces; the refused one is told and closed.
    """
    if not svc.stream_seats.take(session_id):
        log("WARNING", "stream_refused", reason="too_many_streams")
        stream.close()
        yield f"retry: {RETRY_MS * 5}\n\n"
        yield 'event: busy\ndata: {"code": "too_many_streams"}\n\n'
        return
    try:
        yield from stream
    finally:
        svc.stream_seats.give_back(session_id)


def _record_seen(svc: Services, session_id: str) -> float:
    """Refresh the visitor's last-seen time; a failed write only delays the next one."""
    try:
        presence.visitor_seen(svc, session_id=session_id)
    except (api_exceptions.GoogleAPICallError, NotFound) as e:
        log("WARNING", "presence_not_recorded", sessionId=session_id, reason=type(e).__name__)
    return time.monotonic()


def format_queue_update(update: QueueUpdate) -> str:
    # No `id:` line: the browser keeps the last timeline id for Last-Event-ID.
    data = json.dumps(update.model_dump(mode="json", by_alias=True))
    return f"event: queue\ndata: {data}\n\n"


def format_signals(update: SignalUpdate) -> str:
    # No `id:` line either: signals are not part of the timeline.
    data = json.dumps(update.model_dump(mode="json", by_alias=True))
    return f"event: signals\ndata: {data}\n\n"


def format_revoked() -> str:
    """The last event of a stream whose token a resume elsewhere retired."""
    data = json.dumps({"code": "token_revoked", "message": TAKEN_OVER})
    return f"event: revoked\ndata: {data}\n\n"


def _taken_over(entry: MessageDoc, opened_at_seq: int) -> bool:
    # A resume committed after this stream checked its token: the token is
    # an earlier generation now. (Earlier resumes are history in the replay.)
    return entry.kind == "system" and entry.event == "resumed" and entry.seq > opened_at_seq


class _QueuePlace:
    """The waiting visitor's place, from their organisation's queue document."""

    def __init__(self, svc: Services, session: SessionDoc) -> None:
        self._svc = svc
        self._org = session.org
        self._ticket = session.ticket
        # Kept for its language (vtchat.language) until the tick releases it.
        self._language = reserved_language(session)
        self._language_until = session.language_until
        self._waiting: list[str] | None = None
        self.last_sent: QueueUpdate | None = None
        self.done = session.state != "waiting" or session.ticket is None

    @property
    def org(self) -> str | None:
        """The organisation whose queue the stream follows, while it waits."""
        return None if self.done else self._org

    def update(self, waiting: list[str] | None = None) -> QueueUpdate | None:
        """The update to send, if the place or the estimate changed."""
        if waiting is not None:
            self._waiting = waiting
        if self.done or self._waiting is None or self._ticket is None:
            return None
        place = queueing.position(self._waiting, self._ticket)
        if place is None:
            return None
        wait = wait_minutes(self._estimate(place))
        update = QueueUpdate(position=place, estimated_wait_minutes=wait)
        if update == self.last_sent:
            return None
        self.last_sent = update
        return update

    def release(self) -> None:
        """The chat is no longer kept for its language: any advisor of its queue may take it."""
        self._language = None

    def _estimate(self, place: int) -> timedelta | None:
        board, mean_chat = self._svc.status_board, self._svc.settings.mean_chat
        own = board.staffing(self._org)
        if self._language is None or self._language_until is None:
            return estimate_wait(position=place, staffing=own, mean_chat=mean_chat)
        return estimate_reserved_wait(
            position=place,
            speakers=board.speaking(self._language),
            own=own,
            mean_chat=mean_chat,
            released_in=self._language_until - datetime.now(UTC),
        )


class _AdvisorSignals:
    """The advisor's typing and read mark as this stream told them: each version once, in order."""

    def __init__(self, at_open: SignalsChanged) -> None:
        self._at_open = at_open
        self._version = at_open.version
        self._told: tuple[object, int] | None = None

    def first(self) -> SignalUpdate:
        """The state as read when the stream opened: sent right after the replay."""
        return self._tell(self._at_open)

    def update(self, signals: SignalsChanged) -> SignalUpdate | None:
        """The update to send, if the version grew and the advisor's side changed."""
        if signals.version <= self._version:
            return None
        self._version = signals.version
        if (signals.advisor_typing_until, signals.advisor_read_seq) == self._told:
            return None  # the visitor's own signals moved the version on
        return self._tell(signals)

    def _tell(self, signals: SignalsChanged) -> SignalUpdate:
        until = signals.advisor_typing_until
        self._told = (until, signals.advisor_read_seq)
        return SignalUpdate(
            advisor_typing=until is not None and until > datetime.now(UTC),
            advisor_read_seq=signals.advisor_read_seq,
            version=signals.version,
        )


def _missed(svc: Services, session_id: str, after: int) -> list[MessageDoc]:
    """The entries after `after` already stored: one query, then the shared listener."""
    store = svc.store
    query = store.messages(session_id).where(filter=where("seq", ">", after)).order_by("seq")
    found = store.query(query)
    store.count_listener_reads(len(found))
    return [from_snapshot(MessageDoc, snap) for snap in found]


def _follow(
    svc: Services, *, session_id: str, session: SessionDoc, after: int
) -> Generator[str, None, None]:
    # A generator itself, so that nothing (not even the subscription) starts
    # before the response does.
    yield from _Follower(svc, session_id=session_id, session=session, after=after).run()


class _Follower:
    """One open stream: what it sent, what waits for its turn, and why it closes."""

    def __init__(self, svc: Services, *, session_id: str, session: SessionDoc, after: int) -> None:
        self.svc = svc
        self.session_id = session_id
        self.after = after
        self.opened_at_seq = session.seq
        self.mailbox: queue.Queue[MessageDoc | Exception | QueueChanged | SignalsChanged] = (
            queue.Queue()
        )
        self.place = _QueuePlace(svc, session)
        self.signals = _AdvisorSignals(SignalsChanged.of(session))
        self.queue_org = self.place.org
        self.pending: dict[int, MessageDoc] = {}
        self.next_seq = after + 1
        self.sent = 0
        # An ended chat's stream only delivers what the visitor missed.
        self.tracks_presence = session.state != "ended"
        # Set when this side closes the stream; otherwise the visitor's side
        # closed it, and (while presence is tracked) they dropped.
        self.closing = False

    def run(self) -> Generator[str, None, None]:
        """Set up, replay what was missed, then follow until one side closes."""
        settings = self.svc.settings
        # Subscribe before reading what was missed: an entry committed in between
        # arrives both ways, and the second copy is dropped by its seq.
        self.svc.fanout.subscribe(self.mailbox, session_id=self.session_id, org=self.queue_org)
        deadline = time.monotonic() + settings.stream_max_duration.total_seconds()
        keepalive = settings.stream_keepalive.total_seconds()
        presence_refresh = settings.visitor_seen_refresh.total_seconds()
        seen_at = _record_seen(self.svc, self.session_id) if self.tracks_presence else 0.0
        try:
            missed = _missed(self.svc, self.session_id, self.after)
            yield f"retry: {RETRY_MS}\n\n"
            for entry in missed:
                if self.closing:
                    break
                yield from self._handle(entry)
            if not self.closing:
                # Right after the replay: a reconnect brings the current state.
                yield format_signals(self.signals.first())
            while not self.closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    # The browser reconnects at once: not a drop.
                    self.closing = True
                    return
                if self.tracks_presence and time.monotonic() - seen_at >= presence_refresh:
                    seen_at = _record_seen(self.svc, self.session_id)
                try:
                    item = self.mailbox.get(timeout=min(keepalive, remaining))
                except queue.Empty:
                    # Advisors coming and going change the estimate, not the place.
                    refreshed = self.place.update()
                    yield format_queue_update(refreshed) if refreshed else ": keep-alive\n\n"
                    continue
                yield from self._handle(item)
        finally:
            self.svc.fanout.unsubscribe(
                self.mailbox, session_id=self.session_id, org=self.queue_org
            )
            if self.tracks_presence and not self.closing:
                presence.visitor_dropped(self.svc, session_id=self.session_id)
            log(
                "INFO",
                "stream_closed",
                sessionId=self.session_id,
                events=self.sent,
                lastSeq=self.next_seq - 1,
            )

    def _handle(
        self, item: MessageDoc | Exception | QueueChanged | SignalsChanged
    ) -> Iterator[str]:
        """One item of the mailbox: a queue change, signals, a listener error or an entry."""
        if isinstance(item, SignalsChanged):
            told = self.signals.update(item)
            if told is not None:
                yield format_signals(told)
            return
        if isinstance(item, QueueChanged):
            changed = self.place.update(item.waiting)
            if changed is not None:
                yield format_queue_update(changed)
            return
        if isinstance(item, Exception):
            log(
                "ERROR",
                "stream_entry_unreadable",
                sessionId=self.session_id,
                error=type(item).__name__,
            )
            self.closing = True
            return
        if item.seq < self.next_seq:
            return  # the second copy of an entry already sent
        self.pending[item.seq] = item
        # Strictly in seq order: an entry that came early waits for those before it.
        while self.next_seq in self.pending and not self.closing:
            entry = self.pending.pop(self.next_seq)
            self.next_seq += 1
            self.sent += 1
            yield format_event(VisitorEvent.from_doc(entry))
            yield from self._after_sent(entry)

    def _after_sent(self, entry: MessageDoc) -> Iterator[str]:
        """What a sent entry changes for the stream: revoked, out of the queue, or closing."""
        if _taken_over(entry, self.opened_at_seq):
            yield format_revoked()
            self.closing = True
            return
        if entry.kind != "system":
            return
        if entry.event == "language_unmatched":
            self.place.release()
            changed = self.place.update()
            if changed is not None:
                yield format_queue_update(changed)
        if entry.event in ("assigned", "ended"):
            self.place.done = True
            if self.queue_org is not None:
                # Out of the queue: its changes no longer wake this stream.
                self.svc.fanout.leave_queue(self.mailbox, org=self.queue_org)
                self.queue_org = None
        # Back in a queue after `advisor_lost`, `reassigned` or a transfer:
        # the reconnect brings the queue place with it.
        if entry.event in ("ended", "advisor_lost", "reassigned", "transferred"):
            self.closing = True
