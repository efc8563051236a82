"""One exception root for everything the chat refuses or fails at.

Each subclass fixes the HTTP status; the `code` is stable for clients (the
widget and console switch on it) and the message is Dutch, because it is shown
to visitors and advisors as it is. `vtchat.http` is the only place that turns
these into responses.

A code other than its class's own is declared where it is raised, with what it
means to a client: `NAME = declare("name", Conflict, "meaning")` at the top of
the raising module (a code raised by several modules is declared at the end of
this one). vtchat.openapi describes every declared code, and
tests/unit/test_error_contract.py follows each entry point's calls to check
that its description lists exactly the codes it can raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class ChatError(Exception):
    """Root of every error the functions answer deliberately."""

    status: int = 500
    code: str = "internal"
    # What the class's own code means to a client; empty: never answered as is.
    meaning: str = "an unexpected failure (no details)"
    default_message: str = (
        "Er ging iets mis aan onze kant. Probeer het zo nog eens, of bel Veilig Thuis: 0800 2000."
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, str] | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        self.fields = dict(fields or {})
        # Extra facts a client shows beside the message (e.g. opening hours).
        self.details = dict(details or {})
        super().__init__(self.message)


class BadRequest(ChatError):
    status = 400
    code = "bad_request"
    meaning = ""
    default_message = "Het verzoek kon niet worden gelezen."


class Unauthenticated(ChatError):
    status = 401
    code = "unauthenticated"
    meaning = "the Firebase ID token is invalid or expired"
    default_message = "Je bent niet (meer) aangemeld. Start de chat opnieuw."


class Forbidden(ChatError):
    status = 403
    code = "forbidden"
    meaning = ""
    default_message = "Dit mag je niet doen."


class NotFound(ChatError):
    status = 404
    code = "not_found"
    meaning = "no such chat (any more)"
    default_message = "Dit gesprek bestaat niet (meer)."


class MethodNotAllowed(ChatError):
    status = 405
    code = "method_not_allowed"
    meaning = ""
    default_message = "Deze methode wordt hier niet ondersteund."


class Conflict(ChatError):
    status = 409
    code = "conflict"
    meaning = ""
    default_message = "Dit kan nu niet: de toestand van het gesprek is veranderd."


class ChatClosed(Conflict):
    """An intake outside the region's opening hours; running chats are never cut off."""

    code = "chat_closed"
    meaning = "the region is closed now; `details` has region, opensAt, hours and phone"
    default_message = (
        "De chat is nu gesloten. Bel gratis en anoniem met Veilig Thuis: 0800 2000, "
        "dag en nacht bereikbaar. Bij direct gevaar: bel 112."
    )


class UnsupportedMediaType(ChatError):
    # Only JSON: a text/plain POST needs no CORS preflight, so any web page
    # could make its visitors' browsers call the API unseen.
    status = 415
    code = "unsupported_media_type"
    meaning = "the body is not sent as application/json"
    default_message = "Het verzoek moet JSON zijn (Content-Type: application/json)."


class PayloadTooLarge(ChatError):
    status = 413
    code = "payload_too_large"
    meaning = "the body exceeds 32 KiB"
    default_message = "Het bericht is te groot."


class InvalidInput(ChatError):
    status = 422
    code = "invalid_input"
    meaning = "a field is wrong; `fields` maps each to a Dutch message"
    default_message = "Niet alle velden zijn goed ingevuld."


class RateLimited(ChatError):
    status = 429
    code = "rate_limited"
    meaning = "too many messages in a short time; `details` has retryAfterSeconds and phone"
    default_message = "Je stuurt veel berichten achter elkaar. Wacht even en probeer het opnieuw."

    def __init__(
        self, message: str | None = None, *, retry_after_seconds: int, code: str | None = None
    ) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(
            message,
            code=code,
            details={"retryAfterSeconds": retry_after_seconds, "phone": "0800 2000"},
        )


class Busy(RateLimited):
    """No room for a new chat right now: said kindly, with the phone as the way on."""

    code = "busy"
    meaning = "no room for a new chat now; `details` has retryAfterSeconds and phone"
    default_message = (
        "Het is nu erg druk in de chat. Probeer het over een paar minuten opnieuw, of bel "
        "gratis en anoniem met Veilig Thuis: 0800 2000. Bij direct gevaar: bel 112."
    )


class ProofRequired(ChatError):
    """The intake's puzzle is missing, wrong, used or too easy for the load now.

    `details.challenge` is a fresh one; the widget solves it and sends again.
    """

    status = 403
    code = "proof_invalid"
    meaning = ""
    default_message = (
        "Je browser moet nog even rekenen voordat de chat kan starten. Een moment geduld."
    )


class Unavailable(ChatError):
    status = 503
    code = "unavailable"
    meaning = "a dependency is unavailable"
    default_message = (
        "De chat is even niet bereikbaar. Probeer het zo opnieuw, of bel Veilig Thuis: 0800 2000."
    )


@dataclass(frozen=True)
class Declared:
    """An error code raised with `code=`: its class (so its status) and its meaning."""

    code: str
    cls: type[ChatError]
    meaning: str

    @property
    def status(self) -> int:
        return self.cls.status


# Every declared code, filled as the raising modules are imported.
DECLARED: dict[str, Declared] = {}


def declare(code: str, cls: type[ChatError], meaning: str) -> str:
    """Declare an error code where it is raised; returns the code for `code=`."""
    declared = Declared(code, cls, meaning)
    # The same declaration again is a module run as __main__ and imported too.
    if DECLARED.get(code, declared) != declared or (code == cls.code and cls.meaning):
        raise ValueError(f"error code {code!r} is declared twice")
    DECLARED[code] = declared
    return code


# Codes that several modules raise.
ADVISOR_OFFLINE = declare("advisor_offline", Conflict, "the advisor is not online")
AT_CAPACITY = declare("at_capacity", Conflict, "the advisor has their maximum of chats")
CHAT_ENDED = declare("chat_ended", Conflict, "the chat has ended")
CHAT_NOT_ACTIVE = declare("chat_not_active", Conflict, "the chat is not active (yet)")
NOT_SUPERVISOR = declare(
    "not_supervisor",
    Forbidden,
    "only a supervisor may do this (take a chat over, see figures)",
)
NOT_YOUR_CHAT = declare("not_your_chat", Forbidden, "the chat is not assigned to the caller")
