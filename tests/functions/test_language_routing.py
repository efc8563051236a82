"""Routing by language on the emulators (vtchat.language).

A Turkish chat in Utrecht is offered at once to every organisation with a
Turkish-speaking advisor online, through the ordinary offers over Pub/Sub, and
settled like a fall-back; a free Dutch-only advisor does not get it while it
is kept for Turkish. After the language wait the tick (clock passed as `now=`)
makes it an ordinary Utrecht chat and tells the visitor, once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from firebase_admin import auth as firebase_auth

from tests.functions import test_fallback
from tests.functions.test_fallback import (
    ORIGIN,
    WIDER,
    Offers,
    active_counts,
    handovers,
    session,
)
from tests.functions.test_regions_and_status import follow
from tests.support import Functions, SseEvent, everyone_present, read_events
from vtchat import admin, assignment, availability, housekeeping, language, lifecycle, relay
from vtchat.errors import Conflict
from vtchat.models import AvailabilityRequest, Language, MessageRequest, Staff
from vtchat.routing import wait_minutes
from vtchat.services import Services

pytestmark = pytest.mark.emulators
# Pull subscriptions shaped like each organisation's push subscription.
offers = test_fallback.offers


def online(svc: Services, org: str, uid: str, *languages: Language) -> Staff:
    staff = Staff(
        uid=uid,
        role="advisor",
        org=org,
        display_name=f"Adviseur {uid}",
        languages=["nl", *languages],
    )
    availability.set_availability(
        svc, staff=staff, request=AvailabilityRequest(status="online", capacity=1)
    )
    return staff


def events(svc: Services, session_id: str) -> list[str]:
    entries = svc.store.messages(session_id).order_by("seq").stream()
    return [e.get("event") or "text" for e in entries]


def turkish(functions: Functions) -> str:
    return str(functions.intake(region=ORIGIN, language="tr")["sessionId"])


def test_a_turkish_chat_is_offered_to_a_turkish_speaker_elsewhere_and_taken_once(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    dutch = online(svc, ORIGIN, "anna")
    online(svc, WIDER, "ayse", "tr")
    chat = turkish(functions)

    # Anna is free, but the chat is kept for Turkish: offered at once, not paired.
    stored = session(svc, chat)
    assert stored["state"] == "waiting"
    assert (stored["language"], stored["offerRound"], stored["offeredTo"]) == ("tr", 1, [WIDER])
    assert stored["languageUntil"] > datetime.now(UTC) + timedelta(minutes=4)
    with pytest.raises(Conflict) as refused:
        assignment.accept(svc, staff=dutch, session_id=chat)
    assert refused.value.code == "language_reserved"

    delivery = offers.pull(WIDER, expect=1)[0]
    # Delivered twice (at-least-once): the second finds the chat taken.
    assert offers.push(functions, WIDER, delivery) == 204
    assert functions.post("offer", offers.envelope(WIDER, delivery.message)).status_code == 204

    stored = session(svc, chat)
    assert (stored["state"], stored["advisorUid"], stored["viaFallback"]) == (
        "active",
        "ayse",
        True,
    )
    assert stored.get("languageUntil") is None
    assert active_counts(svc, "anna", "ayse") == 1
    assert [(h["queuedOrg"], h["answeringOrg"], h["round"]) for h in handovers(svc)] == [
        (ORIGIN, WIDER, 1)
    ]
    assert events(svc, chat).count("assigned") == 1

    # The record keeps the language, for the figures.
    lifecycle.end_chat(svc, session_id=chat, ended_by="visitor")
    records = [snap.to_dict() or {} for snap in svc.store.chat_records().stream()]
    assert [(r["language"], r["viaFallback"]) for r in records] == [("tr", True)]


def test_a_speaker_of_the_chats_own_region_takes_it_at_the_intake(
    functions: Functions, svc: Services
) -> None:
    online(svc, ORIGIN, "anna")
    online(svc, ORIGIN, "deniz", "tr", "en")
    chat = turkish(functions)
    stored = session(svc, chat)
    assert (stored["state"], stored["advisorUid"], stored["viaFallback"]) == (
        "active",
        "deniz",
        False,
    )
    assert stored["offeredTo"] == []
    assert handovers(svc) == []


def test_nobody_speaks_it_in_time_so_its_own_region_takes_it_and_the_visitor_is_told(
    functions: Functions, svc: Services
) -> None:
    anna = online(svc, ORIGIN, "anna")
    intake = functions.intake(region=ORIGIN, language="tr")
    chat = intake["sessionId"]
    wait = svc.settings.language_wait
    almost = datetime.now(UTC) + wait - timedelta(seconds=30)
    everyone_present(svc, almost)
    # Anna is free, yet neither the tick pairs her nor is the chat offered to
    # Utrecht's neighbours (it waited past the fall-back threshold long ago).
    report = housekeeping.tick(svc, now=almost)
    assert (report.language_released, report.assigned, report.offered) == (0, 0, 0)
    assert session(svc, chat)["state"] == "waiting"

    later = datetime.now(UTC) + wait + timedelta(seconds=1)
    everyone_present(svc, later)
    first = housekeeping.tick(svc, now=later)
    assert (first.language_released, first.assigned) == (1, 1)
    stored = session(svc, chat)
    assert (stored["state"], stored["advisorUid"], stored["viaFallback"]) == (
        "active",
        "anna",
        False,
    )
    assert (stored["offerRound"], stored["offeredTo"]) == (0, [])
    # Anna answers (else the later tick would pass the chat on: vtchat.unanswered).
    hello = MessageRequest(session_id=chat, message_id=str(uuid.uuid4()), text="Hallo!")
    relay.post_message(svc, hello, staff=anna)
    # Run again (or delivered twice): nothing more is released or told.
    assert housekeeping.tick(svc, now=later).language_released == 0
    assert events(svc, chat) == ["queued", "language_unmatched", "assigned", "text"]
    assert handovers(svc) == []

    # The visitor's stream carries it, to be shown in their language.
    seen = read_events(functions.stream(intake["token"]), count=3)
    assert [e.type for e in seen] == ["queued", "language_unmatched", "assigned"]


def test_the_visitor_is_not_promised_a_free_dutch_advisor_who_cannot_take_the_chat(
    functions: Functions, svc: Services
) -> None:
    """A Turkish chat with only a free Dutch-only advisor online waits the language wait.

    The estimate counted every advisor of the organisation: "0 minutes" for
    a chat nobody could take before the tick released it.
    """
    online(svc, ORIGIN, "anna")
    # The instance's board may be an earlier test's, with a Turkish speaker.
    svc.status_board._built_at = 0.0
    intake = functions.intake(region=ORIGIN, language="tr")
    events = follow(functions, intake["token"])
    wait = svc.settings.language_wait
    assert next_estimate(events) == wait_minutes(wait)

    # Released to Utrecht (the tick's first step; its pairing has not run):
    # Anna's free slot is the visitor's now.
    assert language.release(svc, intake["sessionId"], now=datetime.now(UTC) + wait)
    assert next_estimate(events) == 0


def next_estimate(events: Iterator[SseEvent]) -> int | None:
    for event in events:
        if event.type == "queue":
            minutes = event.data["estimatedWaitMinutes"]
            return None if minutes is None else int(minutes)
    raise AssertionError("stream ended")


def test_the_release_is_one_conditional_write_that_a_racing_tick_cannot_repeat(
    functions: Functions, svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tick releases the chat between this tick's read and its commit."""
    from vtchat import timeline

    chat = turkish(functions)
    later = datetime.now(UTC) + svc.settings.language_wait + timedelta(seconds=1)
    writer = timeline.TimelineWriter
    raced: list[bool] = []

    def other_tick_commits_first(*args: Any, **kwargs: Any) -> Any:
        # This tick has read the chat as reserved and is building its batch.
        if not raced:
            raced.append(False)
            raced[0] = language.release(svc, chat, now=later)
        return writer(*args, **kwargs)

    monkeypatch.setattr(language, "TimelineWriter", other_tick_commits_first)
    everyone_present(svc, later)
    # This tick's batch fails its condition, reads again and finds nothing to do.
    assert housekeeping.tick(svc, now=later).language_released == 0
    assert raced == [True]
    assert events(svc, chat) == ["queued", "language_unmatched"]


def test_a_speaker_who_comes_online_later_is_offered_the_chat_by_the_tick(
    functions: Functions, svc: Services, offers: Offers
) -> None:
    chat = turkish(functions)
    assert session(svc, chat)["offeredTo"] == []
    online(svc, WIDER, "ayse", "tr")
    # Ayşe's going online paired nothing of her own; the tick offers her the chat.
    first = housekeeping.tick(svc)
    assert first.offered == 1
    assert housekeeping.tick(svc).offered == 0
    stored = session(svc, chat)
    assert (stored["offerRound"], stored["offeredTo"]) == (1, [WIDER])
    assert offers.push(functions, WIDER, offers.pull(WIDER, expect=1)[0]) == 204
    assert session(svc, chat)["advisorUid"] == "ayse"


def _id_token(email: str, password: str) -> str:
    host = os.environ["FIREBASE_AUTH_EMULATOR_HOST"]
    answer = requests.post(
        f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["idToken"])


def test_grant_with_languages_sets_the_claim_and_the_advisor_document(svc: Services) -> None:
    email = f"{uuid.uuid4().hex[:10]}@utrecht.test"
    uid = admin.grant(
        svc,
        email=email,
        role="advisor",
        org="utrecht",
        display_name="Deniz",
        password="geheim-123456",
        languages=["tr", "en"],
    )
    claims = firebase_auth.get_user(uid, app=svc.firebase_app).custom_claims or {}
    assert claims["langs"] == ["nl", "en", "tr"]
    staff = svc.verify_staff(_id_token(email, "geheim-123456"))
    assert staff.languages == ["nl", "en", "tr"]
    availability.set_availability(svc, staff=staff, request=AvailabilityRequest(status="online"))
    doc: dict[str, Any] = svc.store.advisor(uid).get().to_dict() or {}
    assert doc["languages"] == ["nl", "en", "tr"]
    with pytest.raises(SystemExit):
        admin.grant(svc, email=email, role="advisor", org="utrecht", languages=["tr", "xx"])
    # A refused grant changed nothing.
    claims = firebase_auth.get_user(uid, app=svc.firebase_app).custom_claims or {}
    assert claims["langs"] == ["nl", "en", "tr"]
