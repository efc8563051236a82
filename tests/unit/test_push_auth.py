"""vtchat.pushauth without emulators: keys, garbage, caching, and the production switches.

The attacks on the endpoints themselves (forged offers and ticks) run over the
emulators in tests/functions/test_push_auth.py; here the verifier's edges: a
token that is not a JWT at all, an unsigned one, keys that cannot be fetched
(503, so Pub/Sub retries), Google's certificates fetched once per few minutes
and not per push, and settings that refuse to run production without it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.processes import free_port
from tests.signing import jwks, new_key, serve_json
from vtchat import pushauth
from vtchat.errors import ChatError
from vtchat.settings import Settings, load_settings

KID = "push-key-unit"
PUSHER = "vtchat-pubsub-push@p.iam.gserviceaccount.com"
AUDIENCE = "https://offer-1.europe-west4.run.app"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture(scope="module")
def served(key: rsa.RSAPrivateKey) -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    with serve_json(jwks(key, KID), hits=hits) as url:
        yield f"{url}/oauth2/v3/certs", hits


def _config(certs_url: str, *, push_auth: bool = True) -> Settings:
    return Settings(
        project_id="demo-unit",
        emulated=True,
        session_key="k" * 32,
        push_auth=push_auth,
        push_service_account=PUSHER,
        push_audiences={"offer": AUDIENCE, "tick": "https://tick-1.europe-west4.run.app"},
        push_certs_url=certs_url,
    )


def _token(key: Any, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "aud": AUDIENCE,
        "email": PUSHER,
        "email_verified": True,
        "iat": now,
        "exp": now + 600,
        **changes,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def _refusal(config: Settings, authorization: str | None) -> ChatError:
    with pytest.raises(ChatError) as refused:
        pushauth.verify_push(config, pushauth.CertsCache(), authorization, function="offer")
    return refused.value


def test_a_genuine_token_passes(served: tuple[str, list[str]], key: rsa.RSAPrivateKey) -> None:
    config = _config(served[0])
    pushauth.verify_push(config, pushauth.CertsCache(), f"Bearer {_token(key)}", function="offer")


def _unsigned() -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims: dict[str, Any] = {"iss": "https://accounts.google.com", "aud": AUDIENCE}
    claims["email"] = PUSHER
    claims.update({"email_verified": True, "iat": now, "exp": now + 600})
    return f"{part({'alg': 'none', 'kid': KID})}.{part(claims)}."


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "push_token_missing"),
        ("Basic dXNlcjpwYXNz", "push_token_missing"),
        ("Bearer " + "a" * 9000, "push_token_missing"),
        ("Bearer not-a-jwt", "push_token_invalid"),
        ("Bearer a.b.c", "push_token_invalid"),
        ("Bearer " + _unsigned(), "push_token_invalid"),
    ],
)
def test_garbage_is_refused_never_a_500(
    served: tuple[str, list[str]], authorization: str | None, code: str
) -> None:
    refusal = _refusal(_config(served[0]), authorization)
    assert (refusal.status, refusal.code) == (401, code)


def test_keys_that_cannot_be_fetched_answer_503_so_pub_sub_retries(key: rsa.RSAPrivateKey) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/oauth2/v3/certs"
    refusal = _refusal(_config(nowhere), f"Bearer {_token(key)}")
    assert (refusal.status, refusal.code) == (503, "push_keys_unavailable")


def test_google_s_keys_are_fetched_once_not_per_push(
    served: tuple[str, list[str]], key: rsa.RSAPrivateKey
) -> None:
    url, hits = served
    config, certs = _config(url), pushauth.CertsCache()
    before = len(hits)
    for _ in range(5):
        pushauth.verify_push(config, certs, f"Bearer {_token(key)}", function="offer")
    assert len(hits) - before == 1


def test_off_on_the_emulators_nothing_is_checked() -> None:
    config = _config("http://unused.invalid/", push_auth=False)
    pushauth.verify_push(config, pushauth.CertsCache(), None, function="tick")


# -- settings -----------------------------------------------------------------------------

PRODUCTION_ENV = {
    "GOOGLE_CLOUD_PROJECT": "vtchat-prod",
    "VTCHAT_SESSION_KEY": "s" * 40,
    # Other keys production requires (an unused variable is harmless).
    "VTCHAT_RESUME_KEY": "r" * 40,
    "VTCHAT_STREAM_URL": "https://stream-1.europe-west4.run.app",
    "VTCHAT_PUSH_SERVICE_ACCOUNT": PUSHER,
    "VTCHAT_PUSH_AUDIENCES": json.dumps(
        {"offer": AUDIENCE, "tick": "https://tick-1.europe-west4.run.app"}
    ),
}


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("FIRESTORE_EMULATOR_HOST", "VTCHAT_PUSH_AUTH", "VTCHAT_STAFF_SECOND_FACTOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_verifies_pushes_for_each_function_s_own_audience(
    production: pytest.MonkeyPatch,
) -> None:
    config = load_settings()
    assert config.push_auth and config.push_service_account == PUSHER
    assert config.push_audiences["offer"] == AUDIENCE
    assert config.push_certs_url == "https://www.googleapis.com/oauth2/v3/certs"


def test_production_refuses_to_start_with_push_auth_off(production: pytest.MonkeyPatch) -> None:
    production.setenv("VTCHAT_PUSH_AUTH", "off")
    with pytest.raises(ValueError, match="VTCHAT_PUSH_AUTH"):
        load_settings()


def test_production_refuses_to_start_without_the_push_audiences(
    production: pytest.MonkeyPatch,
) -> None:
    production.setenv("VTCHAT_PUSH_AUDIENCES", json.dumps({"offer": AUDIENCE}))
    with pytest.raises(ValueError, match="VTCHAT_PUSH_AUDIENCES"):
        load_settings()


def test_the_emulators_push_without_tokens_so_verification_is_off_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
    monkeypatch.delenv("VTCHAT_PUSH_AUTH", raising=False)
    assert not load_settings().push_auth
    monkeypatch.setenv("VTCHAT_PUSH_AUTH", "on")
    assert load_settings().push_auth
