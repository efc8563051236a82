"""Intake protection the chat verifies itself: a proof of work, no third party.

Why not App Check with reCAPTCHA: its script comes from Google and leaves
cookies on the visitor's device, which someone whose phone is checked by the
person they fear cannot afford (docs/architecture.md compares the options).
Instead the widget asks `GET /api/challenge` for a puzzle and solves it while
the visitor fills in the form: find the number `n <= maxnumber` for which
SHA-256(salt + n) equals the challenge. The format is ALTCHA's (v1), created
and checked with the maintained `altcha` library; the widget's solver is our
own WebCrypto loop, so no script or cookie of anyone else reaches the page.

The cost rises with load, never with who the visitor is (no IP address is
read: a school, a shelter or a library puts many people behind one):
- this instance's intakes in the last minute against `intakes_per_minute`;
- how full the region's queue is against `max_waiting_per_org`;
- "I am in danger now" jumps the queue, so claiming it costs two levels more.
Each level doubles the work. A visitor pays the base (a fraction of a second,
hidden behind the form); an attacker filling a queue pays more for every fake.

A solved puzzle is good for one chat: its challenge hash is recorded in
`proofs/` (random, nothing about the visitor) until the TTL removes it, and
the chat's id and resume code are derived from it, so a retry of the same
intake gets the same chat rather than a second one (vtchat.intake.ids_for).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import parse_qs

from altcha import v1 as altcha
from google.api_core import exceptions as api_exceptions

from vtchat import intake
from vtchat.errors import ProofRequired, declare
from vtchat.logs import log
from vtchat.models import ChallengeResponse, IntakeRequest
from vtchat.services import Services

# The error codes raised here (vtchat.openapi describes them).
PROOF_HARDER = declare(
    "proof_harder",
    ProofRequired,
    "the load rose: this intake needs a harder puzzle, in `details.challenge`",
)
PROOF_INVALID = declare(
    "proof_invalid",
    ProofRequired,
    "the intake's proof is missing, wrong, expired or used; `details.challenge` is a new one",
)

_ALGORITHM: Final = "SHA-256"
# Long enough to solve on a slow phone at the highest level, short enough that
# a stockpile of solved puzzles goes stale quickly.
_VALID_FOR = timedelta(minutes=10)
# Load may rise while a visitor solves: one level of slack before asking again.
_SLACK = 1
_URGENT_EXTRA = 2


def _key(session_key: bytes) -> bytes:
    # Derived from the session key, not stored: a rotation needs no key of its own.
    return hmac.new(session_key, b"intake-proof", hashlib.sha256).digest()


def _keys(svc: Services) -> list[bytes]:
    """The current key (signs new puzzles), then the previous one during a rotation."""
    previous = svc.previous_session_key
    return [_key(svc.session_key)] + ([_key(previous)] if previous else [])


def level(svc: Services, *, now: datetime, org: str | None = None, urgent: bool = False) -> int:
    """How hard an intake's puzzle is now: 0 is the base, each level doubles it."""
    config = svc.settings
    recent = svc.intake_budget.count(now)
    # 0 while quiet, 1 from a quarter of the per-minute rate, +1 per doubling.
    rate = int(math.log2(1 + 4 * recent / config.intakes_per_minute))
    queue = 0
    if org is not None:
        queue = 4 * svc.status_board.waiting(org) // config.max_waiting_per_org
    extra = _URGENT_EXTRA if urgent else 0
    return min(config.proof_max_level, rate + queue + extra)


def issue(svc: Services, *, now: datetime, at_level: int | None = None) -> ChallengeResponse:
    chosen = level(svc, now=now) if at_level is None else at_level
    challenge = altcha.create_challenge(
        altcha.ChallengeOptions(
            algorithm=_ALGORITHM,
            max_number=svc.settings.proof_base_number << chosen,
            hmac_key=_key(svc.session_key),
            expires=now + _VALID_FOR,
            params={"level": str(chosen)},
        )
    )
    return ChallengeResponse(
        algorithm=challenge.algorithm,
        challenge=challenge.challenge,
        maxnumber=challenge.max_number,
        salt=challenge.salt,
        signature=challenge.signature,
        level=chosen,
    )


def _refuse(svc: Services, *, now: datetime, code: str, at_level: int) -> ProofRequired:
    fresh = issue(svc, now=now, at_level=at_level)
    return ProofRequired(code=code, details={"challenge": fresh.model_dump(by_alias=True)})


def _solved(svc: Services, payload: str) -> tuple[str, int, int] | None:
    """(challenge hash, level, expiry) of a genuine, unexpired solution, or None."""
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
        # A puzzle lives 10 minutes, so one signed before a rotation may
        # arrive after it: the previous key is tried too while configured.
        if not any(altcha.verify_solution(data, key, check_expires=True)[0] for key in _keys(svc)):
            return None
        # Inside the salt, so covered by the hash the signature signs.
        params = parse_qs(str(data["salt"]).split("?", 1)[1])
        return str(data["challenge"]), int(params["level"][0]), int(params["expires"][0])
    except (ValueError, TypeError, KeyError, IndexError, binascii.Error, RecursionError):
        return None


def redeem(svc: Services, request: IntakeRequest, *, now: datetime) -> intake.Redeemed:
    """Accept a solved puzzle hard enough for this intake, once; else ask for another.

    "Once" means one chat: the same proof sent again (a retry after a lost
    answer) gets the chat it started, never a second one (intake.earlier_chat).
    A closed region answers ChatClosed before the puzzle is spent.
    """
    _, org = intake.place(svc, request, now=now)
    needed = level(svc, now=now, org=org, urgent=request.in_danger)
    proof = request.proof
    solved = _solved(svc, proof) if proof else None
    if solved is None:
        log("WARNING", "intake_refused", reason="proof_invalid" if proof else "proof_missing")
        raise _refuse(svc, now=now, code=PROOF_INVALID, at_level=needed)
    digest, solved_level, expires = solved
    if solved_level < needed - _SLACK:
        log("INFO", "intake_refused", reason="proof_harder", level=needed)
        raise _refuse(svc, now=now, code=PROOF_HARDER, at_level=needed)
    try:
        svc.store.proof(digest).create({"expireAt": datetime.fromtimestamp(expires, tz=now.tzinfo)})
    except api_exceptions.AlreadyExists as e:
        again = intake.earlier_chat(svc, digest=digest, request=request)
        if again is None:
            log("WARNING", "intake_refused", reason="proof_used")
            raise _refuse(svc, now=now, code=PROOF_INVALID, at_level=needed) from e
        return again
    return intake.Redeemed(digest=digest)


def solve(challenge: ChallengeResponse) -> str:
    """The `proof` for a puzzle: what the widget computes, for Python clients (demo, tests)."""
    found = altcha.solve_challenge(
        challenge.challenge, challenge.salt, _ALGORITHM, challenge.maxnumber
    )
    if found is None:
        raise ValueError("this puzzle has no solution: it was not made by vtchat.proof")
    payload = {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "number": found.number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()
