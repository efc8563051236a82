"""The push endpoints, played as an attacker: forged offers and ticks are refused.

`/api/offer` and `/api/tick` are reached by Pub/Sub push with a Google-signed
OIDC token (infra/pubsub.tf). Cloud Run's IAM checks it first, but the
functions check it again themselves (vtchat.pushauth): a mistaken IAM binding
or ingress setting must not hand anyone the power to move a waiting chat to
another organisation or to run the housekeeping at will.

Google's certificates are replaced by a JWKS this test serves, signed with a
key of its own; everything else is the real code over the real emulators.
The forged offer is aimed at a real waiting chat: refused, the chat stays
waiting; the genuine push makes it active with the neighbour's advisor.
Before the fix every one of these pushes was accepted (204).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.signing import jwks, new_key, serve_json
from tests.support import Functions, StaffLogin, create_staff, offer_envelope
from vtchat import intake as intake_service
from vtchat.models import IntakeRequest
from vtchat.services import Services, services

pytestmark = pytest.mark.emulators

KID = "push-key-1"
PUSHER = "vtchat-pubsub-push@demo-vtchat.iam.gserviceaccount.com"
AUDIENCES = {
    "offer": "https://offer-123456789.europe-west4.run.app",
    "tick": "https://tick-123456789.europe-west4.run.app",
}
ORIGIN = "utrecht"
# First on Utrecht's fall-back list: offered the chat when Utrecht has nobody online.
HELPER = "gooi-en-vechtstreek"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture(scope="module")
def certs_url(key: rsa.RSAPrivateKey) -> Iterator[str]:
    with serve_json(jwks(key, KID)) as url:
        yield f"{url}/oauth2/v3/certs"


@pytest.fixture
def verifying(svc: Services, certs_url: str, monkeypatch: pytest.MonkeyPatch) -> Services:
    """The in-process functions' services, verifying pushes as in production."""
    config = svc.settings.model_copy(
        update={
            "push_auth": True,
            "push_service_account": PUSHER,
            "push_audiences": AUDIENCES,
            "push_certs_url": certs_url,
        }
    )
    monkeypatch.setattr(svc, "settings", config)
    return svc


def _token(signer: Any, function: str, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "aud": AUDIENCES[function],
        "azp": "113774264463038321964",
        "sub": "113774264463038321964",
        "email": PUSHER,
        "email_verified": True,
        "iat": now - 5,
        "exp": now + 3600,
    }
    claims.update(changes)
    # A change to None removes the claim.
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": KID})


def _attack(key: rsa.RSAPrivateKey, function: str, attack: str) -> str | None:
    other = "tick" if function == "offer" else "offer"
    if attack == "no token":
        return None
    if attack == "another key":
        return _token(new_key(), function)
    changes: dict[str, dict[str, Any]] = {
        "wrong audience": {"aud": AUDIENCES[other]},
        "wrong service account": {"email": "someone@attacker.iam.gserviceaccount.com"},
        "expired": {"iat": int(time.time()) - 7200, "exp": 1},
        "unverified email": {"email_verified": False},
        "other issuer": {"iss": "https://attacker.example"},
        "no expiry": {"exp": None},
    }
    return _token(key, function, **changes[attack])


ATTACKS = [
    "no token",
    "another key",
    "wrong audience",
    "wrong service account",
    "expired",
    "unverified email",
    "other issuer",
    "no expiry",
]
EXPECTED = {"wrong service account": 403, "unverified email": 403}


def _waiting_chat_offered_to_helper(functions: Functions) -> tuple[dict[str, Any], StaffLogin]:
    helper = create_staff(org=HELPER)
    for name, body in (("availability", {"status": "online"}), ("heartbeat", {})):
        assert functions.post(name, body, token=helper.id_token).status_code == 200
    # The service call, not /api/intake: the intake's own defences are not under test here.
    intake = IntakeRequest.model_validate(
        {"nickname": "Merel", "age": 16, "gender": "woman", "region": ORIGIN}
    )
    chat = intake_service.start_chat(services(), intake).model_dump(by_alias=True)
    return chat, helper


TICK = {"message": {"data": "", "messageId": "1"}, "subscription": "tick.housekeeping"}


def _push(functions: Functions, name: str, body: Any, token: str | None) -> Any:
    return functions.post(name, body, token=token)


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_offer_is_refused_and_the_chat_stays_waiting(
    functions: Functions, verifying: Services, key: rsa.RSAPrivateKey, attack: str
) -> None:
    chat, _ = _waiting_chat_offered_to_helper(functions)
    envelope = offer_envelope(verifying, chat["sessionId"], HELPER)
    response = _push(functions, "offer", envelope, _attack(key, "offer", attack))
    assert response.status_code == EXPECTED.get(attack, 401), response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"].startswith("push_") and error["message"].endswith(".")
    stored = verifying.store.session(chat["sessionId"]).get().to_dict() or {}
    assert stored["state"] == "waiting"


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_tick_is_refused(
    functions: Functions, verifying: Services, key: rsa.RSAPrivateKey, attack: str
) -> None:
    response = _push(functions, "tick", TICK, _attack(key, "tick", attack))
    assert response.status_code == EXPECTED.get(attack, 401), response.get_data(as_text=True)
    assert response.get_json()["error"]["code"].startswith("push_")


def test_the_genuine_offer_push_is_handled(
    functions: Functions, verifying: Services, key: rsa.RSAPrivateKey
) -> None:
    chat, helper = _waiting_chat_offered_to_helper(functions)
    envelope = offer_envelope(verifying, chat["sessionId"], HELPER)
    assert _push(functions, "offer", envelope, _token(key, "offer")).status_code == 204
    stored = verifying.store.session(chat["sessionId"]).get().to_dict() or {}
    assert (stored["state"], stored["advisorUid"]) == ("active", helper.uid)


def test_the_genuine_tick_push_is_handled(
    functions: Functions, verifying: Services, key: rsa.RSAPrivateKey
) -> None:
    assert _push(functions, "tick", TICK, _token(key, "tick")).status_code == 204
