"""The visitor's HTTP calls, in process, against the emulators."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.support import Functions, create_staff, new_id, read_events

pytestmark = pytest.mark.emulators


def send(
    functions: Functions, chat: dict[str, Any], text: str, message_id: str | None = None
) -> Any:
    return functions.post(
        "messages",
        {"sessionId": chat["sessionId"], "messageId": message_id or new_id(), "text": text},
        token=chat["token"],
    )


def test_intake_by_region_creates_a_waiting_session(functions: Functions, svc: Any) -> None:
    chat = functions.intake(answers={"about": "someone_else"})
    assert chat["region"] == {"id": "utrecht", "name": "Veilig Thuis Utrecht"}
    assert chat["token"].startswith("vt1.")
    stored = svc.store.session(chat["sessionId"]).get().to_dict()
    assert stored["state"] == "waiting"
    assert stored["org"] == stored["region"] == "utrecht"
    assert stored["ageBand"] == "16-17"
    assert stored["answers"] == {"about": "someone_else"}
    assert "age" not in stored and "postcode" not in stored
    assert stored["expireAt"] > stored["createdAt"]


def test_intake_by_postcode_routes_to_the_region_and_forgets_the_postcode(
    functions: Functions, svc: Any, postcodes: str
) -> None:
    chat = functions.intake(region=None, postcode="5701")
    assert chat["region"]["id"] == "zuidoost-brabant"
    stored = svc.store.session(chat["sessionId"]).get().to_dict()
    assert "5701" not in repr(stored)


def test_an_unknown_postcode_asks_for_a_region(functions: Functions, postcodes: str) -> None:
    response = functions.post(
        "intake", {"nickname": "X", "age": 30, "gender": "man", "postcode": "1000"}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "postcode_unknown"
    assert "Kies je regio" in error["fields"]["postcode"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "invalid_json"),
        ([1, 2], 400, "invalid_json"),
        (
            {"nickname": "A", "age": 20, "gender": "man", "region": "atlantis"},
            422,
            "region_unknown",
        ),
        (
            {"nickname": "A" * 31, "age": 20, "gender": "man", "region": "utrecht"},
            422,
            "invalid_input",
        ),
    ],
)
def test_bad_intakes_get_clear_errors(
    functions: Functions, body: Any, status: int, code: str
) -> None:
    client = functions.client("intake")
    if isinstance(body, str):
        response = client.post("/", data=body, content_type="application/json")
    else:
        response = client.post("/", json=body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_oversized_bodies_are_refused(functions: Functions) -> None:
    response = functions.client("intake").post(
        "/", data="{" + " " * 40000 + "}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_wrong_methods_and_preflight(functions: Functions) -> None:
    assert functions.client("intake").get("/").status_code == 405
    preflight = functions.client("messages").options("/")
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Last-Event-ID" in preflight.headers["Access-Control-Allow-Headers"]


def test_sending_the_same_message_twice_stores_it_once(functions: Functions, svc: Any) -> None:
    chat = functions.intake()
    message_id = new_id()
    first = send(functions, chat, "Is dit huiselijk geweld?", message_id)
    again = send(functions, chat, "Is dit huiselijk geweld?", message_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["seq"] == again.get_json()["seq"] == 2
    assert again.get_json()["duplicate"] is True
    stored = list(svc.store.messages(chat["sessionId"]).stream())
    assert len(stored) == 2  # the "queued" event and the one message


def test_a_token_never_opens_another_session(functions: Functions) -> None:
    mine, theirs = functions.intake(), functions.intake()
    response = functions.post(
        "messages",
        {"sessionId": theirs["sessionId"], "messageId": new_id(), "text": "hallo"},
        token=mine["token"],
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "wrong_session"
    leave = functions.post("leave", {"sessionId": theirs["sessionId"]}, token=mine["token"])
    assert leave.status_code == 403


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "token_missing"),
        ("Basic abc", "token_missing"),
        ("Bearer vt1.abc.def", "token_invalid"),
    ],
)
def test_calls_without_a_valid_token_get_401(
    functions: Functions, header: str | None, code: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = functions.client("stream").get("/", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == code


def test_a_visitor_token_cannot_act_as_staff(functions: Functions) -> None:
    chat = functions.intake()
    response = functions.post("availability", {"status": "online"}, token=chat["token"])
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "staff_only"


def test_the_stream_replays_from_the_last_event_id_and_follows_live(
    functions: Functions,
) -> None:
    chat = functions.intake()
    for text in ("een", "twee", "drie"):
        assert send(functions, chat, text).status_code == 201
    replay = read_events(functions.stream(chat["token"], last_event_id=2), count=2)
    assert [(e.id, e.data.get("text")) for e in replay] == [(3, "twee"), (4, "drie")]

    live = functions.stream(chat["token"], last_event_id=4)
    received: list[Any] = []
    reader = threading.Thread(target=lambda: received.extend(read_events(live, until="ended")))
    reader.start()
    send(functions, chat, "vier")
    functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])
    reader.join(timeout=20)
    assert not reader.is_alive()
    assert [(e.id, e.type) for e in received] == [(5, "message"), (6, "ended")]
    assert received[1].data["endedBy"] == "visitor"


def test_an_ended_chat_refuses_messages_and_its_stream_closes(functions: Functions) -> None:
    chat = functions.intake()
    assert (
        functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"]).status_code
        == 200
    )
    again = functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])
    assert again.status_code == 200  # leaving twice is harmless
    refused = send(functions, chat, "nog iets")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "chat_ended"
    assert functions.stream(chat["token"], last_event_id=2).status_code == 204
    bad = functions.stream(chat["token"], last_event_id=99)
    assert bad.status_code == 400


def test_markup_travels_as_text(functions: Functions) -> None:
    chat = functions.intake()
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    send(functions, chat, payload)
    events = read_events(functions.stream(chat["token"], last_event_id=1), count=1)
    assert events[0].data["text"] == payload


def test_the_visitor_sees_the_advisor_name_and_organisation_but_nothing_else(
    functions: Functions,
) -> None:
    advisor = create_staff(org="utrecht", name="Anna")
    functions.post("availability", {"status": "online"}, token=advisor.id_token)
    chat = functions.intake()
    events = read_events(functions.stream(chat["token"]), until="assigned")
    assigned = events[-1].data
    assert assigned["advisorName"] == "Anna"
    assert assigned["orgName"] == "Veilig Thuis Utrecht"
    raw = repr([e.data for e in events])
    assert advisor.uid not in raw and advisor.email not in raw
