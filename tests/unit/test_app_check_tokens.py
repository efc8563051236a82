"""App Check on staff calls (vtchat.http), played as an attacker against keys of our own.

firebase-admin fetches App Check's signing keys from a JWKS URL; here that URL
is a local server with a key pair made for the test, so real verification runs
end to end: an invented key id, a bad signature, an expired token, another
project's token, a valid one, and keys that cannot be fetched at all.
Before the fix, the invented key id got through: PyJWT raises the same
PyJWKClientError for it as for an outage, and that was treated as an outage.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from typing import Any

import firebase_admin
import google.auth.credentials
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import app_check, credentials

from tests.processes import free_port
from tests.signing import jwks, new_key, serve_json
from vtchat.errors import Unauthenticated
from vtchat.services import Services
from vtchat.settings import Settings

KID = "test-key-1"


class _NoCredential(credentials.Base):  # type: ignore[misc]
    """App Check's verifier wants a credential object; verification needs none."""

    def get_credential(self) -> google.auth.credentials.Credentials:
        return google.auth.credentials.AnonymousCredentials()  # type: ignore[no-untyped-call]


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture(scope="module")
def jwks_url(key: rsa.RSAPrivateKey) -> Iterator[str]:
    with serve_json(jwks(key, KID)) as url:
        yield f"{url}/v1/jwks"


def _services(monkeypatch: pytest.MonkeyPatch, jwks: str) -> Services:
    """Fresh services for a project of their own, whose App Check keys come from `jwks`."""
    monkeypatch.setattr(app_check._AppCheckService, "_JWKS_URL", jwks)
    project = f"demo-appcheck-{uuid.uuid4().hex[:8]}"
    firebase_admin.initialize_app(
        _NoCredential(), options={"projectId": project}, name=f"vtchat-{project}"
    )
    config = Settings(project_id=project, emulated=True, session_key="k" * 32, app_check="on")
    return Services(config)


def _token(
    private: Any, *, project: str, kid: str = KID, expires_in: int = 3600, **extra: Any
) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://firebaseappcheck.googleapis.com/123456",
        "aud": ["projects/123456", f"projects/{project}"],
        "sub": "1:123456:web:abc",
        "iat": now - 10,
        "exp": now + expires_in,
        **extra,
    }
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


def test_a_valid_token_is_accepted(
    monkeypatch: pytest.MonkeyPatch, jwks_url: str, key: rsa.RSAPrivateKey
) -> None:
    svc = _services(monkeypatch, jwks_url)
    svc.verify_app_check(_token(key, project=svc.settings.project_id))


@pytest.mark.parametrize("attack", ["invented kid", "bad signature", "expired", "other project"])
def test_forged_tokens_are_refused(
    monkeypatch: pytest.MonkeyPatch, jwks_url: str, key: rsa.RSAPrivateKey, attack: str
) -> None:
    svc = _services(monkeypatch, jwks_url)
    project = svc.settings.project_id
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {
        "invented kid": lambda: _token(key, project=project, kid="anything"),
        "bad signature": lambda: _token(stranger, project=project),
        "expired": lambda: _token(key, project=project, expires_in=-120),
        "other project": lambda: _token(key, project="someone-elses-app"),
    }[attack]()
    with pytest.raises(Unauthenticated) as refused:
        svc.verify_app_check(token)
    assert refused.value.code == "app_check_invalid"


def test_the_issue_s_own_forgery_is_refused(monkeypatch: pytest.MonkeyPatch, jwks_url: str) -> None:
    """`{"alg":"RS256","kid":"anything"}.{}.junk`, as the review sent it."""
    svc = _services(monkeypatch, jwks_url)
    header = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"anything","typ":"JWT"}')
    forged = header.rstrip(b"=").decode() + ".e30.junk"
    with pytest.raises(Unauthenticated):
        svc.verify_app_check(forged)


def test_keys_that_cannot_be_fetched_let_staff_through(
    monkeypatch: pytest.MonkeyPatch, key: rsa.RSAPrivateKey
) -> None:
    """An outage of Google's key endpoint is ours, not the advisor's (logged).

    The ID token with its second factor still holds.
    """
    svc = _services(monkeypatch, f"http://127.0.0.1:{free_port()}/v1/jwks")
    svc.verify_app_check(_token(key, project=svc.settings.project_id))
