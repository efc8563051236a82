"""Coming back with the resume code, and a visitor in danger served first."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import Functions, new_id, read_events
from vtchat import availability, lifecycle, queueing, resume
from vtchat.errors import Busy, NotFound
from vtchat.models import AvailabilityRequest, ResumeRequest, Staff
from vtchat.services import Services
from vtchat.settings import settings

pytestmark = pytest.mark.emulators


def online(svc: Services, uid: str, *, capacity: int) -> None:
    availability.set_availability(
        svc,
        staff=Staff(uid=uid, role="advisor", org="utrecht", display_name="Anna"),
        request=AvailabilityRequest(status="online", capacity=capacity),
    )


def test_the_resume_code_brings_a_closed_tab_back_to_its_chat(
    functions: Functions, svc: Any
) -> None:
    chat = functions.intake()
    code = chat["resumeCode"]
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    stored = svc.store.session(chat["sessionId"]).get().to_dict()
    assert code.replace("-", "") not in str(stored)  # only a keyed hash is kept
    functions.post(
        "messages",
        {"sessionId": chat["sessionId"], "messageId": new_id(), "text": "Ben ik hier veilig?"},
        token=chat["token"],
    )

    # Typed by hand in another tab: lower case, spaces, an O for a 0.
    typed = code.lower().replace("-", " ").replace("0", "o")
    back = functions.post("resume", {"resumeCode": typed})
    assert back.status_code == 200, back.get_json()
    answer = back.get_json()
    assert (answer["sessionId"], answer["state"], answer["resumeCode"]) == (
        chat["sessionId"],
        "waiting",
        code,
    )
    replay = read_events(functions.stream(answer["token"]), count=2)
    assert [(e.type, e.data.get("text")) for e in replay] == [
        ("queued", None),
        ("message", "Ben ik hier veilig?"),
    ]


def test_wrong_malformed_and_finished_codes_say_nothing_more(
    functions: Functions, svc: Any
) -> None:
    chat = functions.intake()
    wrong = functions.post("resume", {"resumeCode": "ZZZZ-ZZZZ-ZZZZ"})
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (404, "resume_unknown")
    malformed = functions.post("resume", {"resumeCode": "<script>"})
    assert malformed.status_code == 422
    assert "resumeCode" in malformed.get_json()["error"]["fields"]
    lifecycle.end_chat(svc, session_id=chat["sessionId"], ended_by="visitor")
    finished = functions.post("resume", {"resumeCode": chat["resumeCode"]})
    assert finished.get_json()["error"]["code"] == "resume_unknown"


def test_guessing_is_throttled_even_for_the_right_code(functions: Functions) -> None:
    guarded = Services(settings().model_copy(update={"resume_failures_per_minute": 2}))
    chat = functions.intake()
    for guess in ("AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB"):
        with pytest.raises(NotFound):
            resume.resume(guarded, ResumeRequest(resume_code=guess))
    with pytest.raises(Busy) as busy:
        resume.resume(guarded, ResumeRequest(resume_code=chat["resumeCode"]))
    assert busy.value.retry_after_seconds >= 1


def test_someone_in_danger_is_served_first_and_the_advisor_sees_why(
    functions: Functions, svc: Any
) -> None:
    earlier = [functions.intake(nickname=f"Wacht{i}") for i in range(12)]
    urgent = functions.intake(nickname="Nood", inDanger=True)
    stored = svc.store.session(urgent["sessionId"]).get().to_dict()
    assert (stored["urgent"], stored["urgentReason"]) == (True, "in_danger")
    waiting = svc.store.queue("utrecht").get().to_dict()["waiting"]
    assert queueing.position(waiting, stored["ticket"]) == 1

    online(svc, "anna", capacity=1)
    taken = svc.store.session(urgent["sessionId"]).get().to_dict()
    assert (taken["state"], taken["advisorUid"]) == ("active", "anna")
    assert all(
        svc.store.session(c["sessionId"]).get().to_dict()["state"] == "waiting" for c in earlier
    )


def test_urgent_tickets_age_like_any_other() -> None:
    at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    urgent = queueing.new_ticket(at, urgent=True)
    assert urgent < queueing.new_ticket(datetime(2020, 1, 1, tzinfo=UTC))
    assert not queueing.issued_before(urgent, at)
    assert queueing.issued_before(urgent, datetime(2026, 11, 22, 9, 1, tzinfo=UTC))
