"""The regional Veilig Thuis organisations and the postcode-to-region mapping.

Organisations are a validated data file shipped with the code
(`data/organisations.json`); the postcode mapping is reference data loaded into
Firestore by `python -m vtchat.admin load-postcodes`, so a January boundary
change is a data load, not a code change. Both are read once per instance.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

from vtchat.errors import InvalidInput, Unavailable, declare
from vtchat.models import ReferralOut, RegionInfo, RegionsResponse

# The error codes raised here (vtchat.openapi describes them).
POSTCODE_UNKNOWN = declare("postcode_unknown", InvalidInput, "the postcode is not known")
POSTCODES_UNAVAILABLE = declare(
    "postcodes_unavailable",
    Unavailable,
    "the postcode table cannot be read now",
)
REGION_UNKNOWN = declare("region_unknown", InvalidInput, "no such region")

if TYPE_CHECKING:
    from vtchat.store import Store

_POSTCODE_CACHE_SECONDS = 600.0
_PC4 = re.compile(r"[1-9][0-9]{3}")


class Referral(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    description: Annotated[str, StringConstraints(max_length=300)] = ""
    url: Annotated[str, StringConstraints(pattern=r"^https://", max_length=300)] | None = None
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None


class Organisation(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    name: Annotated[str, StringConstraints(min_length=3, max_length=120)]
    short_name: Annotated[str, StringConstraints(min_length=2, max_length=80)]
    # Names under which reference tables (CBS, source texts) know this organisation.
    aliases: list[Annotated[str, StringConstraints(min_length=2, max_length=80)]] = []
    referrals: list[Referral] = []
    # Who is offered this region's waiting chats when it is too busy, nearest
    # first; after this list every other open organisation (national).
    fallback: list[str] = []


class OrganisationsFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )

    version: Annotated[int, Field(ge=1)]
    organisations: Annotated[list[Organisation], Field(min_length=1)]
    # National organisations every region may refer to, shown after the local ones.
    shared_referrals: list[Referral] = []

    @model_validator(mode="after")
    def _unique(self) -> OrganisationsFile:
        ids = [org.id for org in self.organisations]
        if len(set(ids)) != len(ids):
            raise ValueError("organisation ids must be unique")
        known = set(ids)
        for org in self.organisations:
            if org.id in org.fallback or len(set(org.fallback)) != len(org.fallback):
                raise ValueError(f"{org.id}: fallback must list other organisations once each")
            if unknown := set(org.fallback) - known:
                raise ValueError(f"{org.id}: fallback names unknown ids {sorted(unknown)}")
        aliases = [a.casefold() for org in self.organisations for a in org.aliases]
        if len(set(aliases)) != len(aliases):
            raise ValueError("organisation aliases must be unique")
        return self


class Directory:
    """All organisations, by id and by any of their aliases."""

    def __init__(
        self, organisations: list[Organisation], *, shared_referrals: list[Referral] | None = None
    ) -> None:
        self._by_id = {org.id: org for org in organisations}
        self.shared_referrals = list(shared_referrals or [])
        self._by_alias = {
            alias.casefold(): org
            for org in organisations
            for alias in (*org.aliases, org.short_name)
        }

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._by_id

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, org_id: str) -> Organisation:
        try:
            return self._by_id[org_id]
        except KeyError as e:
            raise InvalidInput(
                "Kies een regio uit de lijst.",
                code=REGION_UNKNOWN,
                fields={"region": "Kies een regio uit de lijst."},
            ) from e

    def by_alias(self, name: str) -> Organisation | None:
        return self._by_alias.get(name.strip().casefold())

    def referrals(self, org_id: str) -> list[Referral]:
        """Local referral organisations first, then the national ones."""
        return [*self.get(org_id).referrals, *self.shared_referrals]


def public_directory(
    directory: Directory, *, local: Mapping[str, list[ReferralOut]] | None = None
) -> RegionsResponse:
    """`local`: an organisation's own stored referral list (vtchat.regioncontent), in place
    of the file's; the national ones follow either way."""
    local = local or {}
    shared = [
        ReferralOut(name=ref.name, description=ref.description, url=ref.url, phone=ref.phone)
        for ref in directory.shared_referrals
    ]
    return RegionsResponse(
        regions=[
            RegionInfo(
                id=org.id,
                name=org.name,
                short_name=org.short_name,
                referrals=[
                    *local.get(
                        org.id,
                        [
                            ReferralOut(
                                name=ref.name,
                                description=ref.description,
                                url=ref.url,
                                phone=ref.phone,
                            )
                            for ref in org.referrals
                        ],
                    ),
                    *shared,
                ],
            )
            for org in sorted(directory, key=lambda org: org.short_name)
        ]
    )


def parse_directory(raw: str) -> Directory:
    data = OrganisationsFile.model_validate(json.loads(raw))
    return Directory(data.organisations, shared_referrals=data.shared_referrals)


def load_directory() -> Directory:
    raw = resources.files("vtchat").joinpath("data/organisations.json").read_text("utf-8")
    return parse_directory(raw)


class PostcodeTableError(ValueError):
    """A postcode table that cannot be loaded as it is."""


def read_postcode_table(
    rows: Iterable[Mapping[str, str]], directory: Directory, *, column: str
) -> dict[str, str]:
    """PC4 → organisation id from rows shaped like `pc4_veilig_thuis.csv`.

    Refuses the whole table on any doubt (an unknown organisation name, a
    malformed or repeated PC4), so a half-wrong mapping never reaches routing.
    """
    mapping: dict[str, str] = {}
    unknown: set[str] = set()
    for line, row in enumerate(rows, start=2):
        pc4 = (row.get("pc4") or "").strip()
        name = (row.get(column) or "").strip()
        if not _PC4.fullmatch(pc4):
            raise PostcodeTableError(f"line {line}: not a 4-digit postcode: {pc4!r}")
        if pc4 in mapping:
            raise PostcodeTableError(f"line {line}: postcode {pc4} appears twice")
        org = directory.by_alias(name)
        if org is None:
            unknown.add(name)
            continue
        mapping[pc4] = org.id
    if unknown:
        raise PostcodeTableError(
            f"column {column!r} names organisations not in organisations.json: "
            + ", ".join(sorted(unknown))
        )
    if not mapping:
        raise PostcodeTableError("the table has no rows")
    return mapping


def split_by_leading_digit(mapping: Mapping[str, str]) -> dict[str, dict[str, str]]:
    shards: dict[str, dict[str, str]] = {}
    for pc4, org in sorted(mapping.items()):
        shards.setdefault(pc4[0], {})[pc4] = org
    return shards


class PostcodeIndex:
    """PC4 → organisation id, from the `postcodes` reference documents.

    The mapping is split into one document per leading digit (at most ~1,000
    entries each), so an instance warms its cache with nine reads and then
    serves every intake from memory.
    """

    def __init__(self, store: Store, directory: Directory) -> None:
        self._store = store
        self._directory = directory
        self._lock = threading.Lock()
        self._mapping: dict[str, str] = {}
        self._loaded_at = 0.0

    def _refresh(self) -> None:
        mapping: dict[str, str] = {}
        for snapshot in self._store.query(self._store.postcodes()):
            entries = (snapshot.to_dict() or {}).get("map", {})
            mapping.update({str(pc4): str(org) for pc4, org in entries.items()})
        if not mapping:
            raise Unavailable(
                "De postcodes zijn nog niet geladen. Kies je regio in de lijst.",
                code=POSTCODES_UNAVAILABLE,
            )
        self._mapping = mapping
        self._loaded_at = time.monotonic()

    def resolve(self, postcode: str) -> str:
        with self._lock:
            if not self._mapping or time.monotonic() - self._loaded_at > _POSTCODE_CACHE_SECONDS:
                self._refresh()
            org_id = self._mapping.get(postcode)
        if org_id is None or org_id not in self._directory:
            message = "We kennen deze postcode niet. Kies je regio in de lijst."
            raise InvalidInput(message, code=POSTCODE_UNKNOWN, fields={"postcode": message})
        return org_id
