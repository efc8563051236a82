"""The clients a function needs, created lazily on first use and then reused.

Nothing here connects at import time: an instance that only serves the status
page never opens an Auth client, and tests build their own `Services`.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

import firebase_admin
import jwt
from firebase_admin import app_check
from firebase_admin import auth as firebase_auth
from firebase_admin import exceptions as firebase_exceptions
from google.cloud import firestore
from google.cloud.pubsub_v1 import PublisherClient
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError, PyJWTError

from vtchat.errors import Forbidden, Unauthenticated, Unavailable, declare
from vtchat.guesses import WrongCodes
from vtchat.limits import Seats, WindowBudget
from vtchat.logs import log
from vtchat.models import LANGUAGES, Language, Staff
from vtchat.pushauth import CertsCache
from vtchat.regions import Directory, PostcodeIndex, load_directory
from vtchat.schedule import Schedule, load_schedule, parse_schedule
from vtchat.settings import INTAKE_CEILING, Settings, load_settings, settings
from vtchat.status import StatusBoard
from vtchat.store import Store

# What a staff call without a genuine App Check token is told.
FROM_ELSEWHERE = (
    "Dit verzoek kwam niet van de console van Veilig Thuis. Herlaad de console en "
    "probeer het opnieuw."
)

# The error codes raised here (vtchat.openapi describes them).
APP_CHECK_INVALID = declare(
    "app_check_invalid",
    Unauthenticated,
    "the App Check token is invalid (only when enforced)",
)
NOT_STAFF = declare("not_staff", Forbidden, "the account has no role/org claims")
SECOND_FACTOR_REQUIRED = declare(
    "second_factor_required",
    Forbidden,
    "signed in without a second factor (`firebase.sign_in_second_factor`), required in production",
)
STAFF_DISABLED = declare(
    "staff_disabled",
    Unauthenticated,
    "the staff account is disabled or deleted",
)
STAFF_REVOKED = declare(
    "staff_revoked",
    Unauthenticated,
    "the account's sessions were revoked after this sign-in",
)

if TYPE_CHECKING:
    from vtchat.fanout import Fanout

_STAFF_ROLES = ("advisor", "supervisor", "national")


class Services:
    def __init__(self, config: Settings) -> None:
        self.settings = config
        self._lock = threading.Lock()
        self._fanout: Fanout | None = None

    @functools.cached_property
    def store(self) -> Store:
        client = firestore.Client(project=self.settings.project_id)
        return Store(client, transaction_attempts=self.settings.transaction_attempts)

    @functools.cached_property
    def directory(self) -> Directory:
        return load_directory()

    @functools.cached_property
    def schedule(self) -> Schedule:
        path = self.settings.schedule_file
        if path is None:
            return load_schedule(self.directory)
        return parse_schedule(path.read_text("utf-8"), self.directory)

    @functools.cached_property
    def publisher(self) -> PublisherClient:
        endpoint = self.settings.pubsub_endpoint
        return PublisherClient(client_options={"api_endpoint": endpoint} if endpoint else None)

    @functools.cached_property
    def status_board(self) -> StatusBoard:
        return StatusBoard(self)

    @property
    def fanout(self) -> Fanout:
        """The instance's shared listeners for every open event stream (one, ever)."""
        from vtchat.fanout import Fanout

        store = self.store
        with self._lock:
            if self._fanout is None:
                listen = firestore.Client(project=self.settings.project_id)
                self._fanout = Fanout(store, client=listen)
            return self._fanout

    @functools.cached_property
    def postcodes(self) -> PostcodeIndex:
        return PostcodeIndex(self.store, self.directory)

    @functools.cached_property
    def firebase_app(self) -> firebase_admin.App:
        with self._lock:
            name = f"vtchat-{self.settings.project_id}"
            try:
                return firebase_admin.get_app(name)
            except ValueError:
                return firebase_admin.initialize_app(
                    options={"projectId": self.settings.project_id}, name=name
                )

    @functools.cached_property
    def push_certs(self) -> CertsCache:
        """Google's keys for the push tokens, kept a few minutes by this instance."""
        return CertsCache()

    @functools.cached_property
    def stream_seats(self) -> Seats:
        return Seats(self.settings.streams_per_session)

    @functools.cached_property
    def intake_budget(self) -> WindowBudget:
        # A ceiling, not the pace: load raises the intake's puzzle from a
        # quarter of `intakes_per_minute` on (vtchat.proof), and only ten
        # times that pace is refused, to keep Firestore standing.
        return WindowBudget(self.settings.intakes_per_minute * INTAKE_CEILING)

    @functools.cached_property
    def resume_failures(self) -> WrongCodes:
        return WrongCodes(
            per_code=self.settings.resume_failures_per_code,
            per_minute=self.settings.resume_failures_per_minute,
        )

    def verify_app_check(self, token: str) -> None:
        """Refuse a staff call whose App Check token is not genuine (vtchat.http).

        Only when Google's signing keys cannot be fetched at all (a network
        failure) does the call go ahead, logged: an advisor must not be cut
        off from running chats for our provider's hiccup, and the ID token
        with its second factor still holds. Every other key problem, an
        unknown key id above all, is the token's: PyJWT raises the same
        PyJWKClientError for a `kid` the caller made up, so treating that
        class as an outage let any invented token in.
        """
        refusal = Unauthenticated(FROM_ELSEWHERE, code=APP_CHECK_INVALID)
        try:
            # Garbage is refused here, before any key fetch or client set-up.
            header = jwt.get_unverified_header(token)
        except PyJWTError as e:
            raise refusal from e
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise refusal
        try:
            app_check.verify_token(token, app=self.firebase_app)
        except ValueError as e:
            raise refusal from e
        except PyJWKClientConnectionError as e:
            log("WARNING", "app_check_unverifiable", reason=type(e).__name__)
        except PyJWKClientError as e:
            raise refusal from e

    @property
    def session_key(self) -> bytes:
        """The current key: signs new tokens and puzzles."""
        return self.settings.session_key.get_secret_value().encode("utf-8")

    @property
    def previous_session_key(self) -> bytes | None:
        """During a rotation only: the second key, which verifies but never signs."""
        previous = self.settings.session_key_previous
        return previous.get_secret_value().encode("utf-8") if previous else None

    @property
    def resume_key(self) -> bytes:
        return self.settings.resume_code_key

    def verify_staff(self, id_token: str) -> Staff:
        """Turn a Firebase ID token into a staff identity, or refuse it.

        `check_revoked` looks the account up on every call (one Auth API read):
        a disabled account or revoked sessions (`vtchat.admin revoke`) stop
        its tokens at once instead of when they expire, within the hour.
        """
        try:
            claims: dict[str, Any] = firebase_auth.verify_id_token(
                id_token, app=self.firebase_app, check_revoked=True
            )
        except firebase_auth.RevokedIdTokenError as e:
            raise Unauthenticated(
                "Je aanmelding is ingetrokken. Meld je opnieuw aan.", code=STAFF_REVOKED
            ) from e
        except (firebase_auth.UserDisabledError, firebase_auth.UserNotFoundError) as e:
            raise Unauthenticated(
                "Dit account is uitgeschakeld. Neem contact op met je beheerder.",
                code=STAFF_DISABLED,
            ) from e
        except (ValueError, firebase_auth.InvalidIdTokenError) as e:
            raise Unauthenticated("Je aanmelding is verlopen. Meld je opnieuw aan.") from e
        except firebase_auth.CertificateFetchError as e:
            raise Unauthenticated("Je aanmelding kon niet worden gecontroleerd.") from e
        except firebase_exceptions.FirebaseError as e:
            # The account lookup failed (Auth unreachable): not the caller's fault.
            log("WARNING", "staff_lookup_failed", reason=type(e).__name__)
            raise Unavailable() from e
        if self.settings.staff_second_factor:
            require_second_factor(claims)
        role, org = claims.get("role"), claims.get("org")
        if role not in _STAFF_ROLES or not isinstance(org, str) or org not in self.directory:
            raise Forbidden("Dit account heeft geen toegang tot de chat.", code=NOT_STAFF)
        name = claims.get("name")
        return Staff(
            uid=str(claims["uid"]),
            role=role,
            org=org,
            display_name=name if isinstance(name, str) and name else "Medewerker",
            languages=staff_languages(claims.get("langs")),
            privacy=claims.get("privacy") is True,
        )


def staff_languages(claim: object) -> list[Language]:
    """The `langs` claim as languages: Dutch always, unknown entries ignored."""
    spoken = set(claim) if isinstance(claim, list) else set()
    return [lang for lang in LANGUAGES if lang == "nl" or lang in spoken]


def require_second_factor(claims: dict[str, Any]) -> None:
    """Staff must have signed in with a second factor (identity.tf makes it mandatory).

    Firebase puts the factor used at sign-in in `firebase.sign_in_second_factor`
    ("totp" in production, "phone" on the Auth emulator); any factor counts,
    a token without one (a password alone) does not.
    """
    firebase = claims.get("firebase")
    factor = firebase.get("sign_in_second_factor") if isinstance(firebase, dict) else None
    if not isinstance(factor, str) or not factor:
        raise Forbidden(
            "Meld je opnieuw aan met je tweede stap, de code uit je authenticator-app, om "
            "de chat te gebruiken.",
            code=SECOND_FACTOR_REQUIRED,
        )


@functools.cache
def services() -> Services:
    return Services(settings())


def operator_services() -> Services:
    """Services for a command an operator runs by hand (vtchat.admin, vtchat.report)."""
    return Services(load_settings(operator=True))
