"""What callers send: the entry points' bodies and queries, and Pub/Sub's pushes.

Requests forbid unknown fields and carry their limits, so a bad request fails
in one place with a field-level message.
"""

from __future__ import annotations

from datetime import date
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

from vtchat.models.common import (
    Advice,
    AdvisorStatus,
    Contact,
    FeedbackAnswer,
    Gender,
    Language,
    MessageId,
    MessageText,
    Nickname,
    OrgId,
    Outcome,
    Referral,
    SessionId,
    Topic,
    _check_note,
    _Model,
    _Request,
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
    # The widget's language: other than Dutch, the chat is offered to advisors who speak it.
    language: Language = "nl"

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


_Seq = Annotated[int, Field(ge=0, le=10**9, strict=True)]


class SignalRequest(_Request):
    """Typing, read or received, paused: what one side tells the other (vtchat.signals).

    The visitor may send `typing`, `receivedSeq` and `paused`; an advisor
    `typing` and `readSeq`. At least one is given.
    """

    session_id: SessionId
    typing: Annotated[bool, Field(strict=True)] | None = None
    # Advisor: the visitor's messages up to here were shown in a focused console.
    read_seq: _Seq | None = None
    # Visitor: the widget has received the timeline up to here.
    received_seq: _Seq | None = None
    paused: Annotated[bool, Field(strict=True)] | None = None

    @model_validator(mode="after")
    def _something(self) -> SignalRequest:
        if all(v is None for v in (self.typing, self.read_seq, self.received_seq, self.paused)):
            raise PydanticCustomError("signal_empty", "Geef minstens één signaal.")
        return self


class FeedbackRequest(_Request):
    """The anonymous word afterwards: fixed answers, each question may be skipped."""

    session_id: SessionId
    # Was the chat helpful?
    helpful: FeedbackAnswer | None = None
    # Do you know what you can do next?
    next_step: FeedbackAnswer | None = None
    # Would you use the chat again?
    again: FeedbackAnswer | None = None


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
