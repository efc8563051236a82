"""What the handing organisation keeps of a transferred chat: a count, nothing of the chat.

Its supervisor used to read the session itself (firestore.rules allowed
`transferredFrom == org`): the nickname, and the note the receiving
organisation writes. Now the rules refuse that (tests/js/rules) and the
console counts `transfers` records, which these tests pin down.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support import Functions, StaffLogin, create_staff

pytestmark = pytest.mark.emulators


def online(functions: Functions, staff: StaffLogin) -> None:
    answer = functions.post("availability", {"status": "online"}, token=staff.id_token)
    assert answer.status_code == 200, answer.get_json()


def records(svc: Any) -> list[dict[str, Any]]:
    return [dict(snap.to_dict()) for snap in svc.store.transfers().stream()]


def test_a_transfer_leaves_the_sender_a_record_without_the_chat(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    online(functions, anna)
    chat = functions.intake(nickname="Merel")
    moved = functions.post(
        "transfer",
        {"sessionId": chat["sessionId"], "toOrg": "flevoland", "note": "Vertelt over de buurman"},
        token=anna.id_token,
    )
    assert moved.status_code == 200, moved.get_json()
    (record,) = records(svc)
    # Nothing that leads back to the chat: no session id, nickname, note or names.
    assert set(record) == {"fromOrg", "toOrg", "at", "expireAt"}
    assert (record["fromOrg"], record["toOrg"]) == ("utrecht", "flevoland")
    assert record["expireAt"] - record["at"] == timedelta(hours=24)
    assert chat["sessionId"] not in str(record)


def test_a_chat_handed_on_again_is_counted_once_for_its_organisation(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    online(functions, anna)
    chat = functions.intake()
    assert (
        functions.post(
            "transfer", {"sessionId": chat["sessionId"], "toOrg": "flevoland"}, token=anna.id_token
        ).status_code
        == 200
    )
    fleur = create_staff(org="flevoland", name="Fleur")
    online(functions, fleur)
    again = functions.post(
        "transfer", {"sessionId": chat["sessionId"], "toOrg": "drenthe"}, token=fleur.id_token
    )
    assert again.status_code == 200, again.get_json()
    # `transferredFrom` stays utrecht: one chat handed on by Utrecht, as before.
    assert [(r["fromOrg"], r["toOrg"]) for r in records(svc)] == [("utrecht", "flevoland")]
