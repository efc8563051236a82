"""The visitor's server-sent-events stream of their chat's timeline.

One query delivers the entries missed since `Last-Event-ID`, then the
instance's shared listener (vtchat.fanout) the new ones as they commit, so a
reconnect costs only the entries it missed and an open stream costs no
listener of its own. Entries are emitted strictly in `seq` order without gaps:
an entry that arrives early waits for the ones before it, and one that comes
twice is sent once.
"""

from __future__ import annotations

import json
import queue
import re
import time
from collections.abc import Generator, Iterator

from google.api_core import exceptions as api_exceptions

from vtchat import presence, queueing
from vtchat.access import TAKEN_OVER, read_session, require_current_token
from vtchat.errors import BadRequest, NotFound, declare
from vtchat.fanout import QueueChanged
from vtchat.logs import log
from vtchat.models import MessageDoc, QueueUpdate, SessionDoc, VisitorEvent
from vtchat.routing import estimate_wait, wait_minutes
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
        wait = estimate_wait(
            position=place,
            staffing=self._svc.status_board.staffing(self._org),
            mean_chat=self._svc.settings.mean_chat,
        )
        update = QueueUpdate(position=place, estimated_wait_minutes=wait_minutes(wait))
        if update == self.last_sent:
            return None
        self.last_sent = update
        return update


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
    fanout = svc.fanout
    mailbox: queue.Queue[MessageDoc | Exception | QueueChanged] = queue.Queue()
    place = _QueuePlace(svc, session)
    queue_org = place.org
    # Subscribe before reading what was missed: an entry committed in between
    # arrives both ways, and the second copy is dropped by its seq below.
    fanout.subscribe(mailbox, session_id=session_id, org=queue_org)
    started = time.monotonic()
    deadline = started + svc.settings.stream_max_duration.total_seconds()
    keepalive = svc.settings.stream_keepalive.total_seconds()
    presence_refresh = svc.settings.visitor_seen_refresh.total_seconds()
    pending: dict[int, MessageDoc] = {}
    next_seq = after + 1
    sent = 0
    # An ended chat's stream only delivers what the visitor missed.
    tracks_presence = session.state != "ended"
    seen_at = _record_seen(svc, session_id) if tracks_presence else 0.0
    # False while the visitor's side may close the stream: then they dropped.
    closed_by_us = not tracks_presence
    try:
        for entry in _missed(svc, session_id, after):
            mailbox.put(entry)
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # The browser reconnects at once: not a drop.
                closed_by_us = True
                return
            if tracks_presence and time.monotonic() - seen_at >= presence_refresh:
                seen_at = _record_seen(svc, session_id)
            try:
                item = mailbox.get(timeout=min(keepalive, remaining))
            except queue.Empty:
                # Advisors coming and going change the estimate, not the place.
                refreshed = place.update()
                yield format_queue_update(refreshed) if refreshed else ": keep-alive\n\n"
                continue
            if isinstance(item, QueueChanged):
                changed = place.update(item.waiting)
                if changed is not None:
                    yield format_queue_update(changed)
                continue
            if isinstance(item, Exception):
                log(
                    "ERROR",
                    "stream_entry_unreadable",
                    sessionId=session_id,
                    error=type(item).__name__,
                )
                closed_by_us = True
                return
            if item.seq < next_seq:
                continue  # the second copy of an entry already sent
            pending[item.seq] = item
            while next_seq in pending:
                entry = pending.pop(next_seq)
                next_seq += 1
                sent += 1
                yield format_event(VisitorEvent.from_doc(entry))
                if _taken_over(entry, session.seq):
                    yield format_revoked()
                    closed_by_us = True
                    return
                if entry.kind == "system" and entry.event in ("assigned", "ended"):
                    place.done = True
                    if queue_org is not None:
                        # Out of the queue: its changes no longer wake this stream.
                        fanout.leave_queue(mailbox, org=queue_org)
                        queue_org = None
                # Back in a queue after `advisor_lost` or a transfer: the
                # reconnect brings the queue place with it.
                if entry.kind == "system" and entry.event in (
                    "ended",
                    "advisor_lost",
                    "transferred",
                ):
                    closed_by_us = True
                    return
    finally:
        fanout.unsubscribe(mailbox, session_id=session_id, org=queue_org)
        if not closed_by_us:
            presence.visitor_dropped(svc, session_id=session_id)
        log("INFO", "stream_closed", sessionId=session_id, events=sent, lastSeq=next_seq - 1)
