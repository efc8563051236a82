"""Typed partial updates: the fields a write may set, by their stored (camelCase) names.

`store.update(..., data)` takes any mapping; an update built as one of these
lets mypy catch a misspelt or mistyped field. tests/unit/test_typed_writes.py
keeps every key a field of its document model. Functional syntax because the
keys are camelCase, as Firestore holds them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from google.cloud.firestore import Increment

from vtchat.models.common import SessionState


# What relay.post_message, assignment's pairing and vtchat.signals write on a session.
class SessionUpdate(TypedDict, total=False):
    state: SessionState
    assignedAt: datetime
    advisorUid: str
    advisorName: str
    advisorOrg: str
    advisorOrgName: str
    viaFallback: bool
    seq: int
    messageTokens: float
    messageTokensAt: datetime
    # Signals (vtchat.signals; relay clears its sender's typing).
    visitorTypingUntil: datetime | None
    advisorTypingUntil: datetime | None
    advisorReadSeq: int
    visitorReceivedSeq: int
    visitorPaused: bool
    visitorPausedAt: datetime
    signalAt: datetime
    signalVersion: int | Increment
    # Pairing ends a language reservation (vtchat.language).
    languageUntil: datetime | None
    # No chat left unanswered (vtchat.unanswered): pairing sets, the relay clears.
    awaitingReplySince: datetime | None
    firstReplyAt: datetime


# What assignment's pairing writes on the advisor.
class AdvisorUpdate(TypedDict, total=False):
    activeCount: int
    lastAssignedAt: datetime
