"""What the entry points answer, and what the visitor's event stream carries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import (
    ConfigDict,
    Field,
)

from vtchat.models.common import AdvisorStatus, EndedBy, Sender, SessionState, _Model
from vtchat.models.documents import MessageDoc

# --- responses ----------------------------------------------------------------


class RegionRef(_Model):
    id: str
    name: str


class IntakeResponse(_Model):
    session_id: str
    token: str
    expires_at: datetime
    region: RegionRef
    # Shown to the visitor to write down: it brings them back if the tab closes.
    resume_code: str
    # Where the widget opens its event stream: the stream function itself, not
    # the Hosting rewrite the other calls take. Null only on a local test
    # server without one.
    stream_url: str | None


class ChallengeResponse(_Model):
    """A proof-of-work puzzle (ALTCHA v1): find n <= maxnumber with SHA-256(salt + n) = challenge.

    `maxnumber` keeps ALTCHA's spelling, which its solvers expect.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    algorithm: Literal["SHA-256"]
    challenge: str
    maxnumber: int
    salt: str
    signature: str
    # 0 is the base; each level doubles the expected work.
    level: int


class ResumeResponse(IntakeResponse):
    state: SessionState


class ReportTable(_Model):
    name: str
    title: str
    columns: list[str]
    # None: a cell suppressed because it counts fewer chats than `minimum`.
    rows: list[list[str | int | float | None]]
    suppressed: int


class ReportResponse(_Model):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    period: Literal["week", "month"]
    org: str | None
    minimum: int
    # None: fewer than `minimum` chats, suppressed like any other count.
    chats: int | None
    tables: list[ReportTable]


class RegistrationSaved(_Model):
    registration_id: str
    updated: bool


class MessageAccepted(_Model):
    message_id: str
    seq: int
    created_at: datetime | None
    duplicate: bool


class SessionStateResponse(_Model):
    session_id: str
    state: SessionState


class AdvisorState(_Model):
    uid: str
    org: str
    status: AdvisorStatus
    capacity: int
    active_count: int


class HeartbeatResponse(_Model):
    seen_at: datetime
    # How long until the next heartbeat is due, so clients follow the server's settings.
    next_in_seconds: int


# --- what the visitor's event stream carries -----------------------------------


class VisitorEvent(_Model):
    """One timeline entry as the visitor may see it: no uids, no e-mail."""

    seq: int
    # A text message, or one of the timeline's system events: SystemEvent's
    # values again, as one enum for the OpenAPI description and the TS types
    # (tests/unit/test_openapi.py keeps the two lists equal).
    type: Literal[
        "message",
        "queued",
        "assigned",
        "ended",
        "after_hours",
        "advisor_lost",
        "transferred",
        "resumed",
        "language_unmatched",
        "reassigned",
    ]
    sender: Sender
    text: str | None = None
    advisor_name: str | None = None
    org_name: str | None = None
    ended_by: EndedBy | None = None
    fallback: bool | None = None
    region_name: str | None = None
    at: datetime | None = None

    @classmethod
    def from_doc(cls, doc: MessageDoc) -> VisitorEvent:
        return cls(
            seq=doc.seq,
            type="message" if doc.kind == "text" else (doc.event or "message"),
            sender=doc.sender,
            text=doc.text,
            advisor_name=doc.advisor_name,
            org_name=doc.org_name,
            ended_by=doc.ended_by,
            fallback=doc.fallback,
            region_name=doc.region_name,
            at=doc.created_at,
        )


class SignalUpdate(_Model):
    """The advisor's signals as the visitor may see them, sent on the stream without an id.

    Sent once when the stream opens and again whenever they change (by
    `version`), so a reconnect brings the current state.
    """

    advisor_typing: bool
    advisor_read_seq: int
    version: int


class SignalAccepted(_Model):
    # False: nothing changed, or typing was told less than 5 s ago (no write).
    written: bool


class FeedbackSaved(_Model):
    # True: this chat's word afterwards was counted before; nothing counted twice.
    duplicate: bool


class QueueUpdate(_Model):
    """The waiting visitor's place, sent on the stream without an event id."""

    position: int
    estimated_wait_minutes: int | None


# --- the public status ---------------------------------------------------------


class RegionStatusOut(_Model):
    id: str
    name: str
    open: bool
    opens_at: datetime | None
    closes_at: datetime | None
    served_by: str | None
    hours: list[str]
    queue_length: int
    advisors_online: int
    estimated_wait_minutes: int | None


class ReferralOut(_Model):
    name: str
    description: str
    url: str | None
    phone: str | None


class RegionInfo(_Model):
    id: str
    name: str
    short_name: str
    referrals: list[ReferralOut]


class RegionsResponse(_Model):
    """The directory for the region choice (widget) and the referral lists (console)."""

    regions: list[RegionInfo]


class StatusResponse(_Model):
    generated_at: datetime
    phone: str = "0800 2000"
    regions: list[RegionStatusOut]
