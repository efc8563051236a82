"""App Check on staff calls, played as an attacker on the real Auth emulator.

In production Firestore and Auth refuse a console without an App Check token
(infra/identity.tf), but the functions took a staff member's ID token from
anywhere: a token lifted from an advisor's browser worked from a script, for
the audit export, invitations or a transfer. Now, where App Check is enforced
(`VTCHAT_APP_CHECK=on`, always in production), a staff call must carry the
console's token in `X-Firebase-AppCheck` (vtchat.http.require_app_check);
the console sends it with every call (web/console/src/api.ts). The visitor's
calls never need it: the widget has no App Check (docs/architecture.md).

The emulators have no App Check (no provider runs without calling Google), so
these tests switch the requirement on for the in-process functions and send
no token or a forged one; genuine and forged tokens against real keys are
played in tests/unit/test_app_check_tokens.py. Before the fix every call here
was answered.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.support import Functions, StaffLogin, create_staff
from vtchat.services import Services
from vtchat.settings import load_settings

pytestmark = pytest.mark.emulators

ORG = "utrecht"
FORGED = "not.a.token"


def _switch(svc: Services, monkeypatch: pytest.MonkeyPatch, mode: str) -> Services:
    """The in-process functions' services with App Check `on` or `monitor`."""
    monkeypatch.setattr(svc, "settings", svc.settings.model_copy(update={"app_check": mode}))
    return svc


@pytest.fixture
def enforced(svc: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """Enforcing App Check as in production."""
    return _switch(svc, monkeypatch, "on")


def _headers(staff: StaffLogin, app_check: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {staff.id_token}"}
    if app_check is not None:
        headers["X-Firebase-AppCheck"] = app_check
    return headers


def _refused(response: Any, code: str) -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert "niet van de console" in error["message"]


@pytest.mark.parametrize(
    ("app_check", "code"), [(None, "app_check_missing"), (FORGED, "app_check_invalid")]
)
def test_a_lifted_staff_token_alone_opens_no_staff_call(
    functions: Functions, enforced: Services, app_check: str | None, code: str
) -> None:
    officer = create_staff(org=ORG, role="supervisor", privacy=True)
    headers = _headers(officer, app_check)
    _refused(functions.client("texts").get("/", headers=headers), code)
    _refused(functions.client("audit").get("/?format=json", headers=headers), code)
    invite = {"email": "nieuw@example.org", "displayName": "Nieuw"}
    _refused(functions.client("invite").post("/", json=invite, headers=headers), code)
    going_online = {"status": "online"}
    _refused(functions.client("availability").post("/", json=going_online, headers=headers), code)


def test_a_staff_token_on_a_call_visitors_share_needs_app_check_too(
    functions: Functions, enforced: Services
) -> None:
    """`messages`, `signal` and `heartbeat` take either token: the staff one needs App Check."""
    anna = create_staff(org=ORG)
    beat = functions.client("heartbeat").post("/", json={}, headers=_headers(anna, None))
    _refused(beat, "app_check_missing")


def test_the_visitor_never_needs_app_check(functions: Functions, enforced: Services) -> None:
    chat = functions.intake(region=ORG)
    sent = functions.post(
        "messages",
        {"sessionId": chat["sessionId"], "messageId": str(uuid.uuid4()), "text": "Hallo?"},
        token=chat["token"],
    )
    assert sent.status_code == 201, sent.get_json()


def test_without_enforcement_the_emulators_console_needs_none(functions: Functions) -> None:
    anna = create_staff(org=ORG)
    answer = functions.client("texts").get("/", headers=_headers(anna, None))
    assert answer.status_code == 200


def test_monitor_answers_and_logs_what_it_would_refuse(
    functions: Functions, svc: Services, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The roll-out's trial (docs/deploy.md): nobody refused, each would-be refusal logged."""
    _switch(svc, monkeypatch, "monitor")
    anna = create_staff(org=ORG)
    capsys.readouterr()
    for app_check in (None, FORGED):
        answer = functions.client("texts").get("/", headers=_headers(anna, app_check))
        assert answer.status_code == 200
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    would = [e["reason"] for e in logged if e.get("message") == "app_check_would_refuse"]
    assert would == ["app_check_missing", "app_check_invalid"]


def test_settings_switch_app_check_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().app_check == "off"  # emulated
    for mode in ("on", "monitor", "off"):
        monkeypatch.setenv("VTCHAT_APP_CHECK", mode)
        assert load_settings().app_check == mode
    monkeypatch.setenv("VTCHAT_APP_CHECK", "maybe")
    with pytest.raises(ValueError, match="VTCHAT_APP_CHECK"):
        load_settings()
