"""`python -m vtchat.admin grant` on the real Auth emulator.

Firebase refuses to enrol a second factor for an account whose e-mail is not
verified (the Auth emulator too: mfaEnrollment:start answers UNVERIFIED_EMAIL),
and identity.tf makes a second factor mandatory: an account that `grant`
created unverified could never sign in to the console. Staff accounts are
created by an administrator only (sign-up is disabled), who vouches for the
address by granting the role.

Before the fix, `grant` created unverified accounts, and these tests failed.
"""

from __future__ import annotations

import os
import uuid

import pytest
import requests
from firebase_admin import auth as firebase_auth

from vtchat import admin
from vtchat.services import Services

pytestmark = pytest.mark.emulators


def _email() -> str:
    return f"{uuid.uuid4().hex[:10]}@utrecht.test"


def _enrolment_start(email: str, password: str) -> requests.Response:
    """The first step of enrolling an SMS second factor, as the console does it."""
    host = os.environ["FIREBASE_AUTH_EMULATOR_HOST"]
    signin = requests.post(
        f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    signin.raise_for_status()
    return requests.post(
        f"http://{host}/identitytoolkit.googleapis.com/v2/accounts/mfaEnrollment:start?key=fake",
        json={
            "idToken": signin.json()["idToken"],
            "phoneEnrollmentInfo": {"phoneNumber": "+31612345678"},
        },
        timeout=10,
    )


def test_grant_creates_an_account_that_can_enrol_a_second_factor(svc: Services) -> None:
    email = _email()
    uid = admin.grant(svc, email=email, role="supervisor", org="utrecht", password="geheim-123456")
    assert firebase_auth.get_user(uid, app=svc.firebase_app).email_verified
    answer = _enrolment_start(email, "geheim-123456")
    assert answer.status_code == 200, answer.text


def test_grant_marks_an_existing_unverified_account_verified(svc: Services) -> None:
    email = _email()
    user = firebase_auth.create_user(email=email, password="geheim-123456", app=svc.firebase_app)
    assert not user.email_verified
    admin.grant(svc, email=email, role="advisor", org="utrecht")
    refreshed = firebase_auth.get_user(user.uid, app=svc.firebase_app)
    assert refreshed.email_verified
    assert refreshed.custom_claims == {"role": "advisor", "org": "utrecht", "langs": ["nl"]}


def test_seed_demo_accounts_are_verified(svc: Services) -> None:
    for account in admin.seed_demo(svc):
        user = firebase_auth.get_user_by_email(account.email, app=svc.firebase_app)
        assert user.email_verified, account.email
        assert user.custom_claims == {
            "role": account.role,
            "org": account.org,
            "langs": admin.claim_languages(account.languages),
        }
