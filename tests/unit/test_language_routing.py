"""The pure parts of routing by language (vtchat.language): who may take, whom to offer, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.test_evaluation import T0, record, tables_of
from vtchat.cli.admin import claim_languages
from vtchat.models import ChatRecordDoc, SessionDoc
from vtchat.records import record_of
from vtchat.routing import WaitingChat, language_offer, may_pair, reserved_language
from vtchat.services import staff_languages


def chat(**changes: object) -> SessionDoc:
    base: dict[str, object] = {
        "region": "utrecht",
        "org": "utrecht",
        "state": "waiting",
        "nickname": "Merel",
        "age_band": "16-17",
        "gender": "woman",
        "created_at": T0,
        "queued_at": T0,
        "expire_at": T0 + timedelta(hours=28),
        "language": "tr",
        "language_until": T0 + timedelta(minutes=5),
    }
    base.update(changes)
    return SessionDoc.model_validate(base)


def test_a_chat_is_kept_for_its_language_until_the_tick_releases_it() -> None:
    assert reserved_language(chat()) == "tr"
    assert reserved_language(chat(language="nl", language_until=None)) is None
    # Released (or paired): any advisor may take it again.
    assert reserved_language(chat(language_until=None)) is None
    assert reserved_language(chat(state="active")) is None
    assert may_pair("tr", ["nl", "tr"]) and not may_pair("tr", ["nl", "en"])
    assert may_pair(None, ["nl"])


def test_a_language_offer_reaches_every_other_organisation_with_a_speaker_once() -> None:
    waiting = WaitingChat.of("s1", chat())
    speakers = {"utrecht": {"nl", "tr"}, "drenthe": {"nl", "tr"}, "haaglanden": {"nl", "en"}}
    offer = language_offer(waiting, speakers=speakers)
    assert offer is not None and offer.for_language
    # Its own organisation's speakers take it from its own queue.
    assert (offer.round, offer.previous_round, offer.candidates) == (1, 0, ("drenthe",))
    offered = WaitingChat.of("s1", chat(offer_round=1, offered_to=["drenthe"]))
    assert language_offer(offered, speakers=speakers) is None
    # A new speaker elsewhere: one round up, earlier candidates kept.
    more = {**speakers, "zeeland": {"nl", "tr"}}
    again = language_offer(offered, speakers=more)
    assert again is not None
    assert (again.round, again.candidates) == (2, ("drenthe", "zeeland"))
    assert language_offer(WaitingChat.of("s2", chat(language_until=None)), speakers=more) is None


def test_the_langs_claim_always_holds_dutch_and_only_known_languages() -> None:
    assert claim_languages([]) == ["nl"]
    assert claim_languages(["tr", "en", "nl"]) == ["nl", "en", "tr"]
    with pytest.raises(SystemExit):
        claim_languages(["tr", "fr"])
    # Read from a token: a missing or odd claim means Dutch only.
    assert staff_languages(None) == ["nl"]
    assert staff_languages("tr") == ["nl"]
    assert staff_languages(["ar", "xx"]) == ["nl", "ar"]


def test_the_record_keeps_the_language() -> None:
    ended = record_of(chat(), ended_at=T0 + timedelta(minutes=3), ended_by="visitor")
    assert ended.language == "tr"


def test_chats_per_language_hide_small_cells_and_one_more_beside_the_total() -> None:
    records = (
        [record() for _ in range(20)]
        + [record(language="tr") for _ in range(6)]
        + [record(language="en") for _ in range(2)]
    )
    table = tables_of(records, org="utrecht")["taal"]
    counts = {row[0]: row[1] for row in table.rows}
    # English (2) is small; with the total of 28 shown beside, 28 - 20 - 6
    # would give it away, so the smallest other count is hidden too.
    assert counts == {
        "Nederlands": 20,
        "Engels": None,
        "Turks": "x",
        "Arabisch": 0,
        "Pools": 0,
        "Oekraïens": 0,
    }
    assert table.suppressed == 2
    summary = tables_of(records, org="utrecht")["samenvatting-per-maand"]
    assert summary.rows[0][2] == 28


def test_old_records_without_a_language_count_as_dutch() -> None:
    stored = record().model_dump(by_alias=True)
    stored.pop("language")
    assert ChatRecordDoc.model_validate(stored).language == "nl"
