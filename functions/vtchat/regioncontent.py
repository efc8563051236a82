"""Each organisation's referral list and standard texts as its supervisors keep them.

`orgContent/{org}` holds the current version, `orgContent/{org}/versions/{n}`
every saved version with who saved it and when (vtchat.content.OrgContentDoc).
Until an organisation saves its own, the shipped files stand
(data/organisations.json, data/standard_texts.json).

Saving names the version it edited: one optimistic batch writes the new
current document (only if nobody wrote it since it was read) and creates the
version document (only if it does not exist), so of two supervisors saving at
once one wins and the other gets 409 `content_stale` with the winner's
version; their own edit stays in their console, nothing is lost.

Only supervisors, of their own organisation: the organisation comes from the
caller's claims, never from the request. The national team has no role here
(it reads the public `GET /api/regions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from vtchat.content import (
    ContentQuery,
    ContentResponse,
    ContentSaveRequest,
    ContentVersionOut,
    LocalReferral,
    LocalText,
    OrgContentDoc,
)
from vtchat.errors import NOT_SUPERVISOR, Conflict, Forbidden, InvalidInput, NotFound, declare
from vtchat.logs import log
from vtchat.models import ReferralOut, RegionsResponse, Staff
from vtchat.regions import Directory, public_directory
from vtchat.services import Services
from vtchat.store import from_snapshot, to_doc
from vtchat.texts import StandardText, StandardTextsResponse, load_texts

# The error codes raised here (vtchat.openapi describes them).
CONTENT_STALE = declare(
    "content_stale",
    Conflict,
    "someone saved a newer version meanwhile; `details` has version, savedAt and savedByName",
)
VERSION_UNKNOWN = declare("version_unknown", NotFound, "no such version of the content")
TEXT_ID_TAKEN = declare("text_id_taken", InvalidInput, "a text's id is that of a national text")

HISTORY_LENGTH = 50


def require_supervisor(staff: Staff) -> None:
    if staff.role != "supervisor":
        raise Forbidden(
            "Alleen een leidinggevende van de organisatie kan dit beheren.", code=NOT_SUPERVISOR
        )


def _file_texts(org: str) -> list[LocalText]:
    return [
        LocalText(id=t.id, title=t.title, body=t.body)
        for t in load_texts().organisations.get(org, [])
    ]


def _file_referrals(directory: Directory, org: str) -> list[LocalReferral]:
    return [
        LocalReferral(name=r.name, description=r.description, url=r.url, phone=r.phone)
        for found in directory
        if found.id == org
        for r in found.referrals
    ]


def current(svc: Services, staff: Staff, query: ContentQuery) -> ContentResponse:
    """The caller's organisation's content (or one older version), with its history."""
    require_supervisor(staff)
    store = svc.store
    if query.version is None:
        return _present(svc, staff.org, None)
    snapshot = store.get(store.content_versions(staff.org).document(str(query.version)))
    if not snapshot.exists:
        raise NotFound("Deze versie bestaat niet.", code=VERSION_UNKNOWN)
    return _present(svc, staff.org, from_snapshot(OrgContentDoc, snapshot))


def _present(svc: Services, org: str, shown: OrgContentDoc | None) -> ContentResponse:
    """`shown`, or else the current version (else the files'), with the last versions."""
    store = svc.store
    newest_first = store.content_versions(org).order_by("version", direction="DESCENDING")
    history = [
        from_snapshot(OrgContentDoc, snapshot)
        for snapshot in store.query(newest_first.limit(HISTORY_LENGTH))
        if snapshot.exists
    ]
    if shown is None:
        snapshot = store.get(store.org_content(org))
        shown = from_snapshot(OrgContentDoc, snapshot) if snapshot.exists else None
    texts = load_texts()
    return ContentResponse(
        org=org,
        version=shown.version if shown else 0,
        referrals=shown.referrals if shown else _file_referrals(svc.directory, org),
        texts=shown.texts if shown else _file_texts(org),
        saved_at=shown.saved_at if shown else None,
        saved_by_name=shown.saved_by_name if shown else None,
        national_text_ids=[t.id for t in texts.national],
        placeholders=texts.placeholders,
        history=[
            ContentVersionOut(
                version=doc.version, saved_at=doc.saved_at, saved_by_name=doc.saved_by_name
            )
            for doc in history
        ],
    )


def save(svc: Services, staff: Staff, request: ContentSaveRequest) -> ContentResponse:
    """Store a new version if `baseVersion` is still the current one; else 409."""
    require_supervisor(staff)
    national = {t.id for t in load_texts().national}
    taken = {
        f"texts.{i}.id": "Deze code heeft al een landelijke tekst. Kies een andere."
        for i, text in enumerate(request.texts)
        if text.id in national
    }
    if taken:
        raise InvalidInput(next(iter(taken.values())), code=TEXT_ID_TAKEN, fields=taken)
    store = svc.store
    ref = store.org_content(staff.org)

    def attempt() -> OrgContentDoc:
        snapshot = store.get(ref)
        existing = from_snapshot(OrgContentDoc, snapshot) if snapshot.exists else None
        version = existing.version if existing else 0
        if request.base_version != version:
            assert existing is not None  # version 0 is always the base of the first save
            raise Conflict(
                f"{existing.saved_by_name} heeft intussen een nieuwere versie opgeslagen, "
                f"versie {version}. Je eigen wijzigingen staan nog in het formulier: "
                "bekijk de nieuwe versie en sla je wijziging daarna opnieuw op.",
                code=CONTENT_STALE,
                details={
                    "version": version,
                    "savedAt": existing.saved_at.isoformat(),
                    "savedByName": existing.saved_by_name,
                },
            )
        doc = OrgContentDoc(
            version=version + 1,
            referrals=request.referrals,
            texts=request.texts,
            saved_at=datetime.now(UTC),
            saved_by=staff.uid,
            saved_by_name=staff.display_name,
        )
        data = to_doc(doc)
        batch = store.batch()
        if existing is None:
            store.create(batch, ref, data)
        else:
            store.update(batch, ref, data, unchanged_since=snapshot)
        store.create(batch, store.content_versions(staff.org).document(str(doc.version)), data)
        batch.commit()
        return doc

    saved = store.run_optimistic(attempt)
    log("INFO", "content_saved", org=staff.org, advisorUid=staff.uid, version=saved.version)
    return _present(svc, staff.org, saved)


def _stored(svc: Services) -> Mapping[str, OrgContentDoc]:
    """Every organisation's current content: one query, at most one document per organisation."""
    store = svc.store
    return {
        snapshot.id: from_snapshot(OrgContentDoc, snapshot)
        for snapshot in store.query(store.all_org_content())
        if snapshot.exists and snapshot.id in svc.directory
    }


def public_regions(svc: Services) -> RegionsResponse:
    """`GET /api/regions`: each organisation's stored referral list, else the file's."""
    local = {
        org: [
            ReferralOut(name=r.name, description=r.description, url=r.url, phone=r.phone)
            for r in doc.referrals
        ]
        for org, doc in _stored(svc).items()
    }
    return public_directory(svc.directory, local=local)


def texts_for(svc: Services, staff: Staff) -> StandardTextsResponse:
    """`GET /api/texts`: the national texts, then the organisation's (stored, else the file's)."""
    data = load_texts()
    stray = set(data.organisations) - {org.id for org in svc.directory}
    if stray:
        raise ValueError(f"standard texts for unknown organisations: {sorted(stray)}")
    snapshot = svc.store.get(svc.store.org_content(staff.org))
    own = (
        from_snapshot(OrgContentDoc, snapshot).texts if snapshot.exists else _file_texts(staff.org)
    )
    return StandardTextsResponse(
        placeholders=data.placeholders,
        texts=[*data.national, *(StandardText(id=t.id, title=t.title, body=t.body) for t in own)],
    )
