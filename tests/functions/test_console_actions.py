"""What the console asks of the functions: transfer, take over, danger flag, registration."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Functions, StaffLogin, create_staff, new_id, read_events

pytestmark = pytest.mark.emulators


def online(functions: Functions, staff: StaffLogin, capacity: int = 3) -> None:
    answer = functions.post(
        "availability", {"status": "online", "capacity": capacity}, token=staff.id_token
    )
    assert answer.status_code == 200, answer.get_json()


def session(svc: Any, session_id: str) -> dict[str, Any]:
    return dict(svc.store.session(session_id).get().to_dict())


def active_count(svc: Any, staff: StaffLogin) -> int:
    return int(svc.store.advisor(staff.uid).get().get("activeCount"))


def test_a_chat_goes_to_a_colleague_with_a_note_the_visitor_never_sees(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    online(functions, anna, capacity=1)
    chat = functions.intake()
    bram = create_staff(org="utrecht", name="Bram")
    online(functions, bram)
    moved = functions.post(
        "transfer",
        {"sessionId": chat["sessionId"], "toAdvisor": bram.uid, "note": "Let op: veiligheid"},
        token=anna.id_token,
    )
    assert moved.status_code == 200, moved.get_json()
    stored = session(svc, chat["sessionId"])
    assert (stored["advisorUid"], stored["transferNote"], stored["transferNoteBy"]) == (
        bram.uid,
        "Let op: veiligheid",
        "Anna",
    )
    assert (active_count(svc, anna), active_count(svc, bram)) == (0, 1)
    events = read_events(functions.stream(chat["token"]), count=3)
    assert [e.type for e in events] == ["queued", "assigned", "transferred"]
    assert events[2].data["advisorName"] == "Bram"
    assert "Let op" not in str([e.data for e in events])
    # Anna no longer writes in it; Bram does.
    body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": "Hoi"}
    assert functions.post("messages", body, token=anna.id_token).status_code == 403
    assert functions.post("messages", body, token=bram.id_token).status_code == 201


def test_a_chat_handed_to_another_organisation_waits_first_and_is_settled(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    online(functions, anna)
    chat = functions.intake()
    functions.intake(region="flevoland")  # already waiting there
    moved = functions.post(
        "transfer", {"sessionId": chat["sessionId"], "toOrg": "flevoland"}, token=anna.id_token
    )
    assert (moved.status_code, moved.get_json()["state"]) == (200, "waiting")
    stored = session(svc, chat["sessionId"])
    assert (stored["org"], stored["transferredFrom"], stored["state"]) == (
        "flevoland",
        "utrecht",
        "waiting",
    )
    waiting = sorted(svc.store.queue("flevoland").get().get("waiting"))
    assert waiting[0] == stored["ticket"]  # at the front: the visitor has waited already

    fleur = create_staff(org="flevoland", name="Fleur")
    online(functions, fleur, capacity=1)
    taken = session(svc, chat["sessionId"])
    assert (taken["state"], taken["advisorUid"]) == ("active", fleur.uid)
    (handover,) = [h.to_dict() for h in svc.store.handovers().stream()]
    assert (handover["queuedOrg"], handover["answeringOrg"]) == ("utrecht", "flevoland")


def test_only_a_supervisor_takes_over_and_only_colleagues_receive(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    online(functions, anna)
    chat = functions.intake()
    other = create_staff(org="flevoland")
    online(functions, other)
    refused = functions.post(
        "transfer", {"sessionId": chat["sessionId"], "toAdvisor": other.uid}, token=anna.id_token
    )
    assert refused.get_json()["error"]["code"] == "not_a_colleague"
    both = functions.post(
        "transfer",
        {"sessionId": chat["sessionId"], "toAdvisor": other.uid, "toOrg": "flevoland"},
        token=anna.id_token,
    )
    assert both.status_code == 422
    colleague = create_staff(org="utrecht")
    online(functions, colleague)
    grab = functions.post(
        "transfer",
        {"sessionId": chat["sessionId"], "toAdvisor": colleague.uid},
        token=colleague.id_token,
    )
    assert grab.get_json()["error"]["code"] == "not_your_chat"

    lead = create_staff(org="utrecht", role="supervisor", name="Sanne")
    online(functions, lead)
    over = functions.post(
        "transfer", {"sessionId": chat["sessionId"], "toAdvisor": lead.uid}, token=lead.id_token
    )
    assert over.status_code == 200, over.get_json()
    assert session(svc, chat["sessionId"])["advisorName"] == "Sanne"


def test_the_danger_flag_is_set_by_the_advisor_and_keeps_the_visitors_reason(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    online(functions, anna)
    plain = functions.intake()
    flagged = functions.post(
        "urgent", {"sessionId": plain["sessionId"], "urgent": True}, token=anna.id_token
    )
    assert flagged.status_code == 200
    stored = session(svc, plain["sessionId"])
    assert (stored["urgent"], stored["urgentReason"], stored["urgentBy"]) == (
        True,
        "advisor",
        "Anna",
    )
    in_danger = functions.intake(inDanger=True)
    functions.post(
        "urgent", {"sessionId": in_danger["sessionId"], "urgent": True}, token=anna.id_token
    )
    assert session(svc, in_danger["sessionId"])["urgentReason"] == "in_danger"
    stranger = create_staff(org="flevoland")
    denied = functions.post(
        "urgent", {"sessionId": plain["sessionId"], "urgent": False}, token=stranger.id_token
    )
    assert denied.status_code == 403


def test_the_registration_is_anonymous_and_saved_once(functions: Functions, svc: Any) -> None:
    anna = create_staff(org="utrecht")
    online(functions, anna)
    chat = functions.intake(nickname="Merel", age=16)
    body = {
        "sessionId": chat["sessionId"],
        "contact": "victim",
        "topics": ["partner_violence", "psychological_pressure"],
        "advice": ["safety_plan"],
        "referrals": ["wijkteam"],
        "outcome": "referred",
    }
    early = functions.post("register", body, token=anna.id_token)
    assert early.get_json()["error"]["code"] == "chat_not_ended"
    functions.post("end", {"sessionId": chat["sessionId"]}, token=anna.id_token)
    first = functions.post("register", body, token=anna.id_token)
    again = functions.post("register", {**body, "outcome": "advice_given"}, token=anna.id_token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["registrationId"] == again.get_json()["registrationId"]
    # The console cannot read the record: the session tells it the form is done.
    assert session(svc, chat["sessionId"])["registered"] is True
    (record,) = list(svc.store.client.collection("chatRecords").stream())
    data = record.to_dict()
    assert record.id != chat["sessionId"]
    assert data["outcome"] == "advice_given"
    assert (data["ageBand"], data["region"], data["answeringOrg"]) == (
        "16-17",
        "utrecht",
        "utrecht",
    )
    assert data["started"].minute % 15 == 0 and data["started"].second == 0
    assert "Merel" not in str(data) and "expireAt" not in data
    wrong = functions.post(
        "register", {**body, "topics": ["stalking", "stalking"]}, token=anna.id_token
    )
    assert wrong.status_code == 422


def test_going_offline_hands_running_chats_back_to_the_front_of_the_queue(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht")
    online(functions, anna, capacity=2)
    first = functions.intake(nickname="Merel")
    second = functions.intake(nickname="Kees")
    assert session(svc, first["sessionId"])["advisorUid"] == anna.uid
    bram = create_staff(org="utrecht")
    online(functions, bram, capacity=1)

    gone = functions.post("availability", {"status": "offline"}, token=anna.id_token)
    again = functions.post("availability", {"status": "offline"}, token=anna.id_token)

    assert (gone.status_code, again.status_code) == (200, 200)
    assert (gone.get_json()["status"], gone.get_json()["activeCount"]) == ("offline", 0)
    chats = [session(svc, c["sessionId"]) for c in (first, second)]
    # The first in line goes to the colleague at once; the other waits at the front.
    assert [(c["state"], c["advisorUid"]) for c in chats] == [
        ("active", bram.uid),
        ("waiting", None),
    ]
    assert all(c["advisorLostAt"] is not None for c in chats)
    assert active_count(svc, anna) == 0


def test_standard_texts_are_national_plus_the_organisations_own(functions: Functions) -> None:
    staff = create_staff(org="zuidoost-brabant")
    answer = functions.client("texts").get("/", headers=staff.headers)
    assert answer.status_code == 200
    ids = [t["id"] for t in answer.get_json()["texts"]]
    assert ids[0] == "welkom" and "avond" in ids
    assert "{lokale_hulp}" in answer.get_json()["placeholders"]
    elsewhere = create_staff(org="utrecht")
    ids = [
        t["id"]
        for t in functions.client("texts").get("/", headers=elsewhere.headers).get_json()["texts"]
    ]
    assert "avond" not in ids
