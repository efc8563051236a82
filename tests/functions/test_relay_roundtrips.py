"""The relay's Firestore round trips, and its invariants under concurrent writers.

One message costs one read (session and message id together) and one commit,
counted at the Firestore client's RPC methods on the real emulator. The
invariants the transaction used to give (gap-free `seq`, stored once, one
token per message) must hold for a conditional commit that may lose a race
and retry: that is what the concurrent tests check.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import Functions, create_staff, new_id
from vtchat import relay
from vtchat.errors import ChatError
from vtchat.models import MessageAccepted, MessageRequest, Staff
from vtchat.services import Services

pytestmark = pytest.mark.emulators

# Every RPC of the Firestore API that a request handler could make.
RPCS = (
    "batch_get_documents",
    "begin_transaction",
    "commit",
    "rollback",
    "run_query",
    "run_aggregation_query",
    "get_document",
    "list_documents",
    "create_document",
    "update_document",
    "delete_document",
    "batch_write",
)
CONCURRENT_POSTS = 20
THREADS = 4
RESEND_COPIES = 4

Outcome = MessageAccepted | ChatError


class RpcCounter:
    """Counts calls of the client's Firestore API methods, by RPC name."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def wrap(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


@contextmanager
def counting_rpcs(svc: Services) -> Iterator[Counter[str]]:
    api = svc.store.client._firestore_api
    counter = RpcCounter()
    originals = {name: getattr(api, name) for name in RPCS}
    for name, method in originals.items():
        setattr(api, name, counter.wrap(name, method))
    try:
        yield counter.calls
    finally:
        for name in originals:
            delattr(api, name)  # the instance attribute; the class's method shows again


def active_chat(functions: Functions, svc: Services) -> tuple[dict[str, Any], Staff, str]:
    """A visitor's chat with an advisor assigned: (intake answer, staff, staff ID token)."""
    chat = functions.intake()
    login = create_staff(org="utrecht", name="Anna")
    response = functions.post("availability", {"status": "online"}, token=login.id_token)
    assert response.status_code == 200, response.get_json()
    session = svc.store.session(chat["sessionId"]).get().to_dict() or {}
    assert session["state"] == "active"
    return chat, svc.verify_staff(login.id_token), login.id_token


def post(
    svc: Services,
    session_id: str,
    message_id: str,
    *,
    staff: Staff | None,
    now: datetime | None = None,
) -> Outcome:
    request = MessageRequest(session_id=session_id, message_id=message_id, text="tekst")
    try:
        return relay.post_message(svc, request, staff=staff, now=now)
    except ChatError as e:
        return e


def all_at_once(calls: Sequence[Callable[[], Outcome]], threads: int) -> list[Outcome]:
    """Run the calls on `threads` threads released together; results in call order."""
    results: list[Outcome | None] = [None] * len(calls)
    start = threading.Barrier(threads)

    def run(first: int) -> None:
        start.wait()
        for n in range(first, len(calls), threads):
            results[n] = calls[n]()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert all(r is not None for r in results), "a concurrent post failed or hung"
    return [r for r in results if r is not None]


def timeline(svc: Services, session_id: str) -> dict[str, dict[str, Any]]:
    """The stored entries by id, after checking their seqs are 1..session.seq without gaps."""
    entries = {s.id: s.to_dict() or {} for s in svc.store.messages(session_id).stream()}
    session = svc.store.session(session_id).get().to_dict() or {}
    assert sorted(e["seq"] for e in entries.values()) == list(range(1, session["seq"] + 1))
    return entries


def test_a_message_costs_one_read_and_one_commit(functions: Functions, svc: Services) -> None:
    chat, _, advisor_token = active_chat(functions, svc)
    body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": "Hallo"}
    with counting_rpcs(svc) as calls:
        assert functions.post("messages", body, token=chat["token"]).status_code == 201
    assert calls == {"batch_get_documents": 1, "commit": 1}

    with counting_rpcs(svc) as calls:
        reply = {**body, "messageId": new_id(), "text": "Hoi, ik ben Anna."}
        assert functions.post("messages", reply, token=advisor_token).status_code == 201
    assert calls == {"batch_get_documents": 1, "commit": 1}

    # A resend is answered from the one read: nothing to commit or roll back.
    with counting_rpcs(svc) as calls:
        assert functions.post("messages", body, token=chat["token"]).status_code == 200
    assert calls == {"batch_get_documents": 1}

    left = functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])
    assert left.status_code == 200, left.get_json()
    with counting_rpcs(svc) as calls:
        refused = functions.post("messages", {**body, "messageId": new_id()}, token=chat["token"])
    assert refused.get_json()["error"]["code"] == "chat_ended"
    assert calls == {"batch_get_documents": 1}


def test_concurrent_posts_from_both_sides_get_gap_free_distinct_seqs(
    functions: Functions, svc: Services
) -> None:
    chat, staff, _ = active_chat(functions, svc)
    sid = chat["sessionId"]
    plan = [(new_id(), None if n % 2 else staff) for n in range(CONCURRENT_POSTS)]
    calls = [functools.partial(post, svc, sid, m, staff=s) for m, s in plan]

    outcomes = all_at_once(calls, THREADS)

    accepted = [o for o in outcomes if isinstance(o, MessageAccepted)]
    assert len(accepted) == CONCURRENT_POSTS, [o for o in outcomes if isinstance(o, ChatError)]
    assert not any(a.duplicate for a in accepted)
    assert len({a.seq for a in accepted}) == CONCURRENT_POSTS
    entries = timeline(svc, sid)
    for (message_id, staff_or_none), answer in zip(plan, accepted, strict=True):
        stored = entries[message_id]
        assert stored["seq"] == answer.seq
        assert stored["sender"] == ("visitor" if staff_or_none is None else "advisor")


def test_copies_of_one_message_racing_other_writers_are_stored_once(
    functions: Functions, svc: Services
) -> None:
    chat, staff, _ = active_chat(functions, svc)
    sid = chat["sessionId"]
    for _ in range(3):
        message_id = new_id()
        copies = [functools.partial(post, svc, sid, message_id, staff=None)] * RESEND_COPIES
        # The same id from the other side, and two messages of its own.
        rival = [functools.partial(post, svc, sid, message_id, staff=staff)]
        others = [functools.partial(post, svc, sid, new_id(), staff=staff) for _ in range(2)]
        outcomes = all_at_once([*copies, *rival, *others], len(copies) + 3)

        entries = timeline(svc, sid)
        stored = entries[message_id]
        same_id = outcomes[: RESEND_COPIES + 1]
        winners = [o for o in same_id if isinstance(o, MessageAccepted) and not o.duplicate]
        assert len(winners) == 1 and winners[0].seq == stored["seq"]
        for outcome, sender in zip(same_id, ["visitor"] * RESEND_COPIES + ["advisor"], strict=True):
            if sender == stored["sender"]:
                assert isinstance(outcome, MessageAccepted), outcome
                assert outcome.seq == stored["seq"]
            else:
                assert isinstance(outcome, ChatError) and outcome.code == "message_id_taken"
        assert all(isinstance(o, MessageAccepted) and not o.duplicate for o in outcomes[-2:])


def test_concurrent_posts_spend_the_visitor_budget_exactly_once_each(
    functions: Functions, svc: Services
) -> None:
    burst = svc.settings.message_burst
    if burst > 50:
        pytest.skip(f"message burst {burst}: the abuse limits are lifted in this run")
    chat, _, _ = active_chat(functions, svc)
    sid = chat["sessionId"]
    # One instant for every post: the bucket does not refill during the test.
    now = datetime.now(UTC)
    calls = [
        functools.partial(post, svc, sid, new_id(), staff=None, now=now) for _ in range(burst + 5)
    ]

    outcomes = all_at_once(calls, THREADS)

    accepted = [o for o in outcomes if isinstance(o, MessageAccepted)]
    refused = [o for o in outcomes if isinstance(o, ChatError)]
    assert len(accepted) == burst
    assert {e.code for e in refused} == {"rate_limited"} and len(refused) == 5
    stored = timeline(svc, sid)
    assert sum(1 for e in stored.values() if e.get("sender") == "visitor") == burst
