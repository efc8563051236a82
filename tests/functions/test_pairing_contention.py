"""Pairing under contention across organisations, on the real emulators (no mocks).

A swamped region's chats are offered to all five of its neighbours at once.
Each neighbour has free advisors and handles the offer in two instances at
the same moment (this process and a functions server of its own, as Pub/Sub
delivers a copy per candidate and may deliver twice), while the region's own
advisor frees a slot. Every chat must get one advisor, no advisor more than
their capacity, and nobody may wait for anybody else's documents.

The Firestore emulator locks what a transaction reads and gives up a lock
wait after about 2 s with `Aborted: Transaction lock timeout` (the client
library then tries the transaction again, up to 15 times). The test watches
every Firestore error raised in this process, including those the library
retries by itself, and there must be none of those; the other instance's
calls must answer as quickly as this process's.
"""

from __future__ import annotations

import base64
import functools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from google.api_core import exceptions as api_exceptions

from tests.functions.test_fallback import online
from tests.processes import FunctionsProcess
from tests.support import PROJECT, Functions
from vtchat import assignment, fallback, lifecycle, topics
from vtchat.errors import Conflict
from vtchat.models import OfferMessage, Staff
from vtchat.routing import Offer
from vtchat.services import Services

pytestmark = pytest.mark.emulators

ORIGIN = "utrecht"
# Utrecht's whole fall-back list: what its third offer round reaches.
HELPERS = (
    "gooi-en-vechtstreek",
    "gelderland-midden",
    "hollands-midden",
    "amsterdam-amstelland",
    "zuid-holland-zuid",
)
HELPER_CAPACITY = 2
# One more than the slots that free up (5 x 2 helpers + 1 origin): one must wait.
OFFERED = 12
# Generous for a shared, loaded 2-core machine (a quiet one takes 0.3 s); with
# a transaction per round the same scene took 4 minutes, and calls timed out.
CALL_SECONDS = 10.0


@pytest.fixture
def lock_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Firestore call of this process that gave up waiting for a lock.

    Observed where the client library turns a gRPC error into an exception,
    which includes the aborts it retries inside a transaction by itself.
    Nothing changes: the error is passed on as it was.
    """
    seen: list[str] = []
    convert: Callable[[Any], Any] = api_exceptions.from_grpc_error

    def observe(rpc_error: Any) -> Any:
        error = convert(rpc_error)
        if isinstance(error, api_exceptions.Aborted):
            seen.append(str(error))
        return error

    monkeypatch.setattr(api_exceptions, "from_grpc_error", observe)
    return seen


@pytest.fixture
def second_instance(emulators: dict[str, str], tmp_path: Path) -> Iterator[FunctionsProcess]:
    """Another instance of the functions, with its own per-organisation dispatch."""
    with FunctionsProcess(tmp_path / "second-instance.log") as server:
        yield server


def offer_envelope(org: str, offer: OfferMessage) -> dict[str, Any]:
    """What `org`'s push subscription POSTs for this offer."""
    data = offer.model_dump_json(by_alias=True).encode()
    subscription = f"projects/{PROJECT}/subscriptions/{topics.offer_subscription(org)}"
    return {
        "message": {"data": base64.b64encode(data).decode(), "messageId": offer.session_id},
        "subscription": subscription,
    }


def offer_to_all_helpers(
    svc: Services, session_id: str, candidates: tuple[str, ...] = HELPERS
) -> OfferMessage:
    """Record the offer as the tick would (not published: the test delivers it)."""
    offer = Offer(
        session_id=session_id,
        round=3,
        previous_round=0,
        region=ORIGIN,
        org=ORIGIN,
        candidates=candidates,
    )
    assert fallback.record_offer(svc, offer, now=datetime.now(UTC))
    return OfferMessage(session_id=session_id, round=3, region=ORIGIN, candidates=list(candidates))


def swamped_origin(functions: Functions, svc: Services) -> tuple[Staff, str, list[str]]:
    """Utrecht's one advisor is busy and OFFERED chats wait, each offered to every helper.

    The helpers come online before the offers exist, so their own dispatch
    finds nothing to take: everything happens in the contended moment.
    """
    origin = online(svc, ORIGIN, "origin")
    busy = functions.intake(region=ORIGIN, nickname="Eerste")["sessionId"]
    for org in HELPERS:
        online(svc, org, f"{org}-1", capacity=HELPER_CAPACITY)
    chats = [
        functions.intake(region=ORIGIN, nickname=f"Bezoeker {n}")["sessionId"]
        for n in range(OFFERED)
    ]
    return origin, busy, chats


def at_once(calls: dict[str, Callable[[], object]]) -> dict[str, tuple[float, object]]:
    """Run the calls in threads released together: (seconds, result or exception) by name."""
    results: dict[str, tuple[float, object]] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(calls))

    def run(name: str, call: Callable[[], object]) -> None:
        start.wait()
        began = time.monotonic()
        try:
            outcome = call()
        except Exception as e:  # noqa: BLE001 - reported by the assertions
            outcome = e
        with lock:
            results[name] = (time.monotonic() - began, outcome)

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert len(results) == len(calls), "a concurrent call hung"
    return results


def stored(svc: Services, collection: str) -> dict[str, dict[str, Any]]:
    return {
        snap.id: snap.to_dict() or {} for snap in svc.store.client.collection(collection).stream()
    }


def assigned_entries(svc: Services) -> Counter[str]:
    return Counter(
        snap.reference.parent.parent.id
        for snap in svc.store.client.collection_group("messages").stream()
        if (snap.to_dict() or {}).get("event") == "assigned"
    )


def assert_each_chat_paired_once(svc: Services, chats: list[str], *, served: int) -> None:
    sessions = stored(svc, "sessions")
    advisors = stored(svc, "advisors")
    states = Counter(sessions[c]["state"] for c in chats)
    assert states == {"active": served, "waiting": len(chats) - served}
    entries = assigned_entries(svc)
    assert all(entries[c] == (sessions[c]["state"] == "active") for c in chats), entries
    holding = Counter(s["advisorUid"] for s in sessions.values() if s["state"] == "active")
    for uid, advisor in advisors.items():
        assert advisor["activeCount"] == holding[uid] <= advisor["capacity"], uid
    handed_over = [s for s in sessions.values() if s.get("viaFallback")]
    assert len(stored(svc, "handovers")) == len(handed_over)
    queue = svc.store.queue(ORIGIN).get().to_dict() or {}
    waiting = {sessions[c]["ticket"] for c in chats if sessions[c]["state"] == "waiting"}
    assert set(queue.get("waiting", [])) == waiting


def test_neighbours_claiming_the_same_offered_chats_at_once_each_take_them_once_without_waiting(
    functions: Functions,
    svc: Services,
    second_instance: FunctionsProcess,
    lock_timeouts: list[str],
) -> None:
    origin, busy, chats = swamped_origin(functions, svc)
    offers = [offer_to_all_helpers(svc, chat) for chat in chats]

    def in_process(org: str) -> object:
        return functions.post("offer", offer_envelope(org, offers[0])).status_code

    def other_instance(org: str) -> object:
        url = f"{second_instance.api}/offer"
        return requests.post(url, json=offer_envelope(org, offers[0]), timeout=120).status_code

    def origin_frees_a_slot() -> object:
        return lifecycle.end_chat(svc, session_id=busy, ended_by="advisor", staff=origin).state

    calls: dict[str, Callable[[], object]] = {"origin ends a chat": origin_frees_a_slot}
    for org in HELPERS:
        calls[f"{org} in process"] = functools.partial(in_process, org)
        calls[f"{org} in the other instance"] = functools.partial(other_instance, org)
    lock_timeouts.clear()  # from here on: the contended moment only
    results = at_once(calls)

    outcomes = Counter(str(outcome) for _, outcome in results.values())
    assert outcomes == {"204": 2 * len(HELPERS), "ended": 1}, results
    assert lock_timeouts == [], f"{len(lock_timeouts)} calls waited out a lock"
    seconds = {name: round(took, 1) for name, (took, _) in results.items()}
    assert max(seconds.values()) < CALL_SECONDS, seconds
    # Every slot that was free is used: 2 per helper and the origin's freed one.
    assert_each_chat_paired_once(svc, chats, served=len(HELPERS) * HELPER_CAPACITY + 1)
    sessions = stored(svc, "sessions")
    # The origin's freed slot took one of its own waiting chats.
    assert sessions[busy]["state"] == "ended"
    assert sum(1 for c in chats if sessions[c].get("advisorUid") == "origin") == 1


def test_an_advisor_picking_an_offered_chat_that_two_regions_claim_gets_it_or_hears_so(
    functions: Functions, svc: Services, lock_timeouts: list[str]
) -> None:
    online(svc, ORIGIN, "origin")
    functions.intake(region=ORIGIN)
    chat = functions.intake(region=ORIGIN, nickname="Enige")["sessionId"]
    picker = online(svc, HELPERS[0], "picker")
    claimers = HELPERS[1:3]
    for org in claimers:
        online(svc, org, f"{org}-1")
    offer = offer_to_all_helpers(svc, chat)

    def deliver(org: str) -> object:
        return functions.post("offer", offer_envelope(org, offer)).status_code

    calls: dict[str, Callable[[], object]] = {
        "picker": lambda: assignment.accept(svc, staff=picker, session_id=chat).state
    }
    calls.update({org: functools.partial(deliver, org) for org in claimers})
    lock_timeouts.clear()
    results = at_once(calls)

    assert [results[org][1] for org in claimers] == [204, 204]
    assert lock_timeouts == []
    session = stored(svc, "sessions")[chat]
    assert session["state"] == "active"
    assert assigned_entries(svc)[chat] == 1
    assert sum(a["activeCount"] for a in stored(svc, "advisors").values()) == 2  # + origin's
    picked = results["picker"][1]
    if session["advisorUid"] == "picker":
        assert picked == "active"
    else:
        assert isinstance(picked, Conflict) and picked.code == "already_taken", picked


def test_an_urgent_offered_chat_is_claimed_before_older_ones(
    functions: Functions, svc: Services
) -> None:
    online(svc, ORIGIN, "origin")
    functions.intake(region=ORIGIN)
    older = functions.intake(region=ORIGIN, nickname="Ouder")["sessionId"]
    urgent = functions.intake(region=ORIGIN, nickname="Nu", inDanger=True)["sessionId"]
    helper = HELPERS[0]
    online(svc, helper, "helper")
    offers = [offer_to_all_helpers(svc, chat) for chat in (older, urgent)]

    assert functions.post("offer", offer_envelope(helper, offers[0])).status_code == 204
    sessions = stored(svc, "sessions")
    assert (sessions[urgent]["state"], sessions[urgent]["advisorUid"]) == ("active", "helper")
    assert sessions[older]["state"] == "waiting"
    (record,) = stored(svc, "handovers").values()
    assert (record["queuedOrg"], record["answeringOrg"], record["round"]) == (ORIGIN, helper, 3)


def test_a_round_whose_whole_batch_was_taken_by_neighbours_reads_the_queue_again(
    functions: Functions, svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CI failure of 2026-12-02: a freed slot stayed free while a chat waited.

    The origin's round read the first `dispatch_batch` chats of its queue; its
    neighbours took all of them before it claimed any, so it paired nothing
    and stopped, though its queue still held chats beyond that batch. Here the
    neighbour takes the batch at exactly that moment.
    """
    small = Services(svc.settings.model_copy(update={"dispatch_batch": 2}))
    origin = online(small, ORIGIN, "origin")
    busy = functions.intake(region=ORIGIN, nickname="Eerste")["sessionId"]
    helper = HELPERS[0]
    online(small, helper, f"{helper}-1", capacity=2)
    first, second, third = (
        functions.intake(region=ORIGIN, nickname=f"Bezoeker {n}")["sessionId"] for n in range(3)
    )
    for chat in (first, second):
        offer_to_all_helpers(small, chat, candidates=(helper,))
    read_queue = assignment._waiting_for
    origin_reads: list[list[str]] = []

    def neighbour_takes_the_batch_meanwhile(s: Services, org: str) -> list[str]:
        batch = read_queue(s, org)
        if org == ORIGIN:
            origin_reads.append(batch)
            if len(origin_reads) == 1:
                assert len(assignment.dispatch(s, org=helper)) == 2
        return batch

    monkeypatch.setattr(assignment, "_waiting_for", neighbour_takes_the_batch_meanwhile)
    lifecycle.end_chat(small, session_id=busy, ended_by="advisor", staff=origin)

    assert origin_reads[0] == [first, second]
    sessions = stored(svc, "sessions")
    assert [sessions[c]["advisorUid"] for c in (first, second)] == [f"{helper}-1"] * 2
    assert sessions[third]["state"] == "active", "the freed slot stayed free"
    assert sessions[third]["advisorUid"] == "origin"
