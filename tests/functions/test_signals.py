"""Typing, read, received and the discreet pause (vtchat.signals) on the emulators.

Each side may tell only its own signals, an advisor only on their own chat;
typing is written at most once per 5 s per side however often it is sent, a
seq only forward, the pause only on a change and not toggled in a flood. The
visitor's stream carries the advisor's signals (never the visitor's own, never
another chat's): once right after the replay, so that a reconnect brings the
current state, and then each new version once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from google.cloud import firestore

from tests.support import (
    Functions,
    SseEvent,
    StaffLogin,
    create_staff,
    new_id,
    parse_sse,
    wait_until,
)
from vtchat import signals
from vtchat.fanout import Fanout, SignalsChanged
from vtchat.models import SignalRequest
from vtchat.services import Services
from vtchat.store import Store
from vtchat.tokens import verify

pytestmark = pytest.mark.emulators

FLOOD = 24


def active_chat(
    functions: Functions, *, region: str = "utrecht"
) -> tuple[dict[str, Any], StaffLogin]:
    """A visitor's chat with an advisor assigned: (intake answer, the advisor)."""
    chat = functions.intake(region=region)
    advisor = create_staff(org=region)
    online = functions.post("availability", {"status": "online"}, token=advisor.id_token)
    assert online.status_code == 200, online.get_json()
    return chat, advisor


def session(svc: Services, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict() or {})


def signal(functions: Functions, chat: dict[str, Any], token: str, **fields: Any) -> Any:
    body = {"sessionId": chat["sessionId"], **fields}
    response = functions.post("signal", body, token=token)
    for attempt in range(3):
        if response.status_code != 503:
            break
        # As clients do after a transient Firestore error (an emulator under load cancels calls).
        time.sleep(0.2 * 2**attempt)
        response = functions.post("signal", body, token=token)
    return response


def written(response: Any) -> bool:
    assert response.status_code == 200, response.get_json()
    return bool(response.get_json()["written"])


def say(functions: Functions, chat: dict[str, Any], token: str, text: str) -> int:
    body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": text}
    response = functions.post("messages", body, token=token)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["seq"])


def error_code(response: Any) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


# --- what each side may tell ---------------------------------------------------------


def test_the_visitor_tells_typing_received_and_paused(functions: Functions, svc: Services) -> None:
    chat, advisor = active_chat(functions)
    seq = say(functions, chat, advisor.id_token, "Hoi, ik ben Anna.")
    assert written(signal(functions, chat, chat["token"], typing=True))
    assert written(signal(functions, chat, chat["token"], receivedSeq=seq))
    assert written(signal(functions, chat, chat["token"], paused=True))
    stored = session(svc, chat["sessionId"])
    assert stored["visitorReceivedSeq"] == seq
    assert stored["visitorPaused"] is True
    # Pausing covers the chat: its typing stops showing at once.
    assert stored["visitorTypingUntil"] is None
    assert stored["signalVersion"] == 3
    assert "advisorTypingUntil" not in stored or stored["advisorTypingUntil"] is None


def test_the_advisor_tells_typing_and_read(functions: Functions, svc: Services) -> None:
    chat, advisor = active_chat(functions)
    seq = say(functions, chat, chat["token"], "Hallo?")
    before = datetime.now(UTC)
    assert written(signal(functions, chat, advisor.id_token, typing=True, readSeq=seq))
    stored = session(svc, chat["sessionId"])
    assert stored["advisorReadSeq"] == seq
    until = stored["advisorTypingUntil"]
    ttl = svc.settings.typing_ttl
    assert before + ttl - timedelta(seconds=1) < until <= datetime.now(UTC) + ttl
    assert written(signal(functions, chat, advisor.id_token, typing=False))
    assert session(svc, chat["sessionId"])["advisorTypingUntil"] is None


def test_each_side_is_refused_the_other_sides_signals(functions: Functions) -> None:
    """Attack: a visitor forging "gelezen", an advisor forging "ontvangen" or a pause."""
    chat, advisor = active_chat(functions)
    say(functions, chat, chat["token"], "Hallo?")
    forged = [
        signal(functions, chat, chat["token"], readSeq=1),
        signal(functions, chat, chat["token"], typing=True, readSeq=1),
        signal(functions, chat, advisor.id_token, receivedSeq=1),
        signal(functions, chat, advisor.id_token, paused=True),
    ]
    assert [error_code(r) for r in forged] == [(403, "signal_not_yours")] * 4


def test_an_advisor_may_not_signal_on_a_chat_not_theirs(functions: Functions) -> None:
    """Attack: a colleague, a supervisor or another region's advisor typing into someone's chat."""
    chat, _ = active_chat(functions)
    strangers = [
        create_staff(org="utrecht"),
        create_staff(org="utrecht", role="supervisor"),
        create_staff(org="haaglanden"),
    ]
    refused = [
        error_code(signal(functions, chat, s.id_token, typing=True, readSeq=1)) for s in strangers
    ]
    assert refused == [(403, "not_your_chat")] * 3


def test_another_chats_token_is_refused(functions: Functions) -> None:
    mine, _ = active_chat(functions)
    theirs = functions.intake()
    response = signal(functions, theirs, mine["token"], typing=True)
    assert error_code(response) == (403, "wrong_session")


def test_an_empty_signal_is_invalid(functions: Functions) -> None:
    chat, _ = active_chat(functions)
    assert error_code(signal(functions, chat, chat["token"])) == (422, "invalid_input")


def test_typing_before_anyone_answers_writes_nothing_but_a_pause_is_kept(
    functions: Functions, svc: Services
) -> None:
    chat = functions.intake()
    assert not written(signal(functions, chat, chat["token"], typing=True))
    assert not written(signal(functions, chat, chat["token"], receivedSeq=1))
    # Whoever takes the chat sees at once that the visitor covered it.
    assert written(signal(functions, chat, chat["token"], paused=True))
    stored = session(svc, chat["sessionId"])
    assert stored["state"] == "waiting"
    assert (stored["visitorPaused"], stored["signalVersion"]) == (True, 1)


# --- bounded cost ----------------------------------------------------------------------


def test_a_typing_flood_writes_once_per_five_seconds(functions: Functions, svc: Services) -> None:
    """Attack: a script sending typing as fast as it can, from two tabs at once."""
    chat, advisor = active_chat(functions)

    def typing(token: str) -> bool:
        return written(signal(functions, chat, token, typing=True))

    tokens = [chat["token"], advisor.id_token] * FLOOD
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(typing, tokens))
    # One write per side, whatever the number and order of the calls.
    assert sum(results) == 2, f"{sum(results)} of {len(results)} typing calls wrote"
    assert session(svc, chat["sessionId"])["signalVersion"] == 2


def test_typing_is_written_again_only_after_five_seconds(
    functions: Functions, svc: Services
) -> None:
    chat, _ = active_chat(functions)
    claim = verify(key=svc.session_key, previous=None, token=chat["token"])
    start = datetime.now(UTC)
    request = SignalRequest(session_id=chat["sessionId"], typing=True)

    def at(seconds: float) -> bool:
        moment = start + timedelta(seconds=seconds)
        return signals.from_visitor(svc, claim=claim, request=request, now=moment).written

    # Every half second for ten seconds: a write at 0 and at 5 s, nothing else.
    wrote = [n / 2 for n in range(21) if at(n / 2)]
    assert wrote == [0.0, 5.0, 10.0]
    assert session(svc, chat["sessionId"])["signalVersion"] == 3


def test_a_pause_toggle_flood_is_bounded(functions: Functions, svc: Services) -> None:
    """Attack: pause, unpause, pause… as fast as possible."""
    chat, _ = active_chat(functions)
    answers = [signal(functions, chat, chat["token"], paused=n % 2 == 0) for n in range(FLOOD)]
    # Pausing again is no change (200, nothing written); unpausing so soon is refused.
    statuses = [a.status_code for a in answers]
    assert statuses == [200, 429] * (FLOOD // 2), statuses
    assert [a.get_json().get("written") for a in answers[::2]] == [True] + [False] * (
        FLOOD // 2 - 1
    )
    refused = answers[1]
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 2
    assert session(svc, chat["sessionId"])["signalVersion"] == 1


def test_the_same_pause_twice_writes_once(functions: Functions, svc: Services) -> None:
    chat, _ = active_chat(functions)
    assert written(signal(functions, chat, chat["token"], paused=True))
    assert not written(signal(functions, chat, chat["token"], paused=True))
    assert session(svc, chat["sessionId"])["signalVersion"] == 1


def test_seqs_only_move_forward_and_never_past_the_timeline(
    functions: Functions, svc: Services
) -> None:
    chat, advisor = active_chat(functions)
    first = say(functions, chat, chat["token"], "een")
    second = say(functions, chat, chat["token"], "twee")
    assert written(signal(functions, chat, advisor.id_token, readSeq=second))
    assert not written(signal(functions, chat, advisor.id_token, readSeq=first))
    assert not written(signal(functions, chat, advisor.id_token, readSeq=second))
    # Ahead of the timeline: "gelezen" can only cover what exists.
    assert not written(signal(functions, chat, advisor.id_token, readSeq=second + 50))
    assert written(signal(functions, chat, chat["token"], receivedSeq=10**6))
    stored = session(svc, chat["sessionId"])
    assert (stored["advisorReadSeq"], stored["visitorReceivedSeq"]) == (second, stored["seq"])


def test_a_message_ends_its_senders_typing_in_the_same_write(
    functions: Functions, svc: Services
) -> None:
    chat, advisor = active_chat(functions)
    assert written(signal(functions, chat, advisor.id_token, typing=True))
    assert written(signal(functions, chat, chat["token"], typing=True))
    writes_before = svc.store.counts.snapshot()[1]
    say(functions, chat, advisor.id_token, "Fijn dat je er bent.")
    # The message's own two writes (entry and session), nothing extra.
    assert svc.store.counts.snapshot()[1] - writes_before == 2
    stored = session(svc, chat["sessionId"])
    assert stored["advisorTypingUntil"] is None
    assert stored["visitorTypingUntil"] is not None
    assert stored["signalVersion"] == 3


def test_resuming_with_the_code_ends_the_pause(functions: Functions, svc: Services) -> None:
    chat, _ = active_chat(functions)
    assert written(signal(functions, chat, chat["token"], paused=True))
    back = functions.post("resume", {"resumeCode": chat["resumeCode"]})
    assert back.status_code == 200, back.get_json()
    assert session(svc, chat["sessionId"])["visitorPaused"] is False


# --- the stream ----------------------------------------------------------------------


class Stream:
    """A visitor's stream over HTTP (the stack's stream server), read on a thread.

    Over a real connection, so that closing it is a drop the server notices.
    """

    def __init__(self, chat: dict[str, Any], token: str, last_event_id: int | None = None):
        headers = {"Authorization": f"Bearer {token}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.response = requests.get(chat["streamUrl"], headers=headers, stream=True, timeout=30)
        assert self.response.status_code == 200, self.response.text
        self.events: queue.Queue[SseEvent | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        try:
            for event in parse_sse(self.response.iter_content(chunk_size=None)):
                self.events.put(event)
        except (requests.RequestException, AttributeError):
            pass  # closed by the test (urllib3 raises AttributeError when closed under it)
        finally:
            self.events.put(None)

    def until(self, done: Callable[[SseEvent], bool], timeout: float = 15) -> list[SseEvent]:
        """Every event up to and including the first for which `done` is true."""
        seen: list[SseEvent] = []
        while True:
            event = self.events.get(timeout=timeout)
            assert event is not None, f"the stream closed; seen: {seen}"
            seen.append(event)
            if done(event):
                return seen

    def next(self, kind: str) -> tuple[list[SseEvent], SseEvent]:
        events = self.until(lambda e: e.type == kind)
        return events[:-1], events[-1]

    def close(self) -> None:
        self.response.close()


@pytest.fixture
def streams() -> Iterator[list[Stream]]:
    opened: list[Stream] = []
    yield opened
    for stream in opened:
        stream.close()


def test_the_stream_tells_the_advisors_signals_on_open_and_on_change(
    functions: Functions, svc: Services, streams: list[Stream]
) -> None:
    chat, advisor = active_chat(functions)
    asked = say(functions, chat, chat["token"], "Is daar iemand?")
    stream = Stream(chat, chat["token"])
    streams.append(stream)
    before, opened = stream.next("signals")
    # Right after the replay: the timeline first, then the state as it is.
    assert [e.type for e in before][-1] == "message" and before[-1].id == asked
    assert opened.data == {"advisorTyping": False, "advisorReadSeq": 0, "version": 0}

    assert written(signal(functions, chat, advisor.id_token, typing=True))
    _, typing = stream.next("signals")
    assert typing.data == {"advisorTyping": True, "advisorReadSeq": 0, "version": 1}
    assert written(signal(functions, chat, advisor.id_token, readSeq=asked))
    _, read = stream.next("signals")
    assert read.data == {"advisorTyping": True, "advisorReadSeq": asked, "version": 2}
    answer = say(functions, chat, advisor.id_token, "Ja, ik ben er.")
    # The message and the end of typing, in either order (two watches, one write).
    events = stream.until(lambda e: e.type == "signals" or e.id == answer)
    events += stream.until(lambda e: e.type == "signals" or e.id == answer)
    assert sorted(e.type for e in events) == ["message", "signals"]
    (stopped,) = [e for e in events if e.type == "signals"]
    assert stopped.data == {"advisorTyping": False, "advisorReadSeq": asked, "version": 3}


def test_a_reconnect_after_a_drop_brings_the_current_state(
    functions: Functions, svc: Services, streams: list[Stream]
) -> None:
    """Exact resume: the signals told while the visitor was away arrive on reconnect."""
    chat, advisor = active_chat(functions)
    asked = say(functions, chat, chat["token"], "Hallo?")
    first = Stream(chat, chat["token"])
    streams.append(first)
    replayed, _ = first.next("signals")
    last_id = replayed[-1].id
    first.close()  # the drop
    assert written(signal(functions, chat, advisor.id_token, readSeq=asked, typing=True))
    answer = say(functions, chat, advisor.id_token, "Ik lees mee.")
    assert written(signal(functions, chat, advisor.id_token, typing=True))
    again = Stream(chat, chat["token"], last_event_id=last_id)
    streams.append(again)
    missed, current = again.next("signals")
    assert [e.id for e in missed] == [answer]
    stored = session(svc, chat["sessionId"])
    assert current.data == {
        "advisorTyping": True,
        "advisorReadSeq": asked,
        "version": stored["signalVersion"],
    }


def test_a_visitors_stream_carries_neither_their_own_signals_nor_another_chats(
    functions: Functions, svc: Services, streams: list[Stream]
) -> None:
    mine, my_advisor = active_chat(functions)
    theirs, their_advisor = active_chat(functions, region="haaglanden")
    say(functions, theirs, theirs["token"], "Hallo?")
    stream = Stream(mine, mine["token"])
    streams.append(stream)
    stream.next("signals")
    # The visitor's own signals and another chat's advisor: nothing for this stream.
    assert written(signal(functions, mine, mine["token"], typing=True))
    assert written(signal(functions, mine, mine["token"], receivedSeq=2))
    assert written(signal(functions, theirs, their_advisor.id_token, typing=True, readSeq=1))
    assert written(signal(functions, mine, mine["token"], paused=True))
    # The witness: the next signals event is this chat advisor's, and nothing came before it.
    assert written(signal(functions, mine, my_advisor.id_token, typing=True))
    between, witness = stream.next("signals")
    assert between == []
    assert witness.data == {"advisorTyping": True, "advisorReadSeq": 0, "version": 4}
    assert set(witness.data) == {"advisorTyping", "advisorReadSeq", "version"}


# --- the instance's one listener (vtchat.fanout) -------------------------------------------


def signals_on(box: queue.Queue[Any], version: int) -> SignalsChanged:
    def arrived() -> SignalsChanged | None:
        try:
            item = box.get(timeout=0.1)
        except queue.Empty:
            return None
        return item if isinstance(item, SignalsChanged) and item.version >= version else None

    return wait_until(arrived, f"signals version {version} on the mailbox", 10, every=0)


def test_one_listener_hands_signals_to_their_session_and_to_late_subscribers(
    functions: Functions, svc: Services
) -> None:
    fanout = Fanout(
        svc.store,
        client=firestore.Client(project=svc.settings.project_id),
        window=timedelta(seconds=0.6),
        overlap=timedelta(seconds=0.3),
        check_every=0.1,
    )
    try:
        chat, advisor = active_chat(functions)
        other, other_advisor = active_chat(functions, region="haaglanden")
        early: queue.Queue[Any] = queue.Queue()
        fanout.subscribe(early, session_id=chat["sessionId"], org=None)
        assert written(signal(functions, other, other_advisor.id_token, typing=True))
        assert written(signal(functions, chat, advisor.id_token, typing=True))
        assert signals_on(early, 1).advisor_typing_until is not None
        # A stream subscribing after the write (between its session read and its
        # subscription) is handed the latest at once.
        late: queue.Queue[Any] = queue.Queue()
        fanout.subscribe(late, session_id=chat["sessionId"], org=None)
        assert late.get_nowait().version == 1
        # Nothing of the other chat came to this one's mailbox.
        assert all(not isinstance(i, SignalsChanged) for i in list(early.queue))
        # The window rolls; signals still arrive, and the kept ones are thinned.
        wait_until(lambda: fanout.rolls >= 2, "two rolls", 10)
        assert written(signal(functions, chat, advisor.id_token, readSeq=2))
        assert signals_on(early, 2).advisor_read_seq == 2
        wait_until(lambda: other["sessionId"] not in fanout._signals, "old signals dropped", 10)
    finally:
        fanout.close()


def test_the_cost_of_a_minute_of_typing(functions: Functions, svc: Services) -> None:
    """docs/benchmarks.md: writes per minute of typing per side, listener reads per write."""
    chat, advisor = active_chat(functions)
    claim = verify(key=svc.session_key, previous=None, token=chat["token"])
    staff = svc.verify_staff(advisor.id_token)
    counted = Store(firestore.Client(project=svc.settings.project_id), transaction_attempts=5)
    fanout = Fanout(counted, client=counted.client)
    try:
        box: queue.Queue[Any] = queue.Queue()
        fanout.subscribe(box, session_id=chat["sessionId"], org=None)
        wait_until(lambda: fanout._listeners[-1].caught_up.is_set(), "the listener", 10)
        reads_before = counted.counts.snapshot()[0]
        start = datetime.now(UTC)
        typing = SignalRequest(session_id=chat["sessionId"], typing=True)
        # Both sides press a key every 100 ms for a minute.
        for tenth in range(600):
            now = start + timedelta(seconds=tenth / 10)
            signals.from_visitor(svc, claim=claim, request=typing, now=now)
            signals.from_advisor(svc, staff=staff, request=typing, now=now)
        writes = session(svc, chat["sessionId"])["signalVersion"]
        assert writes <= 2 * 12, f"{writes} writes for a minute of typing by both sides"
        signals_on(box, writes)
        reads = counted.counts.snapshot()[0] - reads_before
        # One listener read per signal write on this instance (Firestore may fold
        # two quick writes of one document into one change: never more).
        assert reads <= writes, f"{reads} listener reads for {writes} signal writes"
        print(f"\nsignals: {writes} writes/min for two typists, {reads} listener reads")
    finally:
        fanout.close()
