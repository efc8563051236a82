"""Supervision (issue 19): reading along, private notes, and the audit log.

A supervisor opens a running chat of their organisation read-only with a
reason from a fixed list (never free text: a typed reason could repeat what
the chat is about, and the privacy officer exports the log as is). Notes to
the advisor get the transfer note's checks. The audit log holds who, which
chat id, when, why and what: never content.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from vtchat.models.common import MessageId, SessionId, _check_note, _Model, _Request

# Why a supervisor opens a chat that is not theirs.
WatchReason = Literal["quality", "support", "danger", "training"]
# What happened: the chat opened or closed for reading, a note sent, or the
# chat taken over or reassigned by a supervisor (vtchat.transfer).
AuditWhat = Literal["opened", "closed", "note", "takeover", "reassigned"]
# Why a take-over is in the log: the supervisor's own action on a chat that was not theirs.
AuditWhy = Literal["quality", "support", "danger", "training", "takeover"]

NOTE_MAX = 500
NoteText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX),
    AfterValidator(_check_note),
]


# --- requests -----------------------------------------------------------------


class WatchRequest(_Request):
    """Start reading along a running chat, for one of the fixed reasons."""

    session_id: SessionId
    reason: WatchReason


class NoteRequest(_Request):
    """A private note to the chat's advisor; `noteId` (a UUID) makes a retry harmless."""

    session_id: SessionId
    note_id: MessageId
    text: NoteText


class AuditQuery(BaseModel):
    """`GET /api/audit`: entries from `from` (inclusive) to `to` (exclusive), at most a year."""

    model_config = ConfigDict(alias_generator=None, populate_by_name=True, frozen=True)

    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")
    format: Literal["csv", "json"] = "csv"


# --- responses ----------------------------------------------------------------


class WatchState(_Model):
    session_id: str
    watching: bool
    # False when nothing changed (a retry, or stopping what was not started):
    # no second audit entry was written.
    changed: bool


class NoteSaved(_Model):
    note_id: str
    duplicate: bool


class AuditEntry(_Model):
    """One line of the export: the audit document without its expiry."""

    at: datetime
    uid: str
    name: str
    org: str
    session_id: str
    what: AuditWhat
    why: AuditWhy


class AuditResponse(_Model):
    org: str
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    # How long an entry is kept (settings.audit_retention): the console says
    # so, and a deployment may change it.
    retention_days: int = Field(ge=1)
    entries: list[AuditEntry]


# --- documents ----------------------------------------------------------------


class WatcherDoc(_Model):
    """`sessions/{id}/watchers/{uid}`: a supervisor reading along (firestore.rules)."""

    name: str
    since: datetime
    why: WatchReason
    # The session's: the watcher never outlives the chat.
    expire_at: datetime


class NoteDoc(_Model):
    """`sessions/{id}/notes/{noteId}`: for the chat's advisor, never the visitor."""

    text: str
    author_uid: str
    author_name: str
    created_at: datetime
    expire_at: datetime


class AuditDoc(_Model):
    """`auditLog/{id}`: one opening, closing, note or take-over; never content."""

    COLLECTION: ClassVar[str] = "auditLog"

    uid: str
    name: str
    org: str
    session_id: str
    what: AuditWhat
    why: AuditWhy
    at: datetime
    # at + the audit retention (settings.audit_retention).
    expire_at: datetime
