"""One instance, one listener: every open stream fed from a shared Firestore watch.

Production's server holds one thread per open stream, up to 500 per instance
(infra/functions.json). If each stream opened its own listeners, that would be
a thousand gRPC Listen streams and a thousand consumer threads on one client,
far past the hundred listeners per client Firestore advises (docs/platform.md).
So an instance listens once to every timeline entry written since shortly
before it started listening (a collection-group query on `messages` by
`createdAt`), once to the queue documents, and hands each stream what belongs
to its session or its organisation's queue.

Nothing falls between the listener and a stream: a stream subscribes first and
only then reads what it missed with one query; an entry committed meanwhile
comes both ways and the stream drops the second copy by its `seq`.

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
from datetime import UTC, datetime, timedelta
from typing import Any

from vtchat.logs import log
from vtchat.models import MessageDoc
from vtchat.store import Store, from_snapshot, where

Mailbox = queue.Queue[Any]


class QueueChanged:
    """An organisation's queue document changed: the waiting tickets, in order."""

    def __init__(self, waiting: list[str]) -> None:
        self.waiting = waiting


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
    def __init__(self, fanout: Fanout, since: datetime) -> None:
        self.since = since
        self.started = time.monotonic()
        self.caught_up = threading.Event()
        query = fanout.client.collection_group("messages").where(
            filter=where("createdAt", ">=", since)
        )
        self.watch = listen(query, fanout.on_entries(self))

    def close(self) -> None:
        self.watch.unsubscribe()


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
            listener.caught_up.set()

        return on_snapshot

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
        if not newest.watch.is_active:
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
        for listener in old:
            listener.close()
