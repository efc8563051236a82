"""No chat left unanswered (vtchat.unanswered), on the real emulators.

An advisor who has not written within `unanswered_after` of getting a chat
loses it to a colleague at the next tick: back at the front of the queue, a
`reassigned` entry for the visitor, a note for the colleague, the advisor
paused with `passedOnAt` for their console. The tick's faults as for its other
steps: run twice (one after the other and at once), a message just before, a
message racing the tick's transaction, a crash inside it and the redelivery.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.functions.test_fallback import online
from tests.functions.test_reliability import InjectedCrash, fail_once
from tests.support import Functions, new_id
from vtchat import housekeeping, presence, queueing, relay, transfer, unanswered
from vtchat.errors import ChatError
from vtchat.models import MessageRequest, Staff, TransferRequest
from vtchat.services import Services

pytestmark = pytest.mark.emulators

ORG = "utrecht"
LATER = timedelta(minutes=4)  # past the default 3 minutes


def session(svc: Services, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict() or {})


def advisor(svc: Services, uid: str) -> dict[str, Any]:
    return dict(svc.store.advisor(uid).get().to_dict() or {})


def events(svc: Services, session_id: str) -> list[str]:
    entries = svc.store.messages(session_id).order_by("seq").stream()
    return [str((e.to_dict() or {}).get("event") or "text") for e in entries]


def assigned_to_anna(functions: Functions, svc: Services) -> tuple[Staff, str]:
    anna = online(svc, ORG, "anna")
    chat = functions.intake(region=ORG, nickname="Merel")["sessionId"]
    assert session(svc, chat)["advisorUid"] == "anna"
    assert session(svc, chat)["awaitingReplySince"] is not None
    return anna, chat


def backdate(svc: Services, chat: str) -> None:
    """Anna got the chat four minutes ago (and everything else is as now).

    Not a tick at a later `now`: the colleague's pairing in that tick takes
    the real time, which such a tick would find four minutes old already.
    """
    svc.store.session(chat).update({"awaitingReplySince": datetime.now(UTC) - LATER})


def tick_later(svc: Services, chat: str) -> housekeeping.TickReport:
    backdate(svc, chat)
    return housekeeping.tick(svc)


def write(svc: Services, staff: Staff, chat: str, text: str = "Hoi, ik ben er.") -> None:
    relay.post_message(
        svc,
        MessageRequest(session_id=chat, message_id=new_id(), text=text),
        staff=staff,
    )


def test_an_unanswered_chat_goes_to_a_colleague_with_a_note_for_both(
    functions: Functions, svc: Services
) -> None:
    _, chat = assigned_to_anna(functions, svc)
    online(svc, ORG, "bram")
    report = tick_later(svc, chat)

    assert report.unanswered_passed_on == 1
    moved = session(svc, chat)
    assert moved["state"] == "active" and moved["advisorUid"] == "bram"
    assert "Adviseur anna schreef niet binnen 3 minuten" in moved["transferNote"]
    # Bram's own minutes run from his assignment.
    assert moved["awaitingReplySince"] is not None
    assert events(svc, chat)[-2:] == ["reassigned", "assigned"]
    anna = advisor(svc, "anna")
    assert (anna["status"], anna["activeCount"]) == ("paused", 0)
    assert anna["passedOnAt"] is not None
    assert advisor(svc, "bram")["activeCount"] == 1


def test_the_chat_goes_back_to_the_front_of_the_queue(functions: Functions, svc: Services) -> None:
    _, chat = assigned_to_anna(functions, svc)
    behind = functions.intake(region=ORG, nickname="Sanne")["sessionId"]
    backdate(svc, chat)
    passed = unanswered.sweep(svc, now=datetime.now(UTC))
    assert passed == [ORG]
    waiting = (svc.store.queue(ORG).get().to_dict() or {})["waiting"]
    assert queueing.position(waiting, session(svc, chat)["ticket"]) == 1
    assert queueing.position(waiting, session(svc, behind)["ticket"]) == 2
    # Nobody else is online, and Anna is paused: it waits for a colleague.
    housekeeping.tick(svc)
    assert session(svc, chat)["state"] == "waiting"


def test_a_message_just_before_the_tick_leaves_the_chat_alone(
    functions: Functions, svc: Services
) -> None:
    anna, chat = assigned_to_anna(functions, svc)
    online(svc, ORG, "bram")
    backdate(svc, chat)  # assigned four minutes ago, answered just now
    write(svc, anna, chat)
    stored = session(svc, chat)
    assert stored["awaitingReplySince"] is None and stored["firstReplyAt"] is not None
    first = stored["firstReplyAt"]
    write(svc, anna, chat, "Nog een bericht.")
    assert session(svc, chat)["firstReplyAt"] == first  # recorded once

    assert housekeeping.tick(svc).unanswered_passed_on == 0
    assert session(svc, chat)["advisorUid"] == "anna"
    assert advisor(svc, "anna")["status"] == "online"
    assert "reassigned" not in events(svc, chat)


@pytest.mark.parametrize("how", ["one after the other", "at once"])
def test_two_ticks_pass_the_chat_on_once(functions: Functions, svc: Services, how: str) -> None:
    _, chat = assigned_to_anna(functions, svc)
    online(svc, ORG, "bram")
    backdate(svc, chat)
    if how == "at once":
        threads = [threading.Thread(target=housekeeping.tick, args=(svc,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        housekeeping.tick(svc)
        housekeeping.tick(svc)
    assert events(svc, chat).count("reassigned") == 1
    assert session(svc, chat)["advisorUid"] == "bram"
    assert advisor(svc, "anna")["activeCount"] == 0
    assert advisor(svc, "bram")["activeCount"] == 1


def test_a_crash_inside_the_transaction_and_the_redelivery_end_as_one_clean_tick(
    functions: Functions, svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, chat = assigned_to_anna(functions, svc)
    online(svc, ORG, "bram")
    crashes = fail_once(monkeypatch, presence, "requeue_at_front")
    with pytest.raises(InjectedCrash):
        tick_later(svc, chat)
    assert crashes == [1]
    assert session(svc, chat)["advisorUid"] == "anna"  # nothing half done
    housekeeping.tick(svc)  # Pub/Sub delivers the tick again
    assert events(svc, chat).count("reassigned") == 1
    assert session(svc, chat)["advisorUid"] == "bram"
    assert advisor(svc, "anna")["activeCount"] == 0


def test_a_message_racing_the_tick_either_answers_or_is_refused_never_both(
    functions: Functions, svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, chat = assigned_to_anna(functions, svc)
    outcome: list[object] = []
    requeue = presence.requeue_at_front

    def reply_meanwhile(*args: Any, **kwargs: Any) -> None:
        # Anna sends her first message between the tick's read and its writes.
        if not outcome:
            outcome.append("started")
            sender = threading.Thread(target=_send, args=(svc, anna, chat, outcome))
            sender.start()
            outcome.append(sender)
        requeue(*args, **kwargs)

    monkeypatch.setattr(presence, "requeue_at_front", reply_meanwhile)
    backdate(svc, chat)
    unanswered.sweep(svc, now=datetime.now(UTC))
    sender = outcome[1]
    assert isinstance(sender, threading.Thread)
    sender.join(timeout=30)
    result = outcome[-1]
    stored = session(svc, chat)
    reassigned = events(svc, chat).count("reassigned")
    if result == "sent":
        # The reply won: the chat stays with Anna, answered.
        assert (stored["advisorUid"], reassigned) == ("anna", 0)
        assert stored["awaitingReplySince"] is None
    else:
        # The tick won: the reply is refused, nothing of it stored.
        assert result == "not_your_chat", result
        assert (stored["state"], reassigned) == ("waiting", 1)
        assert "text" not in events(svc, chat)
        assert advisor(svc, "anna")["activeCount"] == 0


def _send(svc: Services, staff: Staff, chat: str, outcome: list[object]) -> None:
    try:
        write(svc, staff, chat)
        outcome.append("sent")
    except ChatError as e:
        outcome.append(e.code)


def test_a_gone_visitor_or_an_ended_chat_only_leaves_the_query(
    functions: Functions, svc: Services
) -> None:
    _, chat = assigned_to_anna(functions, svc)
    svc.store.session(chat).update({"visitorPresence": "gone"})
    backdate(svc, chat)
    assert unanswered.sweep(svc, now=datetime.now(UTC)) == []
    assert session(svc, chat)["awaitingReplySince"] is None
    assert session(svc, chat)["advisorUid"] == "anna"
    assert advisor(svc, "anna")["status"] == "online"


def test_what_the_step_costs(functions: Functions, svc: Services) -> None:
    """For docs/benchmarks.md: an empty query per tick; a pass-on reads two documents."""
    # A stream test earlier in this process left the instance's shared
    # listeners running: they count what they receive into the same meter.
    if svc._fanout is not None:
        svc._fanout.close()
        svc._fanout = None
    _, chat = assigned_to_anna(functions, svc)
    before = svc.store.counts.snapshot()
    assert unanswered.sweep(svc, now=datetime.now(UTC)) == []
    reads, writes = (a - b for a, b in zip(svc.store.counts.snapshot(), before, strict=True))
    assert (reads, writes) == (1, 0)  # Firestore bills an empty query one read
    backdate(svc, chat)
    before = svc.store.counts.snapshot()
    assert unanswered.sweep(svc, now=datetime.now(UTC)) == [ORG]
    reads, writes = (a - b for a, b in zip(svc.store.counts.snapshot(), before, strict=True))
    # The query's one document, then the session and the advisor in the
    # transaction; the session, its `reassigned` entry, the queue and the advisor.
    assert (reads, writes) == (3, 4)


def test_a_transfer_to_a_colleague_starts_their_minutes(
    functions: Functions, svc: Services
) -> None:
    anna, chat = assigned_to_anna(functions, svc)
    write(svc, anna, chat)
    bram = online(svc, ORG, "bram")
    transfer.transfer(
        svc, staff=anna, request=TransferRequest(session_id=chat, to_advisor="bram", note="Let op.")
    )
    assert session(svc, chat)["awaitingReplySince"] is not None
    online(svc, ORG, "cor")
    assert tick_later(svc, chat).unanswered_passed_on == 1
    moved = session(svc, chat)
    assert moved["advisorUid"] == "cor"
    # Anna's transfer note stays readable for Cor, after the new one.
    assert moved["transferNote"].startswith("Adviseur bram schreef niet binnen 3 minuten")
    assert "(Eerdere notitie van Adviseur anna: Let op.)" in moved["transferNote"]
    assert advisor(svc, bram.uid)["status"] == "paused"
