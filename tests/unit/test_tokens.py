import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Request
from werkzeug.test import EnvironBuilder

from vtchat import http, proof, tokens
from vtchat.errors import Unauthenticated
from vtchat.services import Services
from vtchat.settings import Settings

KEY = b"k" * 32
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def issue(session_id: str = "abcdefghijklmnopqrstuvwx", *, hours: int = 4) -> str:
    return tokens.issue(key=KEY, session_id=session_id, expires_at=NOW + timedelta(hours=hours))


def test_a_genuine_token_names_its_session() -> None:
    claim = tokens.verify(key=KEY, token=issue(), now=NOW)
    assert claim.session_id == "abcdefghijklmnopqrstuvwx"
    assert claim.expires_at == NOW + timedelta(hours=4)


def test_session_tokens_are_told_apart_from_id_tokens() -> None:
    assert tokens.is_session_token(issue())
    assert not tokens.is_session_token("eyJhbGciOiJSUzI1NiJ9.e30.sig")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: t.replace("vt1.", "vt2."),  # other version
        lambda t: t.split(".")[0] + "." + t.split(".")[1],  # signature missing
        lambda t: (
            "vt1." + "eyJzIjoib3RoZXIiLCJlIjo5OTk5OTk5OTk5fQ" + "." + t.split(".")[2]
        ),  # swapped body
        lambda t: "vt1.!!!.???",
        lambda t: t + "x" * 600,
    ],
)
def test_forged_tokens_are_refused(mangle) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(key=KEY, token=mangle(issue()), now=NOW)
    assert caught.value.code == "token_invalid"


def test_a_token_signed_with_another_key_is_refused() -> None:
    other = tokens.issue(key=b"o" * 32, session_id="s" * 24, expires_at=NOW + timedelta(hours=1))
    with pytest.raises(Unauthenticated):
        tokens.verify(key=KEY, token=other, now=NOW)


def test_an_expired_token_is_refused_with_its_own_code() -> None:
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(key=KEY, token=issue(hours=1), now=NOW + timedelta(hours=1))
    assert caught.value.code == "token_expired"


def test_a_token_carries_its_generation_and_old_tokens_count_as_zero() -> None:
    later = tokens.issue(
        key=KEY, session_id="s" * 24, expires_at=NOW + timedelta(hours=1), generation=3
    )
    assert tokens.verify(key=KEY, token=later, now=NOW).generation == 3
    # Issued before generations existed: {"s", "e"} only.
    body = tokens._b64(b'{"s":"ssssssssssssssssssssssss","e":9999999999}')
    legacy = f"vt1.{body}.{tokens._sign(KEY, body)}"
    assert tokens.verify(key=KEY, token=legacy, now=NOW).generation == 0


@pytest.mark.parametrize("generation", ['"1"', "true", "-1", "1.5", "10000001"])
def test_a_malformed_generation_is_refused(generation: str) -> None:
    body = tokens._b64(
        f'{{"s":"ssssssssssssssssssssssss","e":9999999999,"g":{generation}}}'.encode()
    )
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(key=KEY, token=f"vt1.{body}.{tokens._sign(KEY, body)}", now=NOW)
    assert caught.value.code == "token_invalid"


# -- key rotation: two keys during a rotation, each token names its key -------------

OLD = b"o" * 32
NEW = b"n" * 32


def _payload(token: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(tokens._unb64(token.split(".")[1]))
    return loaded


def _signed(claims: str, key: bytes = KEY) -> str:
    body = tokens._b64(claims.encode())
    return f"vt1.{body}.{tokens._sign(key, body)}"


def test_a_token_names_the_key_that_signed_it() -> None:
    assert _payload(issue())["k"] == tokens.key_id(KEY)
    assert re.fullmatch(r"[0-9a-f]{8}", tokens.key_id(KEY))
    assert tokens.key_id(OLD) != tokens.key_id(NEW)


def test_during_a_rotation_a_token_of_the_previous_key_verifies() -> None:
    old = tokens.issue(key=OLD, session_id="s" * 24, expires_at=NOW + timedelta(hours=1))
    claim = tokens.verify(key=NEW, previous=OLD, token=old, now=NOW)
    assert claim.session_id == "s" * 24
    # New tokens are signed with the current key, and verify with it alone.
    new = tokens.issue(key=NEW, session_id="t" * 24, expires_at=NOW + timedelta(hours=1))
    assert _payload(new)["k"] == tokens.key_id(NEW)
    assert tokens.verify(key=NEW, token=new, now=NOW).session_id == "t" * 24


def test_once_the_previous_key_is_dropped_its_tokens_are_refused() -> None:
    old = tokens.issue(key=OLD, session_id="s" * 24, expires_at=NOW + timedelta(hours=1))
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(key=NEW, token=old, now=NOW)
    assert caught.value.code == "token_invalid"


@pytest.mark.parametrize("kid", ['"deadbeef"', '""', "1", "null", '"' + "a" * 200 + '"'])
def test_a_token_naming_no_configured_key_is_refused(kid: str) -> None:
    # Genuinely signed with the current key, but naming another: refused, not
    # tried against whatever key happens to match.
    token = _signed(f'{{"s":"{"s" * 24}","e":9999999999,"g":0,"k":{kid}}}')
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(key=KEY, previous=OLD, token=token, now=NOW)
    assert caught.value.code == "token_invalid"


def test_a_token_naming_the_previous_key_must_be_signed_with_it() -> None:
    kid = tokens.key_id(OLD)
    token = _signed(f'{{"s":"{"s" * 24}","e":9999999999,"g":0,"k":"{kid}"}}', key=NEW)
    with pytest.raises(Unauthenticated):
        tokens.verify(key=NEW, previous=OLD, token=token, now=NOW)


def test_a_token_from_before_key_ids_verifies_with_the_current_key_only() -> None:
    legacy_current = _signed('{"s":"ssssssssssssssssssssssss","e":9999999999,"g":0}', key=NEW)
    assert tokens.verify(key=NEW, previous=OLD, token=legacy_current, now=NOW).generation == 0
    legacy_old = _signed('{"s":"ssssssssssssssssssssssss","e":9999999999,"g":0}', key=OLD)
    with pytest.raises(Unauthenticated):
        tokens.verify(key=NEW, previous=OLD, token=legacy_old, now=NOW)


def _services(current: bytes, previous: bytes | None = None) -> Services:
    return Services(
        Settings(
            project_id="demo-vtchat",
            emulated=True,
            session_key=current.decode(),
            session_key_previous=previous.decode() if previous else None,
        )
    )


def test_a_puzzle_of_the_previous_key_is_accepted_while_it_is_configured() -> None:
    now = datetime.now(UTC)
    before = _services(OLD)
    solved = proof.solve(proof.issue(before, now=now, at_level=0))
    assert proof._solved(_services(NEW, previous=OLD), solved) is not None
    assert proof._solved(_services(NEW), solved) is None
    # New puzzles are signed with the current key.
    fresh = proof.solve(proof.issue(_services(NEW, previous=OLD), now=now, at_level=0))
    assert proof._solved(_services(NEW), fresh) is not None


def test_settings_refuse_a_previous_key_equal_to_the_current() -> None:
    with pytest.raises(ValueError, match="VTCHAT_SESSION_KEY_PREVIOUS"):
        _services(NEW, previous=NEW)


def test_the_http_layer_accepts_either_key_during_a_rotation() -> None:
    """visitor_claim and caller (every visitor entry point) pass both keys on."""
    old = tokens.issue(key=OLD, session_id="s" * 24, expires_at=datetime.now(UTC) + timedelta(1))
    request = Request(EnvironBuilder(headers=[("Authorization", f"Bearer {old}")]).get_environ())
    rotating = _services(NEW, previous=OLD)
    assert http.visitor_claim(rotating, request).session_id == "s" * 24
    claim = http.caller(rotating, request)
    assert isinstance(claim, tokens.SessionClaim)
    with pytest.raises(Unauthenticated):
        http.visitor_claim(_services(NEW), request)
