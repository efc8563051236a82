"""The evaluation report from the records in Firestore, as CSV files a spreadsheet opens."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.support import create_staff
from tests.unit.test_evaluation import month_of_utrecht, record
from vtchat import report
from vtchat.store import to_doc

pytestmark = pytest.mark.emulators


def seed(svc: Any) -> int:
    records = [*month_of_utrecht(), record(started=month_of_utrecht()[0].started.replace(month=12))]
    batch = svc.store.client.batch()
    for index, item in enumerate(records):
        batch.set(svc.store.chat_record(f"r{index}"), to_doc(item))
    batch.commit()
    return len(records)


def read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def test_a_seeded_month_gives_exactly_its_totals(
    svc: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(svc)
    code = report.main(["--from", "2026-10-01", "--to", "2026-12-01", "--out", str(tmp_path)])
    assert code == 0
    month = tmp_path / "2026-11"
    summary = read(month / "samenvatting-per-maand.csv")
    assert summary[0][:4] == ["periode", "regio", "aangeboden", "beantwoord"]
    rows = {row[1]: row for row in summary[1:]}
    # Drenthe's two chats are hidden, and Utrecht's 33 and 27 with them: the
    # trend gives the month's total (35 offered, 29 answered).
    assert rows["utrecht"][:6] == ["2026-11", "utrecht", "x", "x", "6", "7"]
    assert rows["drenthe"][2:4] == ["<5", "<5"]
    assert read(month / "verrekening.csv")[1] == ["2026-11", "utrecht", "flevoland", "7", "210"]
    trend = read(month / "trend-per-week.csv")
    assert trend[0] == ["week", "aangeboden", "beantwoord", "weg tijdens wachten"]
    assert [row[0] for row in trend[1:]] == [f"2026-W{w}" for w in range(44, 50)]
    assert trend[2] == ["2026-W45", "35", "29", "6"]
    # Every month its own folder, never a table over both.
    october = read(tmp_path / "2026-10" / "trend-per-week.csv")
    assert [row[0] for row in october[1:]] == [f"2026-W{w}" for w in range(40, 45)]
    assert {row[1] for row in october[1:]} == {"0"}
    assert not (tmp_path / "samenvatting-per-maand.csv").exists()
    assert "cells suppressed" in capsys.readouterr().out


def test_one_region_and_only_whole_months(svc: Any, tmp_path: Path) -> None:
    seed(svc)
    report.main(
        ["--from", "2026-11-01", "--to", "2026-12-01", "--org", "drenthe",
         "--minimum", "2", "--out", str(tmp_path)]
    )  # fmt: skip
    rows = read(tmp_path / "2026-11" / "samenvatting-per-maand.csv")[1:]
    assert [(row[0], row[1], row[2]) for row in rows] == [("2026-11", "drenthe", "2")]
    for days in (["2026-11-01", "2026-11-30"], ["2026-11-02", "2026-12-01"]):
        with pytest.raises(SystemExit):
            report.main(["--from", days[0], "--to", days[1], "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        report.main(["--from", "2026-11-01", "--to", "2026-12-01", "--period", "week"])


def figures(functions: Any, token: str, **query: str) -> Any:
    return functions.client("report").get(
        "/", query_string=query, headers={"Authorization": f"Bearer {token}"}
    )


def test_supervisors_see_their_region_the_national_role_all_advisors_nothing(
    functions: Any, svc: Any
) -> None:
    seed(svc)
    month = {"from": "2026-11-01", "to": "2026-12-01"}
    lead = create_staff(org="drenthe", role="supervisor")
    own = figures(functions, lead.id_token, **month, org="utrecht")
    assert own.status_code == 200, own.get_json()
    body = own.get_json()
    # Two chats: the total is a cell like any other, suppressed.
    assert (body["org"], body["chats"], body["minimum"]) == ("drenthe", None, 5)
    summary = next(t for t in body["tables"] if t["name"] == "samenvatting-per-maand")
    assert summary["rows"][0][2:4] == [None, None]  # two chats: suppressed

    national = create_staff(org="utrecht", role="national")
    everything = figures(functions, national.id_token, **month).get_json()
    assert everything["chats"] == 35 and everything["org"] is None
    settlement = next(t for t in everything["tables"] if t["name"] == "verrekening")
    assert settlement["rows"] == [["2026-11", "utrecht", "flevoland", 7, 210]]
    trend = next(t for t in everything["tables"] if t["name"] == "trend-per-week")
    assert trend["rows"][:3] == [
        ["2026-W44", 0, 0, 0],
        ["2026-W45", 35, 29, 6],
        ["2026-W46", 0, 0, 0],
    ]
    refused = functions.post("availability", {"status": "online"}, token=national.id_token)
    assert refused.get_json()["error"]["code"] == "not_an_advisor"

    advisor = create_staff(org="utrecht")
    assert figures(functions, advisor.id_token, **month).status_code == 403
    wrong = figures(functions, lead.id_token, **{"from": "2026-12-01", "to": "2026-11-01"})
    assert wrong.status_code == 422
    for refused_query in (
        {"from": "2026-11-01", "to": "2026-11-15"},
        {"from": "2026-10-01", "to": "2026-12-01"},
        {**month, "period": "week"},
    ):
        answer = figures(functions, lead.id_token, **refused_query)
        assert answer.status_code == 400, refused_query
        assert answer.get_json()["error"]["code"] == "report_period"
    default = figures(functions, lead.id_token).get_json()
    assert default["period"] == "month" and default["from"].endswith("-01")
