"""The evaluation figures over synthetic records with known totals."""

from __future__ import annotations

import csv
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from vtchat.evaluation import cube_of, percentile, report, settlement
from vtchat.models import ChatRecordDoc
from vtchat.report import write_csv
from vtchat.tables import Cell, Table, is_whole_month, months_between, weeks_between

# Tuesday 3 November 2026, 10:00 in Amsterdam (09:00 UTC).
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def record(**changes: Any) -> ChatRecordDoc:
    base: dict[str, Any] = {
        "region": "utrecht",
        "queued_org": "utrecht",
        "answering_org": "utrecht",
        "month": "2026-11",
        "started": T0,
        "waited_minutes": 2,
        "duration_minutes": 17,
        "ended_how": "ended_by_advisor",
        "served": True,
        "transferred": False,
        "urgent": False,
        "via_fallback": False,
        "age_band": "24-30",
        "gender": "woman",
        "contact": "bystander",
        "topics": ["partner_violence"],
        "advice": ["call_veilig_thuis"],
        "referrals": ["wijkteam"],
        "outcome": "referred",
        "registered": True,
    }
    base.update(changes)
    return ChatRecordDoc.model_validate(base)


def tables_of(records: list[ChatRecordDoc], **options: Any) -> dict[str, Table]:
    return {t.name: t for t in report(records, **options)}


def by_label(table: Table) -> dict[Cell, Cell]:
    """A two-column table as label → count."""
    return {row[0]: row[1] for row in table.rows}


def month_of_utrecht() -> list[ChatRecordDoc]:
    served = [record(waited_minutes=w, duration_minutes=10 + w) for w in range(20)]
    left = [
        record(served=False, answering_org=None, duration_minutes=None, waited_minutes=4,
               ended_how="visitor_left_while_waiting", contact=None, topics=[], advice=[],
               referrals=[], outcome=None, registered=False)
        for _ in range(6)
    ]  # fmt: skip
    helped = [
        record(answering_org="flevoland", via_fallback=True, duration_minutes=30, urgent=True)
        for _ in range(7)
    ]
    rare = [record(region="drenthe", queued_org="drenthe", answering_org="drenthe")] * 2
    return served + left + helped + rare


def test_the_monthly_summary_gives_the_known_totals_and_hides_small_cells() -> None:
    table = tables_of(month_of_utrecht())["samenvatting-per-maand"]
    rows = {row[1]: row for row in table.rows}
    month, _, offered, answered, left, urgent, wait_median, wait_p90, duration = rows["utrecht"]
    # Drenthe's two chats are hidden; the two regions add up to the month's
    # total (35 chats, 29 answered), so Utrecht's counts are hidden with them.
    assert (month, offered, answered, left, urgent) == ("2026-11", "x", "x", 6, 7)
    alone = {
        row[1]: row for row in tables_of(month_of_utrecht()[:-2])["samenvatting-per-maand"].rows
    }
    assert alone["utrecht"][2:6] == (33, 27, 6, 7)
    waits = list(range(20)) + [2] * 7
    assert wait_median == statistics.median(waits) == 6
    assert wait_p90 == percentile(waits, 0.9) == 16
    assert duration == statistics.median([*range(10, 30), *[30] * 7]) == 23
    # Drenthe's two chats: every count and figure suppressed (zero is no cell to hide).
    assert rows["drenthe"][2:] == (None, None, 0, 0, None, None, None)
    # Drenthe: offered, answered, median, p90, duration median; Utrecht: offered, answered.
    assert table.suppressed == 7


def test_weeks_follow_dutch_local_time() -> None:
    # Sunday 8 November 23:30 in Amsterdam is still ISO week 45 there (not 46 as in UTC+…).
    late_sunday = datetime(2026, 11, 8, 22, 30, tzinfo=UTC)
    table = tables_of([record(started=late_sunday)] * 5)["trend-per-week"]
    assert table.rows == [("2026-W45", 5, 5, 0)]


def test_settlement_counts_chats_and_minutes_exactly_and_leaves_rotas_out() -> None:
    records = [
        *month_of_utrecht(),
        record(region="gelderland-zuid", queued_org="gelderland-midden",
               answering_org="gelderland-midden"),
    ]  # fmt: skip
    table = settlement(records)
    assert table.rows == [("2026-11", "utrecht", "flevoland", 7, 210)]
    assert table.suppressed == 0


def test_shares_count_every_choice_and_suppress_rare_ones() -> None:
    records = [
        *month_of_utrecht(),
        record(topics=["stalking", "partner_violence"]),
        *[record(topics=["psychological_pressure"])] * 6,
    ]
    tables = tables_of(records)
    topics = {row[0]: row for row in tables["onderwerp"].rows}
    assert topics["partner_violence"][1:] == (30, 81.1)
    assert topics["stalking"][1:] == (None, None)
    # One hidden cell would be the total (from any share) minus the others:
    # the smallest shown cell is hidden with it.
    assert topics["psychological_pressure"][1:] == ("x", None)
    assert tables["onderwerp"].suppressed == 2
    gender = tables["gender"].rows
    assert gender == [("woman", 42, 100.0)]


def test_a_lone_hidden_hour_takes_the_smallest_other_with_it() -> None:
    at = [T0] * 6 + [T0 + timedelta(hours=1)] * 2 + [T0 + timedelta(hours=2)] * 7
    tables = tables_of([record(started=t) for t in at])
    hours = by_label(tables["tijdstip"])
    assert (hours["10:00"], hours["11:00"], hours["12:00"], hours["09:00"]) == ("x", None, 7, 0)
    assert tables["tijdstip"].suppressed == 2
    # Every start is a Tuesday: nothing to hide by weekday.
    assert by_label(tables["weekdag"])["dinsdag"] == 15


def test_the_time_of_day_pattern_is_local() -> None:
    tables = tables_of([record()] * 6)
    hours = by_label(tables["tijdstip"])
    assert hours["10:00"] == 6 and hours["09:00"] == 0
    assert by_label(tables["weekdag"])["dinsdag"] == 6


def test_percentile_is_nearest_rank() -> None:
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9.0
    assert percentile([7], 0.9) == 7.0
    assert T0 + timedelta(0) == T0


def test_the_weekly_trend_sums_regions_shows_quiet_weeks_and_hides_small_cells() -> None:
    week_46 = T0 + timedelta(days=7)
    records = [
        *month_of_utrecht(),  # week 45: 35 chats, 29 served, 6 left while waiting
        *[record(started=week_46, region="drenthe", served=False, answering_org=None,
                 duration_minutes=None, ended_how="visitor_left_while_waiting")] * 3,
        *[record(started=week_46)] * 2,
    ]  # fmt: skip
    table = tables_of(records, start=date(2026, 11, 1), end=date(2026, 11, 24))["trend-per-week"]
    assert table.name == "trend-per-week"
    assert table.columns == ("week", "aangeboden", "beantwoord", "weg tijdens wachten")
    assert table.rows == [
        ("2026-W44", 0, 0, 0),  # Sunday 1 November: a quiet week is a zero, not a gap
        # Week 46: five offered, but 2 served and 3 left: too few, and week 45's
        # served and left are hidden with them, or the month's totals minus
        # week 45 would give them.
        ("2026-W45", 35, "x", "x"),
        ("2026-W46", 5, None, None),
        ("2026-W47", 0, 0, 0),
        ("2026-W48", 0, 0, 0),  # Monday 23 November, the last day before `end`
    ]
    assert table.suppressed == 4
    # Without a range, only the weeks that have chats.
    assert [row[0] for row in tables_of(records)["trend-per-week"].rows] == ["2026-W45", "2026-W46"]


def test_weeks_between_are_iso_weeks_across_the_year_end() -> None:
    assert weeks_between(date(2026, 12, 28), date(2027, 1, 12)) == [
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]
    assert weeks_between(date(2026, 11, 2), date(2026, 11, 2)) == []


def test_the_report_has_the_trend_after_the_summary() -> None:
    names = [t.name for t in report(month_of_utrecht())]
    assert names[:3] == ["samenvatting-per-maand", "trend-per-week", "duur"]


def test_csv_quotes_what_it_must_and_defuses_formulas(tmp_path: Path) -> None:
    table = Table(
        name="t",
        title="T",
        columns=("waarde", "aantal", "aandeel (%)"),
        rows=[("a;b", 7, 12.5), ('zei "hoi"', None, None), ("=1+1", 5, 0.0), ("-x", 6, 1.0)],
    )
    path = tmp_path / "t.csv"
    write_csv(table, path, minimum=5)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[1:3] == ['"a;b";7;12,5', '"zei ""hoi""";<5;<5']
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert [row[0] for row in rows[3:]] == ["'=1+1", "'-x"]


def test_figures_are_made_for_whole_calendar_months_only() -> None:
    assert is_whole_month(date(2026, 11, 1), date(2026, 12, 1))
    assert is_whole_month(date(2026, 12, 1), date(2027, 1, 1))
    assert is_whole_month(date(2028, 2, 1), date(2028, 3, 1))
    assert not is_whole_month(date(2026, 11, 1), date(2026, 11, 30))
    assert not is_whole_month(date(2026, 11, 2), date(2026, 12, 2))
    assert not is_whole_month(date(2026, 10, 1), date(2026, 12, 1))
    assert months_between(date(2026, 11, 1), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]


def test_no_total_minus_its_shown_parts_is_one_hidden_cell() -> None:
    """Every line of the cube (a region's categories and total, a category's
    regions and the nation) hides no cell or at least two."""
    records = [
        *month_of_utrecht(),
        *[record(region="drenthe", queued_org="drenthe", topics=["stalking"])] * 3,
        *[record(region="flevoland", queued_org="flevoland", age_band="12-16")] * 6,
    ]
    cube, _ = cube_of(records, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert cube.hidden, "the records have small cells"
    for line in cube.lines:
        assert sum(key in cube.hidden for key in line) != 1, line
    # One decision for every report: a region's rows are the same in its own
    # report and in the national one.
    national = tables_of(records, start=date(2026, 11, 1), end=date(2026, 12, 1))
    for org in ("utrecht", "drenthe", "flevoland"):
        own = tables_of(records, org=org, start=date(2026, 11, 1), end=date(2026, 12, 1))
        for name in ("samenvatting-per-maand", "duur"):
            assert own[name].rows == [
                r for r in national[name].rows if r[1 if name != "duur" else 0] == org
            ]
