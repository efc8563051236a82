"""The data layer: every Firestore read and write of the functions passes here.

Keeping access in one place lets the benchmark count document reads and writes
per relayed message, and keeps collection names in one spot.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_document import DocumentSnapshot
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.collection import CollectionReference
from google.cloud.firestore_v1.document import DocumentReference
from google.cloud.firestore_v1.query import Query
from google.cloud.firestore_v1.transaction import Transaction
from pydantic import BaseModel

from vtchat.errors import Unavailable, declare

# The error codes raised here (vtchat.openapi describes them).
CONTENTION = declare("contention", Unavailable, "busy: transactions kept aborting; retry shortly")

SESSIONS = "sessions"
MESSAGES = "messages"
ADVISORS = "advisors"
POSTCODES = "postcodes"
QUEUES = "queues"
HANDOVERS = "handovers"
CHAT_RECORDS = "chatRecords"
PROOFS = "proofs"
TRANSFERS = "transfers"
# The anonymous word afterwards (vtchat.feedback): counters per organisation
# and week (kept), and one marker per chat that it was given (until the chat's expiry).
FEEDBACK = "feedback"
FEEDBACK_GIVEN = "feedbackGiven"
# Each organisation's referral list and standard texts (vtchat.regioncontent):
# the current version, and every saved version beneath it. Kept.
ORG_CONTENT = "orgContent"
CONTENT_VERSIONS = "versions"
# Collection groups whose documents carry `expireAt` and are deleted by TTL.
# Queues (opaque tickets), handovers (anonymous settlement records) and the
# postcode table are kept.
# Supervision (vtchat.supervision): who reads along, the notes to the advisor
# (both expire with their chat), and the audit log (kept for audit_retention).
WATCHERS = "watchers"
NOTES = "notes"
AUDIT_LOG = "auditLog"
# A disabled or revoked staff account (vtchat.accounts): firestore.rules refuse
# its older ID tokens; gone 2 h later, when none of them is left.
STAFF_REVOCATIONS = "staffRevocations"
EPHEMERAL = (
    MESSAGES,
    SESSIONS,
    ADVISORS,
    PROOFS,
    TRANSFERS,
    FEEDBACK_GIVEN,
    WATCHERS,
    NOTES,
    AUDIT_LOG,
    STAFF_REVOCATIONS,
)

_BACKOFF_ROUNDS = 5
# Firestore allows 500 writes per batch; stay clear of it.
_BATCH_LIMIT = 400
_BACKOFF_BASE_SECONDS = 0.05
# An optimistic write's read-to-commit window is a few milliseconds: spreading
# a crowd over at most 0.4 s lets them through one by one.
_OPTIMISTIC_MAX_DOUBLINGS = 3
# A conditional batch that lost to another writer: nothing of it was written.
# (Aborted: Firestore may also give up waiting for another transaction's lock.)
_LOST_RACE = (
    api_exceptions.FailedPrecondition,
    api_exceptions.AlreadyExists,
    api_exceptions.Aborted,
)

Snapshot = DocumentSnapshot[DocumentReference]
Writer = Transaction | firestore.WriteBatch
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass
class OpCounts:
    """Document reads and writes since start (or the last reset), per instance."""

    reads: int = 0
    writes: int = 0
    aborted_rounds: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, reads: int = 0, writes: int = 0, aborted_rounds: int = 0) -> None:
        with self._lock:
            self.reads += reads
            self.writes += writes
            self.aborted_rounds += aborted_rounds

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self.reads, self.writes


def where(field_path: str, op: str, value: Any) -> FieldFilter:
    return FieldFilter(field_path, op, value)


def to_doc(model: BaseModel, **overrides: Any) -> dict[str, Any]:
    data = model.model_dump(by_alias=True)
    data.update(overrides)
    return data


def from_snapshot(model: type[M], snapshot: Snapshot) -> M:
    return model.model_validate(snapshot.to_dict() or {})


class Store:
    def __init__(self, client: firestore.Client, *, transaction_attempts: int) -> None:
        self.client = client
        self.counts = OpCounts()
        self._attempts = transaction_attempts

    # references ---------------------------------------------------------------
    def session(self, session_id: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(SESSIONS).document(session_id)
        return ref

    def message(self, session_id: str, message_id: str) -> DocumentReference:
        ref: DocumentReference = self.messages(session_id).document(message_id)
        return ref

    def messages(self, session_id: str) -> CollectionReference:
        ref: CollectionReference = self.session(session_id).collection(MESSAGES)
        return ref

    def advisor(self, uid: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(ADVISORS).document(uid)
        return ref

    def postcodes(self) -> CollectionReference:
        return self.client.collection(POSTCODES)

    def waiting_queue(self, org: str) -> Query:
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("org", "==", org))
            .where(filter=where("state", "==", "waiting"))
            .order_by("queuedAt")
        )

    def queue(self, org: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(QUEUES).document(org)
        return ref

    def chat_record(self, record_id: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(CHAT_RECORDS).document(record_id)
        return ref

    def chat_records(self) -> CollectionReference:
        return self.client.collection(CHAT_RECORDS)

    def proof(self, challenge_hash: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(PROOFS).document(challenge_hash)
        return ref

    def feedback_count(self, org: str, week: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(FEEDBACK).document(f"{org}_{week}")
        return ref

    def feedback_counts(self) -> CollectionReference:
        return self.client.collection(FEEDBACK)

    def feedback_given(self, session_id: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(FEEDBACK_GIVEN).document(session_id)
        return ref

    def org_content(self, org: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(ORG_CONTENT).document(org)
        return ref

    def all_org_content(self) -> CollectionReference:
        return self.client.collection(ORG_CONTENT)

    def content_versions(self, org: str) -> CollectionReference:
        ref: CollectionReference = self.org_content(org).collection(CONTENT_VERSIONS)
        return ref

    def handovers(self) -> CollectionReference:
        return self.client.collection(HANDOVERS)

    def transfers(self) -> CollectionReference:
        return self.client.collection(TRANSFERS)

    def staff_revocation(self, uid: str) -> DocumentReference:
        ref: DocumentReference = self.client.collection(STAFF_REVOCATIONS).document(uid)
        return ref

    def offered_queue(self, org: str) -> Query:
        """Other regions' waiting chats currently offered to this organisation."""
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("offeredTo", "array_contains", org))
            .where(filter=where("state", "==", "waiting"))
            .order_by("queuedAt")
        )

    def all_waiting(self) -> Query:
        return self.client.collection(SESSIONS).where(filter=where("state", "==", "waiting"))

    def all_online_advisors(self) -> Query:
        return self.client.collection(ADVISORS).where(filter=where("status", "==", "online"))

    def online_advisors(self, org: str) -> Query:
        return (
            self.client.collection(ADVISORS)
            .where(filter=where("org", "==", org))
            .where(filter=where("status", "==", "online"))
        )

    def unseen_visitors(self, before: datetime, *, limit: int) -> Query:
        """Chats whose visitor has not been seen since `before` (ended ones have no value)."""
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("visitorSeenAt", "<", before))
            .limit(limit)
        )

    def unseen_advisors(self, before: datetime) -> Query:
        """Advisors with a heartbeat older than `before` (offline ones have none)."""
        return self.client.collection(ADVISORS).where(filter=where("seenAt", "<", before))

    def active_chats_of(self, uid: str) -> Query:
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("advisorUid", "==", uid))
            .where(filter=where("state", "==", "active"))
        )

    def with_resume_key(self, key: str) -> Query:
        return self.client.collection(SESSIONS).where(filter=where("resumeKey", "==", key)).limit(1)

    def urgent_queue(self, org: str) -> Query:
        """Urgent chats waiting for this organisation: they go first, wherever they are in line."""
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("org", "==", org))
            .where(filter=where("state", "==", "waiting"))
            .where(filter=where("urgent", "==", True))
        )

    def overdue_chats(self, created_before: datetime, *, limit: int) -> Query:
        """Chats still open past their maximum lifetime (their tokens have expired)."""
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("state", "in", ["waiting", "active"]))
            .where(filter=where("createdAt", "<", created_before))
            .limit(limit)
        )

    def expiry_unfinished(self, *, limit: int) -> Query:
        """Ended chats whose messages did not all get the final expireAt yet."""
        return (
            self.client.collection(SESSIONS)
            .where(filter=where("state", "==", "ended"))
            .where(filter=where("expiryFinal", "==", False))
            .limit(limit)
        )

    def audit_entries(self, org: str, start: datetime, end: datetime, limit: int) -> Query:
        """An organisation's audit log over a period (vtchat.supervision.export)."""
        return (
            self.client.collection(AUDIT_LOG)
            .where(filter=where("org", "==", org))
            .where(filter=where("at", ">=", start))
            .where(filter=where("at", "<", end))
            .order_by("at")
            .limit(limit)
        )

    def expired(self, collection_group: str, before: datetime, *, limit: int) -> Query:
        return (
            self.client.collection_group(collection_group)
            .where(filter=where("expireAt", "<", before))
            .limit(limit)
        )

    # reads --------------------------------------------------------------------
    def get(self, ref: DocumentReference, *, transaction: Transaction | None = None) -> Snapshot:
        self.counts.add(reads=1)
        return ref.get(transaction=transaction)

    def query(
        self,
        query: Query | CollectionReference,
        *,
        transaction: Transaction | None = None,
    ) -> list[Snapshot]:
        snapshots = list(
            transaction.get(query) if transaction is not None else query.stream()  # type: ignore[arg-type]
        )
        # Firestore bills a query that matches nothing as one read.
        self.counts.add(reads=max(1, len(snapshots)))
        return snapshots

    def get_all(
        self, refs: list[DocumentReference], *, transaction: Transaction | None = None
    ) -> list[Snapshot]:
        """Read several documents in one round trip (order not guaranteed)."""
        if not refs:
            return []
        self.counts.add(reads=len(refs))
        return list(self.client.get_all(refs, transaction=transaction))

    def count_listener_reads(self, documents: int) -> None:
        self.counts.add(reads=documents)

    # writes -------------------------------------------------------------------
    def create(
        self,
        writer: Writer,
        ref: DocumentReference,
        data: Mapping[str, Any],
    ) -> None:
        self.counts.add(writes=1)
        writer.create(ref, dict(data))

    def set(
        self,
        writer: Writer,
        ref: DocumentReference,
        data: Mapping[str, Any],
        *,
        merge: bool | list[str] = False,
    ) -> None:
        self.counts.add(writes=1)
        writer.set(ref, dict(data), merge=merge)

    def update(
        self,
        writer: Writer,
        ref: DocumentReference,
        data: Mapping[str, Any],
        *,
        unchanged_since: Snapshot | None = None,
    ) -> None:
        """Update a document; with `unchanged_since`, only if nobody wrote it after that read."""
        self.counts.add(writes=1)
        if unchanged_since is None:
            writer.update(ref, dict(data))
        else:
            option = self.client.write_option(last_update_time=unchanged_since.update_time)
            writer.update(ref, dict(data), option=option)

    def batch(self) -> firestore.WriteBatch:
        return self.client.batch()

    def _in_batches(
        self,
        refs: Iterable[DocumentReference],
        apply: Callable[[firestore.WriteBatch, DocumentReference], None],
    ) -> int:
        """Apply one write per document, committed in batches (not atomically)."""
        done = 0
        batch = self.client.batch()
        for ref in refs:
            self.counts.add(writes=1)
            apply(batch, ref)
            done += 1
            if done % _BATCH_LIMIT == 0:
                batch.commit()
                batch = self.client.batch()
        if done % _BATCH_LIMIT:
            batch.commit()
        return done

    def update_all(self, refs: Iterable[DocumentReference], data: Mapping[str, Any]) -> int:
        return self._in_batches(refs, lambda batch, ref: batch.update(ref, dict(data)))

    def delete_all(self, refs: Iterable[DocumentReference]) -> int:
        return self._in_batches(refs, lambda batch, ref: batch.delete(ref))

    # transactions -------------------------------------------------------------
    def run_transaction(self, body: Callable[[Transaction], T]) -> T:
        """Run `body` in a read-write transaction, retried when Firestore aborts it.

        The body must only read through this store and must not have side
        effects outside the transaction: it may run several times. The client
        library retries at once, keeping the transaction's place in line; when
        that is not enough (heavy contention) we back off with jitter before the
        next round, and finally answer "busy" rather than fail.
        """
        for attempt in range(_BACKOFF_ROUNDS):
            transaction = self.client.transaction(max_attempts=self._attempts)
            try:
                return firestore.transactional(body)(transaction)  # type: ignore[no-any-return]
            except (ValueError, api_exceptions.Aborted) as e:
                # The library retries an abort at commit and wraps the last one in
                # ValueError; an abort of a read inside the body (a lock timeout)
                # escapes bare. Both mean: try again later.
                aborted = isinstance(e, api_exceptions.Aborted) or isinstance(
                    e.__cause__, api_exceptions.Aborted
                )
                if not aborted:
                    raise
                self.counts.add(aborted_rounds=1)
                if attempt == _BACKOFF_ROUNDS - 1:
                    raise Unavailable(code=CONTENTION) from e
                time.sleep(random.uniform(0, _BACKOFF_BASE_SECONDS * 2**attempt))  # noqa: S311
        raise AssertionError("unreachable")

    def run_optimistic(self, attempt: Callable[[], T]) -> T:
        """Run `attempt` until the one batch it commits finds what it read unchanged.

        `attempt` reads without a transaction, then commits one batch whose
        writes carry preconditions (`create`, `update(..., unchanged_since=)`).
        If another writer got there first the whole batch fails and `attempt`
        runs again on fresh reads. Nothing is locked between read and commit:
        no BeginTransaction round trip, no deadlock between two writers of one
        document, no locks left behind by an instance that dies in between.
        `attempt` must not run queries (a missing index also fails as a
        precondition) and must not have side effects before its commit.
        """
        rounds = self._attempts * _BACKOFF_ROUNDS
        for attempt_no in range(rounds):
            try:
                return attempt()
            except _LOST_RACE as e:
                self.counts.add(aborted_rounds=1)
                if attempt_no == rounds - 1:
                    raise Unavailable(code=CONTENTION) from e
                # The winner has committed: the first retry reads its result at
                # once; only a crowd of writers needs spreading out.
                if attempt_no:
                    cap = _BACKOFF_BASE_SECONDS * 2 ** min(
                        attempt_no - 1, _OPTIMISTIC_MAX_DOUBLINGS
                    )
                    time.sleep(random.uniform(0, cap))  # noqa: S311
        raise AssertionError("unreachable")
