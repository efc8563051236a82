"""Pydantic models for every request, response and stored document.

Requests forbid unknown fields and carry their limits, so a bad request fails
in one place with a field-level message. Documents are what Firestore holds;
their field names (camelCase) are the contract of docs/architecture.md and of
firestore.rules.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

Gender = Literal["woman", "man", "other", "unspecified"]
SessionState = Literal["waiting", "active", "ended"]
Sender = Literal["visitor", "advisor", "system"]
SystemEvent = Literal[
    "queued", "assigned", "ended", "after_hours", "advisor_lost", "transferred", "resumed"
]
# National: reads the national figures only; no chats, no Firestore access.
Role = Literal["advisor", "supervisor", "national"]
# Paused: keeps their chats and their heartbeat, takes no new chats.
AdvisorStatus = Literal["online", "paused", "offline"]
VisitorPresence = Literal["connected", "dropped", "gone"]
EndedBy = Literal["visitor", "advisor", "system"]

OrgId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
SessionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]

_URL_LIKE = re.compile(
    r"(://|www\.|\b[\w-]+\.(?:nl|com|net|org|eu|be|de|info|io|me|app|xyz|ly|co|tk|ru)\b)",
    re.IGNORECASE,
)
# Everything in Unicode's "other" categories except the line breaks and tabs
# people type: control, format (bidi overrides), private use, unassigned.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs"}
_ALLOWED_CONTROLS = {"\n", "\t"}


def _has_forbidden_chars(text: str, *, allow_newlines: bool) -> bool:
    for char in text:
        if allow_newlines and char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return True
    return False


def _check_nickname(value: str) -> str:
    if _URL_LIKE.search(value):
        raise PydanticCustomError("nickname_url", "Een bijnaam mag geen internetadres bevatten.")
    if _has_forbidden_chars(value, allow_newlines=False):
        raise PydanticCustomError("nickname_chars", "Gebruik alleen gewone letters en tekens.")
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("text_empty", "Typ eerst een bericht.")
    if _has_forbidden_chars(value, allow_newlines=True):
        raise PydanticCustomError(
            "text_chars", "Het bericht bevat tekens die niet zijn toegestaan."
        )
    return value


def _check_note(value: str) -> str:
    if _has_forbidden_chars(value, allow_newlines=True):
        raise PydanticCustomError("text_chars", "De notitie bevat tekens die niet zijn toegestaan.")
    return value


def _check_message_id(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError as e:
        raise PydanticCustomError("message_id", "Ongeldig bericht-id.") from e
    return value.lower()


Nickname = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=30),
    AfterValidator(_check_nickname),
]
MessageText = Annotated[
    str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_check_text)
]
MessageId = Annotated[
    str, StringConstraints(min_length=32, max_length=36), AfterValidator(_check_message_id)
]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class _Request(_Model):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )


# --- visitor requests ---------------------------------------------------------


class IntakeAnswers(_Request):
    """The optional questions a visitor may answer before the chat starts."""

    about: Literal["myself", "someone_else", "child", "other"] | None = None
    first_contact: Literal["yes", "no", "unknown"] | None = None


class IntakeRequest(_Request):
    # The either/or of _postcode_or_region, for the OpenAPI description (and the
    # fuzzer drawing from it): exactly one of the two is given and not null.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["postcode"], "properties": {"postcode": {"type": "string"}}},
                {"required": ["region"], "properties": {"region": {"type": "string"}}},
            ]
        }
    )

    nickname: Nickname
    age: Annotated[int, Field(ge=6, le=120, strict=True)]
    gender: Gender
    postcode: Annotated[str | None, StringConstraints(pattern=r"^[1-9][0-9]{3}$")] = None
    region: OrgId | None = None
    answers: IntakeAnswers = IntakeAnswers()
    # "Are you in danger right now?": yes puts the chat first in line.
    in_danger: Annotated[bool, Field(strict=True)] = False
    # The solved puzzle of `GET /api/challenge` (base64 JSON, ALTCHA's format).
    proof: Annotated[str | None, Field(max_length=2000)] = None

    @model_validator(mode="after")
    def _postcode_or_region(self) -> IntakeRequest:
        if (self.postcode is None) == (self.region is None):
            raise PydanticCustomError(
                "postcode_or_region",
                "Vul de 4 cijfers van je postcode in, of kies je regio.",
            )
        return self


class SessionRequest(_Request):
    session_id: SessionId


def _normalise_resume_code(value: str) -> str:
    # Crockford base32: what people mistype is read as what they meant.
    cleaned = value.upper().translate(str.maketrans("OIL", "011", " -"))
    if len(cleaned) != RESUME_CODE_LENGTH or any(c not in RESUME_ALPHABET for c in cleaned):
        raise PydanticCustomError("resume_code", "Deze code klopt niet. Controleer de tekens.")
    return cleaned


RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESUME_CODE_LENGTH = 12
ResumeCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40), AfterValidator(_normalise_resume_code)
]


class ResumeRequest(_Request):
    """A visitor coming back to their running chat from another tab or device."""

    resume_code: ResumeCode


class MessageRequest(_Request):
    session_id: SessionId
    message_id: MessageId
    text: MessageText


class HeartbeatRequest(_Request):
    """A sign of life: the visitor names their session, an advisor sends `{}`."""

    session_id: SessionId | None = None


# --- advisor requests ---------------------------------------------------------


class AvailabilityRequest(_Request):
    status: AdvisorStatus
    capacity: Annotated[int, Field(ge=1, le=5, strict=True)] | None = None


class TransferRequest(_Request):
    """Hand an active chat to a colleague (`toAdvisor`) or to another organisation (`toOrg`).

    A supervisor taking a chat over names themself as `toAdvisor`.
    """

    session_id: SessionId
    to_advisor: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    to_org: OrgId | None = None
    # For the colleague only, never shown to the visitor.
    note: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_check_note)
    ] = ""

    @model_validator(mode="after")
    def _one_target(self) -> TransferRequest:
        if (self.to_advisor is None) == (self.to_org is None):
            raise PydanticCustomError(
                "transfer_target", "Kies een collega of een organisatie, niet allebei."
            )
        return self


class UrgentRequest(_Request):
    """The advisor's one-click danger flag; it alerts the supervisor."""

    session_id: SessionId
    urgent: Annotated[bool, Field(strict=True)]


# The anonymous registration: fixed choices only, no free text, so nothing in
# it can identify the visitor or repeat what they wrote.
Contact = Literal["victim", "bystander", "perpetrator", "professional", "other"]
Topic = Literal[
    "partner_violence",
    "psychological_pressure",
    "child_abuse",
    "child_contact_arrangement",
    "elder_abuse",
    "sexual_violence",
    "honour_related_violence",
    "stalking",
    "other",
]
Advice = Literal[
    "information",
    "safety_plan",
    "talk_to_someone_close",
    "call_veilig_thuis",
    "official_report_by_phone",
    "call_police_112",
    "other",
]
Referral = Literal[
    "none",
    "wijkteam",
    "huisarts",
    "slachtofferhulp",
    "kindertelefoon",
    "police",
    "veilig_thuis_phone",
    "local_organisation",
    "other",
]
Outcome = Literal["advice_given", "referred", "report_advised", "visitor_left", "no_question"]


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("distinct", "Kies elke mogelijkheid maar één keer.")
    return sorted(values)


class RegistrationRequest(_Request):
    session_id: SessionId
    contact: Contact
    topics: Annotated[list[Topic], Field(min_length=1, max_length=9), AfterValidator(_distinct)]
    advice: Annotated[list[Advice], Field(min_length=1, max_length=7), AfterValidator(_distinct)]
    referrals: Annotated[
        list[Referral], Field(min_length=1, max_length=9), AfterValidator(_distinct)
    ]
    outcome: Outcome


class ReportQuery(BaseModel):
    """`GET /api/report` parameters; the default is the last full month.

    Only one whole calendar month is answered (`from` the 1st, `to` the 1st of
    the next month, period "month"): vtchat.report refuses anything else with
    400 report_period, so two requests never overlap (vtchat.evaluation).
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")
    period: Literal["week", "month"] = "month"
    # National role only; a supervisor always gets their own region.
    org: OrgId | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ReportQuery:
        if self.start and self.end and not self.start < self.end:
            raise PydanticCustomError("date_order", "De einddatum moet na de begindatum liggen.")
        if self.start and self.end and (self.end - self.start).days > 366:
            raise PydanticCustomError("date_span", "Kies een periode van hooguit een jaar.")
        return self


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


# --- identities ---------------------------------------------------------------


class Staff(_Model):
    """An advisor or supervisor as proven by a verified Firebase ID token."""

    uid: str
    role: Role
    org: OrgId
    display_name: str


# --- Firestore documents ------------------------------------------------------


class SessionDoc(_Model):
    region: str
    org: str
    state: SessionState
    nickname: str
    age_band: str
    gender: Gender
    answers: dict[str, str] = {}
    created_at: datetime
    queued_at: datetime
    assigned_at: datetime | None = None
    ended_at: datetime | None = None
    advisor_uid: str | None = None
    advisor_name: str | None = None
    advisor_org: str | None = None
    advisor_org_name: str | None = None
    seq: int = 0
    ended_by: EndedBy | None = None
    # Opaque, sortable place in the serving organisation's queue document.
    ticket: str | None = None
    # Fall-back: the latest round offered, to whom, and when.
    offer_round: int = 0
    offered_to: list[str] = []
    offered_at: datetime | None = None
    via_fallback: bool = False
    # Set once the visitor has been told that the chat closed while they wait.
    after_hours_told: bool = False
    # Served first; the reason tells the advisor why.
    urgent: bool = False
    urgent_reason: Literal["in_danger", "advisor"] | None = None
    # When and by whom (the advisor's display name) an advisor raised the flag.
    urgent_at: datetime | None = None
    urgent_by: str | None = None
    # Keyed hash of the resume code (never the code itself).
    resume_key: str | None = None
    # Raised by every resume: session tokens of an earlier generation are refused.
    token_generation: int = 0
    # Transfers: the organisation whose chat it was, and the note for the colleague.
    transferred_from: str | None = None
    transfer_note: str | None = None
    transfer_note_by: str | None = None
    # The chat's anonymous record (written at its end, completed by the registration).
    record_id: str | None = None
    # The console's way to see that the ended chat's registration is saved:
    # it cannot read the record itself.
    registered: bool = False
    # False until every message of an ended chat carries the final expireAt.
    expiry_final: bool = False
    # Presence of the visitor, for the advisor; `visitorSeenAt` is cleared
    # once nobody needs to watch it (gone, ended).
    visitor_presence: VisitorPresence | None = None
    visitor_seen_at: datetime | None = None
    # Set when the advisor's console went silent and the chat was queued again.
    advisor_lost_at: datetime | None = None
    # The visitor's message budget (a token bucket), kept here because the
    # relay reads and writes this document anyway.
    message_tokens: float | None = None
    message_tokens_at: datetime | None = None
    expire_at: datetime


class MessageDoc(_Model):
    seq: int
    kind: Literal["text", "system"]
    sender: Sender
    text: str | None = None
    event: SystemEvent | None = None
    advisor_name: str | None = None
    org_name: str | None = None
    sender_uid: str | None = None
    ended_by: EndedBy | None = None
    # On `assigned`: an advisor of another region helps, for this region.
    fallback: bool | None = None
    region_name: str | None = None
    created_at: datetime | None = None
    expire_at: datetime


class QueueDoc(_Model):
    """`queues/{org}`: the tickets of the chats waiting for this organisation.

    One small document per organisation, changed by one array transform per
    queue event, is what waiting visitors' streams listen to for their place.
    """

    waiting: list[str] = []


class HandoverDoc(_Model):
    """One chat answered by another organisation: the settlement's raw record.

    Anonymous by construction and kept without TTL: no session id, no
    nickname, and the time rounded to the quarter hour.
    """

    region: str
    queued_org: str
    answering_org: str
    at: datetime
    month: str
    round: int
    waited_seconds: int


class TransferDoc(_Model):
    """`transfers/{id}`: one chat handed to another organisation, for the sender's count.

    The sending supervisor's "handed on today" comes from here, not from the
    session: the session holds the nickname and the receiving side's note,
    which are no longer theirs to read (firestore.rules). No session id.
    """

    from_org: str
    to_org: str
    at: datetime
    # A day is all the count looks back.
    expire_at: datetime


EndedHow = Literal[
    "visitor_left_while_waiting", "visitor_left_during_chat", "ended_by_advisor", "ended_by_system"
]


class ChatRecordDoc(_Model):
    """`chatRecords/{id}`: the one anonymous record of a chat, kept without TTL.

    Written when the chat ends; the advisor's registration completes it.
    Nothing from the conversation: fixed choices, bands, rounded times, and an
    id that is not the session's. Statistics and the fall-back settlement are
    computed from these records only (vtchat.statistics).
    """

    region: str
    # Whose chat it was (the serving organisation, or the one that transferred it).
    queued_org: str
    # Who answered; None when nobody did.
    answering_org: str | None
    month: str
    # Rounded down to the quarter hour.
    started: datetime
    waited_minutes: int
    duration_minutes: int | None
    ended_how: EndedHow
    served: bool
    transferred: bool
    urgent: bool
    via_fallback: bool
    age_band: str
    gender: Gender
    # The registration, once the advisor made it.
    contact: Contact | None = None
    topics: list[Topic] = []
    advice: list[Advice] = []
    referrals: list[Referral] = []
    outcome: Outcome | None = None
    registered: bool = False


class ProofDoc(_Model):
    """A solved intake puzzle, by its challenge hash: used once, then refused.

    The hash is of a random salt: nothing about the visitor or the chat.
    """

    expire_at: datetime


class AdvisorDoc(_Model):
    org: str
    role: Role
    display_name: str
    org_name: str
    status: AdvisorStatus = "offline"
    capacity: int = 3
    active_count: int = 0
    last_assigned_at: datetime | None = None
    updated_at: datetime | None = None
    # The console's last heartbeat; cleared when going offline.
    seen_at: datetime | None = None
    # Staff names are personal data: the document goes once unused for long.
    expire_at: datetime | None = None


# --- what the visitor's event stream carries -----------------------------------


class VisitorEvent(_Model):
    """One timeline entry as the visitor may see it: no uids, no e-mail."""

    seq: int
    type: Literal[
        "message",
        "queued",
        "assigned",
        "ended",
        "after_hours",
        "advisor_lost",
        "transferred",
        "resumed",
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


# --- Pub/Sub -------------------------------------------------------------------


class OfferMessage(_Request):
    """A waiting chat offered to other organisations (the body of one Pub/Sub message)."""

    session_id: SessionId
    round: Annotated[int, Field(ge=1, le=1000)]
    region: OrgId
    candidates: Annotated[list[OrgId], Field(min_length=1, max_length=50)]


class PushedMessage(_Model):
    data: str = ""
    attributes: dict[str, str] = {}
    message_id: str = ""


class PushEnvelope(_Model):
    """What a Pub/Sub push subscription POSTs to a function."""

    message: PushedMessage
    subscription: Annotated[str, StringConstraints(min_length=1, max_length=300)]
