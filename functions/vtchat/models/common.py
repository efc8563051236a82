"""The shared pieces of vtchat.models: field types, their checks, the base models,
and the identity of a verified staff member.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

Gender = Literal["woman", "man", "other", "unspecified"]
SessionState = Literal["waiting", "active", "ended"]
Sender = Literal["visitor", "advisor", "system"]
SystemEvent = Literal[
    "queued",
    "assigned",
    "ended",
    "after_hours",
    "advisor_lost",
    "transferred",
    "resumed",
    # Nobody speaking the visitor's language could take the chat in time: it
    # goes to its own region as usual (the widget says so in the visitor's language).
    "language_unmatched",
    # The advisor did not write within the set minutes: the chat goes back to
    # the front of the queue for a colleague (vtchat.unanswered).
    "reassigned",
]
# The widget's languages (web/widget/src/i18n/); Dutch is the default and every
# advisor's. A chat in another language is offered to advisors who speak it.
Language = Literal["nl", "en", "tr", "ar", "pl", "uk"]
LANGUAGES: tuple[Language, ...] = ("nl", "en", "tr", "ar", "pl", "uk")
# The anonymous word afterwards (vtchat.feedback): fixed answers only.
FeedbackAnswer = Literal["yes", "partly", "no"]
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


def has_forbidden_chars(text: str, *, allow_newlines: bool) -> bool:
    for char in text:
        if allow_newlines and char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return True
    return False


def _check_nickname(value: str) -> str:
    if _URL_LIKE.search(value):
        raise PydanticCustomError("nickname_url", "Een bijnaam mag geen internetadres bevatten.")
    if has_forbidden_chars(value, allow_newlines=False):
        raise PydanticCustomError("nickname_chars", "Gebruik alleen gewone letters en tekens.")
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("text_empty", "Typ eerst een bericht.")
    if has_forbidden_chars(value, allow_newlines=True):
        raise PydanticCustomError(
            "text_chars", "Het bericht bevat tekens die niet zijn toegestaan."
        )
    return value


def _check_note(value: str) -> str:
    if has_forbidden_chars(value, allow_newlines=True):
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


# --- identities ---------------------------------------------------------------


class Staff(_Model):
    """An advisor or supervisor as proven by a verified Firebase ID token."""

    uid: str
    role: Role
    org: OrgId
    display_name: str
    # The languages they chat in (the `langs` claim); Dutch always.
    languages: list[Language] = ["nl"]
    # The organisation's privacy officer (the `privacy` claim, `vtchat.admin
    # grant --privacy`): exports its supervision audit log (vtchat.supervision).
    privacy: bool = False
