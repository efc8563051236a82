"""Staff accounts: the claims every path sets, and a supervisor's own team.

The national team grants and revokes any account with `python -m vtchat.admin`
(vtchat.cli.admin, which sets its claims here too). A supervisor manages the
advisors of their own organisation from the console:

- `POST /api/invite` creates an advisor account (role `advisor`, the
  supervisor's organisation; never another role: a supervisor who could make
  supervisors could hand out reading along and the figures, which the
  national team decides) and answers a link to set a password, to pass on.
- `POST /api/disable` disables an advisor of the organisation and revokes
  their sessions at once (vtchat.services.verify_staff checks both on every
  staff call; firestore.rules refuse the older ID tokens through
  `staffRevocations/{uid}`, record_revocation), or enables them again.
  Never the caller's own account, never a supervisor's, never another
  organisation's (answered as unknown).
- `GET /api/team` lists the organisation's staff accounts.

Logged: the account ids and the organisation, never an e-mail address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from firebase_admin import auth as firebase_auth
from firebase_admin import exceptions as firebase_exceptions
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from vtchat.errors import Conflict, Forbidden, NotFound, Unavailable, declare
from vtchat.logs import log
from vtchat.models import LANGUAGES, Language, Role, Staff, StaffRevocationDoc
from vtchat.models.common import _Model, _Request
from vtchat.regioncontent import require_supervisor
from vtchat.services import Services
from vtchat.store import to_doc

# The error codes raised here (vtchat.openapi describes them).
ACCOUNT_EXISTS = declare(
    "account_exists",
    Conflict,
    "an account with this e-mail address exists (another organisation, role or a disabled one)",
)
ACCOUNT_UNKNOWN = declare(
    "account_unknown", NotFound, "no advisor account of the caller's organisation with this id"
)
OWN_ACCOUNT = declare("own_account", Forbidden, "a supervisor cannot change their own account")

STAFF_ROLES: tuple[Role, ...] = ("advisor", "supervisor", "national")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '.\-])*$")


def claim_languages(languages: Sequence[str]) -> list[str]:
    """The `langs` claim: Dutch first, then the others in LANGUAGES order; unknown ones refused."""
    unknown = sorted(set(languages) - set(LANGUAGES))
    if unknown:
        raise ValueError(
            f"unknown language {', '.join(unknown)}: use {', '.join(LANGUAGES)} (comma-separated)"
        )
    return [lang for lang in LANGUAGES if lang == "nl" or lang in languages]


def staff_claims(*, role: str, org: str, languages: Sequence[str]) -> dict[str, Any]:
    """The custom claims of a staff account: what verify_staff and firestore.rules read."""
    if role not in STAFF_ROLES:
        raise ValueError(f"unknown role {role!r}: use advisor, supervisor or national")
    return {"role": role, "org": org, "langs": claim_languages(languages)}


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("content_rule", "Vul een geldig e-mailadres in.")
    return value.lower()


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise PydanticCustomError(
            "content_rule", "Alleen letters, spaties en - ' . (de naam die bezoekers zien)."
        )
    return value


class InviteRequest(_Request):
    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
        AfterValidator(_check_email),
    ]
    # The name visitors see, e.g. "Anna".
    display_name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
        AfterValidator(_check_name),
    ]
    # Only advisors: supervisors are made by the national team (vtchat.admin grant).
    role: Literal["advisor"] = "advisor"
    # Each language at most once (six of them); Dutch is always added.
    languages: list[Language] = Field(default_factory=list, max_length=len(LANGUAGES))


class AccessRequest(_Request):
    uid: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,128}$")]
    disabled: bool


class StaffAccount(_Model):
    uid: str
    email: str | None
    display_name: str | None
    role: Role
    languages: list[Language]
    disabled: bool
    created_at: datetime | None = None
    last_sign_in_at: datetime | None = None


class StaffList(_Model):
    accounts: list[StaffAccount]


class Invited(_Model):
    account: StaffAccount
    # Opens a page to choose a password; valid as Firebase's reset links are
    # (one use, about an hour). Inviting the same advisor again gives a new one.
    link: str
    created: bool


# ID tokens live at most an hour ("Firebase ID tokens are short lived and last
# for an hour", Manage user sessions); twice that leaves room for clock skew.
REVOCATION_KEPT = timedelta(hours=2)


def record_revocation(svc: Services, user: firebase_auth.UserRecord) -> None:
    """Write `staffRevocations/{uid}`: firestore.rules refuse ID tokens signed in before it.

    Call after revoke_refresh_tokens, with the user record read after it: `at`
    is Auth's own revocation time (tokensValidAfterTime), the instant the
    functions' check_revoked compares with, so the rules and the functions
    draw the line at the same second. Written after the account is disabled:
    if this write fails the caller gets an error and repeats the whole call
    (idempotent), and meanwhile the functions refuse the account already.
    """
    at = _millis(user.tokens_valid_after_timestamp) or datetime.now(UTC)
    record = StaffRevocationDoc(at=at, expire_at=at + REVOCATION_KEPT)
    store = svc.store
    batch = store.batch()
    store.set(batch, store.staff_revocation(str(user.uid)), to_doc(record))
    batch.commit()


def _millis(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, UTC) if value else None


def _account(user: firebase_auth.UserRecord) -> StaffAccount:
    claims = user.custom_claims or {}
    langs = claims.get("langs")
    return StaffAccount(
        uid=str(user.uid),
        email=user.email,
        display_name=user.display_name,
        role=claims["role"],
        languages=[lang for lang in LANGUAGES if lang == "nl" or lang in (langs or [])],
        disabled=bool(user.disabled),
        created_at=_millis(user.user_metadata.creation_timestamp),
        last_sign_in_at=_millis(user.user_metadata.last_sign_in_timestamp),
    )


def _of_org(user: firebase_auth.UserRecord, org: str) -> bool:
    claims = user.custom_claims or {}
    return claims.get("org") == org and claims.get("role") in ("advisor", "supervisor")


def _auth_unavailable(e: Exception, action: str) -> Unavailable:
    log("WARNING", "staff_admin_failed", reason=type(e).__name__, function=action)
    return Unavailable("Het accountbeheer is even niet bereikbaar. Probeer het zo opnieuw.")


def _users(svc: Services) -> Iterator[firebase_auth.ExportedUserRecord]:
    # Pages of 1,000 accounts: all staff of all 26 organisations in a few calls.
    yield from firebase_auth.list_users(app=svc.firebase_app).iterate_all()


def team(svc: Services, staff: Staff) -> StaffList:
    """The caller's organisation's advisors and supervisors (disabled ones too)."""
    require_supervisor(staff)
    try:
        found = [_account(user) for user in _users(svc) if _of_org(user, staff.org)]
    except firebase_exceptions.FirebaseError as e:
        raise _auth_unavailable(e, "team") from e
    found.sort(key=lambda a: (a.role != "supervisor", (a.display_name or "").casefold()))
    return StaffList(accounts=found)


def invite(svc: Services, staff: Staff, request: InviteRequest) -> Invited:
    """Create an advisor of the caller's organisation and a link to choose a password."""
    require_supervisor(staff)
    app = svc.firebase_app
    exists = Conflict(
        "Er bestaat al een account met dit e-mailadres. Vraag het landelijk team om hulp.",
        code=ACCOUNT_EXISTS,
        fields={"email": "Er bestaat al een account met dit e-mailadres."},
    )
    try:
        try:
            user = firebase_auth.get_user_by_email(request.email, app=app)
        except firebase_auth.UserNotFoundError:
            user = None
        if user is not None:
            claims = user.custom_claims or {}
            # Only a repeat of this very invitation (an advisor here, enabled) gets a new link.
            if user.disabled or claims.get("org") != staff.org or claims.get("role") != "advisor":
                raise exists
            created = False
        else:
            try:
                user = firebase_auth.create_user(
                    email=request.email,
                    email_verified=True,
                    display_name=request.display_name,
                    app=app,
                )
            except firebase_auth.EmailAlreadyExistsError as e:
                raise exists from e
            created = True
            claims = staff_claims(role="advisor", org=staff.org, languages=request.languages)
            firebase_auth.set_custom_user_claims(user.uid, claims, app=app)
            user = firebase_auth.get_user(user.uid, app=app)
        link = firebase_auth.generate_password_reset_link(request.email, app=app)
    except firebase_exceptions.FirebaseError as e:
        raise _auth_unavailable(e, "invite") from e
    log("INFO", "staff_invited", org=staff.org, advisorUid=str(user.uid), byUid=staff.uid,
        updated=not created)  # fmt: skip
    return Invited(account=_account(user), link=link, created=created)


def set_access(svc: Services, staff: Staff, request: AccessRequest) -> StaffAccount:
    """Disable an advisor of the organisation (and revoke their sessions), or enable them."""
    require_supervisor(staff)
    if request.uid == staff.uid:
        raise Forbidden("Je eigen account kun je hier niet wijzigen.", code=OWN_ACCOUNT)
    app = svc.firebase_app
    unknown = NotFound("Dit account hoort niet bij je organisatie.", code=ACCOUNT_UNKNOWN)
    try:
        try:
            user = firebase_auth.get_user(request.uid, app=app)
        except firebase_auth.UserNotFoundError as e:
            raise unknown from e
        claims = user.custom_claims or {}
        if claims.get("org") != staff.org or claims.get("role") != "advisor":
            raise unknown
        firebase_auth.update_user(user.uid, disabled=request.disabled, app=app)
        if request.disabled:
            # Refresh tokens mint no new ID tokens; ID tokens issued before now
            # are refused by verify_staff's check_revoked from the next call on.
            firebase_auth.revoke_refresh_tokens(user.uid, app=app)
        user = firebase_auth.get_user(user.uid, app=app)
    except firebase_exceptions.FirebaseError as e:
        raise _auth_unavailable(e, "disable") from e
    if request.disabled:
        # Enabling leaves it: a token from before the disable stays refused.
        record_revocation(svc, user)
    log("INFO", "staff_access_changed", org=staff.org, advisorUid=str(user.uid),
        byUid=staff.uid, status="disabled" if request.disabled else "enabled")  # fmt: skip
    return _account(user)
