"""Standard texts (canned responses) for the console: national and per organisation.

Data with a schema (`data/standard_texts.json`); an organisation's own texts
are the file's until its supervisors save their own (vtchat.regioncontent,
which answers `GET /api/texts`). The console fills in the
placeholders for the chat at hand ({regio}, {organisatie}, {lokale_hulp},
{telefoon}) from `GET /api/regions`, so an advisor answering for another region
inserts that region's local help.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

from vtchat.models import OrgId

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class StandardText(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]
    title: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class StandardTextsFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    placeholders: dict[str, str]
    national: Annotated[list[StandardText], Field(min_length=1)]
    organisations: dict[OrgId, list[StandardText]] = {}

    @model_validator(mode="after")
    def _known_placeholders_and_unique_ids(self) -> StandardTextsFile:
        for org, texts in [("national", self.national), *self.organisations.items()]:
            ids = [t.id for t in texts]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{org}: text ids repeat")
            for text in texts:
                unknown = set(_PLACEHOLDER.findall(text.body)) - set(self.placeholders)
                if unknown:
                    raise ValueError(f"{org}/{text.id}: unknown placeholders {sorted(unknown)}")
        return self


class StandardTextsResponse(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    placeholders: dict[str, str]
    texts: list[StandardText]


@functools.cache
def load_texts() -> StandardTextsFile:
    raw = resources.files("vtchat").joinpath("data/standard_texts.json").read_text("utf-8")
    return StandardTextsFile.model_validate(json.loads(raw))
