"""Starting an anonymous chat: the intake form becomes a waiting session."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from google.api_core import exceptions as api_exceptions
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import assignment, fallback, language, queueing, resume, tokens
from vtchat.errors import Busy, ChatClosed, Unavailable
from vtchat.logs import log
from vtchat.models import (
    RESUME_ALPHABET,
    RESUME_CODE_LENGTH,
    IntakeRequest,
    IntakeResponse,
    RegionRef,
    SessionDoc,
)
from vtchat.regions import Organisation
from vtchat.services import Services
from vtchat.store import CONTENTION, from_snapshot, to_doc
from vtchat.timeline import TimelineWriter

# Finer bands for minors: advice for a 13-year-old differs from a 17-year-old's.
_AGE_BANDS: tuple[tuple[int, str], ...] = (
    (11, "<12"),
    (15, "12-15"),
    (17, "16-17"),
    (23, "18-23"),
    (30, "24-30"),
    (40, "31-40"),
    (50, "41-50"),
    (64, "51-64"),
)


def age_band(age: int) -> str:
    for upper, band in _AGE_BANDS:
        if age <= upper:
            return band
    return "65+"


def new_session_id() -> str:
    # 144 bits: unguessable, and short enough for logs.
    return secrets.token_urlsafe(18)


def closed_error(svc: Services, *, region: str, now: datetime) -> ChatClosed:
    status = svc.schedule.status(region, now)
    return ChatClosed(
        details={
            "region": region,
            "opensAt": status.opens_at.isoformat() if status.opens_at else None,
            "hours": svc.schedule.describe_hours(region),
            "phone": "0800 2000",
        }
    )


def place(svc: Services, request: IntakeRequest, *, now: datetime) -> tuple[Organisation, str]:
    """The visitor's region and the organisation serving it now; ChatClosed if none."""
    if request.region is not None:
        region = svc.directory.get(request.region)
    else:
        assert request.postcode is not None  # guaranteed by IntakeRequest
        region = svc.directory.get(svc.postcodes.resolve(request.postcode))
    serving = svc.schedule.serving_org(region.id, now)
    if serving is None:
        raise closed_error(svc, region=region.id, now=now)
    return region, serving


@dataclass(frozen=True)
class Redeemed:
    """An intake's proof, accepted (vtchat.proof.redeem).

    `earlier` is the chat an earlier attempt with this very proof started:
    the answer to that attempt was lost, and this retry gets the same chat.
    """

    digest: str
    earlier: SessionDoc | None = None


def ids_for(svc: Services, digest: str) -> tuple[str, str]:
    """The chat id and resume code an intake's proof stands for.

    Derived, not drawn, so that a retry of a lost answer finds the chat its
    first attempt made instead of starting a second one (a visitor on a bad
    connection, or an emulator that cancels a committed call). Keyed with the
    resume key: unguessable without it, and stable across session-key
    rotations, as written-down codes are.
    """
    mac = hmac.new(svc.resume_key, b"intake:" + digest.encode("ascii"), hashlib.sha256).digest()
    session_id = base64.urlsafe_b64encode(mac[:18]).decode("ascii")  # 144 bits, as drawn ids
    # 32 letters: one byte modulo 32 is uniform, 5 bits per character.
    code = "".join(RESUME_ALPHABET[b % 32] for b in mac[18 : 18 + RESUME_CODE_LENGTH])
    return session_id, code


def earlier_chat(svc: Services, *, digest: str, request: IntakeRequest) -> Redeemed | None:
    """A used proof sent again: the chat to hand out again, or None to refuse.

    Handed out again only as it was: the same nickname, still running and
    never resumed. A proof is a one-time credential for ten minutes, and a
    resume (perhaps from another device) outranks it.
    """
    session_id, _ = ids_for(svc, digest)
    snapshot = svc.store.session(session_id).get()
    if not snapshot.exists:
        return Redeemed(digest=digest)  # the first attempt stored nothing: start it now
    session = from_snapshot(SessionDoc, snapshot)
    if (
        session.nickname != request.nickname
        or session.state == "ended"
        or session.token_generation != 0
    ):
        return None
    return Redeemed(digest=digest, earlier=session)


def start_chat(
    svc: Services,
    request: IntakeRequest,
    *,
    now: datetime | None = None,
    proof: Redeemed | None = None,
) -> IntakeResponse:
    """Queue a new chat. Over HTTP the intake's proof was redeemed first (main.intake).

    With a proof the chat's id and resume code are derived from it, and a
    retry answers with the chat the proof already started.
    """
    now = now or datetime.now(UTC)
    if proof is not None and proof.earlier is not None:
        return _again(svc, proof, proof.earlier)
    _admit(svc, now=now)
    region, serving = place(svc, request, now=now)
    _admit_to_queue(svc, serving)
    session_id, resume_code = (
        ids_for(svc, proof.digest) if proof else (new_session_id(), resume.new_code())
    )
    session = _new_session(
        svc, request, region=region.id, org=serving, resume_code=resume_code, now=now
    )
    try:
        _create(svc, session_id, session)
    except api_exceptions.AlreadyExists as e:
        # A concurrent retry of this very intake stored it first.
        again = earlier_chat(svc, digest=proof.digest, request=request) if proof else None
        if again is None or again.earlier is None:
            raise Unavailable(code=CONTENTION) from e
        return _again(svc, again, again.earlier)
    log(
        "INFO",
        "chat_started",
        sessionId=session_id,
        region=region.id,
        org=serving,
        urgent=request.in_danger,
        language=request.language,
    )
    _dispatch(svc, session_id, session, now=now)
    return _grant(svc, session_id, session, resume_code=resume_code)


def _grant(
    svc: Services, session_id: str, session: SessionDoc, *, resume_code: str
) -> IntakeResponse:
    """The intake's answer: the token, the resume code and where the stream is."""
    token_expiry = session.created_at + svc.settings.session_max_lifetime
    region = svc.directory.get(session.region)
    return IntakeResponse(
        session_id=session_id,
        token=tokens.issue(key=svc.session_key, session_id=session_id, expires_at=token_expiry),
        expires_at=token_expiry,
        region=RegionRef(id=region.id, name=region.name),
        resume_code=resume.display(resume_code),
        stream_url=svc.settings.stream_url,
    )


def _again(svc: Services, proof: Redeemed, session: SessionDoc) -> IntakeResponse:
    """The same chat, token and resume code for a retried intake; nothing is written."""
    session_id, resume_code = ids_for(svc, proof.digest)
    log("INFO", "chat_intake_retried", sessionId=session_id, org=session.org)
    if session.state == "waiting":
        # The first attempt may have stopped before pairing: pair now if someone is free.
        assignment.dispatch_quietly(svc, org=session.org)
    return _grant(svc, session_id, session, resume_code=resume_code)


def _admit(svc: Services, *, now: datetime) -> None:
    """Busy once this instance has taken its share of intakes for now."""
    retry_after = svc.intake_budget.admit(now)
    if retry_after is not None:
        log("WARNING", "intake_refused", reason="instance_budget")
        raise Busy(retry_after_seconds=retry_after)


def _admit_to_queue(svc: Services, org: str) -> None:
    """Busy once the organisation's line is full."""
    config = svc.settings
    if svc.status_board.waiting(org) >= config.max_waiting_per_org:
        # Nobody could be reached in reasonable time: the phone is the better way.
        log("WARNING", "intake_refused", reason="queue_full", org=org)
        raise Busy(retry_after_seconds=int(config.mean_chat.total_seconds()))


def _new_session(
    svc: Services,
    request: IntakeRequest,
    *,
    region: str,
    org: str,
    resume_code: str,
    now: datetime,
) -> SessionDoc:
    """The waiting session the intake form becomes (not yet stored)."""
    config = svc.settings
    return SessionDoc(
        region=region,
        org=org,
        state="waiting",
        nickname=request.nickname,
        age_band=age_band(request.age),
        gender=request.gender,
        answers=request.answers.model_dump(by_alias=True, exclude_none=True),
        created_at=now,
        queued_at=now,
        ticket=queueing.new_ticket(now, urgent=request.in_danger),
        seq=1,
        # Presence starts at the intake: a visitor who never opens the stream is gone soon.
        visitor_presence="connected",
        visitor_seen_at=now,
        urgent=request.in_danger,
        urgent_reason="in_danger" if request.in_danger else None,
        resume_key=resume.resume_key(svc, resume_code),
        language=request.language,
        # Kept for advisors who speak it for a while (vtchat.language).
        language_until=None if request.language == "nl" else now + config.language_wait,
        # Provisional: replaced by endedAt + retention when the chat ends.
        expire_at=now + config.session_max_lifetime + config.content_retention,
    )


def _create(svc: Services, session_id: str, session: SessionDoc) -> None:
    """Store the session, its first timeline entry and its place in the line."""
    store = svc.store
    ticket = session.ticket
    assert ticket is not None  # a new session always waits in line

    # A transaction only for its retries: the emulator may abort even blind writes.
    def body(transaction: Transaction) -> None:
        timeline = TimelineWriter(
            store, transaction, session_id, seq=0, expire_at=session.expire_at
        )
        timeline.system("queued")
        store.create(transaction, store.session(session_id), to_doc(session))
        queueing.join(store, transaction, org=session.org, ticket=ticket)

    store.run_transaction(body)


def _dispatch(svc: Services, session_id: str, session: SessionDoc, *, now: datetime) -> None:
    """Pair the new chat now if someone is free, else offer it to the neighbours.

    A chat kept for its language is offered at once to every organisation
    with an advisor online who speaks it, instead (vtchat.language).
    """
    assigned = assignment.dispatch_quietly(svc, org=session.org)
    if not any(item.session_id == session_id for item in assigned):
        try:
            if session.language_until is not None:
                language.offer_new_chat(svc, session_id=session_id, session=session, now=now)
            else:
                fallback.offer_if_unstaffed(svc, session_id=session_id, session=session, now=now)
        except (Unavailable, api_exceptions.GoogleAPICallError) as e:
            # The chat is safely queued; the next tick offers it.
            log("WARNING", "offer_deferred", sessionId=session_id, reason=type(e).__name__)
