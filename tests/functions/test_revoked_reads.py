"""A disabled or revoked advisor's ID token reads nothing in Firestore, on the emulators.

The functions refuse such a token at once (verify_staff, `check_revoked`), but
the console also reads Firestore directly through listeners, where only
firestore.rules decide, and the rules cannot look up the account. An ID token
lives up to an hour: without more, a disabled advisor's open console (or
whoever holds the token) kept reading their chats, the queue and the team for
that hour. Disabling (`POST /api/disable`) and `vtchat.admin revoke` therefore
write `staffRevocations/{uid}`, and the rules refuse a token signed in before
it. Reads here go to the Firestore emulator's REST API with the advisor's own
token, as the console's listeners do, so the stack's rules decide.

Attack first: on the code before this change every read below with the old
token answered 200 after the disable and after `revoke`: 10 of 10 reads
accepted (the chat, its timeline, my chats, the queue, the team; twice).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.functions.test_supervision import running_chat
from tests.support import PROJECT, Functions, StaffLogin, create_staff
from vtchat import admin
from vtchat.services import Services

pytestmark = pytest.mark.emulators

ORG = "utrecht"


def _base() -> str:
    return (
        f"http://{os.environ['FIRESTORE_EMULATOR_HOST']}/v1/projects/{PROJECT}"
        "/databases/(default)/documents"
    )


def _get(token: str, path: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{_base()}/{path}", headers=headers, timeout=10).status_code


def _where(field: str, op: str, value: dict[str, str]) -> dict[str, Any]:
    return {"fieldFilter": {"field": {"fieldPath": field}, "op": op, "value": value}}


def _query(token: str, path: str, **equal: str) -> int:
    """A query as the console makes it: its equality filters and the `expireAt` bound."""
    parent, _, collection = path.rpartition("/")
    bound = (datetime.now(UTC) + timedelta(minutes=15)).isoformat().replace("+00:00", "Z")
    filters = [_where(name, "EQUAL", {"stringValue": value}) for name, value in equal.items()]
    filters.append(_where("expireAt", "GREATER_THAN", {"timestampValue": bound}))
    query: dict[str, Any] = {
        "structuredQuery": {
            "from": [{"collectionId": collection}],
            "where": {"compositeFilter": {"op": "AND", "filters": filters}},
        }
    }
    url = f"{_base()}/{parent}:runQuery" if parent else f"{_base()}:runQuery"
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(url, json=query, headers=headers, timeout=10).status_code


def _console_reads(who: StaffLogin, token: str, sid: str) -> dict[str, int]:
    """What an advisor's open console listens to: their chat, its timeline, queue, team."""
    return {
        "session": _get(token, f"sessions/{sid}"),
        "timeline": _query(token, f"sessions/{sid}/messages"),
        "my chats": _query(token, "sessions", advisorUid=who.uid),
        "queue": _query(token, "sessions", org=who.org, state="waiting"),
        "team": _query(token, "advisors", org=who.org),
    }


def _sign_in(who: StaffLogin) -> requests.Response:
    auth = f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}/identitytoolkit.googleapis.com/v1"
    return requests.post(
        f"{auth}/accounts:signInWithPassword?key=fake",
        json={"email": who.email, "password": who.password, "returnSecureToken": True},
        timeout=10,
    )


ALL_READ = {"session": 200, "timeline": 200, "my chats": 200, "queue": 200, "team": 200}
NONE_READ = dict.fromkeys(ALL_READ, 403)


def test_a_disabled_advisor_reads_nothing_with_the_token_from_before(
    functions: Functions, svc: Services
) -> None:
    anna = create_staff(org=ORG, name="Anna")
    sanne = create_staff(org=ORG, role="supervisor", name="Sanne")
    sid = running_chat(functions, anna)["sessionId"]
    assert _console_reads(anna, anna.id_token, sid) == ALL_READ
    # Auth's revocation time has whole seconds; a sign-in of the same second counts as after it.
    time.sleep(1.1)
    body = {"uid": anna.uid, "disabled": True}
    assert functions.post("disable", body, token=sanne.id_token).status_code == 200
    # Before the fix: ALL_READ (the chat, its messages, the queue, the team, for up to an hour).
    assert _console_reads(anna, anna.id_token, sid) == NONE_READ
    # Her supervisor and colleagues read on.
    assert _get(sanne.id_token, f"sessions/{sid}") == 200

    # Enabled again: a new sign-in reads again; the token from before stays refused.
    time.sleep(1.1)
    body = {"uid": anna.uid, "disabled": False}
    assert functions.post("disable", body, token=sanne.id_token).status_code == 200
    fresh = _sign_in(anna)
    assert fresh.status_code == 200
    assert _console_reads(anna, fresh.json()["idToken"], sid) == ALL_READ
    assert _console_reads(anna, anna.id_token, sid) == NONE_READ


def test_a_revoked_advisor_reads_nothing_with_the_token_from_before(
    functions: Functions, svc: Services
) -> None:
    bram = create_staff(org=ORG, name="Bram")
    sid = running_chat(functions, bram)["sessionId"]
    assert _console_reads(bram, bram.id_token, sid) == ALL_READ
    time.sleep(1.1)
    assert admin.main(["revoke", "--uid", bram.uid]) == 0
    # Before the fix: ALL_READ, although the role claims are gone (the old token still has them).
    assert _console_reads(bram, bram.id_token, sid) == NONE_READ
    # Idempotent: a second run keeps the revocation.
    assert admin.main(["revoke", "--uid", bram.uid]) == 0
    assert _console_reads(bram, bram.id_token, sid) == NONE_READ


def test_nobody_reads_the_revocations(functions: Functions, svc: Services) -> None:
    anna = create_staff(org=ORG, name="Anna")
    sanne = create_staff(org=ORG, role="supervisor", name="Sanne")
    time.sleep(1.1)
    body = {"uid": anna.uid, "disabled": True}
    assert functions.post("disable", body, token=sanne.id_token).status_code == 200
    assert svc.store.client.collection("staffRevocations").document(anna.uid).get().exists
    assert _get(sanne.id_token, f"staffRevocations/{anna.uid}") == 403
    assert _get(anna.id_token, f"staffRevocations/{anna.uid}") == 403
    assert _query(sanne.id_token, "staffRevocations") == 403
