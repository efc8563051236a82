"""The advisor's HTTP calls, in process, with real Auth emulator ID tokens."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support import Functions, StaffLogin, create_staff, new_id, read_events

pytestmark = pytest.mark.emulators


def go_online(functions: Functions, staff: StaffLogin, capacity: int | None = None) -> Any:
    body: dict[str, Any] = {"status": "online"}
    if capacity is not None:
        body["capacity"] = capacity
    response = functions.post("availability", body, token=staff.id_token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def session(svc: Any, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict())


def advisor(svc: Any, uid: str) -> dict[str, Any]:
    return dict(svc.store.advisor(uid).get().to_dict())


def test_a_waiting_chat_is_assigned_when_an_advisor_comes_online(
    functions: Functions, svc: Any
) -> None:
    chat = functions.intake()
    staff = create_staff(org="utrecht")
    state = go_online(functions, staff)
    assert state == {
        "uid": staff.uid,
        "org": "utrecht",
        "status": "online",
        "capacity": 3,
        "activeCount": 0,
    }
    stored = session(svc, chat["sessionId"])
    assert stored["state"] == "active"
    assert stored["advisorUid"] == staff.uid
    assert advisor(svc, staff.uid)["activeCount"] == 1


def test_chats_are_served_first_come_first_served(functions: Functions, svc: Any) -> None:
    first, second, third = (functions.intake() for _ in range(3))
    staff = create_staff(org="utrecht")
    go_online(functions, staff, capacity=2)
    states = [session(svc, c["sessionId"])["state"] for c in (first, second, third)]
    assert states == ["active", "active", "waiting"]


def test_an_advisor_of_another_organisation_gets_nothing(functions: Functions, svc: Any) -> None:
    chat = functions.intake()
    other = create_staff(org="haaglanden")
    go_online(functions, other)
    assert session(svc, chat["sessionId"])["state"] == "waiting"
    response = functions.post("accept", {"sessionId": chat["sessionId"]}, token=other.id_token)
    assert response.status_code == 404
    message = functions.post(
        "messages",
        {"sessionId": chat["sessionId"], "messageId": new_id(), "text": "hallo"},
        token=other.id_token,
    )
    assert message.status_code == 403


def test_an_advisor_can_pick_a_specific_waiting_chat(functions: Functions, svc: Any) -> None:
    staff = create_staff(org="utrecht")
    go_online(functions, staff, capacity=1)
    first, second = functions.intake(), functions.intake()
    assert session(svc, first["sessionId"])["state"] == "active"
    functions.post("end", {"sessionId": first["sessionId"]}, token=staff.id_token)
    # Ending frees the slot and the queue is served at once.
    assert session(svc, second["sessionId"])["advisorUid"] == staff.uid
    third = functions.intake()
    taken = functions.post("accept", {"sessionId": third["sessionId"]}, token=staff.id_token)
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "at_capacity"


def test_accepting_a_chat_a_colleague_took_is_a_conflict(functions: Functions) -> None:
    chat = functions.intake()
    anna, bram = create_staff(org="utrecht"), create_staff(org="utrecht")
    go_online(functions, anna)
    go_online(functions, bram)
    response = functions.post("accept", {"sessionId": chat["sessionId"]}, token=bram.id_token)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_taken"
    mine = functions.post("accept", {"sessionId": chat["sessionId"]}, token=anna.id_token)
    assert mine.status_code == 200  # accepting your own chat again is harmless


def test_accounts_without_staff_claims_are_refused(functions: Functions) -> None:
    nobody = create_staff(org="utrecht", claims=False)
    response = functions.post("availability", {"status": "online"}, token=nobody.id_token)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_staff"
    garbage = functions.post("availability", {"status": "online"}, token="not-a-jwt")
    assert garbage.status_code == 401


def test_advisor_and_visitor_exchange_messages_and_the_advisor_ends(
    functions: Functions, svc: Any
) -> None:
    staff = create_staff(org="utrecht", name="Anna")
    go_online(functions, staff)
    chat = functions.intake()
    sid = chat["sessionId"]
    visitor_says = functions.post(
        "messages", {"sessionId": sid, "messageId": new_id(), "text": "Hoi"}, token=chat["token"]
    )
    advisor_says = functions.post(
        "messages",
        {"sessionId": sid, "messageId": new_id(), "text": "Hoi, ik ben Anna"},
        token=staff.id_token,
    )
    assert (visitor_says.status_code, advisor_says.status_code) == (201, 201)
    ended = functions.post("end", {"sessionId": sid}, token=staff.id_token)
    assert ended.status_code == 200
    events = read_events(functions.stream(chat["token"]), until="ended")
    assert [e.type for e in events] == ["queued", "assigned", "message", "message", "ended"]
    assert events[3].data == {
        "seq": 4,
        "type": "message",
        "sender": "advisor",
        "text": "Hoi, ik ben Anna",
        "advisorName": "Anna",
        "at": events[3].data["at"],
    }
    assert advisor(svc, staff.uid)["activeCount"] == 0
    stored = session(svc, sid)
    assert stored["endedBy"] == "advisor"
    assert stored["expiryFinal"] is True
    for message in svc.store.messages(sid).stream():
        assert message.to_dict()["expireAt"] == stored["expireAt"]


def test_thirty_intakes_and_ten_advisors_at_once(functions: Functions, svc: Any) -> None:
    """Every chat assigned exactly once; no advisor ever above capacity."""
    advisors = [create_staff(org="utrecht") for _ in range(10)]

    def intake(_: int) -> str:
        return str(Functions().intake()["sessionId"])

    def online(staff: StaffLogin) -> None:
        go_online(Functions(), staff)

    with ThreadPoolExecutor(max_workers=40) as pool:
        intakes = [pool.submit(intake, n) for n in range(30)]
        onlines = [pool.submit(online, staff) for staff in advisors]
        session_ids = [f.result() for f in intakes]
        for f in onlines:
            f.result()

    sessions = [session(svc, sid) for sid in session_ids]
    assert all(s["state"] == "active" for s in sessions), [s["state"] for s in sessions]
    per_advisor: dict[str, int] = {}
    for s in sessions:
        per_advisor[s["advisorUid"]] = per_advisor.get(s["advisorUid"], 0) + 1
    assert sorted(per_advisor.values()) == [3] * 10
    for staff in advisors:
        assert advisor(svc, staff.uid)["activeCount"] == per_advisor[staff.uid]
    for sid in session_ids:
        events = [m.to_dict() for m in svc.store.messages(sid).stream()]
        assert sorted(e["seq"] for e in events) == [1, 2]
        assert [e.get("event") for e in sorted(events, key=lambda e: e["seq"])] == [
            "queued",
            "assigned",
        ]
