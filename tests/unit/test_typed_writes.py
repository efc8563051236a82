"""Typed partial updates name only fields their document model has (camelCase, as stored)."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel

from vtchat.models import AdvisorDoc, AdvisorUpdate, SessionDoc, SessionUpdate

PAIRS: list[tuple[Any, type[BaseModel]]] = [
    (SessionUpdate, SessionDoc),
    (AdvisorUpdate, AdvisorDoc),
]


def _stored_names(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize(("update", "document"), PAIRS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_key_of_an_update_is_a_field_of_its_document(update: type, document: type) -> None:
    keys = set(typing.get_type_hints(update))
    assert keys, update.__name__
    assert keys - _stored_names(document) == set()


def test_updates_are_partial() -> None:
    for update, _ in PAIRS:
        assert update.__total__ is False, update.__name__
