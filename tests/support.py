"""Helpers shared by the test suites: the Auth emulator, the functions, SSE."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import functions_framework
import requests
from flask.testing import FlaskClient

from vtchat import topics
from vtchat.models import ChallengeResponse
from vtchat.proof import solve

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "functions" / "main.py"
PROJECT = "demo-vtchat"
SHARED_PC4 = ROOT.parent / "shared" / "data" / "pc4_veilig_thuis.csv"
SAMPLE_PC4 = ROOT / "emulators" / "data" / "pc4_sample.csv"
ALWAYS_OPEN_SCHEDULE = ROOT / "tests" / "data" / "schedule-always-open.json"


T = TypeVar("T")


def new_id() -> str:
    return str(uuid.uuid4())


def wait_until(
    predicate: Callable[[], T | None],
    what: str,
    timeout: float = 10.0,
    *,
    every: float = 0.1,
    pause: Callable[[float], object] = time.sleep,
) -> T:
    """Ask `predicate` until it answers something truthy, and return that answer.

    Fails after `timeout` seconds naming `what` and the last answer seen. The
    predicate is asked at least once and once more after the deadline passed,
    so a slow predicate (a blocking pull) still gets its last word. `pause` is
    for pages driven by Playwright's sync API, whose events arrive only while
    Playwright has control (`lambda s: page.wait_for_timeout(s * 1000)`).
    """
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}; last seen: {last!r}")
        pause(every)


# --- Auth emulator ------------------------------------------------------------------


@dataclass(frozen=True)
class StaffLogin:
    uid: str
    email: str
    password: str
    id_token: str
    org: str
    role: str
    display_name: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


def _auth_url(path: str) -> str:
    return f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}{path}"


def create_staff(
    *,
    org: str,
    role: str = "advisor",
    name: str | None = None,
    claims: bool = True,
    langs: Iterable[str] = (),
    privacy: bool = False,
) -> StaffLogin:
    """Create an account on the Auth emulator, set its claims and sign it in.

    `langs`: the languages besides Dutch the advisor speaks (the `langs` claim,
    as `vtchat.admin grant --languages` sets it). `privacy`: the organisation's
    privacy officer (the `privacy` claim, `vtchat.admin grant --privacy`).
    """
    email = f"{uuid.uuid4().hex[:10]}@{org}.test"
    password = "test-wachtwoord"
    display_name = name or f"Adviseur {email[:4]}"
    signup = requests.post(
        _auth_url("/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake"),
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    signup.raise_for_status()
    uid = signup.json()["localId"]
    update: dict[str, Any] = {"localId": uid, "displayName": display_name}
    if claims:
        spoken = {"langs": ["nl", *langs]} if langs else {}
        officer = {"privacy": True} if privacy else {}
        update["customAttributes"] = json.dumps({"role": role, "org": org, **spoken, **officer})
    requests.post(
        _auth_url(f"/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts:update"),
        json=update,
        headers={"Authorization": "Bearer owner"},
        timeout=10,
    ).raise_for_status()
    signin = requests.post(
        _auth_url("/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake"),
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    signin.raise_for_status()
    return StaffLogin(
        uid=uid,
        email=email,
        password=password,
        id_token=signin.json()["idToken"],
        org=org,
        role=role,
        display_name=display_name,
    )


# --- the functions, in process --------------------------------------------------------


class Functions:
    """Every entry point of functions/main.py behind the functions-framework test client."""

    def __init__(self) -> None:
        self._clients: dict[str, FlaskClient] = {}

    def client(self, name: str) -> FlaskClient:
        if name not in self._clients:
            app = functions_framework.create_app(target=name, source=str(MAIN))
            self._clients[name] = app.test_client()
        return self._clients[name]

    def post(self, name: str, body: Any, *, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client(name).post("/", json=body, headers=headers)

    def proof(self) -> str:
        """A solved intake puzzle, fetched and solved as the widget does."""
        puzzle = self.client("challenge").get("/").get_json()
        return solve(ChallengeResponse.model_validate(puzzle))

    def intake(self, **overrides: Any) -> dict[str, Any]:
        body = {"nickname": "Merel", "age": 16, "gender": "woman", "region": "utrecht"}
        body.update(overrides)
        body.setdefault("proof", self.proof())
        response = self.post("intake", body)
        for attempt in range(3):
            code = str((response.get_json().get("error") or {}).get("code"))
            if code == "proof_harder":
                # As the widget does: solve the harder puzzle the refusal carries.
                puzzle = response.get_json()["error"]["details"]["challenge"]
                body["proof"] = solve(ChallengeResponse.model_validate(puzzle))
            elif response.status_code == 503:
                # As the widget does after a transient error (an emulator under
                # load cancels calls, perhaps after committing): a moment later,
                # with the same puzzle, which finds the chat if one was started.
                time.sleep(0.2 * 2**attempt)
            else:
                break
            response = self.post("intake", body)
        assert response.status_code == 201, response.get_json()
        return dict(response.get_json())

    def stream(self, token: str, *, last_event_id: int | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        return self.client("stream").get("/", headers=headers, buffered=False)


# --- server-sent events -----------------------------------------------------------------


@dataclass
class SseEvent:
    id: int | None
    type: str
    data: dict[str, Any] = field(default_factory=dict)


def parse_sse(chunks: Iterable[bytes | str]) -> Iterator[SseEvent]:
    """Yield events from a byte or text stream as they complete."""
    buffer = ""
    for chunk in chunks:
        buffer += chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields: dict[str, str] = {}
            for line in block.split("\n"):
                if not line or line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
            if "data" in fields:
                yield SseEvent(
                    id=int(fields["id"]) if "id" in fields else None,
                    type=fields.get("event", "message"),
                    data=json.loads(fields["data"]),
                )


# Stream events that are not part of the timeline: sent without an id.
UNTIMED = ("queue", "signals")


def read_events(
    response: Any,
    *,
    until: str | None = None,
    count: int | None = None,
    queue_updates: list[SseEvent] | None = None,
) -> list[SseEvent]:
    """Read timeline events of a streaming test-client response until a type or a count.

    Queue-place updates (no id) are collected into `queue_updates` when given;
    signals (no id either, vtchat.signals) are skipped.
    """
    events: list[SseEvent] = []
    for event in parse_sse(response.response):
        if event.type == "queue":
            if queue_updates is not None:
                queue_updates.append(event)
            continue
        if event.type in UNTIMED:
            continue
        events.append(event)
        if (until and event.type == until) or (count and len(events) >= count):
            break
    return events


# --- presence ---------------------------------------------------------------------------


def everyone_present(svc: Any, at: Any) -> None:
    """Simulate that every visitor's stream and every console stayed connected until `at`.

    Tests that run the tick at a time in the future would otherwise (rightly)
    find every visitor gone and every advisor silent.
    """
    from vtchat import presence
    from vtchat.store import where

    store = svc.store
    sessions = store.client.collection("sessions").where(
        filter=where("state", "in", ["waiting", "active"])
    )
    for snap in store.query(sessions):
        presence.visitor_seen(svc, session_id=snap.id, now=at)
    advisors = store.client.collection("advisors").where(
        filter=where("status", "in", ["online", "paused"])
    )
    store.update_all((snap.reference for snap in store.query(advisors)), {"seenAt": at})


# --- pushes ---------------------------------------------------------------------------


def offer_envelope(svc: Any, session_id: str, org: str) -> dict[str, Any]:
    """What the organisation's push subscription POSTs for the offer recorded on the session."""
    stored = svc.store.session(session_id).get().to_dict() or {}
    data = {
        "sessionId": session_id,
        "round": stored["offerRound"],
        "region": stored["region"],
        "candidates": stored["offeredTo"],
    }
    return {
        "message": {
            "data": base64.b64encode(json.dumps(data).encode()).decode(),
            "attributes": {topics.candidate_attribute(c): "1" for c in stored["offeredTo"]},
            "messageId": new_id(),
        },
        "subscription": f"projects/{PROJECT}/subscriptions/{topics.offer_subscription(org)}",
    }


# --- the second factor on the Auth emulator (SMS: it has no TOTP, firebase-tools #6224) ---


def _auth(path: str) -> str:
    return f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}{path}"


def new_phone() -> str:
    """A unique Dutch mobile number (the emulator sends no text message)."""
    return f"+316{uuid.uuid4().int % 100_000_000:08d}"


def verify_email(login: StaffLogin) -> None:
    """What `vtchat.admin grant` does: Firebase enrols no factor for an unverified e-mail."""
    requests.post(
        _auth(f"/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts:update"),
        json={"localId": login.uid, "emailVerified": True},
        headers={"Authorization": "Bearer owner"},
        timeout=10,
    ).raise_for_status()


def sms_codes(phone: str) -> list[str]:
    """The codes the Auth emulator 'sent' to this number, oldest first."""
    answer = requests.get(_auth(f"/emulator/v1/projects/{PROJECT}/verificationCodes"), timeout=10)
    answer.raise_for_status()
    codes = answer.json().get("verificationCodes", [])
    return [c["code"] for c in codes if c.get("phoneNumber") == phone]


def next_sms_code(phone: str, seen: int, timeout: float = 10.0) -> str:
    """The code sent to `phone` after the first `seen` ones."""
    codes = wait_until(lambda: sms_codes(phone)[seen:], f"a new SMS code for {phone}", timeout)
    return codes[-1]


def enrol_sms(login: StaffLogin, phone: str) -> str:
    """Enrol an SMS second factor over the emulator's REST API (verifying the e-mail first).

    Returns the ID token the enrolment answers with, which carries the factor.
    """
    verify_email(login)
    signin = requests.post(
        _auth("/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake"),
        json={"email": login.email, "password": login.password, "returnSecureToken": True},
        timeout=10,
    )
    signin.raise_for_status()
    id_token = signin.json()["idToken"]
    seen = len(sms_codes(phone))
    start = requests.post(
        _auth("/identitytoolkit.googleapis.com/v2/accounts/mfaEnrollment:start?key=fake"),
        json={"idToken": id_token, "phoneEnrollmentInfo": {"phoneNumber": phone}},
        timeout=10,
    )
    start.raise_for_status()
    session_info = start.json()["phoneSessionInfo"]["sessionInfo"]
    code = next_sms_code(phone, seen)
    finish = requests.post(
        _auth("/identitytoolkit.googleapis.com/v2/accounts/mfaEnrollment:finalize?key=fake"),
        json={
            "idToken": id_token,
            "phoneVerificationInfo": {"code": code, "sessionInfo": session_info},
        },
        timeout=10,
    )
    finish.raise_for_status()
    return str(finish.json()["idToken"])
