"""One instance, one listener: every open stream fed from a shared Firestore watch.

Production's server holds one thread per open stream, up to 500 per instance
(infra/functions.json). If each stream opened its own listeners, that would be
a thousand gRPC Listen streams and a thousand consumer threads on one client,
far past the hundred listeners per client Firestore advises (docs/platform.md).
So an instance listens once to every timeline entry written since shortly
before it started listening (a collection-group query on `messages` by
`createdAt`), once to the sessions whose signals changed since then (typing,
read: `signalAt`, vtchat.signals), once to the queue documents, and hands each
stream what belongs to its session or its organisation's queue.

Nothing falls between the listener and a stream: a stream subscribes first and
only then reads what it missed with one query; an entry committed meanwhile
comes both ways and the stream drops the second copy by its `seq`. Signals
likewise: a stream starts from its session as read when it opened, and the
instance keeps each session's latest signals (bounded, thinned as the window
rolls) to hand to a stream as it subscribes; the stream sends each `version`
once, in order. The signals watch bills a read for every write to a session
that signalled within the window (a message, a presence refresh too), but
hands on only a higher `signalVersion`.

The watch keeps every document it matches in memory and sorts them all for
each snapshot, so the window is rolled: every `window` a new listener starts
from a little before now, and the old one is closed once the new one has
caught up. A listener that dies is started again from the same point, so its
replacement brings whatever the dead one may have missed.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vtchat.logs import log
from vtchat.models import MessageDoc, SessionDoc
from vtchat.store import SESSIONS, Store, from_snapshot, where

Mailbox = queue.Queue[Any]


class QueueChanged:
    """An organisation's queue document changed: the waiting tickets, in order."""

    def __init__(self, waiting: list[str]) -> None:
        self.waiting = waiting


@dataclass(frozen=True)
class SignalsChanged:
    """A session's signals as the listener saw them: only the advisor's side.

    The visitor's own signals are never handed to a stream, which serves the
    visitor; the console reads them from the session document.
    """

    advisor_typing_until: datetime | None
    advisor_read_seq: int
    version: int
    signal_at: datetime | None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SignalsChanged:
        return cls(
            advisor_typing_until=data.get("advisorTypingUntil"),
            advisor_read_seq=int(data.get("advisorReadSeq") or 0),
            version=int(data.get("signalVersion") or 0),
            signal_at=data.get("signalAt"),
        )

    @classmethod
    def of(cls, session: SessionDoc) -> SignalsChanged:
        """The signals of a session as read (a stream's state when it opens)."""
        return cls(
            advisor_typing_until=session.advisor_typing_until,
            advisor_read_seq=session.advisor_read_seq,
            version=session.signal_version,
            signal_at=session.signal_at,
        )


# Sessions whose latest signals an instance keeps (for a stream that subscribes
# just after its session read): far more than the country's running chats.
_SIGNALS_KEPT = 5000


def _unordered(_a: Any, _b: Any) -> int:
    return 0


def listen(query: Any, callback: Any) -> Any:
    """`query.on_snapshot`, without the sort the fan-out never reads.

    python-firestore's Watch sorts every document it holds with a Python
    comparator on every snapshot (Watch.push). Measured at a few hundred
    documents that cost tens of milliseconds a message, and under a burst of
    200 the streams fell seconds behind. The fan-out reads only the changes,
    so the order may be any; an all-equal comparator makes the sort one pass.
    (A private attribute of google-cloud-firestore 2.34; the unit test
    tests/unit/test_fanout_watch.py fails if it changes.)
    """
    watch = query.on_snapshot(callback)
    watch._comparator = _unordered
    return watch


class _Listener:
    """The timeline entries and the signals written since `since`: two watches, one lifecycle."""

    def __init__(self, fanout: Fanout, since: datetime) -> None:
        self.since = since
        self.started = time.monotonic()
        self.caught_up = threading.Event()
        self._waiting_for = {"entries", "signals"}
        self._lock = threading.Lock()
        entries = fanout.client.collection_group("messages").where(
            filter=where("createdAt", ">=", since)
        )
        signals = fanout.client.collection(SESSIONS).where(filter=where("signalAt", ">=", since))
        self.watches = [
            listen(entries, fanout.on_entries(self)),
            listen(signals, fanout.on_signals(self)),
        ]

    def snapshot_seen(self, kind: str) -> None:
        """Caught up once both watches delivered their first snapshot."""
        with self._lock:
            self._waiting_for.discard(kind)
            if not self._waiting_for:
                self.caught_up.set()

    @property
    def is_active(self) -> bool:
        return all(watch.is_active for watch in self.watches)

    def close(self) -> None:
        for watch in self.watches:
            watch.unsubscribe()


class Fanout:
    """The instance's listeners and the streams they feed; thread-safe."""

    def __init__(
        self,
        store: Store,
        *,
        client: Any = None,
        # Short: the watch sorts every document it holds for each snapshot, so
        # it should hold only the last few minutes of the whole country's chats.
        window: timedelta = timedelta(minutes=2),
        overlap: timedelta = timedelta(minutes=1),
        check_every: float = 2.0,
    ) -> None:
        self.store = store
        # A client of its own: closing a listener never touches the channel
        # the requests' reads and commits use.
        self.client = client if client is not None else store.client
        self._window = window.total_seconds()
        self._overlap = overlap
        self._check_every = check_every
        self._lock = threading.Lock()
        self._sessions: dict[str, set[Mailbox]] = defaultdict(set)
        self._orgs: dict[str, set[Mailbox]] = defaultdict(set)
        self._waiting: dict[str, list[str]] = {}
        # The latest signals per session, oldest first (bounded, thinned on each roll).
        self._signals: dict[str, SignalsChanged] = {}
        self._listeners: list[_Listener] = []
        self._queue_watch: Any = None
        self._keeper: threading.Thread | None = None
        self._closed = threading.Event()
        # How often the window rolled and a dead listener was replaced (for tests and logs).
        self.rolls = 0
        self.restarts = 0

    # --- streams --------------------------------------------------------------------

    def subscribe(self, mailbox: Mailbox, *, session_id: str, org: str | None) -> None:
        """Feed `mailbox` the session's new entries, and `org`'s queue if given."""
        with self._lock:
            self._start_locked()
            self._sessions[session_id].add(mailbox)
            if session_id in self._signals:
                # Written after the stream read its session, perhaps.
                mailbox.put(self._signals[session_id])
            if org is not None:
                self._orgs[org].add(mailbox)
                if org in self._waiting:
                    mailbox.put(QueueChanged(self._waiting[org]))

    def unsubscribe(self, mailbox: Mailbox, *, session_id: str, org: str | None) -> None:
        with self._lock:
            self._drop(self._sessions, session_id, mailbox)
            if org is not None:
                self._drop(self._orgs, org, mailbox)

    def leave_queue(self, mailbox: Mailbox, *, org: str) -> None:
        """The stream's chat is no longer waiting: no more queue updates for it."""
        with self._lock:
            self._drop(self._orgs, org, mailbox)

    @staticmethod
    def _drop(table: dict[str, set[Mailbox]], key: str, mailbox: Mailbox) -> None:
        boxes = table.get(key)
        if boxes is not None:
            boxes.discard(mailbox)
            if not boxes:
                del table[key]

    @property
    def streams(self) -> int:
        with self._lock:
            return sum(len(boxes) for boxes in self._sessions.values())

    # --- listeners ------------------------------------------------------------------

    def _start_locked(self) -> None:
        if self._keeper is not None:
            return
        self._listeners.append(_Listener(self, self._since()))
        self._queue_watch = listen(self.client.collection("queues"), self._on_queues)
        self._keeper = threading.Thread(target=self._keep, name="vtchat-fanout", daemon=True)
        self._keeper.start()

    def _since(self) -> datetime:
        # Server timestamps against this instance's clock: the overlap covers skew.
        return datetime.now(UTC) - self._overlap

    def on_entries(self, listener: _Listener) -> Any:
        def on_snapshot(_docs: Any, changes: Any, _read_time: Any) -> None:
            added = [c.document for c in changes if c.type.name == "ADDED"]
            self.store.count_listener_reads(len(added))
            for document in added:
                session = document.reference.parent.parent
                if session is None or session.parent.id != "sessions":
                    continue
                with self._lock:
                    boxes = list(self._sessions.get(session.id, ()))
                if not boxes:
                    continue
                try:
                    entry: MessageDoc | Exception = from_snapshot(MessageDoc, document)
                except ValueError as e:
                    # The stream ends rather than skip it; the client resumes.
                    entry = e
                for box in boxes:
                    box.put(entry)
            listener.snapshot_seen("entries")

        return on_snapshot

    def on_signals(self, listener: _Listener) -> Any:
        def on_snapshot(_docs: Any, changes: Any, _read_time: Any) -> None:
            changed = [c.document for c in changes if c.type.name in ("ADDED", "MODIFIED")]
            self.store.count_listener_reads(len(changed))
            for document in changed:
                data = document.to_dict() or {}
                if "signalAt" not in data:
                    continue
                signals = SignalsChanged.from_data(data)
                with self._lock:
                    if not self._keep_signals(document.id, signals):
                        continue
                    boxes = list(self._sessions.get(document.id, ()))
                for box in boxes:
                    box.put(signals)
            listener.snapshot_seen("signals")

        return on_snapshot

    def _keep_signals(self, session_id: str, signals: SignalsChanged) -> bool:
        """Keep the newest signals of a session; False for a copy or an older version."""
        kept = self._signals.pop(session_id, None)
        if kept is not None and kept.version >= signals.version:
            self._signals[session_id] = kept
            return False
        self._signals[session_id] = signals
        if len(self._signals) > _SIGNALS_KEPT:
            del self._signals[next(iter(self._signals))]
        return True

    def _on_queues(self, docs: Any, changes: Any, _read_time: Any) -> None:
        self.store.count_listener_reads(len(changes))
        for change in changes:
            if change.type.name == "REMOVED":
                continue
            org = change.document.id
            waiting = [str(t) for t in (change.document.to_dict() or {}).get("waiting", [])]
            with self._lock:
                self._waiting[org] = waiting
                boxes = list(self._orgs.get(org, ()))
            for box in boxes:
                box.put(QueueChanged(waiting))

    def _keep(self) -> None:
        """Roll the window and replace a listener that died; never raises."""
        while not self._closed.wait(self._check_every):
            try:
                self._roll()
            except Exception as e:  # noqa: BLE001 - the keeper must outlive any one failure
                log("ERROR", "fanout_keeper_failed", error=type(e).__name__)

    def close(self) -> None:
        """Stop listening (tests; an instance's listeners end with it)."""
        self._closed.set()
        with self._lock:
            listeners, self._listeners = self._listeners, []
            queue_watch, self._queue_watch = self._queue_watch, None
        for listener in listeners:
            listener.close()
        if queue_watch is not None:
            queue_watch.unsubscribe()

    def _roll(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
            queue_watch = self._queue_watch
        if not listeners:
            return
        newest = listeners[-1]
        if not newest.is_active:
            log("WARNING", "fanout_listener_restarted")
            self.restarts += 1
            self._replace(listeners, _Listener(self, min(lis.since for lis in listeners)))
            return
        if queue_watch is not None and not queue_watch.is_active:
            log("WARNING", "fanout_queue_listener_restarted")
            with self._lock:
                self._queue_watch = listen(self.client.collection("queues"), self._on_queues)
        if len(listeners) == 1 and time.monotonic() - newest.started >= self._window:
            with self._lock:
                self._listeners.append(_Listener(self, self._since()))
                self.rolls += 1
        elif len(listeners) > 1 and newest.caught_up.is_set():
            self._replace(listeners[:-1], None)

    def _replace(self, old: list[_Listener], new: _Listener | None) -> None:
        with self._lock:
            if new is not None:
                self._listeners.append(new)
            self._listeners = [lis for lis in self._listeners if lis not in old]
            # Signals older than every remaining listener's window: no stream
            # can still be between its session read and its subscription.
            if self._listeners:
                since = min(lis.since for lis in self._listeners)
                self._signals = {
                    k: v
                    for k, v in self._signals.items()
                    if v.signal_at is not None and v.signal_at >= since
                }
        for listener in old:
            listener.close()
