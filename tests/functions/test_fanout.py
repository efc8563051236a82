"""The instance's shared listener (vtchat.fanout) on the Firestore emulator.

It must hand every new entry to the streams of its session and no other, keep
doing so across the rolled windows, and bring back whatever a listener that
died may have missed.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from google.cloud import firestore

from tests.support import Functions, new_id, wait_until
from vtchat.fanout import Fanout, QueueChanged
from vtchat.models import MessageDoc

pytestmark = pytest.mark.emulators


@pytest.fixture
def fanouts() -> Iterator[list[Fanout]]:
    """Every Fanout a test makes is closed after it."""
    made: list[Fanout] = []
    yield made
    for fanout in made:
        fanout.close()


def post(functions: Functions, chat: dict[str, Any], text: str) -> int:
    body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": text}
    response = functions.post("messages", body, token=chat["token"])
    for attempt in range(3):
        if response.status_code != 503:
            break
        # As the widget does after a transient error (an emulator under load
        # cancels calls): the same message id again, stored once.
        time.sleep(0.2 * 2**attempt)
        response = functions.post("messages", body, token=chat["token"])
    assert response.status_code in (200, 201), response.get_json()
    return int(response.get_json()["seq"])


def drain(
    mailbox: queue.Queue[Any],
    want: set[int],
    timeout: float = 10.0,
    *,
    taken: list[MessageDoc] | None = None,
) -> set[int]:
    """The seqs of the entries taken off the mailbox (kept in `taken` when given)
    until all of `want` had arrived."""
    seen: set[int] = set()

    def arrived() -> bool:
        try:
            item = mailbox.get(timeout=0.1)
        except queue.Empty:
            return False
        if isinstance(item, MessageDoc):
            seen.add(item.seq)
            if taken is not None:
                taken.append(item)
        return want <= seen

    wait_until(arrived, f"entries {sorted(want)} on the mailbox", timeout, every=0)
    return seen


def test_entries_reach_their_own_session_only(
    functions: Functions, svc: Any, fanouts: list[Fanout]
) -> None:
    fanout = Fanout(svc.store, client=firestore.Client(project=svc.settings.project_id))
    fanouts.append(fanout)
    mine, theirs = functions.intake(), functions.intake()
    box: queue.Queue[Any] = queue.Queue()
    fanout.subscribe(box, session_id=mine["sessionId"], org=None)
    other: queue.Queue[Any] = queue.Queue()
    fanout.subscribe(other, session_id=theirs["sessionId"], org=None)
    fanout.unsubscribe(other, session_id=theirs["sessionId"], org=None)
    # A stream still open on their session: it hearing their entry shows the
    # listener has handed that entry out, so a stray copy would be out too.
    witness: queue.Queue[Any] = queue.Queue()
    fanout.subscribe(witness, session_id=theirs["sessionId"], org=None)
    their_seq = post(functions, theirs, "niet voor mij")
    assert their_seq in drain(witness, {their_seq})
    # Ours comes after it, in a later snapshot: the one that carried theirs is done.
    seq = post(functions, mine, "voor mij")
    heard: list[MessageDoc] = []
    assert seq in drain(box, {seq}, taken=heard)
    heard += [i for i in list(box.queue) if isinstance(i, MessageDoc)]
    # Only ours, if perhaps twice (two listeners overlap while the window rolls).
    assert {i.text for i in heard if i.kind == "text"} == {"voor mij"}
    assert other.empty()
    fanout.unsubscribe(witness, session_id=theirs["sessionId"], org=None)
    assert fanout.streams == 1


def test_nothing_is_lost_across_rolled_windows(
    functions: Functions, svc: Any, fanouts: list[Fanout]
) -> None:
    fanout = Fanout(
        svc.store,
        client=firestore.Client(project=svc.settings.project_id),
        window=timedelta(seconds=0.6),
        check_every=0.1,
    )
    fanouts.append(fanout)
    chat = functions.intake()
    box: queue.Queue[Any] = queue.Queue()
    fanout.subscribe(box, session_id=chat["sessionId"], org=None)
    sent = set()
    for n in range(12):
        sent.add(post(functions, chat, f"bericht {n}"))
        assert len(fanout._listeners) <= 2
        time.sleep(0.2)
    assert drain(box, sent) >= sent
    assert fanout.rolls >= 2, "the window never rolled"


def test_a_listener_that_dies_is_replaced_and_brings_what_it_missed(
    functions: Functions, svc: Any, fanouts: list[Fanout]
) -> None:
    fanout = Fanout(
        svc.store, client=firestore.Client(project=svc.settings.project_id), check_every=0.1
    )
    fanouts.append(fanout)
    chat = functions.intake()
    box: queue.Queue[Any] = queue.Queue()
    fanout.subscribe(box, session_id=chat["sessionId"], org=None)
    first = post(functions, chat, "voor de storing")
    assert first in drain(box, {first})
    dead = fanout._listeners[-1]
    dead.close()  # as a non-recoverable stream error would leave it
    during = post(functions, chat, "tijdens de storing")
    assert during in drain(box, {during})
    assert dead not in fanout._listeners
    assert fanout.restarts == 1


def test_queue_changes_reach_the_waiting_streams_of_that_organisation(
    functions: Functions, svc: Any, fanouts: list[Fanout]
) -> None:
    fanout = Fanout(svc.store, client=firestore.Client(project=svc.settings.project_id))
    fanouts.append(fanout)
    waiting = functions.intake(region="utrecht")
    box: queue.Queue[Any] = queue.Queue()
    fanout.subscribe(box, session_id=waiting["sessionId"], org="utrecht")
    assert queue_lengths(box, until=1) == 1
    functions.intake(region="utrecht")
    assert queue_lengths(box, until=2) == 2


def queue_lengths(box: queue.Queue[Any], *, until: int) -> int:
    """The longest queue seen on the stream's mailbox, once one of `until` was (10 s at most)."""
    longest = 0

    def long_enough() -> bool:
        nonlocal longest
        try:
            item = box.get(timeout=0.1)
        except queue.Empty:
            return False
        if isinstance(item, QueueChanged):
            longest = max(longest, len(item.waiting))
        return longest >= until

    wait_until(long_enough, f"a queue of {until} on the mailbox", 10, every=0)
    return longest
