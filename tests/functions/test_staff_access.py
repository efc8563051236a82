"""Staff tokens, played as an attacker on the real Auth emulator.

- A staff member's ID token lives an hour. Disabling the account or revoking
  its sessions must stop it at once, not an hour later: the functions verify
  with `check_revoked=True`, which looks the account up (disabled, and
  `validSince`, firebase-admin's tokens_valid_after_timestamp).
- `python -m vtchat.admin revoke` does all of it: disables the account,
  revokes its sessions, removes its role and organisation.
- In production staff must have signed in with a second factor: the ID token's
  `firebase.sign_in_second_factor` claim. The Auth emulator enrols and signs in
  phone (SMS) second factors (firebase-tools src/emulator/auth/operations.ts,
  mfaEnrollmentFinalize), not TOTP, so a phone factor stands in for the
  production authenticator app: the check is on the claim, not its value.

Before the fix, every one of these tokens was accepted and `revoke` did not exist.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from firebase_admin import auth as firebase_auth

from tests.support import Functions, create_staff, enrol_sms, new_phone
from vtchat import admin
from vtchat.services import Services

pytestmark = pytest.mark.emulators

ORG = "utrecht"


def _texts(functions: Functions, token: str) -> Any:
    """A staff-only call without side effects: the standard texts."""
    return functions.client("texts").get("/", headers={"Authorization": f"Bearer {token}"})


# The Dutch word each refusal's message must carry.
_SAYS = {"staff_disabled": "uitgeschakeld", "staff_revoked": "ingetrokken"}


def _refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert _SAYS[code] in error["message"]


def _emulator(path: str) -> str:
    return f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}{path}"


@pytest.fixture
def second_factor_required(svc: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The in-process functions' services, requiring a second factor as in production."""
    monkeypatch.setattr(
        svc, "settings", svc.settings.model_copy(update={"staff_second_factor": True})
    )
    return svc


# -- revocation ---------------------------------------------------------------------


def test_a_valid_staff_token_is_accepted(functions: Functions) -> None:
    staff = create_staff(org=ORG)
    assert _texts(functions, staff.id_token).status_code == 200


def test_a_token_of_a_disabled_account_is_refused(functions: Functions, svc: Services) -> None:
    staff = create_staff(org=ORG)
    firebase_auth.update_user(staff.uid, disabled=True, app=svc.firebase_app)
    _refused(_texts(functions, staff.id_token), 401, "staff_disabled")


def test_a_token_issued_before_its_sessions_were_revoked_is_refused(
    functions: Functions, svc: Services
) -> None:
    staff = create_staff(org=ORG)
    # validSince has whole seconds; a token of the same second still counts as valid.
    time.sleep(1.1)
    firebase_auth.revoke_refresh_tokens(staff.uid, app=svc.firebase_app)
    _refused(_texts(functions, staff.id_token), 401, "staff_revoked")


def test_a_token_of_a_deleted_account_is_refused(functions: Functions, svc: Services) -> None:
    staff = create_staff(org=ORG)
    firebase_auth.delete_user(staff.uid, app=svc.firebase_app)
    _refused(_texts(functions, staff.id_token), 401, "staff_disabled")


# -- the revoke command -------------------------------------------------------------------


def test_revoke_stops_the_token_disables_and_strips_the_account(
    functions: Functions, svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = create_staff(org=ORG, role="supervisor")
    bystander = create_staff(org=ORG)
    time.sleep(1.1)
    assert admin.main(["revoke", "--email", staff.email]) == 0
    said = capsys.readouterr().out
    assert staff.email in said and "uitgeschakeld" in said and "ingetrokken" in said

    _refused(_texts(functions, staff.id_token), 401, "staff_disabled")
    user = firebase_auth.get_user(staff.uid, app=svc.firebase_app)
    assert user.disabled
    assert not user.custom_claims
    assert user.tokens_valid_after_timestamp >= (int(time.time()) - 5) * 1000
    # Only that account.
    assert _texts(functions, bystander.id_token).status_code == 200

    # Idempotent, by uid as well, and it says so.
    assert admin.main(["revoke", "--uid", staff.uid]) == 0
    assert "was al" in capsys.readouterr().out
    assert firebase_auth.get_user(staff.uid, app=svc.firebase_app).disabled


def test_revoke_of_an_unknown_account_says_so(
    svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin.main(["revoke", "--email", "niemand@utrecht.test"]) == 1
    assert "geen account" in capsys.readouterr().err


# -- the second factor ----------------------------------------------------------------------


def test_without_a_second_factor_staff_are_refused_where_it_is_required(
    functions: Functions, second_factor_required: Services
) -> None:
    staff = create_staff(org=ORG)
    response = _texts(functions, staff.id_token)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "second_factor_required"
    assert "tweede" in error["message"]


def test_with_a_second_factor_staff_get_in_where_it_is_required(
    functions: Functions, second_factor_required: Services
) -> None:
    staff = create_staff(org=ORG)
    assert _texts(functions, enrol_sms(staff, new_phone())).status_code == 200


def test_without_the_requirement_a_password_sign_in_suffices(
    functions: Functions, svc: Services
) -> None:
    assert not svc.settings.staff_second_factor  # the emulators' default
    staff = create_staff(org=ORG)
    assert _texts(functions, staff.id_token).status_code == 200
