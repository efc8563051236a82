"""Attacks on the resume code: a silent takeover, a lockout for everyone, a key rotation.

Whoever holds a chat's code may take the chat over (that is what the code is
for), but never silently: the tab that had it loses it at once and is told
so, and the advisor sees it in the timeline.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pydantic import SecretStr

from tests.support import Functions, new_id, parse_sse
from vtchat import intake, resume, tokens
from vtchat.models import IntakeRequest, ResumeRequest
from vtchat.services import Services
from vtchat.settings import settings

pytestmark = pytest.mark.emulators


def start(svc: Any) -> dict[str, Any]:
    """A waiting chat (the intake's proof of work is another test's subject)."""
    request = IntakeRequest(nickname="Merel", age=16, gender="woman", region="utrecht")
    return dict(intake.start_chat(svc, request).model_dump(mode="json", by_alias=True))


def say(functions: Functions, chat: dict[str, Any], token: str, text: str) -> Any:
    body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": text}
    return functions.post("messages", body, token=token)


def take_over(functions: Functions, chat: dict[str, Any]) -> dict[str, Any]:
    back = functions.post("resume", {"resumeCode": chat["resumeCode"]})
    assert back.status_code == 200, back.get_json()
    return dict(back.get_json())


def test_resuming_elsewhere_retires_every_earlier_token(functions: Functions, svc: Any) -> None:
    chat = start(svc)
    first_resume = take_over(functions, chat)
    second = take_over(functions, chat)
    old_tokens = {"intake": chat["token"], "first resume": first_resume["token"]}
    refused = []
    for name, token in old_tokens.items():
        calls = {
            "messages": say(functions, chat, token, "nog iemand?"),
            "heartbeat": functions.post("heartbeat", {"sessionId": chat["sessionId"]}, token=token),
            "stream": functions.stream(token),
            "leave": functions.post("leave", {"sessionId": chat["sessionId"]}, token=token),
        }
        for call, response in calls.items():
            code = response.get_json()["error"]["code"] if response.status_code == 401 else None
            refused.append((name, call, response.status_code, code))
    assert refused == [
        (name, call, 401, "token_revoked")
        for name in old_tokens
        for call in ("messages", "heartbeat", "stream", "leave")
    ]
    # The current token still works, and the chat was not ended by the old ones.
    assert say(functions, chat, second["token"], "ik ben er").status_code == 201
    assert svc.store.session(chat["sessionId"]).get().to_dict()["state"] == "waiting"


def test_the_old_tabs_open_stream_ends_with_the_notice(functions: Functions, svc: Any) -> None:
    chat = start(svc)
    opened = functions.stream(chat["token"])
    assert opened.status_code == 200
    seen: list[str] = []
    done = threading.Event()

    def read() -> None:
        for event in parse_sse(opened.response):
            seen.append(event.type)
            if event.type == "revoked":
                break
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    take_over(functions, chat)
    # Within seconds, not at the stream's ten-minute end.
    assert done.wait(timeout=10), f"the old stream is still open after 10 s: {seen}"
    assert seen[-2:] == ["resumed", "revoked"]


def test_the_advisor_sees_the_resume_in_the_timeline(functions: Functions, svc: Any) -> None:
    chat = start(svc)
    take_over(functions, chat)
    entries = [
        snap.to_dict() for snap in svc.store.messages(chat["sessionId"]).order_by("seq").stream()
    ]
    assert [(e["kind"], e.get("event")) for e in entries][-1] == ("system", "resumed")
    # The new tab's replay shows it too, so nobody reads the chat unannounced.
    fresh = take_over(functions, chat)
    events = []
    for event in parse_sse(functions.stream(fresh["token"]).response):
        if event.id is None:
            continue  # the place in the queue or signals, not the timeline
        events.append(event.type)
        if len(events) == 3:
            break
    assert events == ["queued", "resumed", "resumed"]


def test_a_guesser_does_not_block_a_real_visitors_resume(functions: Functions, svc: Any) -> None:
    chat = start(svc)
    # Distinct guesses, as a guesser makes them, and one wrong code hammered.
    guesses = [f"{n:04d}-AAAA-AAAA" for n in range(120)] + ["ZZZZ-ZZZZ-ZZZZ"] * 40
    answers = {functions.post("resume", {"resumeCode": g}).status_code for g in guesses}
    assert answers <= {404, 429}
    real = functions.post("resume", {"resumeCode": chat["resumeCode"]})
    assert real.status_code == 200, real.get_json()


def test_rotating_the_session_key_keeps_running_codes_working(
    functions: Functions, svc: Any
) -> None:
    chat = start(svc)
    rotated_key = SecretStr("rotated-session-key-0123456789abcdefghijkl")
    rotated = Services(settings().model_copy(update={"session_key": rotated_key}))
    back = resume.resume(rotated, ResumeRequest(resume_code=chat["resumeCode"]))
    assert back.session_id == chat["sessionId"]
    # The token it hands out is signed with the new session key.
    assert tokens.verify(key=rotated.session_key, token=back.token).session_id == back.session_id
