"""One exception root for everything the chat refuses or fails at.

Each subclass fixes the HTTP status; the `code` is stable for clients (the
widget and console switch on it) and the message is Dutch, because it is shown
to visitors and advisors as it is. `vtchat.http` is the only place that turns
these into responses.
"""

from __future__ import annotations

from collections.abc import Mapping


class ChatError(Exception):
    """Root of every error the functions answer deliberately."""

    status: int = 500
    code: str = "internal"
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
    default_message = "Het verzoek kon niet worden gelezen."


class Unauthenticated(ChatError):
    status = 401
    code = "unauthenticated"
    default_message = "Je bent niet (meer) aangemeld. Start de chat opnieuw."


class Forbidden(ChatError):
    status = 403
    code = "forbidden"
    default_message = "Dit mag je niet doen."


class NotFound(ChatError):
    status = 404
    code = "not_found"
    default_message = "Dit gesprek bestaat niet (meer)."


class MethodNotAllowed(ChatError):
    status = 405
    code = "method_not_allowed"
    default_message = "Deze methode wordt hier niet ondersteund."


class Conflict(ChatError):
    status = 409
    code = "conflict"
    default_message = "Dit kan nu niet: de toestand van het gesprek is veranderd."


class ChatClosed(Conflict):
    """An intake outside the region's opening hours; running chats are never cut off."""

    code = "chat_closed"
    default_message = (
        "De chat is nu gesloten. Bel gratis en anoniem met Veilig Thuis: 0800 2000, "
        "dag en nacht bereikbaar. Bij direct gevaar: bel 112."
    )


class UnsupportedMediaType(ChatError):
    # Only JSON: a text/plain POST needs no CORS preflight, so any web page
    # could make its visitors' browsers call the API unseen.
    status = 415
    code = "unsupported_media_type"
    default_message = "Het verzoek moet JSON zijn (Content-Type: application/json)."


class PayloadTooLarge(ChatError):
    status = 413
    code = "payload_too_large"
    default_message = "Het bericht is te groot."


class InvalidInput(ChatError):
    status = 422
    code = "invalid_input"
    default_message = "Niet alle velden zijn goed ingevuld."


class RateLimited(ChatError):
    status = 429
    code = "rate_limited"
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
    default_message = (
        "Je browser moet nog even rekenen voordat de chat kan starten. Een moment geduld."
    )


class Unavailable(ChatError):
    status = 503
    code = "unavailable"
    default_message = (
        "De chat is even niet bereikbaar. Probeer het zo opnieuw, of bel Veilig Thuis: 0800 2000."
    )
