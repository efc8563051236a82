"""Runtime configuration, read once per instance from the environment.

Limits and retention are data with a schema: every value is validated here so
a wrong deployment setting fails at start-up, not in the middle of a chat.
"""

from __future__ import annotations

import functools
import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from vtchat.routing import RoutingPolicy

# Only for the emulators: a deployment without VTCHAT_SESSION_KEY refuses to start.
_EMULATOR_SESSION_KEY = "local-emulator-key-not-secret-0123456789abcdef"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    project_id: str = Field(min_length=1, max_length=64)
    emulated: bool
    session_key: SecretStr = Field(min_length=32)
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
    # The domain's typical chat (15-20 minutes): the basis of wait estimates.
    mean_chat: timedelta = timedelta(minutes=17)
    # How stale the public status may be; it is served from instance memory.
    status_refresh: timedelta = timedelta(seconds=5)
    # Another schedule than the shipped one (tests, a demo that is always open).
    schedule_file: Path | None = None

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


def load_settings() -> Settings:
    project = (
        os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT") or "demo-vtchat"
    )
    emulated = bool(os.environ.get("FIRESTORE_EMULATOR_HOST"))
    key = os.environ.get("VTCHAT_SESSION_KEY") or (_EMULATOR_SESSION_KEY if emulated else "")
    overrides: dict[str, object] = {}
    for field, env in (
        ("session_max_lifetime", "VTCHAT_SESSION_MAX_MINUTES"),
        ("content_retention", "VTCHAT_CONTENT_RETENTION_MINUTES"),
        ("unserved_retention", "VTCHAT_UNSERVED_RETENTION_MINUTES"),
        ("stream_max_duration", "VTCHAT_STREAM_MAX_MINUTES"),
        ("fallback_after", "VTCHAT_FALLBACK_AFTER_MINUTES"),
        ("reoffer_after", "VTCHAT_REOFFER_AFTER_MINUTES"),
        ("mean_chat", "VTCHAT_MEAN_CHAT_MINUTES"),
    ):
        value = _minutes(env)
        if value is not None:
            overrides[field] = value
    if schedule_file := os.environ.get("VTCHAT_SCHEDULE_FILE"):
        overrides["schedule_file"] = Path(schedule_file)
    return Settings.model_validate(
        {"project_id": project, "emulated": emulated, "session_key": key, **overrides}
    )


@functools.cache
def settings() -> Settings:
    return load_settings()
