import pytest
from pydantic import ValidationError

from vtchat.http import field_errors
from vtchat.intake import age_band
from vtchat.models import IntakeRequest, MessageRequest

VALID = {"nickname": "Merel", "age": 16, "gender": "woman", "postcode": "3511"}


def errors_of(body: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        IntakeRequest.model_validate(body)
    return field_errors(caught.value)


def test_a_complete_intake_is_accepted() -> None:
    request = IntakeRequest.model_validate({**VALID, "answers": {"about": "someone_else"}})
    assert request.postcode == "3511"
    assert request.answers.about == "someone_else"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"nickname": ""}, "nickname", "Vul dit veld in"),
        ({"nickname": "x" * 31}, "nickname", "maximaal 30"),
        ({"nickname": "kijk op www.voorbeeld.nl"}, "nickname", "internetadres"),
        ({"nickname": "https://x"}, "nickname", "internetadres"),
        ({"nickname": "naam\u202e"}, "nickname", "gewone letters"),
        ({"age": 3}, "age", "tussen 6 en 120"),
        ({"age": "16"}, "age", "tussen 6 en 120"),
        ({"gender": "f"}, "gender", "Kies een van"),
        ({"postcode": "3511AB"}, "postcode", "4 cijfers"),
        ({"postcode": "0123"}, "postcode", "4 cijfers"),
        ({"postcode": None}, "postcode", "postcode in, of kies je regio"),
        ({"region": "utrecht"}, "postcode", "postcode in, of kies je regio"),
        ({"ip": "1.2.3.4"}, "ip", "kennen we niet"),
        ({"answers": {"about": "iedereen"}}, "answers.about", "Kies een van"),
    ],
)
def test_bad_intake_fields_get_a_dutch_message_next_to_the_field(
    change: dict[str, object], field: str, fragment: str
) -> None:
    errors = errors_of({**VALID, **change})
    assert field in errors, errors
    assert fragment.lower() in errors[field].lower()


def test_message_text_limits() -> None:
    base = {"sessionId": "a" * 24, "messageId": "0b8f6a2e-6f1e-4d7e-9a57-3c1a3d0e9f11"}
    assert MessageRequest.model_validate({**base, "text": "x" * 2000}).text == "x" * 2000
    assert MessageRequest.model_validate({**base, "text": "regel 1\nregel 2"}).text
    for text in ("", "   ", "x" * 2001, "nul\x00byte"):
        with pytest.raises(ValidationError):
            MessageRequest.model_validate({**base, "text": text})
    with pytest.raises(ValidationError):
        MessageRequest.model_validate({**base, "messageId": "not-a-uuid", "text": "hoi"})


def test_markup_is_kept_as_plain_text() -> None:
    base = {"sessionId": "a" * 24, "messageId": "0b8f6a2e-6f1e-4d7e-9a57-3c1a3d0e9f11"}
    text = "<script>alert(1)</script> &amp;"
    assert MessageRequest.model_validate({**base, "text": text}).text == text


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (6, "<12"),
        (12, "12-15"),
        (15, "12-15"),
        (16, "16-17"),
        (17, "16-17"),
        (18, "18-23"),
        (30, "24-30"),
        (31, "31-40"),
        (64, "51-64"),
        (65, "65+"),
        (120, "65+"),
    ],
)
def test_only_an_age_band_is_kept(age: int, band: str) -> None:
    assert age_band(age) == band


def test_an_invitation_names_each_language_at_most_once_in_number() -> None:
    # A body of thousands of language codes would otherwise be read whole.
    from pydantic import ValidationError

    from vtchat.accounts import InviteRequest

    body = {"email": "anna@example.org", "displayName": "Anna"}
    InviteRequest.model_validate({**body, "languages": ["en", "tr"]})
    with pytest.raises(ValidationError):
        InviteRequest.model_validate({**body, "languages": ["en"] * 7})
