"""Service-level figures on the emulators: the record's first reply, GET /api/report and the CSV.

A real chat leaves `firstReplyMinutes` in its anonymous record (whole minutes
from the queue to the advisor's first message); a seeded month gives the
weekly tables through the API a supervisor calls and the command's CSV files.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.functions.test_fallback import online
from tests.support import Functions, create_staff, new_id
from tests.unit.test_evaluation import T0, record
from vtchat import lifecycle, relay, report
from vtchat.models import MessageRequest
from vtchat.services import Services
from vtchat.store import to_doc

pytestmark = pytest.mark.emulators

WEEK = "2026-W45"  # T0: Tuesday 3 November 2026


def stored_record(svc: Services, chat: str) -> dict[str, Any]:
    record_id = (svc.store.session(chat).get().to_dict() or {})["recordId"]
    return dict(svc.store.chat_record(record_id).get().to_dict() or {})


def test_a_chat_leaves_its_first_reply_in_whole_minutes_and_a_silent_one_none(
    functions: Functions, svc: Services
) -> None:
    anna = online(svc, "utrecht", "anna", capacity=2)
    answered = functions.intake(region="utrecht", nickname="Merel")["sessionId"]
    silent = functions.intake(region="utrecht", nickname="Sanne")["sessionId"]
    # Merel queued 3 min 10 s before Anna's first message.
    queued = datetime.now(UTC) - timedelta(minutes=3, seconds=10)
    svc.store.session(answered).update({"queuedAt": queued})
    for text in ("Hoi Merel.", "Ik ben er."):
        request = MessageRequest(session_id=answered, message_id=new_id(), text=text)
        relay.post_message(svc, request, staff=anna)
    for chat in (answered, silent):
        lifecycle.end_chat(svc, session_id=chat, ended_by="advisor", staff=anna)
    assert stored_record(svc, answered)["firstReplyMinutes"] == 3
    assert stored_record(svc, silent)["firstReplyMinutes"] is None


def seed(svc: Services) -> None:
    records = (
        [record(first_reply_minutes=0)] * 5
        + [record(first_reply_minutes=2)] * 5
        + [record(first_reply_minutes=7)] * 5
        + [record(served=False, answering_org=None, duration_minutes=None, first_reply_minutes=None,
                  ended_how="visitor_left_while_waiting", waited_minutes=4)] * 5
    )  # fmt: skip
    batch = svc.store.client.batch()
    for index, item in enumerate(records):
        batch.set(svc.store.chat_record(f"sl{index}"), to_doc(item))
    batch.commit()


def by_week(table: dict[str, Any]) -> dict[str, Any]:
    (row,) = [r for r in table["rows"] if r[0] == WEEK]
    return dict(zip(table["columns"], row, strict=True))


def test_a_supervisor_gets_the_weekly_service_levels_of_their_region(
    functions: Functions, svc: Services
) -> None:
    seed(svc)
    supervisor = create_staff(org="utrecht", role="supervisor")
    response = functions.client("report").get(
        "/",
        query_string={"from": "2026-11-01", "to": "2026-12-01"},
        headers={"Authorization": f"Bearer {supervisor.id_token}"},
    )
    assert response.status_code == 200, response.get_json()
    tables = {t["name"]: t for t in response.get_json()["tables"]}
    first = by_week(tables["eerste-antwoord"])
    assert (first["aangeboden"], first["<1 min"], first["1-2 min"], first["5-9 min"]) == (
        20, 5, 5, 5,
    )  # fmt: skip
    assert first["geen antwoord"] == 5 and first["mediaan (min)"] == 2
    within = by_week(tables["binnen-termijn"])
    assert [within[f"binnen {m} min (%)"] for m in (1, 3, 5)] == [25.0, 50.0, 50.0]
    gave_up = by_week(tables["wachttijd-opgegeven"])
    assert (gave_up["weg tijdens wachten"], gave_up["3-4 min"]) == (5, 5)
    assert T0.month == 11


def test_the_csv_has_the_same_tables(svc: Services, tmp_path: Path) -> None:
    seed(svc)
    assert report.main(["--from", "2026-11-01", "--to", "2026-12-01", "--out", str(tmp_path)]) == 0
    raw = (tmp_path / "2026-11" / "binnen-termijn.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(raw.splitlines(), delimiter=";"))
    assert rows[0] == ["week", "aangeboden", "binnen 1 min (%)", "binnen 3 min (%)",
                       "binnen 5 min (%)"]  # fmt: skip
    assert [r for r in rows if r[0] == WEEK] == [[WEEK, "20", "25,0", "50,0", "50,0"]]
