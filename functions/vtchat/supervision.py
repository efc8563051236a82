"""Supervision with an audit trail (issue 19, item 3): reading along, notes, the log.

A supervisor opens a running chat of their organisation read-only through
`watch`: one batch writes the audit entry, the watcher document
`sessions/{id}/watchers/{uid}` that firestore.rules require before they show a
supervisor the timeline, and the watcher's name on the session (`watchers`),
which the advisor's console already listens to: "Sanne leest mee" costs the
advisor no extra listener. `unwatch` deletes the watcher and logs the closing;
the audit entries stay. `note` writes a private note for the chat's advisor in
`sessions/{id}/notes`, which the visitor's stream never reads (it follows
`messages` only).

The audit log holds who, which organisation, which chat id, when, why and
what; never content. It expires after `audit_retention` (TTL, infra/); only
the functions read it, for an organisation's privacy officer (`export`).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from google.cloud import firestore
from google.cloud.firestore_v1.document import DocumentReference
from google.cloud.firestore_v1.field_path import FieldPath

from vtchat.errors import (
    CHAT_NOT_ACTIVE,
    NOT_SUPERVISOR,
    NOT_YOUR_CHAT,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    declare,
)
from vtchat.logs import log
from vtchat.models import (
    AuditDoc,
    AuditEntry,
    AuditQuery,
    AuditResponse,
    AuditWhat,
    AuditWhy,
    NoteDoc,
    NoteRequest,
    NoteSaved,
    SessionDoc,
    SessionRequest,
    Staff,
    WatcherDoc,
    WatchRequest,
    WatchState,
)
from vtchat.services import Services
from vtchat.store import (
    AUDIT_LOG,
    NOTES,
    WATCHERS,
    Snapshot,
    Store,
    Writer,
    from_snapshot,
    to_doc,
)

# The error codes raised here (vtchat.openapi describes them).
WATCH_OWN_CHAT = declare("watch_own_chat", Conflict, "the chat is the caller's own already")
NOT_WATCHING = declare("not_watching", Conflict, "open the chat (watch) before sending a note")
NOTE_ID_TAKEN = declare("note_id_taken", Conflict, "another note has this note id")
NOT_PRIVACY_OFFICER = declare(
    "not_privacy_officer", Forbidden, "only the organisation's privacy officer exports the log"
)
AUDIT_PERIOD = declare("audit_period", InvalidInput, "from before to, at most 366 days apart")
AUDIT_TOO_MANY = declare("audit_too_many", InvalidInput, "too many entries: ask a shorter period")

# A year and a day: a whole leap year at once.
MAX_PERIOD = timedelta(days=366)
MAX_ENTRIES = 10_000


# --- reading along --------------------------------------------------------------------------


def watch(svc: Services, *, staff: Staff, request: WatchRequest) -> WatchState:
    """Open a running chat read-only; a retry while watching writes nothing more."""
    store = svc.store

    def attempt() -> WatchState:
        now = datetime.now(UTC)
        session_snap, session = _session(store, request.session_id)
        _require_supervisor_of(staff, session)
        if session.advisor_uid == staff.uid:
            raise Conflict("Dit gesprek voer je zelf al.", code=WATCH_OWN_CHAT)
        if session.state != "active":
            raise Conflict("Alleen een lopend gesprek kun je meelezen.", code=CHAT_NOT_ACTIVE)
        watcher_ref = _watcher(store, request.session_id, staff.uid)
        if store.get(watcher_ref).exists:
            return WatchState(session_id=request.session_id, watching=True, changed=False)
        batch = store.batch()
        watcher = WatcherDoc(
            name=staff.display_name, since=now, why=request.reason, expire_at=session.expire_at
        )
        store.create(batch, watcher_ref, to_doc(watcher))
        _audit(svc, batch, staff, request.session_id, what="opened", why=request.reason, at=now)
        store.update(
            batch,
            store.session(request.session_id),
            {_watcher_field(staff.uid): staff.display_name, "supervised": True},
            unchanged_since=session_snap,
        )
        batch.commit()
        return WatchState(session_id=request.session_id, watching=True, changed=True)

    state = store.run_optimistic(attempt)
    if state.changed:
        log("INFO", "chat_watched", sessionId=request.session_id, why=request.reason)
    return state


def unwatch(svc: Services, *, staff: Staff, request: SessionRequest) -> WatchState:
    """Stop reading along: the watcher goes, a `closed` entry is logged, nothing else."""
    store = svc.store
    if staff.role != "supervisor":
        raise Forbidden("Alleen een leidinggevende kan meelezen.", code=NOT_SUPERVISOR)

    def attempt() -> WatchState:
        now = datetime.now(UTC)
        watcher_ref = _watcher(store, request.session_id, staff.uid)
        watcher_snap = store.get(watcher_ref)
        if not watcher_snap.exists:
            return WatchState(session_id=request.session_id, watching=False, changed=False)
        watcher = from_snapshot(WatcherDoc, watcher_snap)
        batch = store.batch()
        # Only the watcher as read: a second stop racing this one loses.
        option = store.client.write_option(last_update_time=watcher_snap.update_time)
        store.counts.add(writes=1)
        batch.delete(watcher_ref, option=option)
        _audit(svc, batch, staff, request.session_id, what="closed", why=watcher.why, at=now)
        if store.get(store.session(request.session_id)).exists:
            # Removing one key of the map commutes with every other write.
            store.update(
                batch,
                store.session(request.session_id),
                {_watcher_field(staff.uid): firestore.DELETE_FIELD},
            )
        batch.commit()
        return WatchState(session_id=request.session_id, watching=False, changed=True)

    state = store.run_optimistic(attempt)
    if state.changed:
        log("INFO", "chat_unwatched", sessionId=request.session_id)
    return state


def note(svc: Services, *, staff: Staff, request: NoteRequest) -> NoteSaved:
    """A private note to the chat's advisor, from a supervisor reading along."""
    store = svc.store
    note_ref = store.session(request.session_id).collection(NOTES).document(request.note_id)

    def attempt() -> NoteSaved:
        now = datetime.now(UTC)
        existing = store.get(note_ref)
        if existing.exists:
            if from_snapshot(NoteDoc, existing).author_uid != staff.uid:
                raise Conflict("Deze notitie-id is al gebruikt.", code=NOTE_ID_TAKEN)
            return NoteSaved(note_id=request.note_id, duplicate=True)
        _, session = _session(store, request.session_id)
        _require_supervisor_of(staff, session)
        watcher_snap = store.get(_watcher(store, request.session_id, staff.uid))
        if not watcher_snap.exists:
            raise Conflict("Open het gesprek eerst om mee te lezen.", code=NOT_WATCHING)
        if session.state != "active":
            raise Conflict("Het gesprek is niet meer actief.", code=CHAT_NOT_ACTIVE)
        why = from_snapshot(WatcherDoc, watcher_snap).why
        batch = store.batch()
        doc = NoteDoc(
            text=request.text,
            author_uid=staff.uid,
            author_name=staff.display_name,
            created_at=now,
            expire_at=session.expire_at,
        )
        store.create(batch, note_ref, to_doc(doc))
        # One entry per note, named after it: a retry cannot log it twice.
        entry_id = hashlib.sha256(f"{request.session_id}/{request.note_id}".encode()).hexdigest()
        _audit(svc, batch, staff, request.session_id, what="note", why=why, at=now, id=entry_id)
        batch.commit()
        return NoteSaved(note_id=request.note_id, duplicate=False)

    saved = store.run_optimistic(attempt)
    if not saved.duplicate:
        log("INFO", "note_sent", sessionId=request.session_id)
    return saved


# --- the audit log ---------------------------------------------------------------------------


def audit_takeover(
    svc: Services,
    writer: Writer,
    *,
    staff: Staff,
    session_id: str,
    what: AuditWhat,
    at: datetime,
) -> None:
    """A supervisor moved a chat that was not theirs (vtchat.transfer): logged with it."""
    _audit(svc, writer, staff, session_id, what=what, why="takeover", at=at)


def export(svc: Services, *, staff: Staff, query: AuditQuery, today: date) -> AuditResponse:
    """The organisation's entries from `from` to `to`, for its privacy officer only."""
    if not staff.privacy:
        raise Forbidden(
            "Alleen de privacyfunctionaris van de organisatie kan het logboek inzien.",
            code=NOT_PRIVACY_OFFICER,
        )
    end = query.end or today + timedelta(days=1)
    start = query.start or end - timedelta(days=30)
    if not start < end or end - start > MAX_PERIOD:
        raise InvalidInput(
            "Kies een periode van hoogstens een jaar, 'van' voor 'tot'.", code=AUDIT_PERIOD
        )
    begin = datetime(start.year, start.month, start.day, tzinfo=UTC)
    until = datetime(end.year, end.month, end.day, tzinfo=UTC)
    snapshots = svc.store.query(svc.store.audit_entries(staff.org, begin, until, MAX_ENTRIES + 1))
    if len(snapshots) > MAX_ENTRIES:
        raise InvalidInput("Te veel regels: kies een kortere periode.", code=AUDIT_TOO_MANY)
    entries = [AuditEntry.model_validate(snap.to_dict() or {}) for snap in snapshots]
    log("INFO", "audit_exported", org=staff.org, count=len(entries))
    return AuditResponse(
        org=staff.org,
        start=start,
        end=end,
        retention_days=svc.settings.audit_retention.days,
        entries=entries,
    )


CSV_COLUMNS = ("tijd (UTC)", "medewerker", "uid", "organisatie", "chat", "wat", "waarom")


def csv_rows(response: AuditResponse) -> list[list[str]]:
    """The export as CSV rows (header first), the report's cell conventions applied."""
    rows = [list(CSV_COLUMNS)]
    for e in response.entries:
        at = e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([at, e.name, e.uid, e.org, e.session_id, e.what, e.why])
    return rows


# --- helpers ----------------------------------------------------------------------------------


def _session(store: Store, session_id: str) -> tuple[Snapshot, SessionDoc]:
    snapshot = store.get(store.session(session_id))
    if not snapshot.exists:
        raise NotFound()
    return snapshot, from_snapshot(SessionDoc, snapshot)


def _require_supervisor_of(staff: Staff, session: SessionDoc) -> None:
    """A supervisor of the chat's organisation, or of the one whose advisor serves it.

    The same two organisations firestore.rules open the timeline to (with the watcher).
    """
    if staff.role != "supervisor":
        raise Forbidden("Alleen een leidinggevende kan meelezen.", code=NOT_SUPERVISOR)
    if staff.org not in (session.org, session.advisor_org):
        raise Forbidden("Dit gesprek is niet van jouw organisatie.", code=NOT_YOUR_CHAT)


def _watcher(store: Store, session_id: str, uid: str) -> DocumentReference:
    ref: DocumentReference = store.session(session_id).collection(WATCHERS).document(uid)
    return ref


def _watcher_field(uid: str) -> str:
    # Quoted: a uid is not guaranteed to be a plain field name.
    path: str = FieldPath("watchers", uid).to_api_repr()
    return path


def _audit(
    svc: Services,
    writer: Writer,
    staff: Staff,
    session_id: str,
    *,
    what: AuditWhat,
    why: AuditWhy,
    at: datetime,
    id: str | None = None,
) -> None:
    store = svc.store
    collection = store.client.collection(AUDIT_LOG)
    ref = collection.document(id) if id else collection.document()
    entry = AuditDoc(
        uid=staff.uid,
        name=staff.display_name,
        org=staff.org,
        session_id=session_id,
        what=what,
        why=why,
        at=at,
        expire_at=at + svc.settings.audit_retention,
    )
    store.create(writer, ref, to_doc(entry))
