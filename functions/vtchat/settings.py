"""Runtime configuration, read once per instance from the environment.

Limits and retention are data with a schema: every value is validated here so
a wrong deployment setting fails at start-up, not in the middle of a chat.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from vtchat.routing import RoutingPolicy

# The JWK Set of the keys that sign Google's OIDC tokens (Pub/Sub push): the
# jwks_uri of https://accounts.google.com/.well-known/openid-configuration.
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v3/certs"

# Only for the emulators: a deployment without VTCHAT_SESSION_KEY refuses to start.
# One attacker's flood must not shut the door on everyone: refusal only at
# this many times `intakes_per_minute`, with the puzzle at its hardest long before.
INTAKE_CEILING = 10
_EMULATOR_SESSION_KEY = "local-emulator-key-not-secret-0123456789abcdef"
# Likewise VTCHAT_RESUME_KEY, which keys the stored hashes of resume codes.
_EMULATOR_RESUME_KEY = "local-emulator-resume-key-not-secret-0123456789"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    project_id: str = Field(min_length=1, max_length=64)
    emulated: bool
    # An operator's command (vtchat.admin, vtchat.report) on a workstation:
    # it serves nobody, signs no token and verifies no push, so the
    # requirements of a serving function do not apply (docs/deploy.md §7).
    operator: bool = False
    session_key: SecretStr = Field(min_length=32)
    # Set only while a rotation is under way: a second key that verifies tokens
    # and puzzles but signs nothing (the next key before the switch, the
    # previous one after it: docs/deploy.md, "Rotating the session key").
    session_key_previous: SecretStr | None = Field(default=None, min_length=32)
    # A key of its own, so that rotating the session key (which retires every
    # running token) leaves the written-down resume codes working.
    # (Only the emulators may go without: they use a fixed, public one.)
    resume_key: SecretStr | None = Field(default=None, min_length=32)
    # A chat that is still running after this long is over for good; tokens and
    # the provisional TTL of its content follow from it.
    session_max_lifetime: timedelta = timedelta(hours=4)
    content_retention: timedelta = timedelta(hours=24)
    unserved_retention: timedelta = timedelta(hours=2)
    default_capacity: Annotated[int, Field(ge=1, le=5)] = 3
    stream_max_duration: timedelta = timedelta(minutes=10)
    stream_keepalive: timedelta = timedelta(seconds=15)
    transaction_attempts: Annotated[int, Field(ge=1, le=50)] = 15
    # Upper bound of chats paired in one dispatch transaction: keeps the
    # transaction small while a burst still clears in a few rounds.
    dispatch_batch: Annotated[int, Field(ge=1, le=50)] = 10
    # A waiting chat is offered to other regions once it has waited this long,
    # or once its own region cannot be expected to reach it within this time.
    fallback_after: timedelta = timedelta(minutes=3)
    # An offer nobody took is made again, to a wider set, after this long.
    reoffer_after: timedelta = timedelta(minutes=2)
    fallback_widen_by: Annotated[int, Field(ge=1, le=26)] = 2
    # A chat in another language than Dutch waits this long for an advisor who
    # speaks it (any region) before it becomes an ordinary chat of its region.
    language_wait: timedelta = timedelta(minutes=5)
    # The domain's typical chat (15-20 minutes): the basis of wait estimates.
    mean_chat: timedelta = timedelta(minutes=17)
    # How stale the public status may be; it is served from instance memory.
    status_refresh: timedelta = timedelta(seconds=5)
    # Another schedule than the shipped one (tests, a demo that is always open).
    schedule_file: Path | None = None

    # Presence. The visitor's open stream refreshes `visitorSeenAt` this often;
    # a visitor not seen for `visitor_stale` has dropped, and one not seen for
    # `visitor_grace` has gone (a waiting chat then leaves the queue).
    visitor_seen_refresh: timedelta = timedelta(seconds=30)
    visitor_stale: timedelta = timedelta(seconds=60)
    visitor_grace: timedelta = timedelta(minutes=2)
    # An advisor whose console has not sent a heartbeat for this long is set
    # offline and their chats go back to the queue for a colleague.
    advisor_grace: timedelta = timedelta(minutes=2)
    # An advisor who has not written this long after getting a chat: the chat
    # goes to a colleague and the advisor is paused (vtchat.unanswered).
    unanswered_after: timedelta = timedelta(minutes=3)
    # Advisor documents hold staff names: gone this long after the last sign of life.
    advisor_retention: timedelta = timedelta(days=30)
    # The supervision audit log (who opened which chat, when, why): kept this
    # long, then deleted by TTL (vtchat.supervision, docs/privacy.md).
    audit_retention: timedelta = Field(default=timedelta(days=365), ge=timedelta(days=1))

    # Abuse resistance, none of it by IP address (schools, shelters and
    # libraries share one). Messages: a budget per session that refills.
    messages_per_minute: Annotated[int, Field(ge=1, le=100_000)] = 30
    message_burst: Annotated[int, Field(ge=1, le=100_000)] = 20
    messages_per_session: Annotated[int, Field(ge=10, le=100_000)] = 1000
    # Signals (vtchat.signals): "is typing" shows until `typing_ttl` after the
    # last write, and a side's typing is written at most once per
    # `typing_every`; the discreet pause may change at most once per `pause_every`.
    typing_ttl: timedelta = timedelta(seconds=6)
    typing_every: timedelta = timedelta(seconds=5)
    pause_every: timedelta = timedelta(seconds=2)
    # Intakes: the pace per instance and minute from which the intake's
    # puzzle gets harder (refused only at INTAKE_CEILING times it; the
    # deployment caps the number of instances), and no new chat for an
    # organisation whose queue of present visitors is already longer than
    # anyone could be served from in reasonable time.
    intakes_per_minute: Annotated[int, Field(ge=1, le=100_000)] = 120
    max_waiting_per_org: Annotated[int, Field(ge=1, le=10_000)] = 40
    # The intake's proof of work (vtchat.proof): the base puzzle's largest
    # number (about half of it in SHA-256 hashes on average: well under a
    # second on a phone, solved while the form is filled in), and how many
    # doublings load may add.
    proof_base_number: Annotated[int, Field(ge=10, le=10_000_000)] = 50_000
    proof_max_level: Annotated[int, Field(ge=0, le=8)] = 5
    # Open streams per chat and instance: one, and one more for a reconnect
    # that overlaps the stream it replaces.
    streams_per_session: Annotated[int, Field(ge=1, le=10)] = 2
    # Wrong resume codes: each code may be wrong this often per window, and
    # only a flood (per instance and minute) pauses resuming for everyone:
    # docs/architecture.md, "Resume codes", has the guessing odds.
    resume_failures_per_code: Annotated[int, Field(ge=1, le=100)] = 5
    resume_failures_per_minute: Annotated[int, Field(ge=1, le=100_000)] = 1200
    # The event stream's own address, handed to the widget with its token:
    # never a Firebase Hosting rewrite, which would buffer the stream
    # (docs/platform.md). Required in production; the local stack sets it.
    stream_url: str | None = Field(default=None, max_length=300, pattern=r"^https?://[^\s?#]+$")
    # App Check on staff calls (vtchat.http.require_app_check): on in
    # production, off on the emulators; "monitor" verifies and logs what it
    # would refuse without refusing, for the roll-out (docs/deploy.md).
    app_check: Literal["on", "monitor", "off"] = "on"
    # Pub/Sub's regional endpoint: required when the topics' storage policy is
    # enforced in transit (infra/pubsub.tf); None for the global one.
    pubsub_endpoint: str | None = Field(default=None, max_length=200)
    # Pub/Sub pushes (offer, tick) carry a Google-signed OIDC token of the push
    # service account for the function's own URL; the functions verify it
    # themselves (vtchat.pushauth). Always on in production; off by default on
    # the emulators, whose pushes carry no token.
    push_auth: bool = True
    push_service_account: str | None = Field(default=None, max_length=200)
    # Function name (offer, tick) -> the audience its tokens are minted for.
    push_audiences: dict[str, str] = Field(default_factory=dict)
    # Google's keys for its OIDC tokens (JWK Set); tests serve their own.
    push_certs_url: str = Field(default=GOOGLE_CERTS_URL, max_length=300)
    # Staff must have signed in with a second factor: the ID token's
    # `firebase.sign_in_second_factor` claim (identity.tf makes it mandatory).
    # Always on in production; off by default on the emulators.
    staff_second_factor: bool = True

    @model_validator(mode="after")
    def _presence_in_order(self) -> Settings:
        if not self.visitor_seen_refresh < self.visitor_stale <= self.visitor_grace:
            raise ValueError("expected visitor_seen_refresh < visitor_stale <= visitor_grace")
        return self

    @model_validator(mode="after")
    def _typing_outlasts_its_refresh(self) -> Settings:
        # Else the indicator would blink off between two writes of one typist.
        if not timedelta(0) < self.typing_every < self.typing_ttl:
            raise ValueError("expected 0 < typing_every < typing_ttl")
        return self

    @model_validator(mode="after")
    def _resume_key_in_production(self) -> Settings:
        if not (self.emulated or self.operator) and self.resume_key is None:
            raise ValueError("VTCHAT_RESUME_KEY is required outside the emulators")
        return self

    @model_validator(mode="after")
    def _previous_key_differs(self) -> Settings:
        previous = self.session_key_previous
        current = self.session_key.get_secret_value()
        if previous is not None and previous.get_secret_value() == current:
            raise ValueError("VTCHAT_SESSION_KEY_PREVIOUS must differ from VTCHAT_SESSION_KEY")
        return self

    @property
    def resume_code_key(self) -> bytes:
        key = self.resume_key.get_secret_value() if self.resume_key else _EMULATOR_RESUME_KEY
        return key.encode("utf-8")

    @model_validator(mode="after")
    def _stream_url_in_production(self) -> Settings:
        if self.operator:
            return self
        if not self.emulated and not (self.stream_url or "").startswith("https://"):
            raise ValueError("VTCHAT_STREAM_URL must be the stream function's https URL")
        return self

    @model_validator(mode="after")
    def _locks_on_in_production(self) -> Settings:
        # Both switches exist for the emulators only: the Pub/Sub emulator signs
        # no pushes and the Auth emulator knows no TOTP (docs/deploy.md).
        if self.emulated or self.operator:
            return self
        if not (self.push_auth and self.staff_second_factor):
            raise ValueError("VTCHAT_PUSH_AUTH and VTCHAT_STAFF_SECOND_FACTOR must be on")
        return self

    @property
    def routing(self) -> RoutingPolicy:
        return RoutingPolicy(
            fallback_after=self.fallback_after,
            reoffer_after=self.reoffer_after,
            widen_by=self.fallback_widen_by,
            mean_chat=self.mean_chat,
        )


def _minutes(name: str) -> timedelta | None:
    raw = os.environ.get(name)
    return timedelta(minutes=float(raw)) if raw else None


_SWITCHES = {"on": True, "off": False}


def _switch(env: str, *, default: bool) -> bool:
    raw = os.environ.get(env, "on" if default else "off").lower()
    if raw not in _SWITCHES:
        raise ValueError(f"{env} must be 'on' or 'off', not {raw!r}")
    return _SWITCHES[raw]


def load_settings(*, operator: bool = False) -> Settings:
    """The settings from the environment; `operator` for a command run by hand."""
    project = (
        os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT") or "demo-vtchat"
    )
    emulated = bool(os.environ.get("FIRESTORE_EMULATOR_HOST"))
    key = os.environ.get("VTCHAT_SESSION_KEY") or (_EMULATOR_SESSION_KEY if emulated else "")
    if operator and not key:
        # Signs nothing that leaves the process: an operator holds no real key.
        key = secrets.token_urlsafe(48)
    previous_key = os.environ.get("VTCHAT_SESSION_KEY_PREVIOUS") or None
    resume_key = os.environ.get("VTCHAT_RESUME_KEY") or None
    overrides: dict[str, object] = {}
    for field, env in (
        ("session_max_lifetime", "VTCHAT_SESSION_MAX_MINUTES"),
        ("content_retention", "VTCHAT_CONTENT_RETENTION_MINUTES"),
        ("unserved_retention", "VTCHAT_UNSERVED_RETENTION_MINUTES"),
        ("stream_max_duration", "VTCHAT_STREAM_MAX_MINUTES"),
        ("fallback_after", "VTCHAT_FALLBACK_AFTER_MINUTES"),
        ("reoffer_after", "VTCHAT_REOFFER_AFTER_MINUTES"),
        ("mean_chat", "VTCHAT_MEAN_CHAT_MINUTES"),
        ("visitor_grace", "VTCHAT_VISITOR_GRACE_MINUTES"),
        ("advisor_grace", "VTCHAT_ADVISOR_GRACE_MINUTES"),
        ("language_wait", "VTCHAT_LANGUAGE_WAIT_MINUTES"),
        ("unanswered_after", "VTCHAT_UNANSWERED_MINUTES"),
    ):
        value = _minutes(env)
        if value is not None:
            overrides[field] = value
    for field, env in (
        ("messages_per_minute", "VTCHAT_MESSAGES_PER_MINUTE"),
        ("message_burst", "VTCHAT_MESSAGE_BURST"),
        ("intakes_per_minute", "VTCHAT_INTAKES_PER_MINUTE"),
        ("max_waiting_per_org", "VTCHAT_MAX_WAITING_PER_ORG"),
        ("proof_base_number", "VTCHAT_PROOF_BASE_NUMBER"),
    ):
        if raw := os.environ.get(env):
            overrides[field] = raw
    if audit_days := os.environ.get("VTCHAT_AUDIT_RETENTION_DAYS"):
        overrides["audit_retention"] = timedelta(days=int(audit_days))
    app_check = os.environ.get("VTCHAT_APP_CHECK", "off" if emulated else "on").lower()
    if app_check not in ("on", "monitor", "off"):
        raise ValueError(f"VTCHAT_APP_CHECK must be 'on', 'monitor' or 'off', not {app_check!r}")
    overrides["app_check"] = app_check
    overrides["push_auth"] = _switch("VTCHAT_PUSH_AUTH", default=not emulated)
    overrides["staff_second_factor"] = _switch("VTCHAT_STAFF_SECOND_FACTOR", default=not emulated)
    if push_account := os.environ.get("VTCHAT_PUSH_SERVICE_ACCOUNT"):
        overrides["push_service_account"] = push_account
    if push_audiences := os.environ.get("VTCHAT_PUSH_AUDIENCES"):
        overrides["push_audiences"] = json.loads(push_audiences)
    if overrides["push_auth"] and not (emulated or operator):
        # Checked here, not per push: a deployment without them fails at start-up.
        audiences = overrides.get("push_audiences")
        if (
            "push_service_account" not in overrides
            or not isinstance(audiences, dict)
            or not ({"offer", "tick"} <= audiences.keys())
        ):
            raise ValueError("VTCHAT_PUSH_SERVICE_ACCOUNT and VTCHAT_PUSH_AUDIENCES are required")
    if pubsub_endpoint := os.environ.get("VTCHAT_PUBSUB_ENDPOINT"):
        overrides["pubsub_endpoint"] = pubsub_endpoint
    if stream_url := os.environ.get("VTCHAT_STREAM_URL"):
        overrides["stream_url"] = stream_url
    if schedule_file := os.environ.get("VTCHAT_SCHEDULE_FILE"):
        overrides["schedule_file"] = Path(schedule_file)
    return Settings.model_validate(
        {
            "project_id": project,
            "emulated": emulated,
            "operator": operator,
            "session_key": key,
            "session_key_previous": previous_key,
            "resume_key": resume_key,
            **overrides,
        }
    )


@functools.cache
def settings() -> Settings:
    return load_settings()
