"""Lifecycle on the emulators: expiry of everything ephemeral, presence, limits.

The clock of the tick is passed in (`now=`), so minutes of silence take no
time; everything else is the real Firestore emulator.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import Functions, create_staff, everyone_present, new_id, read_events
from vtchat import availability, expiry, housekeeping, intake, lifecycle, presence, relay
from vtchat.errors import Busy, Conflict, RateLimited
from vtchat.models import AvailabilityRequest, IntakeRequest, MessageRequest, Staff
from vtchat.services import Services
from vtchat.settings import INTAKE_CEILING, settings
from vtchat.store import EPHEMERAL

pytestmark = pytest.mark.emulators

# Every collection the functions write, and whether TTL removes it.
KEPT_ROOTS = {"queues", "handovers", "postcodes", "chatRecords"}


def staff(uid: str, org: str = "utrecht") -> Staff:
    return Staff(uid=uid, role="advisor", org=org, display_name=f"Adviseur {uid}")


def go_online(svc: Services, uid: str, org: str = "utrecht", capacity: int = 3) -> Staff:
    who = staff(uid, org)
    availability.set_availability(
        svc, staff=who, request=AvailabilityRequest(status="online", capacity=capacity)
    )
    return who


def start(svc: Services, *, region: str = "utrecht", now: datetime | None = None) -> str:
    request = IntakeRequest(nickname="Merel", age=15, gender="woman", region=region)
    return intake.start_chat(svc, request, now=now).session_id


def send(svc: Services, session_id: str, text: str, *, by: Staff | None = None) -> None:
    relay.post_message(
        svc, MessageRequest(session_id=session_id, message_id=new_id(), text=text), staff=by
    )


def session(svc: Services, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict() or {})


def events(svc: Services, session_id: str) -> list[str]:
    entries = svc.store.messages(session_id).order_by("seq").stream()
    return [e.get("event") or "text" for e in entries]


def tuned(**changes: Any) -> Services:
    """Fresh services (own status board and budgets) with other limits."""
    return Services(settings().model_copy(update=changes))


def walk(svc: Services) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, data) of every document in the database, subcollections included."""
    pending = list(svc.store.client.collections())
    while pending:
        collection = pending.pop()
        for snap in collection.stream():
            yield snap.reference.path, snap.to_dict() or {}
            pending.extend(snap.reference.collections())


# --- expiry ---------------------------------------------------------------------------


def test_everything_ephemeral_carries_the_right_expiry_and_expire_deletes_only_that(
    svc: Services, functions: Functions
) -> None:
    config = svc.settings
    anna = go_online(svc, "anna", capacity=1)
    served = start(svc)  # Anna takes it
    send(svc, served, "Hallo")
    send(svc, served, "Hoi, vertel", by=anna)
    left_waiting = start(svc)  # Anna is full
    lifecycle.end_chat(svc, session_id=left_waiting, ended_by="visitor")
    lifecycle.end_chat(svc, session_id=served, ended_by="advisor", staff=anna)
    running = start(svc)  # Anna is free again and takes it
    housekeeping.tick(svc)

    seen_roots: set[str] = set()
    documents = list(walk(svc))
    for path, data in documents:
        parts = path.split("/")
        seen_roots.add(parts[0])
        group = parts[-2]
        if group not in EPHEMERAL:
            assert parts[0] in KEPT_ROOTS, f"{path}: a new kind of document must be classified"
            continue
        assert isinstance(data.get("expireAt"), datetime), f"{path} has no expireAt"
        if group == "messages":
            owner = session(svc, parts[1])
            assert data["expireAt"] == owner["expireAt"], path
        elif group == "sessions" and data["state"] == "ended":
            kept = config.content_retention if data.get("assignedAt") else config.unserved_retention
            assert data["expireAt"] == data["endedAt"] + kept, path
            assert data["expiryFinal"] is True
        elif group == "sessions":
            lifetime = config.session_max_lifetime + config.content_retention
            assert data["expireAt"] == data["createdAt"] + lifetime, path
        elif group == "transfers":  # the handing organisation's count, for a day
            assert data["expireAt"] == data["at"] + timedelta(hours=24), path
        elif group == "proofs":  # a used intake puzzle: refused again until it expires
            assert data["expireAt"] <= datetime.now(UTC) + timedelta(minutes=10), path
        else:  # advisors: staff names, gone after a month unused
            last = data.get("seenAt") or data["updatedAt"]
            assert data["expireAt"] == last + config.advisor_retention, path
    assert {"sessions", "advisors", "queues"} <= seen_roots
    assert session(svc, running)["state"] == "active"

    assert expiry.delete_expired(svc) == dict.fromkeys(EPHEMERAL, 0)
    far = datetime.now(UTC) + config.advisor_retention + timedelta(days=1)
    deleted = expiry.delete_expired(svc, now=far)
    assert deleted["sessions"] == 3
    assert deleted["advisors"] == 1
    assert deleted["messages"] == sum(1 for p, _ in documents if "/messages/" in p)
    left = {path.split("/")[0] for path, _ in walk(svc)}
    assert left <= KEPT_ROOTS


# --- visitor presence -------------------------------------------------------------------


def test_a_silent_waiting_visitor_drops_then_leaves_the_queue(svc: Services) -> None:
    now = datetime.now(UTC)
    chat = start(svc, now=now)
    assert session(svc, chat)["visitorPresence"] == "connected"

    first = housekeeping.tick(svc, now=now + timedelta(seconds=61))
    assert first.visitors_dropped == 1
    assert session(svc, chat)["visitorPresence"] == "dropped"

    gone_at = now + svc.settings.visitor_grace + timedelta(seconds=1)
    report = housekeeping.tick(svc, now=gone_at)
    again = housekeeping.tick(svc, now=gone_at)
    assert (report.visitors_gone, again.visitors_gone) == (1, 0)
    stored = session(svc, chat)
    assert (stored["state"], stored["endedBy"], stored["visitorPresence"]) == (
        "ended",
        "visitor",
        "gone",
    )
    assert stored["visitorSeenAt"] is None
    assert svc.store.queue("utrecht").get().to_dict() == {"waiting": []}


def test_a_visitor_seen_meanwhile_is_not_ended(svc: Services) -> None:
    now = datetime.now(UTC)
    chat = start(svc, now=now)
    later = now + svc.settings.visitor_grace + timedelta(seconds=1)
    presence.visitor_seen(svc, session_id=chat, now=later - timedelta(seconds=5))
    assert housekeeping.tick(svc, now=later).visitors_gone == 0
    assert session(svc, chat)["state"] == "waiting"


def test_an_active_chat_stays_with_the_advisor_when_the_visitor_goes(svc: Services) -> None:
    go_online(svc, "anna")
    now = datetime.now(UTC)
    chat = start(svc, now=now)
    later = now + svc.settings.visitor_grace + timedelta(seconds=1)
    presence.advisor_heartbeat(svc, staff=staff("anna"), now=later)
    assert housekeeping.tick(svc, now=later).visitors_gone == 1
    stored = session(svc, chat)
    assert (stored["state"], stored["visitorPresence"]) == ("active", "gone")
    # Back again (e.g. from another tab): the advisor sees it at once.
    presence.visitor_heartbeat(svc, session_id=chat)
    assert session(svc, chat)["visitorPresence"] == "connected"


def test_closing_the_stream_shows_the_visitor_dropped(functions: Functions, svc: Any) -> None:
    chat = functions.intake()
    response = functions.stream(chat["token"])
    assert [e.type for e in read_events(response, count=1)] == ["queued"]
    assert session(svc, chat["sessionId"])["visitorPresence"] == "connected"
    response.close()  # the visitor's side goes away
    assert session(svc, chat["sessionId"])["visitorPresence"] == "dropped"
    # Waiting, only the open stream keeps the place: a heartbeat is no sign of
    # life (it would let a script keep fake chats queued; test_intake_attacks).
    heartbeat = functions.post("heartbeat", {}, token=chat["token"])
    assert heartbeat.status_code == 200, heartbeat.get_json()
    assert heartbeat.get_json()["nextInSeconds"] == 30
    assert session(svc, chat["sessionId"])["visitorPresence"] == "dropped"
    reopened = functions.stream(chat["token"])
    assert [e.type for e in read_events(reopened, count=1)] == ["queued"]
    assert session(svc, chat["sessionId"])["visitorPresence"] == "connected"
    reopened.close()


# --- advisor presence -------------------------------------------------------------------


def test_a_silent_console_hands_its_chats_to_a_colleague_once(svc: Services) -> None:
    anna = go_online(svc, "anna", capacity=1)
    chat = start(svc)
    send(svc, chat, "Ben je er nog?")
    send(svc, chat, "Ja, ik ben er", by=anna)
    go_online(svc, "bram", capacity=1)
    later = datetime.now(UTC) + svc.settings.advisor_grace + timedelta(seconds=1)
    presence.visitor_seen(svc, session_id=chat, now=later)
    presence.advisor_heartbeat(svc, staff=staff("bram"), now=later)

    reports: list[housekeeping.TickReport] = []
    ticks = [
        threading.Thread(target=lambda: reports.append(housekeeping.tick(svc, now=later)))
        for _ in range(2)
    ]
    for thread in ticks:
        thread.start()
    for thread in ticks:
        thread.join()

    assert sum(r.advisors_lost for r in reports) == 1
    stored = session(svc, chat)
    assert (stored["state"], stored["advisorUid"]) == ("active", "bram")
    assert stored["advisorLostAt"] is not None
    assert events(svc, chat) == ["queued", "assigned", "text", "text", "advisor_lost", "assigned"]
    anna_doc = svc.store.advisor("anna").get().to_dict() or {}
    assert (anna_doc["status"], anna_doc["activeCount"], anna_doc["seenAt"]) == ("offline", 0, None)
    with pytest.raises(Conflict):
        presence.advisor_heartbeat(svc, staff=anna)


def test_the_visitor_hears_that_their_advisor_was_lost(functions: Functions, svc: Any) -> None:
    advisor = create_staff(org="utrecht")
    assert (
        functions.post("availability", {"status": "online"}, token=advisor.id_token).status_code
        == 200
    )
    chat = functions.intake()
    stream = functions.stream(chat["token"])
    assert [e.type for e in read_events(stream, count=2)] == ["queued", "assigned"]
    later = datetime.now(UTC) + svc.settings.advisor_grace + timedelta(seconds=1)
    presence.visitor_seen(svc, session_id=chat["sessionId"], now=later)
    housekeeping.tick(svc, now=later)
    lost = read_events(stream, count=1)
    assert lost[0].type == "advisor_lost"
    assert lost[0].data["advisorName"] == advisor.display_name
    # The stream closes so that the reconnect brings the queue place.
    assert list(stream.response) == []
    assert session(svc, chat["sessionId"])["state"] == "waiting"
    assert session(svc, chat["sessionId"])["visitorPresence"] == "connected"


def test_the_console_heartbeat(functions: Functions) -> None:
    advisor = create_staff(org="utrecht")
    refused = functions.post("heartbeat", {}, token=advisor.id_token)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "advisor_offline")
    functions.post("availability", {"status": "paused"}, token=advisor.id_token)
    beat = functions.post("heartbeat", {}, token=advisor.id_token)
    assert beat.status_code == 200
    assert beat.get_json()["nextInSeconds"] == 30


# --- limits ----------------------------------------------------------------------------


def test_a_visitor_flooding_messages_is_slowed_not_lost(functions: Functions, svc: Any) -> None:
    chat = functions.intake()
    burst = svc.settings.message_burst
    ids = [new_id() for _ in range(burst + 1)]
    answers = [
        functions.post(
            "messages",
            {"sessionId": chat["sessionId"], "messageId": message_id, "text": "hoi"},
            token=chat["token"],
        )
        for message_id in ids
    ]
    assert [a.status_code for a in answers] == [201] * burst + [429]
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert refused.get_json()["error"]["details"]["phone"] == "0800 2000"
    # A resend of a stored message is answered, whatever the budget.
    again = functions.post(
        "messages",
        {"sessionId": chat["sessionId"], "messageId": ids[0], "text": "hoi"},
        token=chat["token"],
    )
    assert (again.status_code, again.get_json()["duplicate"]) == (200, True)


def test_a_chat_has_a_maximum_length(svc: Services) -> None:
    small = tuned(messages_per_session=10, message_burst=100)
    chat = start(small)
    for _ in range(8):  # queued + 8 = 9 entries
        send(small, chat, "hoi")
    send(small, chat, "de tiende")
    with pytest.raises(Conflict) as refused:
        send(small, chat, "te veel")
    assert refused.value.code == "chat_too_long"


def test_intakes_beyond_the_ceiling_are_told_to_try_again_or_call(svc: Services) -> None:
    limited = tuned(intakes_per_minute=2)
    for _ in range(2 * INTAKE_CEILING):
        start(limited)
    with pytest.raises(Busy) as busy:
        start(limited)
    assert busy.value.status == 429
    assert 1 <= busy.value.retry_after_seconds <= 60
    assert "0800 2000" in busy.value.message


def test_no_new_chat_joins_a_queue_nobody_can_serve_in_time(svc: Services) -> None:
    capped = tuned(max_waiting_per_org=2)
    start(capped)
    start(capped)
    capped.status_board._built_at = 0.0  # the next intake sees the fresh queue length
    with pytest.raises(Busy):
        start(capped)
    assert start(capped, region="amsterdam-amstelland")


def test_advisors_are_not_limited_by_the_visitor_budget(svc: Services) -> None:
    anna = go_online(svc, "anna")
    chat = start(svc)
    for _ in range(svc.settings.message_burst + 5):
        send(svc, chat, "een lang verhaal", by=anna)
    with pytest.raises(RateLimited):
        for _ in range(svc.settings.message_burst + 1):
            send(svc, chat, "en ik ook")


def test_overdue_chats_are_ended_by_the_tick(svc: Services) -> None:
    long_ago = datetime.now(UTC) - svc.settings.session_max_lifetime - timedelta(minutes=1)
    chat = start(svc, now=long_ago)
    everyone_present(svc, datetime.now(UTC))
    assert housekeeping.tick(svc).overdue_ended == 1
    assert session(svc, chat)["endedBy"] == "system"
    assert svc.store.query(svc.store.overdue_chats(datetime.now(UTC), limit=5)) == []
