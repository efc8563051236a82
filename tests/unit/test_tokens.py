from datetime import UTC, datetime, timedelta

import pytest

from vtchat import tokens
from vtchat.errors import Unauthenticated

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
