"""An organisation's own content: its local referral list and its standard texts.

Supervisors edit them in the console (`POST /api/savecontent`); this module
holds what may be saved and the checks, without Firestore (vtchat.regioncontent
stores it). What is checked, field by field, with a Dutch message each:

- no e-mail address anywhere (also written as `naam [at] domein.nl`);
- no phone number in free text (any run of 7 or more digits, spaces, dots or
  dashes between them allowed): a number belongs in a referral's `phone`
  field, and there only an organisation's number: no mobile number (06 or
  +316), which is nearly always a person's;
- links only to https: the `url` field is parsed with urllib.parse and must be
  `https://host/...` with a host name (no IP address, no port, no user name or
  password); in free text every link must be such an https link, and
  `javascript:`, `data:`, `http:` and their like are refused;
- no `<` or `>` (no HTML), no control or invisible formatting characters;
- a length limit per field and per list (and the request body's 32 KiB);
- in texts only the known placeholders ({regio}, {organisatie}, ...).

Names of people cannot be recognised reliably (a referral is itself a name);
the console asks supervisors not to write any, and every version keeps who
saved it.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from vtchat.models.common import _Model, _Request, has_forbidden_chars

MAX_REFERRALS = 15
MAX_TEXTS = 10
# The error type vtchat.http shows with its own Dutch message.
RULE = "content_rule"

_EMAIL = re.compile(
    r"[\w.%+-]+\s*(?:@|[\[(]\s*(?:at|apenstaartje)\s*[\])])\s*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}",
    re.IGNORECASE,
)
# Seven or more digits with at most separators between them: a phone number,
# a citizen service number (BSN), an account number.
_DIGITS = re.compile(r"\+?\d(?:[\s().\-/]{0,2}\d){6,}")
_MOBILE = re.compile(r"^(?:\+|00)?(?:31)?\s*\(?0?\)?\s*6")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{1,18}[0-9]$")
# A scheme in free text: refused unless the whole link is https (checked below).
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.\-]{1,20})\s*:\s*/{0,2}", re.IGNORECASE)
_DANGEROUS_SCHEMES = {"javascript", "data", "vbscript", "file", "http", "ftp", "mailto", "tel"}
_LINK = re.compile(r"https://\S+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")

# The placeholders the console fills in (data/standard_texts.json).
PLACEHOLDERS = ("{regio}", "{organisatie}", "{lokale_hulp}", "{telefoon}")


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError(RULE, message)


def _check_plain(value: str, *, newlines: bool = False) -> str:
    """What every field must pass: no HTML, no hidden characters, no e-mail address."""
    if has_forbidden_chars(value, allow_newlines=newlines):
        raise _refuse("Deze tekst bevat tekens die niet zijn toegestaan.")
    if "<" in value or ">" in value:
        raise _refuse("Gebruik geen < of > (geen HTML).")
    if _EMAIL.search(value):
        raise _refuse(
            "Geen e-mailadressen: die zijn vaak van een persoon. Verwijs naar een website "
            "of een algemeen telefoonnummer."
        )
    return value


def check_url(value: str) -> str:
    """An https link to a named host: parsed, not pattern-matched."""
    if any(char.isspace() for char in value):
        raise _refuse("Een link bevat geen spaties.")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as e:
        raise _refuse("Dit is geen geldige link.") from e
    if parts.scheme.lower() != "https":
        raise _refuse("Alleen links die met https:// beginnen.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise _refuse("Een link mag geen gebruikersnaam of wachtwoord bevatten.")
    _check_plain(value)
    host = (parts.hostname or "").rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise _refuse("Gebruik de naam van de website, geen IP-adres.")
    if port is not None or not _HOST.match(host):
        raise _refuse("Dit is geen geldige link: gebruik https://naam-van-de-website.nl/…")
    return value


def _check_free_text(value: str) -> str:
    """Names, descriptions, titles and bodies: no numbers of people, links only https."""
    _check_plain(value, newlines=True)
    for match in _SCHEME.finditer(value):
        scheme = match.group(1).lower()
        if scheme in _DANGEROUS_SCHEMES:
            raise _refuse("Alleen links die met https:// beginnen.")
    for link in _LINK.findall(value):
        check_url(link.rstrip(".,;:!?)"))
    without_links = _LINK.sub(" ", value)
    if _DIGITS.search(without_links):
        raise _refuse(
            "Geen telefoonnummers of andere lange nummers in de tekst. Een telefoonnummer "
            "van een organisatie hoort in het veld Telefoon; gebruik {telefoon} voor 0800 2000."
        )
    return value


def _check_phone(value: str) -> str:
    _check_plain(value)
    digits = re.sub(r"\D", "", value)
    if not _PHONE.match(value) or not 3 <= len(digits) <= 15:
        raise _refuse("Vul een telefoonnummer in met alleen cijfers, spaties of streepjes.")
    if _MOBILE.match(value) and len(digits) >= 10:
        raise _refuse(
            "Geen mobiele nummers (06): die zijn meestal van een persoon. Gebruik het algemene "
            "nummer van de organisatie."
        )
    return value


def _check_body(value: str) -> str:
    _check_free_text(value)
    unknown = sorted(set(_PLACEHOLDER.findall(value)) - set(PLACEHOLDERS))
    if unknown:
        raise _refuse(
            f"Onbekende invulplek {', '.join(unknown)}. Gebruik alleen {', '.join(PLACEHOLDERS)}."
        )
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_check_free_text),
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_check_free_text)
]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(check_url)
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20), AfterValidator(_check_phone)
]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_check_free_text),
]
Body = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1500),
    AfterValidator(_check_body),
]
TextId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]


class LocalReferral(_Request):
    """One organisation on the local referral list, as the widget and the console show it."""

    name: Name
    description: Description = ""
    url: Url | None = None
    phone: Phone | None = None


class LocalText(_Request):
    """One standard text of the organisation (after the national ones)."""

    id: TextId
    title: Title
    body: Body


def _check_referrals(value: list[LocalReferral]) -> list[LocalReferral]:
    if len(value) > MAX_REFERRALS:
        raise _refuse(f"Maximaal {MAX_REFERRALS} verwijzingen.")
    return value


def _check_texts(value: list[LocalText]) -> list[LocalText]:
    if len(value) > MAX_TEXTS:
        raise _refuse(f"Maximaal {MAX_TEXTS} eigen standaardteksten.")
    ids = [text.id for text in value]
    if len(set(ids)) != len(ids):
        raise _refuse("Twee teksten hebben dezelfde code.")
    return value


class ContentSaveRequest(_Request):
    """A new version of the caller's organisation's content.

    `baseVersion` is the version the supervisor edited (0: none stored yet);
    if someone saved after it, the save is refused (409 `content_stale`).
    """

    base_version: Annotated[int, Field(ge=0, le=1_000_000)]
    referrals: Annotated[list[LocalReferral], AfterValidator(_check_referrals)]
    texts: Annotated[list[LocalText], AfterValidator(_check_texts)]


class OrgContentDoc(_Model):
    """`orgContent/{org}` (the current version) and `orgContent/{org}/versions/{n}`.

    Kept, without TTL: a few kilobytes per version, no data about visitors;
    `savedBy`/`savedByName` say which staff member saved it (docs/privacy.md).
    """

    version: int
    referrals: list[LocalReferral]
    texts: list[LocalText]
    saved_at: datetime
    saved_by: str
    saved_by_name: str


class ContentVersionOut(_Model):
    version: int
    saved_at: datetime
    saved_by_name: str


class ContentResponse(_Model):
    """The organisation's content as the console edits it; version 0: none saved yet."""

    org: str
    version: int
    referrals: list[LocalReferral]
    texts: list[LocalText]
    saved_at: datetime | None = None
    saved_by_name: str | None = None
    # The national texts (read-only here): their ids cannot be taken.
    national_text_ids: list[str] = Field(default_factory=list)
    placeholders: dict[str, str] = Field(default_factory=dict)
    # Newest first, at most the last 50.
    history: list[ContentVersionOut] = Field(default_factory=list)


class ContentQuery(_Request):
    version: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
