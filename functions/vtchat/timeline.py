"""A chat's timeline: every message and system event, numbered without gaps.

The number (`seq`) is taken from the session document and written back in
the same commit as the entry: inside a transaction, or (the relay) in a batch
that only commits if the session is unchanged since it was read. So two
writers can never get the same number and a reader that has seen entry n has
seen every entry before it. That is what lets the visitor's stream resume from
`Last-Event-ID` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.transaction import Transaction

from vtchat.models import EndedBy, MessageDoc, Sender, SystemEvent
from vtchat.store import Store, to_doc


def system_entry_id(seq: int) -> str:
    return f"sys-{seq}"


@dataclass
class TimelineWriter:
    """Appends entries to one session within one transaction or batch."""

    store: Store
    writer: Transaction | firestore.WriteBatch
    session_id: str
    seq: int
    expire_at: datetime
    written: list[MessageDoc] = field(default_factory=list)

    def _append(self, entry_id: str, **fields: Any) -> MessageDoc:
        self.seq += 1
        doc = MessageDoc(seq=self.seq, expire_at=self.expire_at, **fields)
        self.store.create(
            self.writer,
            self.store.message(self.session_id, entry_id),
            to_doc(doc, createdAt=firestore.SERVER_TIMESTAMP),
        )
        self.written.append(doc)
        return doc

    def text(
        self,
        *,
        message_id: str,
        sender: Sender,
        text: str,
        sender_uid: str | None = None,
        advisor_name: str | None = None,
    ) -> MessageDoc:
        return self._append(
            message_id,
            kind="text",
            sender=sender,
            text=text,
            sender_uid=sender_uid,
            advisor_name=advisor_name,
        )

    def system(
        self,
        event: SystemEvent,
        *,
        advisor_name: str | None = None,
        org_name: str | None = None,
        ended_by: EndedBy | None = None,
        fallback: bool | None = None,
        region_name: str | None = None,
    ) -> MessageDoc:
        return self._append(
            system_entry_id(self.seq + 1),
            kind="system",
            sender="system",
            event=event,
            advisor_name=advisor_name,
            org_name=org_name,
            ended_by=ended_by,
            fallback=fallback,
            region_name=region_name,
        )
