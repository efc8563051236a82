"""Supervision with an audit trail (issue 19, item 3), on the emulators.

A supervisor reads along only through POST /api/watch, which writes an audit
entry and the watcher document that firestore.rules require; notes reach the
advisor and never the visitor; the privacy officer exports their own
organisation's log. Reads "as the console" go to the Firestore emulator's REST
API with the staff member's ID token, so the stack's rules decide them.

Attack first: on the code before this change, a supervisor read any chat's
timeline of their organisation with no audit entry
(`test_a_supervisor_reads_no_timeline_without_an_audit_entry` failed there:
the read answered 200 and auditLog stayed empty).
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.support import PROJECT, Functions, StaffLogin, create_staff
from vtchat import supervision
from vtchat.models import AuditQuery, Staff
from vtchat.services import Services

pytestmark = pytest.mark.emulators

SECRET_NOTE = "Vraag naar de kinderen, let op de buurman (notitie-7Q2)"
VISITOR_TEXT = "Hij was gisteren weer boos (bericht-4K9)"


# --- helpers --------------------------------------------------------------------------------


def online(functions: Functions, staff: StaffLogin) -> None:
    answer = functions.post("availability", {"status": "online"}, token=staff.id_token)
    assert answer.status_code == 200, answer.get_json()


def running_chat(functions: Functions, advisor: StaffLogin) -> dict[str, Any]:
    """A chat of utrecht, taken by `advisor`, with one message from the visitor."""
    online(functions, advisor)
    chat = functions.intake(nickname="Merel")
    sid = chat["sessionId"]
    taken = functions.post("accept", {"sessionId": sid}, token=advisor.id_token)
    # The dispatcher may have assigned it already.
    assert taken.status_code in (200, 409), taken.get_json()
    body = {"sessionId": sid, "messageId": str(uuid.uuid4()), "text": VISITOR_TEXT}
    assert functions.post("messages", body, token=chat["token"]).status_code == 201
    return chat


def watch(functions: Functions, who: StaffLogin, sid: str, reason: str = "quality") -> Any:
    return functions.post("watch", {"sessionId": sid, "reason": reason}, token=who.id_token)


def note(functions: Functions, who: StaffLogin, sid: str, note_id: str | None = None) -> Any:
    body = {"sessionId": sid, "noteId": note_id or str(uuid.uuid4()), "text": SECRET_NOTE}
    return functions.post("note", body, token=who.id_token)


def audit_entries(svc: Any) -> list[dict[str, Any]]:
    return [dict(s.to_dict()) for s in svc.store.client.collection("auditLog").stream()]


def rest_read(who: StaffLogin, path: str) -> int:
    """A read as the console makes it, with the staff member's token: the rules decide.

    A collection is queried as the console does, with its `expireAt` bound
    (rules are not filters); a document is fetched.
    """
    base = (
        f"http://{os.environ['FIRESTORE_EMULATOR_HOST']}/v1/projects/{PROJECT}"
        "/databases/(default)/documents"
    )
    parts = path.split("/")
    if len(parts) % 2 == 0:
        return requests.get(f"{base}/{path}", headers=who.headers, timeout=10).status_code
    parent = "/".join(parts[:-1])
    bound = (datetime.now(UTC) + timedelta(minutes=15)).isoformat().replace("+00:00", "Z")
    query: dict[str, Any] = {
        "structuredQuery": {
            "from": [{"collectionId": parts[-1]}],
            "where": {
                "fieldFilter": {
                    "field": {"fieldPath": "expireAt"},
                    "op": "GREATER_THAN",
                    "value": {"timestampValue": bound},
                }
            },
        }
    }
    url = f"{base}/{parent}:runQuery" if parent else f"{base}:runQuery"
    return requests.post(url, json=query, headers=who.headers, timeout=10).status_code


def with_claims(staff: StaffLogin, claims: dict[str, Any]) -> StaffLogin:
    """Set more custom claims on an emulator account and sign it in again."""
    auth = f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}/identitytoolkit.googleapis.com/v1"
    requests.post(
        f"{auth}/projects/{PROJECT}/accounts:update",
        json={
            "localId": staff.uid,
            "customAttributes": json.dumps({"role": staff.role, "org": staff.org, **claims}),
        },
        headers={"Authorization": "Bearer owner"},
        timeout=10,
    ).raise_for_status()
    signin = requests.post(
        f"{auth}/accounts:signInWithPassword?key=fake",
        json={"email": staff.email, "password": staff.password, "returnSecureToken": True},
        timeout=10,
    )
    signin.raise_for_status()
    return StaffLogin(**{**staff.__dict__, "id_token": signin.json()["idToken"]})


def export(functions: Functions, who: StaffLogin, query: str) -> Any:
    return functions.client("audit").get(f"/?{query}", headers=who.headers)


# --- attacks ----------------------------------------------------------------------------------


def test_a_supervisor_reads_no_timeline_without_an_audit_entry(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    sid = running_chat(functions, anna)["sessionId"]
    timeline = f"sessions/{sid}/messages"
    # The role alone opens nothing (before this change: 200, and no audit entry).
    assert rest_read(sanne, timeline) == 403
    assert audit_entries(svc) == []
    assert rest_read(anna, timeline) == 200

    assert watch(functions, sanne, sid).status_code == 200
    assert rest_read(sanne, timeline) == 200
    (entry,) = audit_entries(svc)
    assert (entry["what"], entry["uid"], entry["sessionId"]) == ("opened", sanne.uid, sid)

    assert functions.post("unwatch", {"sessionId": sid}, token=sanne.id_token).status_code == 200
    assert rest_read(sanne, timeline) == 403
    assert sorted(e["what"] for e in audit_entries(svc)) == ["closed", "opened"]


def test_a_supervisor_of_another_organisation_gets_none_of_it(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    other = create_staff(org="flevoland", role="supervisor", name="Femke")
    bram = create_staff(org="utrecht", name="Bram")
    sid = running_chat(functions, anna)["sessionId"]
    assert watch(functions, sanne, sid).status_code == 200
    assert note(functions, sanne, sid).status_code == 201

    refused = watch(functions, other, sid)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "not_your_chat"
    assert note(functions, other, sid).get_json()["error"]["code"] == "not_your_chat"
    # A colleague advisor cannot read along either.
    assert watch(functions, bram, sid).get_json()["error"]["code"] == "not_supervisor"
    for path in (
        f"sessions/{sid}",
        f"sessions/{sid}/messages",
        f"sessions/{sid}/notes",
        f"sessions/{sid}/watchers/{sanne.uid}",
        "auditLog",
    ):
        assert rest_read(other, path) == 403, path
    # Neither the colleague advisor nor the watching supervisor reads the log.
    for who in (bram, sanne, anna):
        assert rest_read(who, "auditLog") == 403
        assert rest_read(who, f"sessions/{sid}/watchers/{sanne.uid}") == 403
    assert rest_read(bram, f"sessions/{sid}/notes") == 403
    assert {e["uid"] for e in audit_entries(svc)} == {sanne.uid}


# --- the audit trail ----------------------------------------------------------------------


def test_every_opening_is_logged_without_content_and_kept_for_the_retention(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    chat = running_chat(functions, anna)
    sid = chat["sessionId"]
    assert watch(functions, sanne, sid, "danger").status_code == 200
    assert note(functions, sanne, sid).status_code == 201
    assert functions.post("unwatch", {"sessionId": sid}, token=sanne.id_token).status_code == 200

    entries = sorted(audit_entries(svc), key=lambda e: e["at"])
    assert [e["what"] for e in entries] == ["opened", "note", "closed"]
    for entry in entries:
        assert set(entry) == {"uid", "name", "org", "sessionId", "what", "why", "at", "expireAt"}
        assert (entry["name"], entry["org"], entry["why"]) == ("Sanne", "utrecht", "danger")
        assert entry["expireAt"] - entry["at"] == svc.settings.audit_retention
        assert svc.settings.audit_retention == timedelta(days=365)
        # Never content: no message, no note, no nickname.
        flat = json.dumps(entry, default=str)
        for text in (SECRET_NOTE, VISITOR_TEXT, "Merel"):
            assert text not in flat


def test_retries_write_nothing_twice(functions: Functions, svc: Any) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    sid = running_chat(functions, anna)["sessionId"]
    first, again = watch(functions, sanne, sid), watch(functions, sanne, sid, "training")
    assert first.get_json() == {"sessionId": sid, "watching": True, "changed": True}
    assert again.get_json() == {"sessionId": sid, "watching": True, "changed": False}
    note_id = str(uuid.uuid4())
    assert note(functions, sanne, sid, note_id).status_code == 201
    repeated = note(functions, sanne, sid, note_id)
    assert repeated.status_code == 200 and repeated.get_json()["duplicate"] is True
    for _ in range(2):
        stopped = functions.post("unwatch", {"sessionId": sid}, token=sanne.id_token)
        assert stopped.status_code == 200
    assert sorted(e["what"] for e in audit_entries(svc)) == ["closed", "note", "opened"]
    notes = list(svc.store.session(sid).collection("notes").stream())
    assert [n.id for n in notes] == [note_id]


def test_the_advisor_sees_who_reads_along_and_the_notes(functions: Functions, svc: Any) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    sid = running_chat(functions, anna)["sessionId"]
    assert watch(functions, sanne, sid).status_code == 200
    session = svc.store.session(sid).get().to_dict()
    assert session["watchers"] == {sanne.uid: "Sanne"} and session["supervised"] is True
    assert note(functions, sanne, sid).status_code == 201
    assert rest_read(anna, f"sessions/{sid}/notes") == 200
    assert functions.post("unwatch", {"sessionId": sid}, token=sanne.id_token).status_code == 200
    assert svc.store.session(sid).get().to_dict()["watchers"] == {}
    # The advisor keeps the notes; the supervisor who stopped reads none.
    assert rest_read(anna, f"sessions/{sid}/notes") == 200
    assert rest_read(sanne, f"sessions/{sid}/notes") == 403
    refused = note(functions, sanne, sid)
    assert refused.get_json()["error"]["code"] == "not_watching"


def test_a_note_never_reaches_the_visitors_stream(functions: Functions, svc: Any) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    chat = running_chat(functions, anna)
    sid = chat["sessionId"]
    assert watch(functions, sanne, sid).status_code == 200
    assert note(functions, sanne, sid).status_code == 201
    assert functions.post("end", {"sessionId": sid}, token=anna.id_token).status_code == 200
    # The visitor's whole stream, raw (signals and all), up to the end.
    response = functions.stream(chat["token"])
    raw = ""
    for chunk in response.response:
        raw += chunk.decode() if isinstance(chunk, bytes) else chunk
        if "event: ended" in raw:
            break
    response.close()
    assert VISITOR_TEXT in raw
    assert SECRET_NOTE not in raw and "Sanne" not in raw and sanne.uid not in raw
    # The note got the chat's final expiry with the messages.
    ended = svc.store.session(sid).get().to_dict()
    (stored,) = [n.to_dict() for n in svc.store.session(sid).collection("notes").stream()]
    assert stored["expireAt"] == ended["expireAt"]


def test_a_take_over_by_a_supervisor_is_logged(functions: Functions, svc: Any) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    sid = running_chat(functions, anna)["sessionId"]
    online(functions, sanne)
    taken = functions.post(
        "transfer", {"sessionId": sid, "toAdvisor": sanne.uid}, token=sanne.id_token
    )
    assert taken.status_code == 200, taken.get_json()
    (entry,) = audit_entries(svc)
    assert (entry["what"], entry["why"], entry["uid"]) == ("takeover", "takeover", sanne.uid)


# --- the privacy officer's export -------------------------------------------------------------


def test_the_privacy_officer_exports_their_own_organisation_only(
    functions: Functions, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    # A display name a spreadsheet would run as a formula.
    sanne = create_staff(org="utrecht", role="supervisor", name="=HYPERLINK(1)")
    femke = create_staff(org="flevoland", role="supervisor", name="Femke")
    kees = create_staff(org="flevoland", name="Kees")
    ours = running_chat(functions, anna)["sessionId"]
    online(functions, kees)
    theirs_chat = functions.intake(region="flevoland")
    functions.post("accept", {"sessionId": theirs_chat["sessionId"]}, token=kees.id_token)
    assert watch(functions, sanne, ours).status_code == 200
    assert watch(functions, femke, theirs_chat["sessionId"]).status_code == 200

    # Supervisors without the claim export nothing.
    refused = export(functions, sanne, "format=json")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "not_privacy_officer"

    officer = with_claims(create_staff(org="utrecht", role="supervisor"), {"privacy": True})
    answer = export(functions, officer, "format=json")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["org"], body["retentionDays"]) == ("utrecht", svc.settings.audit_retention.days)
    assert [(e["sessionId"], e["what"]) for e in body["entries"]] == [(ours, "opened")]

    table = export(functions, officer, "")
    assert table.mimetype == "text/csv"
    text = table.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["tijd (UTC)", "medewerker", "uid"]
    assert len(rows) == 2 and rows[1][1] == "'=HYPERLINK(1)" and rows[1][4] == _guarded(ours)
    assert theirs_chat["sessionId"] not in text

    too_long = export(functions, officer, "from=2025-01-01&to=2026-06-01")
    assert too_long.get_json()["error"]["code"] == "audit_period"


def test_the_export_names_the_retention_the_functions_apply(svc: Any) -> None:
    """A deployment that keeps the log longer (VTCHAT_AUDIT_RETENTION_DAYS) says so.

    The console showed a fixed 365 days, whatever the functions applied.
    """
    longer = Services(svc.settings.model_copy(update={"audit_retention": timedelta(days=730)}))
    officer = Staff(uid="p", role="supervisor", org="utrecht", display_name="P", privacy=True)
    today = datetime.now(UTC).date()
    answer = supervision.export(longer, staff=officer, query=AuditQuery(), today=today)
    assert answer.retention_days == 730


def _guarded(cell: str) -> str:
    """A cell as the CSV writes it: a random chat id may start with "-", which a
    spreadsheet would read as a formula, so it gets the guard's apostrophe."""
    from vtchat.cli.report import csv_cell

    return str(csv_cell(cell, minimum=0))
