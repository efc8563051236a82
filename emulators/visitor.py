"""A visitor's intake over HTTP, as the widget makes it: puzzle first.

`GET /api/challenge`, solve it, `POST /api/intake` with the proof; a 403
`proof_*` answer carries a fresh (harder) puzzle, which is solved and sent
again. A 5xx or a lost answer is sent again with the same proof, which finds
the chat if one was started (vtchat.intake.ids_for). Used by the demo, the
benchmarks and the tests that speak HTTP.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from vtchat.models import ChallengeResponse
from vtchat.proof import solve

_ATTEMPTS = 3


def solved_proof(api: str, *, timeout: float = 10) -> str:
    answer = requests.get(f"{api}/challenge", timeout=timeout)
    answer.raise_for_status()
    return solve(ChallengeResponse.model_validate(answer.json()))


def post_intake(api: str, body: dict[str, Any], *, timeout: float = 10) -> requests.Response:
    """The intake's answer after at most three puzzles (a refusal is returned as it is)."""
    proof = solved_proof(api, timeout=timeout)
    for _ in range(_ATTEMPTS):
        answer = _send(api, {**body, "proof": proof}, timeout=timeout)
        error = answer.json().get("error", {}) if answer.status_code == 403 else {}
        if not str(error.get("code", "")).startswith("proof_"):
            return answer
        proof = solve(ChallengeResponse.model_validate(error["details"]["challenge"]))
    return answer


def _send(api: str, body: dict[str, Any], *, timeout: float) -> requests.Response:
    """One intake, sent again with the same proof after a passing failure, twice at most."""
    for retry in range(_ATTEMPTS):
        try:
            answer = requests.post(f"{api}/intake", json=body, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout):
            if retry == _ATTEMPTS - 1:
                raise
        else:
            if answer.status_code < 500 or retry == _ATTEMPTS - 1:
                return answer
        time.sleep(0.5 * 2**retry)
    raise AssertionError("unreachable")
