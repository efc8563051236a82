"""Service-level figures (vtchat.service_levels) over synthetic records with known answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.unit.test_evaluation import T0, record
from vtchat import records as chat_records
from vtchat.evaluation import report
from vtchat.models import ChatRecordDoc
from vtchat.service_levels import GAVE_UP_BANDS, NO_REPLY, REPLY_BANDS, band, reply_band
from vtchat.tables import Table

START, END = date(2026, 11, 1), date(2026, 12, 1)
WEEK = "2026-W45"  # T0 is Tuesday 3 November 2026


def tables_of(records: list[ChatRecordDoc], **options: Any) -> dict[str, Table]:
    return {t.name: t for t in report(records, start=START, end=END, **options)}


def row_of(table: Table, week: str = WEEK) -> dict[str, Any]:
    (row,) = [r for r in table.rows if r[0] == week]
    return dict(zip(table.columns, row, strict=True))


def replied(minutes: int | None, **changes: Any) -> ChatRecordDoc:
    return record(first_reply_minutes=minutes, **changes)


def gave_up(waited: int) -> ChatRecordDoc:
    return record(
        served=False,
        answering_org=None,
        duration_minutes=None,
        ended_how="visitor_left_while_waiting",
        waited_minutes=waited,
        first_reply_minutes=None,
    )


def test_bands_are_whole_minutes_rounded_down_as_the_records_are() -> None:
    assert [band(m, REPLY_BANDS) for m in (0, 1, 2, 3, 4, 5, 9, 10, 90)] == [
        "<1 min", "1-2 min", "1-2 min", "3-4 min", "3-4 min", "5-9 min", "5-9 min",
        "10+ min", "10+ min",
    ]  # fmt: skip
    assert band(19, GAVE_UP_BANDS) == "10-19 min" and band(20, GAVE_UP_BANDS) == "20+ min"
    assert reply_band(replied(None)) == NO_REPLY


def test_the_record_keeps_the_first_reply_in_whole_minutes_from_the_queue() -> None:
    from datetime import timedelta

    from vtchat.models import SessionDoc

    session = SessionDoc(
        region="utrecht", org="utrecht", state="active", nickname="M", age_band="24-30",
        gender="woman", created_at=T0, queued_at=T0, assigned_at=T0 + timedelta(seconds=50),
        advisor_org="utrecht", first_reply_at=T0 + timedelta(seconds=179), expire_at=T0,
    )  # fmt: skip
    kept = chat_records.record_of(session, ended_at=T0 + timedelta(minutes=20), ended_by="advisor")
    assert kept.first_reply_minutes == 2  # 2 min 59 s: within 3, not within 2
    silent = chat_records.record_of(
        session.model_copy(update={"first_reply_at": None}), ended_at=T0, ended_by="advisor"
    )
    assert silent.first_reply_minutes is None


def test_bands_shares_and_median_of_a_week_with_enough_chats() -> None:
    # 20 offered: 5 within a minute, 5 in 1-2, 5 in 3-4, 5 never answered.
    records = (
        [replied(0)] * 5 + [replied(2)] * 5 + [replied(4)] * 5 + [replied(None, served=False)] * 5
    )
    tables = tables_of(records, org="utrecht")
    first = row_of(tables["eerste-antwoord"])
    assert first["aangeboden"] == 20
    assert [first[b] for b in ("<1 min", "1-2 min", "3-4 min", "5-9 min", "10+ min")] == [
        5, 5, 5, 0, 0,
    ]  # fmt: skip
    assert first[NO_REPLY] == 5
    assert first["mediaan (min)"] == 2.0
    within = row_of(tables["binnen-termijn"])
    assert within["binnen 1 min (%)"] == 25.0
    assert within["binnen 3 min (%)"] == 50.0
    assert within["binnen 5 min (%)"] == 75.0


def test_a_small_band_is_hidden_with_a_complement_and_the_shares_over_it_go() -> None:
    # 2 answered after 3-4 minutes: small; the week's total is shown in the trend,
    # so one more band must go, or 20 minus the others would give the 2.
    records = [replied(0)] * 9 + [replied(2)] * 9 + [replied(4)] * 2
    tables = tables_of(records, org="utrecht")
    first = row_of(tables["eerste-antwoord"])
    assert first["3-4 min"] is None
    shown = [first[b] for b in ("<1 min", "1-2 min", "3-4 min", "5-9 min", "10+ min", NO_REPLY)]
    assert sum(1 for c in shown if c is None or c == "x") >= 2
    assert row_of(tables["trend-per-week"])["aangeboden"] == 20  # what the line adds up to
    within = row_of(tables["binnen-termijn"])
    assert within["binnen 5 min (%)"] is None  # 9 + 9 + hidden over 20
    assert tables["eerste-antwoord"].suppressed >= 2


def test_how_long_those_who_gave_up_had_waited() -> None:
    records = [gave_up(0)] * 5 + [gave_up(4)] * 6 + [gave_up(25)] * 5 + [replied(0)] * 5
    tables = tables_of(records, org="utrecht")
    left = row_of(tables["wachttijd-opgegeven"])
    assert left["weg tijdens wachten"] == 16
    assert [left[b] for b, _, _ in GAVE_UP_BANDS] == [5, 0, 6, 0, 0, 5]
    assert row_of(tables["binnen-termijn"])["binnen 1 min (%)"] == round(100 * 5 / 21, 1)


def test_a_region_cannot_be_worked_out_as_the_nation_minus_the_others() -> None:
    # Utrecht's 3 within a minute is small; the nation shows the band, so
    # another region's cell of the same band must be hidden with it.
    records = [replied(0)] * 3 + [replied(2)] * 10
    records += [replied(0, region="drenthe")] * 10 + [replied(2, region="drenthe")] * 10
    nation = row_of(tables_of(records)["eerste-antwoord"])
    utrecht = row_of(tables_of(records, org="utrecht")["eerste-antwoord"])
    drenthe = row_of(tables_of(records, org="drenthe")["eerste-antwoord"])
    assert utrecht["<1 min"] is None
    # The nation's band is shown, so Drenthe's (13 - 3 = 10) must not be.
    assert nation["<1 min"] == 13
    assert drenthe["<1 min"] in (None, "x")


# --- the differencing attack on the new tables ------------------------------------------

REGIONS = ("utrecht", "drenthe", "flevoland")
BANDS = ("<1 min", "1-2 min", "3-4 min", "5-9 min", "10+ min", NO_REPLY)


def attack_month() -> list[ChatRecordDoc]:
    """Utrecht has 2 chats answered after 3-4 minutes; everything else is large."""
    records = [replied(0)] * 8 + [replied(2)] * 8 + [replied(4)] * 2
    for region in REGIONS[1:]:
        records += [replied(m, region=region) for m in (0, 2, 4) for _ in range(6)]
    return records


def recovered(records: list[ChatRecordDoc]) -> dict[tuple[str, str], int]:
    """What a reader of every report (national role) can work out of the hidden band cells:
    a week's offered count minus its shown bands, or the nation minus the other regions."""
    rows = {
        scope: row_of(tables_of(records, org=scope)["eerste-antwoord"])
        for scope in (*REGIONS, None)
    }
    found: dict[tuple[str, str], int] = {}
    for scope in REGIONS:
        row = rows[scope]
        hidden = [b for b in BANDS if not isinstance(row[b], int)]
        if len(hidden) == 1 and isinstance(row["aangeboden"], int):
            shown = sum(row[b] for b in BANDS if isinstance(row[b], int))
            found[(scope, hidden[0])] = row["aangeboden"] - shown
        for band_ in hidden:
            others = [rows[r][band_] for r in REGIONS if r != scope]
            if isinstance(rows[None][band_], int) and all(isinstance(o, int) for o in others):
                found[(scope, band_)] = rows[None][band_] - sum(others)
    return found


def test_no_hidden_band_can_be_worked_out_from_totals_or_other_regions() -> None:
    assert row_of(tables_of(attack_month(), org="utrecht")["eerste-antwoord"])["3-4 min"] is None
    assert recovered(attack_month()) == {}


def test_the_attack_works_when_small_cells_are_only_hidden_themselves(monkeypatch: Any) -> None:
    """Why the week's bands are lines with the trend's count: hiding only the small
    cells themselves (each cell its own line), the attack gets Utrecht's 2."""
    from vtchat import service_levels

    family = service_levels._family

    def cells_alone(cube: Any, *args: Any, **kwargs: Any) -> None:
        before = len(cube.lines)
        family(cube, *args, **kwargs)
        added = {cell for line in cube.lines[before:] for cell in line}
        cube.lines[before:] = [(cell,) for cell in sorted(added) if cell[0] == args[0]]

    monkeypatch.setattr(service_levels, "_family", cells_alone)
    assert recovered(attack_month()).get(("utrecht", "3-4 min")) == 2
