"""Opening hours, rotas, the public status, closing time and live queue places.

The suite's services use an always-open schedule; tests about real hours build
their own `Services` on the shipped schedule and pass explicit instants.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support import Functions, SseEvent, everyone_present, parse_sse
from vtchat import availability, housekeeping, intake, lifecycle, relay
from vtchat.errors import ChatClosed
from vtchat.models import AvailabilityRequest, IntakeRequest, MessageRequest, Staff
from vtchat.services import Services
from vtchat.status import StatusBoard

pytestmark = pytest.mark.emulators

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


@pytest.fixture
def shipped(svc: Services) -> Services:
    """Services on the real, shipped schedule."""
    return Services(svc.settings.model_copy(update={"schedule_file": None}))


def online(svc: Services, org: str, uid: str, *, capacity: int = 1) -> Staff:
    staff = Staff(uid=uid, role="advisor", org=org, display_name=f"Adviseur {uid}")
    availability.set_availability(
        svc, staff=staff, request=AvailabilityRequest(status="online", capacity=capacity)
    )
    return staff


def request(region: str) -> IntakeRequest:
    return IntakeRequest(nickname="Merel", age=16, gender="woman", region=region)


def session(svc: Services, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict() or {})


def timeline(svc: Services, session_id: str) -> list[dict[str, Any]]:
    return [
        snap.to_dict() or {} for snap in svc.store.messages(session_id).order_by("seq").stream()
    ]


# --- opening hours and rotas -----------------------------------------------------------


def test_an_intake_outside_opening_hours_is_refused_with_the_hours_and_the_phone_number(
    shipped: Services,
) -> None:
    sunday_noon = local("2026-11-22T12:00")
    with pytest.raises(ChatClosed) as refused:
        intake.start_chat(shipped, request("utrecht"), now=sunday_noon)
    details = refused.value.details
    assert details["opensAt"] == "2026-11-23T08:00:00+00:00"
    assert details["phone"] == "0800 2000"
    assert any("maandag" in line for line in details["hours"])  # type: ignore[attr-defined]
    assert "0800 2000" in refused.value.message
    assert list(shipped.store.all_waiting().stream()) == []

    # Zuidoost-Brabant is open seven days a week.
    chat = intake.start_chat(shipped, request("zuidoost-brabant"), now=sunday_noon)
    assert session(shipped, chat.session_id)["org"] == "zuidoost-brabant"


def test_on_a_rota_day_the_staffing_organisation_serves_the_whole_group(
    shipped: Services,
) -> None:
    thursday = local("2026-11-19T10:00")
    chat = intake.start_chat(shipped, request("gelderland-zuid"), now=thursday)
    stored = session(shipped, chat.session_id)
    # Queued for IJsselland's advisors; the region of origin is kept apart.
    assert (stored["region"], stored["org"]) == ("gelderland-zuid", "ijsselland")

    online(shipped, "ijsselland", "ijssel")
    stored = session(shipped, chat.session_id)
    assert (stored["state"], stored["advisorOrg"]) == ("active", "ijsselland")
    assigned = timeline(shipped, chat.session_id)[-1]
    assert (assigned["event"], assigned["fallback"], assigned["regionName"]) == (
        "assigned",
        True,
        "Gelderland-Zuid",
    )
    # A rota is mutual: nothing to settle.
    assert stored["viaFallback"] is False
    assert list(shipped.store.handovers().stream()) == []


def test_closing_time_stops_intake_but_never_cuts_off_a_running_chat(shipped: Services) -> None:
    friday = local("2026-11-20T16:58")
    advisor = online(shipped, "utrecht", "anna")
    running = intake.start_chat(shipped, request("utrecht"), now=friday)
    waiting = intake.start_chat(shipped, request("utrecht"), now=friday)
    assert session(shipped, running.session_id)["state"] == "active"

    after_closing = local("2026-11-20T17:30")
    with pytest.raises(ChatClosed):
        intake.start_chat(shipped, request("utrecht"), now=after_closing)
    everyone_present(shipped, after_closing)
    housekeeping.tick(shipped, now=after_closing)
    housekeeping.tick(shipped, now=after_closing)
    assert session(shipped, running.session_id)["state"] == "active"
    reply = relay.post_message(
        shipped,
        MessageRequest(
            session_id=running.session_id,
            message_id="0b6a3c1e-9a51-4c1f-9f6e-0d1f6f1c2a10",
            text="We ronden rustig af.",
        ),
        staff=advisor,
    )
    assert reply.seq > 0
    # The waiting visitor stays in line: Anna is still online to take them.
    assert session(shipped, waiting.session_id)["state"] == "waiting"
    assert [e["event"] for e in timeline(shipped, waiting.session_id)] == ["queued"]


def test_a_visitor_still_waiting_when_nobody_is_left_is_told_once(shipped: Services) -> None:
    waiting = intake.start_chat(shipped, request("utrecht"), now=local("2026-11-20T16:58"))
    after_closing = local("2026-11-20T17:30")
    everyone_present(shipped, after_closing)
    first = housekeeping.tick(shipped, now=after_closing)
    second = housekeeping.tick(shipped, now=after_closing)
    assert (first.told_closed, second.told_closed) == (1, 0)
    events = [e["event"] for e in timeline(shipped, waiting.session_id)]
    assert events == ["queued", "after_hours"]
    # Still in line, and offered to whoever is open now (Zuidoost-Brabant, till 23:00).
    stored = session(shipped, waiting.session_id)
    assert stored["state"] == "waiting"
    assert stored["offeredTo"] == ["zuidoost-brabant"]


# --- the public status -----------------------------------------------------------------


def test_status_counts_the_queue_and_estimates_the_wait(
    functions: Functions, svc: Services
) -> None:
    online(svc, "utrecht", "anna")
    for _ in range(3):
        functions.intake(region="utrecht")
    board = StatusBoard(svc).current()
    utrecht = next(r for r in board.regions if r.id == "utrecht")
    assert (utrecht.open, utrecht.queue_length, utrecht.advisors_online) == (True, 2, 1)
    # A newcomer is third in line behind one busy advisor with one slot.
    assert utrecht.estimated_wait_minutes == 3 * 17
    haaglanden = next(r for r in board.regions if r.id == "haaglanden")
    assert (haaglanden.queue_length, haaglanden.estimated_wait_minutes) == (0, None)
    assert len(board.regions) == 26


def test_status_is_served_from_memory_and_cacheable(functions: Functions, svc: Services) -> None:
    client = functions.client("status")
    first = client.get("/")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    body = first.get_json()
    assert body["phone"] == "0800 2000"
    assert {r["id"] for r in body["regions"]} == {org.id for org in svc.directory}

    reads_before = svc.store.counts.snapshot()[0]
    for _ in range(200):
        assert client.get("/?region=utrecht").status_code == 200
    reads = svc.store.counts.snapshot()[0] - reads_before
    # At most one rebuild (two queries) in the refresh window, not 200 x anything.
    assert reads <= 2 + len(list(svc.store.all_waiting().stream())) + 10

    one = client.get("/?region=utrecht").get_json()
    assert [r["id"] for r in one["regions"]] == ["utrecht"]
    unknown = client.get("/?region=atlantis")
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["code"] == "region_unknown"


# --- queue places ----------------------------------------------------------------------


def follow(functions: Functions, token: str) -> Iterator[SseEvent]:
    """Events of a visitor's stream, read on a thread, with a timeout per event."""
    events: queue.Queue[SseEvent | None] = queue.Queue()
    response = functions.stream(token)

    def pump() -> None:
        try:
            for event in parse_sse(response.response):
                events.put(event)
        finally:
            events.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        event = events.get(timeout=20)
        if event is None:
            return
        yield event


def next_place(events: Iterator[SseEvent]) -> int:
    for event in events:
        if event.type == "queue":
            return int(event.data["position"])
    raise AssertionError("stream ended")


def test_a_waiting_visitor_sees_their_place_move_up_live(
    functions: Functions, svc: Services
) -> None:
    first, second, third = (functions.intake(region="utrecht") for _ in range(3))
    events = follow(functions, third["token"])
    assert next_place(events) == 3

    functions.post("leave", {"sessionId": first["sessionId"]}, token=first["token"])
    assert next_place(events) == 2

    online(svc, "utrecht", "anna")
    assert session(svc, second["sessionId"])["state"] == "active"
    assert next_place(events) == 1

    lifecycle.end_chat(svc, session_id=second["sessionId"], ended_by="visitor")
    assigned = next(e for e in events if e.type == "assigned")
    assert assigned.data["advisorName"] == "Adviseur anna"


def test_a_queue_change_costs_the_same_whatever_the_queue_length(
    functions: Functions, svc: Services
) -> None:
    def writes_of_one_leave(waiting: int) -> int:
        chats = [functions.intake(region="haaglanden") for _ in range(waiting)]
        before = svc.store.counts.snapshot()[1]
        lifecycle.end_chat(svc, session_id=chats[0]["sessionId"], ended_by="visitor")
        cost = svc.store.counts.snapshot()[1] - before
        for chat in chats[1:]:
            lifecycle.end_chat(svc, session_id=chat["sessionId"], ended_by="visitor")
        return cost

    assert writes_of_one_leave(2) == writes_of_one_leave(12)
    # Nobody's session is rewritten: the queue document holds what changed.
    assert svc.store.queue("haaglanden").get().to_dict() == {"waiting": []}


def test_tick_repairs_a_queue_document_that_drifted(functions: Functions, svc: Services) -> None:
    chat = functions.intake(region="utrecht")
    ticket = session(svc, chat["sessionId"])["ticket"]
    # A ticket left behind (say by a restore), and the live one missing.
    svc.store.queue("utrecht").set({"waiting": ["19990101000000000000-dead"]})
    svc.store.queue("haaglanden").set({"waiting": ["19990101000000000000-beef"]})
    report = housekeeping.tick(svc, now=datetime.now(UTC))
    assert report.queues_repaired == 2
    assert svc.store.queue("utrecht").get().to_dict() == {"waiting": [ticket]}
    assert svc.store.queue("haaglanden").get().to_dict() == {"waiting": []}


def test_the_region_list_carries_names_and_referrals_and_is_cached_long(
    functions: Functions,
) -> None:
    answer = functions.client("regions").get("/")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"].startswith("public, max-age=3600")
    regions = answer.get_json()["regions"]
    assert len(regions) == 26
    utrecht = next(r for r in regions if r["id"] == "utrecht")
    assert utrecht["name"] == "Veilig Thuis Utrecht"
    # Every region has at least the national referrals an advisor can offer.
    assert "De Kindertelefoon" in {ref["name"] for ref in utrecht["referrals"]}
    assert [r["shortName"] for r in regions] == sorted(r["shortName"] for r in regions)
