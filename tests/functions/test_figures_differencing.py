"""Attack: work out a count under 5 by subtracting the figures of two requests.

Small cells are hidden per response; if a caller may choose any range, two
overlapping ranges (1-14 and 1-15 November) differ by one day, and every
count of that day is the difference of two large, shown counts. The same
holds inside one response: a total minus the shown parts is the hidden part.
Figures are therefore only given for whole calendar months, fixed cells that
never overlap, and every table hides a second cell next to a lone hidden one
against the totals the same response shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support import create_staff
from tests.unit.test_evaluation import T0, record
from vtchat.store import to_doc
from vtchat.tables import AMSTERDAM, next_month

pytestmark = pytest.mark.emulators

MINIMUM = 5
# Pairs of ranges a supervisor could ask for: they differ by a day, a week, a month.
OVERLAPPING = [
    (("2026-11-01", "2026-11-15"), ("2026-11-01", "2026-11-16")),
    (("2026-11-02", "2026-11-16"), ("2026-11-02", "2026-11-23")),
    (("2026-11-01", "2026-12-01"), ("2026-11-01", "2026-12-02")),
    (("2026-10-01", "2026-11-01"), ("2026-10-01", "2026-12-01")),
    (("2026-11-09", "2026-12-07"), ("2026-11-16", "2026-12-07")),
]


def seed(svc: Any) -> None:
    """Drenthe: twenty chats early in November, and two on Sunday 15 November at 22:00."""
    regular = [record(region="drenthe", queued_org="drenthe", answering_org="drenthe")] * 20
    rare = [
        record(region="drenthe", queued_org="drenthe", answering_org="drenthe",
               started=T0 + timedelta(days=12, hours=12), topics=["stalking"], age_band="12-16")
    ] * 2  # fmt: skip
    batch = svc.store.client.batch()
    for index, item in enumerate([*regular, *rare]):
        batch.set(svc.store.chat_record(f"d{index}"), to_doc(item))
    batch.commit()


def ask(functions: Any, token: str, start: str, end: str) -> Any:
    return functions.client("report").get(
        "/", query_string={"from": start, "to": end}, headers={"Authorization": f"Bearer {token}"}
    )


def cells(body: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    """Every shown count of a response, by table, row label and column."""
    shown: dict[tuple[str, str, str], int] = {}
    for table in body["tables"]:
        for row in table["rows"]:
            label = "|".join(str(v) for v in row[:2] if isinstance(v, str))
            for column, value in zip(table["columns"], row, strict=True):
                if isinstance(value, int):
                    shown[(table["name"], label, column)] = value
    if isinstance(body["chats"], int):
        shown[("chats", "", "")] = body["chats"]
    return shown


def differences(small: dict[str, Any], large: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    """Counts under the minimum that the subtraction of two responses reveals."""
    a, b = cells(small), cells(large)
    found = {key: b[key] - a.get(key, 0) for key in b if key in a or key[0] != "chats"}
    return {key: diff for key, diff in found.items() if 0 < diff < MINIMUM}


def test_overlapping_ranges_reveal_no_small_count(functions: Any, svc: Any) -> None:
    seed(svc)
    lead = create_staff(org="drenthe", role="supervisor")
    recovered: dict[tuple[str, str, str], int] = {}
    refused = 0
    for small, large in OVERLAPPING:
        first, second = ask(functions, lead.id_token, *small), ask(functions, lead.id_token, *large)
        if first.status_code != 200 or second.status_code != 200:
            for response in (first, second):
                if response.status_code != 200:
                    assert response.status_code == 400, response.get_json()
                    error = response.get_json()["error"]
                    assert error["code"] == "report_period"
                    assert "kalendermaand" in error["message"]
            refused += 1
            continue
        recovered |= differences(first.get_json(), second.get_json())
    # Before: the day 15 November gave away its two chats, their hour, age band and topic.
    assert recovered == {}, f"{len(recovered)} small counts recovered: {recovered}"
    assert refused == len(OVERLAPPING)
    # A whole month is still answered.
    month = ask(functions, lead.id_token, "2026-11-01", "2026-12-01")
    assert month.status_code == 200, month.get_json()
    assert month.get_json()["chats"] == 22


def test_a_total_minus_its_shown_parts_reveals_no_small_count(functions: Any, svc: Any) -> None:
    """Inside one response: the region total, the weeks of the trend, the hours."""
    seed(svc)
    lead = create_staff(org="drenthe", role="supervisor")
    body = ask(functions, lead.id_token, "2026-11-01", "2026-12-01").get_json()
    tables = {t["name"]: t for t in body["tables"]}
    trend = tables["trend-per-week"]["rows"]
    offered = [row[1] for row in trend]
    hidden = [value for value in offered if not isinstance(value, int)]
    # Week 46 (the two chats of Sunday 15 November) is hidden; so is a second
    # week, or 22 minus the shown weeks would be those two chats.
    assert len(hidden) != 1, trend
    hours = [row[1] for row in tables["tijdstip"]["rows"]]
    assert sum(1 for value in hours if not isinstance(value, int)) != 1, hours


def test_a_month_still_running_is_refused(functions: Any, svc: Any) -> None:
    """Asked today and tomorrow, a running month would differ by a day's chats."""
    lead = create_staff(org="drenthe", role="supervisor")
    today = datetime.now(AMSTERDAM).date()
    first = today.replace(day=1)
    answer = ask(functions, lead.id_token, first.isoformat(), next_month(first).isoformat())
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "report_period"


SHARES = ("leeftijd", "gender", "contact", "onderwerp", "advies", "verwijzing", "uitkomst")
# Tables whose national row is the sum of the regions' rows, and their count column(s).
ADDITIVE = {
    "trend-per-week": (1, 2, 3),
    "tijdstip": (1,),
    "weekdag": (1,),
    "taal": (1,),
    **dict.fromkeys(SHARES, (1,)),
}


def seed_two_regions(svc: Any) -> None:
    """Utrecht: 20 chats, 6 of them about stalking; Drenthe: 2 chats about stalking, aged 12-16."""
    utrecht = [record() for _ in range(14)] + [record(topics=["stalking"]) for _ in range(6)]
    drenthe = [
        record(region="drenthe", queued_org="drenthe", answering_org="drenthe",
               topics=["stalking"], age_band="12-16")
    ] * 2  # fmt: skip
    batch = svc.store.client.batch()
    for index, item in enumerate([*utrecht, *drenthe]):
        batch.set(svc.store.chat_record(f"n{index}"), to_doc(item))
    batch.commit()


def rows_by_label(body: dict[str, Any], name: str) -> dict[str, list[Any]]:
    table = next(t for t in body["tables"] if t["name"] == name)
    return {str(row[0]): row for row in table["rows"]}


def test_the_nation_minus_the_regions_reveals_no_small_count(functions: Any, svc: Any) -> None:
    """A national account asks for all regions together and for each region alone."""
    seed_two_regions(svc)
    lotte = create_staff(org="utrecht", role="national")
    month = {"from": "2026-11-01", "to": "2026-12-01"}

    def get(**org: str) -> dict[str, Any]:
        response = functions.client("report").get(
            "/",
            query_string={**month, **org},
            headers={"Authorization": f"Bearer {lotte.id_token}"},
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    national = get()
    regions = [get(org=org.id) for org in svc.directory]
    recovered: dict[str, int] = {}

    def subtract(what: str, total: Any, parts: list[Any]) -> None:
        unknown = [p for p in parts if not isinstance(p, int)]
        if isinstance(total, int) and len(unknown) == 1:
            value = total - sum(p for p in parts if isinstance(p, int))
            if 0 < value < MINIMUM:
                recovered[what] = value

    subtract("chats", national["chats"], [r["chats"] for r in regions])
    for name, columns in ADDITIVE.items():
        whole = rows_by_label(national, name)
        split = [rows_by_label(r, name) for r in regions]
        for label, row in whole.items():
            for column in columns:
                parts = [rows.get(label, [label, 0, 0, 0])[column] for rows in split]
                subtract(f"{name} {label} [{column}]", row[column], parts)
    # Before: Drenthe's two chats, their topic (stalking) and hour, by subtraction.
    assert recovered == {}, f"{len(recovered)} small counts recovered: {recovered}"
