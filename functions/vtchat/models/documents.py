"""What Firestore holds: one model per collection.

Their field names (camelCase) are the contract of docs/architecture.md and of
firestore.rules; tests/unit/test_privacy_doc.py keeps docs/privacy.md to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from vtchat.models.common import (
    Advice,
    AdvisorStatus,
    Contact,
    EndedBy,
    Gender,
    Language,
    Outcome,
    Referral,
    Role,
    Sender,
    SessionState,
    SystemEvent,
    Topic,
    VisitorPresence,
    _Model,
)

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
    # The language the visitor chose in the widget. While `languageUntil` is
    # in the future only advisors who speak it may take the chat (any
    # region); after that it is an ordinary chat of its own region.
    language: Language = "nl"
    language_until: datetime | None = None
    # Signals (vtchat.signals): who is typing (shown until the time given),
    # how far each side has read or received the timeline, and the visitor's
    # discreet pause. One field per side; `signalAt` is what each stream
    # instance's listener follows (vtchat.fanout), `signalVersion` orders them.
    visitor_typing_until: datetime | None = None
    advisor_typing_until: datetime | None = None
    advisor_read_seq: int = 0
    visitor_received_seq: int = 0
    visitor_paused: bool = False
    # When the pause last changed: toggling it is bounded (vtchat.signals).
    visitor_paused_at: datetime | None = None
    signal_at: datetime | None = None
    signal_version: int = 0
    # Supervision (vtchat.supervision): who reads along now (uid -> display
    # name), mirrored from `watchers/{uid}` for the advisor's console; and
    # whether anyone ever did, so that notes and watchers get the final expiry
    # and the console opens a notes listener only for such chats.
    watchers: dict[str, str] = {}
    supervised: bool = False
    # No chat left unanswered (vtchat.unanswered): set when an advisor gets the
    # chat, cleared by that advisor's first message; the tick passes a chat
    # still awaiting a reply after the set minutes on to a colleague.
    # `firstReplyAt` is the chat's first advisor message, for the figures.
    awaiting_reply_since: datetime | None = None
    first_reply_at: datetime | None = None
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


class StaffRevocationDoc(_Model):
    """`staffRevocations/{uid}`: this staff account was disabled or revoked at `at`.

    Written by POST /api/disable and `vtchat.admin revoke` (vtchat.accounts),
    read only by firestore.rules: an ID token signed in before `at` reads
    nothing. `at` is Auth's own revocation time (tokensValidAfterTime). The
    account id and a time, nothing more.
    """

    COLLECTION: ClassVar[str] = "staffRevocations"

    at: datetime
    # ID tokens live at most an hour: 2 h after `at` no older token is left.
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
    language: Language = "nl"
    # From the queue to the advisor's first message, in whole minutes like
    # `waitedMinutes`; None when no advisor wrote (vtchat.service_levels).
    first_reply_minutes: int | None = None
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
    # The languages the advisor chats in (from the `langs` claim, vtchat.admin grant).
    languages: list[Language] = ["nl"]
    status: AdvisorStatus = "offline"
    capacity: int = 3
    active_count: int = 0
    last_assigned_at: datetime | None = None
    updated_at: datetime | None = None
    # The console's last heartbeat; cleared when going offline.
    seen_at: datetime | None = None
    # When a chat last went to a colleague because this advisor did not write
    # in time (vtchat.unanswered): their console says so.
    passed_on_at: datetime | None = None
    # Staff names are personal data: the document goes once unused for long.
    expire_at: datetime | None = None


class FeedbackGivenDoc(_Model):
    """`feedbackGiven/{sessionId}`: this chat's word afterwards was counted.

    Only there so a chat counts once (vtchat.feedback); it says nothing of
    what was answered, and goes with the chat (the session's `expireAt`).
    """

    COLLECTION: ClassVar[str] = "feedbackGiven"

    expire_at: datetime


class FeedbackCountDoc(_Model):
    """`feedback/{org}_{week}`: the anonymous word afterwards, as counters only.

    No document per answer exists: each answer adds one to a counter of its
    organisation and ISO week (vtchat.feedback), so nothing can be linked to
    a chat, not even by time. Kept without TTL, like the records.
    """

    org: str
    # ISO week, e.g. "2026-W49".
    week: str
    # Answers given, by "question.answer" (e.g. "helpful.yes").
    counts: dict[str, int] = {}
    # Feedback forms sent (each may skip questions).
    total: int = 0
