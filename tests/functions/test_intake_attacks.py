"""Attacks on the intake, on the real emulators (issue 15, items 2 and 3).

Item 2: the intake is protected by a proof of work the functions verify
themselves (vtchat.proof), not by a third party's script. Forgeries, replays
and expired puzzles are refused; a solved puzzle starts one chat.

Item 3: one attacker must not close the chat for everyone. The flood plays
hundreds of fake intakes, each with its puzzle solved, kept alive by
heartbeats, while a real visitor with an open stream arrives; no address is
read, so one source or many is the same attack here.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from altcha import v1 as altcha

from tests.functions.test_fallback import online
from tests.support import Functions
from vtchat import housekeeping, intake, presence, proof
from vtchat.errors import Busy, ProofRequired
from vtchat.models import ChallengeResponse, IntakeRequest
from vtchat.services import Services
from vtchat.store import where

pytestmark = pytest.mark.emulators

INTAKE = {"nickname": "Merel", "age": 16, "gender": "woman", "region": "utrecht"}


def decoded(payload: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(base64.b64decode(payload))
    return data


def encoded(data: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def refused(response: Any) -> dict[str, Any]:
    assert response.status_code == 403, response.get_json()
    error: dict[str, Any] = response.get_json()["error"]
    assert error["code"] == "proof_invalid"
    ChallengeResponse.model_validate(error["details"]["challenge"])  # a fresh puzzle to solve
    return error


# --- item 2: a proof of work the functions verify ------------------------------------


def test_an_intake_without_a_proof_is_refused_with_a_puzzle(functions: Functions) -> None:
    error = refused(functions.post("intake", INTAKE))
    assert "rekenen" in error["message"]


def _wrong_number(good: str, svc: Services) -> str:
    data = decoded(good)
    return encoded({**data, "number": data["number"] + 1})


def _easier_salt(good: str, svc: Services) -> str:
    data = decoded(good)
    return encoded({**data, "salt": data["salt"].replace("level=", "level=0")})


def _other_key(good: str, svc: Services) -> str:
    made = altcha.create_challenge(
        altcha.ChallengeOptions(
            algorithm="SHA-256",
            max_number=1000,
            hmac_key=b"not the chat's key",
            expires=datetime.now(UTC) + timedelta(minutes=5),
            params={"level": "0"},
        )
    )
    puzzle = ChallengeResponse(
        algorithm="SHA-256",
        challenge=made.challenge,
        maxnumber=made.max_number,
        salt=made.salt,
        signature=made.signature,
        level=0,
    )
    return proof.solve(puzzle)


def _expired(good: str, svc: Services) -> str:
    return proof.solve(proof.issue(svc, now=datetime.now(UTC) - timedelta(minutes=11)))


@pytest.mark.parametrize(
    "forge",
    [
        lambda good, svc: "bm90IGEgcHJvb2Y=",  # base64 of "not a proof"
        lambda good, svc: "%%%",
        lambda good, svc: encoded({"algorithm": "SHA-256"}),
        _wrong_number,
        _easier_salt,
        _other_key,
        _expired,
    ],
    ids=[
        "not-json",
        "not-base64",
        "fields-missing",
        "wrong-number",
        "easier-salt",
        "other-key",
        "expired",
    ],
)
def test_forged_proofs_are_refused(functions: Functions, svc: Services, forge: Any) -> None:
    forged = forge(functions.proof(), svc)
    refused(functions.post("intake", {**INTAKE, "proof": forged}))


def test_a_solved_puzzle_starts_one_chat_only(functions: Functions) -> None:
    solved = functions.proof()
    assert functions.post("intake", {**INTAKE, "proof": solved}).status_code == 201
    refused(functions.post("intake", {**INTAKE, "nickname": "Nog een", "proof": solved}))


def sessions_named(svc: Services, nickname: str) -> list[str]:
    named = svc.store.client.collection("sessions").where(filter=where("nickname", "==", nickname))
    return [s.id for s in named.get()]


def test_a_retried_intake_gets_the_same_chat_not_a_second(
    functions: Functions, svc: Services
) -> None:
    # The answer to the first attempt is lost (a bad connection; in CI an
    # emulator cancelled a call that had committed); the client sends the
    # same intake again. Before: 403 proof_invalid, and the client's next try
    # with a new puzzle started a second chat for the same visitor.
    nickname = f"Retry{uuid.uuid4().hex[:6]}"
    body = {**INTAKE, "nickname": nickname, "proof": functions.proof()}
    first = functions.post("intake", body)
    assert first.status_code == 201
    again = functions.post("intake", body)
    assert again.status_code == 201, again.get_json()
    a, b = first.get_json(), again.get_json()
    assert (b["sessionId"], b["resumeCode"]) == (a["sessionId"], a["resumeCode"])
    assert sessions_named(svc, nickname) == [a["sessionId"]]
    # Either answer's token works: whichever reached the visitor.
    for n, grant in enumerate((a, b)):
        message = {"sessionId": a["sessionId"], "messageId": str(uuid.uuid4()), "text": f"hoi {n}"}
        assert functions.post("messages", message, token=grant["token"]).status_code == 201


def test_the_same_intake_sent_eight_times_at_once_starts_one_chat(
    functions: Functions, svc: Services
) -> None:
    nickname = f"Burst{uuid.uuid4().hex[:6]}"
    body = {**INTAKE, "nickname": nickname, "proof": functions.proof()}

    def send(_: int) -> tuple[int, str | None]:
        # One client per thread: the functions-framework test client is not shared.
        response = Functions().post("intake", body)
        return response.status_code, (response.get_json() or {}).get("sessionId")

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    ids = {sid for status, sid in answers if status == 201}
    assert len(ids) == 1, answers
    assert all(status in (201, 503) for status, _ in answers), answers
    assert sessions_named(svc, nickname) == list(ids)


def test_a_used_proof_never_reopens_an_ended_or_resumed_chat(functions: Functions) -> None:
    # The proof lives ten minutes: within them it must not outrank the
    # visitor's own leaving, or a resume (perhaps from another device).
    ended = {**INTAKE, "proof": functions.proof()}
    grant = functions.post("intake", ended).get_json()
    left = functions.post("leave", {"sessionId": grant["sessionId"]}, token=grant["token"])
    assert left.status_code < 300
    refused(functions.post("intake", ended))

    resumed = {**INTAKE, "proof": functions.proof()}
    grant = functions.post("intake", resumed).get_json()
    code = grant["resumeCode"].replace("-", "")
    assert functions.post("resume", {"resumeCode": code}).status_code == 200
    refused(functions.post("intake", resumed))


def test_a_proof_whose_first_attempt_stored_no_chat_starts_it_once(
    functions: Functions, svc: Services
) -> None:
    # Spent by an attempt that stopped before the chat was stored (a busy
    # queue, a crash): the retry starts the chat instead of being refused.
    nickname = f"Later{uuid.uuid4().hex[:6]}"
    body = {**INTAKE, "nickname": nickname, "proof": functions.proof()}
    proof.redeem(svc, IntakeRequest.model_validate(body), now=datetime.now(UTC))
    assert sessions_named(svc, nickname) == []
    started = functions.post("intake", body)
    assert started.status_code == 201, started.get_json()
    assert functions.post("intake", body).get_json()["sessionId"] == started.get_json()["sessionId"]
    assert sessions_named(svc, nickname) == [started.get_json()["sessionId"]]


def test_the_puzzle_is_never_cached_and_carries_no_trace_of_the_caller(
    functions: Functions,
) -> None:
    answer = functions.client("challenge").get(
        "/", headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "1.2.3.4"}
    )
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers
    text = answer.get_data(as_text=True)
    assert "198.51.100.7" not in text and "1.2.3.4" not in text
    assert answer.get_json()["level"] == 0


# --- item 3: no closing the chat for everyone -----------------------------------------


@dataclass
class Flood:
    accepted: list[str] = field(default_factory=list)
    refused: int = 0
    levels: list[int] = field(default_factory=list)
    work: int = 0  # hashes the attacker computed: the solutions' numbers


def _start(svc: Services, flood: Flood, body: IntakeRequest) -> str | None:
    """One intake as main.intake runs it: puzzle, redeem, start; a harder puzzle once."""
    now = datetime.now(UTC)
    puzzle = proof.issue(svc, now=now)
    for _ in range(2):
        solved = proof.solve(puzzle)
        flood.work += int(decoded(solved)["number"])
        flood.levels.append(puzzle.level)
        try:
            proof.redeem(svc, body.model_copy(update={"proof": solved}), now=now)
            return intake.start_chat(svc, body, now=now).session_id
        except ProofRequired as e:
            puzzle = ChallengeResponse.model_validate(e.details["challenge"])
        except Busy:
            break
    flood.refused += 1
    return None


def tuned(svc: Services, **changes: Any) -> Services:
    shipped = {"intakes_per_minute": 120, "max_waiting_per_org": 40, "proof_base_number": 200}
    # status_refresh 0: every intake sees the queue as it is (the board is cached 5 s).
    update = {**shipped, "status_refresh": timedelta(0), **changes}
    return Services(svc.settings.model_copy(update=update))


def test_fake_intakes_kept_alive_by_heartbeats_do_not_shut_out_a_real_visitor(
    svc: Services,
) -> None:
    flooded = tuned(svc)
    fake = IntakeRequest(nickname="Nep", age=30, gender="unspecified", region="utrecht")
    flood = Flood()
    for _ in range(120):
        if (chat := _start(flooded, flood, fake)) is not None:
            flood.accepted.append(chat)
            presence.visitor_heartbeat(flooded, session_id=chat)
    # The queue filled, and the puzzle hardened with it.
    assert len(flood.accepted) == 40
    assert max(flood.levels) >= 4 > flood.levels[0]

    # A minute later, shortened: presence as shipped but in seconds, on the
    # same instance (its intake pace carries over).
    later = tuned(
        svc,
        visitor_seen_refresh=timedelta(seconds=1),
        visitor_stale=timedelta(seconds=2),
        visitor_grace=timedelta(seconds=3),
    )
    later.__dict__["intake_budget"] = flooded.intake_budget
    time.sleep(2.5)
    for chat in flood.accepted:  # the fakes keep beating; no stream is open
        presence.visitor_heartbeat(later, session_id=chat)
    real = Flood()
    visitor = IntakeRequest(nickname="Echt", age=15, gender="woman", region="utrecht")
    chat = _start(later, real, visitor)
    assert chat is not None, "the real visitor was turned away"
    presence.visitor_seen(later, session_id=chat)  # what the open stream does

    time.sleep(1.0)
    presence.visitor_seen(later, session_id=chat)
    housekeeping.tick(later)
    online(later, "utrecht", "anna")
    stored = later.store.session(chat).get().to_dict() or {}
    assert (stored["state"], stored.get("advisorUid")) == ("active", "anna")
    fakes = [later.store.session(c).get().to_dict() or {} for c in flood.accepted]
    assert all(f["state"] == "ended" for f in fakes)
    print(
        f"flood: {len(flood.accepted)} fakes in, {flood.refused} refused, levels "
        f"{flood.levels[0]}..{max(flood.levels)}, {flood.work} hashes; the real visitor: "
        f"level {real.levels[-1]}, {real.work} hashes"
    )


def test_one_chat_cannot_hold_many_streams(functions: Functions) -> None:
    chat = functions.intake()
    first = functions.stream(chat["token"])
    second = functions.stream(chat["token"])  # a reconnect overlapping the first
    third = functions.stream(chat["token"])
    try:
        assert b"retry" in next(first.response)
        assert b"retry" in next(second.response)
        head = b"".join(next(third.response) for _ in range(2)).decode()
        assert "too_many_streams" in head
    finally:
        for response in (first, second, third):
            response.close()
    again = functions.stream(chat["token"])  # seats given back once streams close
    try:
        assert b"too_many_streams" not in next(again.response)
    finally:
        again.close()
