import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from vtchat.errors import InvalidInput
from vtchat.regions import load_directory
from vtchat.schedule import (
    RegionStatus,
    Schedule,
    ScheduleError,
    Window,
    load_schedule,
    parse_schedule,
)

DIRECTORY = load_directory()
SHIPPED = load_schedule(DIRECTORY)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ROTA = ["gelderland-midden", "gelderland-zuid", "ijsselland", "noord-en-oost-gelderland", "twente"]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def shipped_raw() -> dict[str, Any]:
    text = resources.files("vtchat").joinpath("data/schedule.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text)
    return raw


def build(
    hours: dict[str, Any] | None = None,
    *,
    change: Callable[[dict[str, Any]], None] | None = None,
) -> Schedule:
    """The shipped schedule with `hours` as drenthe's entry and any further change."""
    raw = shipped_raw()
    if hours is not None:
        raw["organisations"]["drenthe"] = {"publicHolidays": "closed", **hours}
    if change is not None:
        change(raw)
    return parse_schedule(json.dumps(raw), DIRECTORY)


def hours_of(window: Window) -> float:
    return (window.closes_at - window.opens_at) / timedelta(hours=1)


# --- The shipped file ---------------------------------------------------------------


def test_the_shipped_file_covers_every_organisation() -> None:
    assert set(shipped_raw()["organisations"]) == {org.id for org in DIRECTORY}
    for org in DIRECTORY:
        assert SHIPPED.describe_hours(org.id)
        assert isinstance(SHIPPED.status(org.id, utc(2026, 1, 14, 10)), RegionStatus)


# --- Office hours, winter and summer time -------------------------------------------


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        # Wednesday 14 January 2026, CET (UTC+1): open 08:00Z-16:00Z.
        (utc(2026, 1, 14, 7, 59), False),
        (utc(2026, 1, 14, 8, 0), True),
        (utc(2026, 1, 14, 15, 59), True),
        (utc(2026, 1, 14, 16, 0), False),
        # Wednesday 15 July 2026, CEST (UTC+2): open 07:00Z-15:00Z.
        (utc(2026, 7, 15, 6, 59), False),
        (utc(2026, 7, 15, 7, 0), True),
        (utc(2026, 7, 15, 14, 59), True),
        (utc(2026, 7, 15, 15, 0), False),
    ],
)
def test_office_hours_open_at_nine_and_close_at_five_local(at: datetime, is_open: bool) -> None:
    status = SHIPPED.status("drenthe", at)
    assert status.open is is_open
    assert status.serving_org == ("drenthe" if is_open else None)


@pytest.mark.parametrize(
    ("day", "opens", "closes"),
    [
        (date(2026, 1, 14), utc(2026, 1, 14, 8), utc(2026, 1, 14, 16)),
        (date(2026, 7, 15), utc(2026, 7, 15, 7), utc(2026, 7, 15, 15)),
    ],
)
def test_the_status_gives_the_current_window_in_utc(
    day: date, opens: datetime, closes: datetime
) -> None:
    noon = local(day.year, day.month, day.day, 12)
    status = SHIPPED.status("drenthe", noon)
    assert (status.opens_at, status.closes_at) == (opens, closes)
    assert status.opens_at is not None and status.opens_at.tzinfo is UTC


@pytest.mark.parametrize(
    "at", [local(2026, 1, 16, 17, 0), local(2026, 1, 17, 12), local(2026, 1, 19, 8, 59)]
)
def test_the_next_opening_is_found_over_the_weekend(at: datetime) -> None:
    assert SHIPPED.status("drenthe", at) == RegionStatus(
        region="drenthe",
        open=False,
        serving_org=None,
        opens_at=utc(2026, 1, 19, 8),
        closes_at=utc(2026, 1, 19, 16),
    )


def test_a_week_of_office_hours_is_five_windows_of_eight_hours() -> None:
    week = SHIPPED.windows("drenthe", local(2026, 3, 23), local(2026, 3, 30))
    assert [w.service_date for w in week] == [date(2026, 3, d) for d in range(23, 28)]
    assert [hours_of(w) for w in week] == [8.0] * 5


# --- Past midnight and merging ------------------------------------------------------


def test_a_slot_past_midnight_belongs_to_the_day_it_starts() -> None:
    schedule = build({"hours": {"fri": [["22:00", "02:00"]]}})
    status = schedule.status("drenthe", local(2026, 1, 17, 1, 30))  # Saturday night
    assert status.open
    assert (status.opens_at, status.closes_at) == (utc(2026, 1, 16, 21), utc(2026, 1, 17, 1))
    [window] = schedule.windows("drenthe", local(2026, 1, 17, 1), local(2026, 1, 17, 2))
    assert window.service_date == date(2026, 1, 16)
    assert not schedule.status("drenthe", local(2026, 1, 17, 2)).open


def test_adjacent_slots_merge_into_one_window() -> None:
    schedule = build({"hours": {"mon": [["22:00", "24:00"]], "tue": [["00:00", "02:00"]]}})
    [window] = schedule.windows("drenthe", local(2026, 1, 12), local(2026, 1, 14))
    assert (window.opens_at, window.closes_at) == (utc(2026, 1, 12, 21), utc(2026, 1, 13, 1))
    assert window.service_date == date(2026, 1, 12)
    status = schedule.status("drenthe", local(2026, 1, 13, 1))
    assert (status.opens_at, status.closes_at) == (window.opens_at, window.closes_at)


def test_a_region_open_around_the_clock_reports_where_its_window_ends() -> None:
    always = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    schedule = build({"hours": always})
    status = schedule.status("drenthe", local(2026, 1, 14, 3))
    assert status.open
    assert (status.opens_at, status.closes_at) == (utc(2026, 1, 11, 23), utc(2026, 1, 16, 23))


# --- Daylight saving time -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sunday", "length"), [(date(2026, 3, 29), 23.0), (date(2026, 10, 25), 25.0)]
)
def test_a_whole_day_slot_lasts_as_long_as_the_day(sunday: date, length: float) -> None:
    schedule = build({"hours": {"sun": [["00:00", "24:00"]]}})
    midday = local(sunday.year, sunday.month, sunday.day, 12)
    [window] = schedule.windows("drenthe", midday, midday + timedelta(minutes=1))
    assert hours_of(window) == length
    assert window.opens_at.astimezone(AMSTERDAM).hour == 0
    assert window.closes_at.astimezone(AMSTERDAM).date() == sunday + timedelta(days=1)


def test_office_hours_stay_eight_real_hours_on_the_days_around_a_change() -> None:
    schedule = build({"hours": {"sun": [["09:00", "17:00"]], "mon": [["09:00", "17:00"]]}})
    sunday, monday = schedule.windows("drenthe", local(2026, 3, 29), local(2026, 3, 31))
    assert (sunday.opens_at, monday.opens_at) == (utc(2026, 3, 29, 7), utc(2026, 3, 30, 7))
    assert hours_of(sunday) == hours_of(monday) == 8.0


def test_a_missing_wall_time_moves_forward_and_a_repeated_one_is_the_first() -> None:
    # 29 March 2026: 02:30 does not exist; the slot starts at 03:30 CEST.
    spring_schedule = build({"hours": {"sun": [["02:30", "04:00"]]}})
    [spring] = spring_schedule.windows("drenthe", local(2026, 3, 29), local(2026, 3, 29, 12))
    assert (spring.opens_at, spring.closes_at) == (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2))
    # 25 October 2026: 02:30 happens twice; Saturday's slot ends at the first (CEST).
    autumn_schedule = build({"hours": {"sat": [["22:00", "02:30"]]}})
    [autumn] = autumn_schedule.windows("drenthe", local(2026, 10, 24), local(2026, 10, 25, 12))
    assert (autumn.opens_at, autumn.closes_at) == (utc(2026, 10, 24, 20), utc(2026, 10, 25, 0, 30))


# --- Public holidays and exceptions -------------------------------------------------


@pytest.mark.parametrize(
    ("region", "at", "is_open"),
    [
        ("drenthe", local(2026, 12, 25, 10), False),  # Eerste kerstdag
        ("zuidoost-brabant", local(2026, 12, 25, 10), True),
        ("drenthe", local(2026, 4, 27, 10), False),  # Koningsdag, a Monday
        ("zuidoost-brabant", local(2026, 4, 27, 22, 30), True),
        ("zuidoost-brabant", local(2026, 4, 27, 23, 0), False),
        ("drenthe", local(2026, 4, 28, 10), True),
    ],
)
def test_public_holidays(region: str, at: datetime, is_open: bool) -> None:
    assert SHIPPED.status(region, at).open is is_open


def test_after_christmas_the_office_regions_reopen_on_monday() -> None:
    status = SHIPPED.status("drenthe", local(2026, 12, 24, 17, 30))
    assert status.opens_at == utc(2026, 12, 28, 8)


def test_a_shorter_day_replaces_the_weekly_hours_of_that_date() -> None:
    # Utrecht closes at 13:00 on Christmas Eve, a Thursday, without its evening slot.
    at_noon = SHIPPED.status("utrecht", local(2026, 12, 24, 12))
    assert at_noon.open
    assert at_noon.closes_at == utc(2026, 12, 24, 12)
    later = SHIPPED.status("utrecht", local(2026, 12, 24, 19, 30))
    assert not later.open
    assert later.opens_at == utc(2026, 12, 28, 8)
    # Any other Thursday has the evening.
    assert SHIPPED.status("utrecht", local(2026, 12, 17, 19, 30)).open


def test_an_extra_opening_on_a_saturday() -> None:
    status = SHIPPED.status("utrecht", local(2026, 11, 21, 11))
    assert status.open
    assert (status.opens_at, status.closes_at) == (utc(2026, 11, 21, 9), utc(2026, 11, 21, 13))
    assert not SHIPPED.status("utrecht", local(2026, 11, 28, 11)).open


def test_an_exception_closure_and_an_exception_on_a_holiday() -> None:
    schedule = build(
        {
            "hours": "kantoor",
            "exceptions": [
                {"date": "2026-06-10", "closed": True, "reason": "Studiedag"},
                {"date": "2026-12-25", "slots": [["10:00", "12:00"]]},
            ],
        }
    )
    closed = schedule.status("drenthe", local(2026, 6, 10, 10))
    assert not closed.open
    assert closed.opens_at == utc(2026, 6, 11, 7)
    assert schedule.status("drenthe", local(2026, 12, 25, 11)).open


def test_a_long_closure_is_looked_past_up_to_the_lookahead() -> None:
    def closed_from(first: date, days: int) -> list[dict[str, Any]]:
        return [
            {"date": (first + timedelta(days=n)).isoformat(), "closed": True} for n in range(days)
        ]

    three_weeks = build({"hours": "kantoor", "exceptions": closed_from(date(2026, 6, 1), 21)})
    assert three_weeks.status("drenthe", local(2026, 6, 1, 10)).opens_at == utc(2026, 6, 22, 7)
    two_months = build({"hours": "kantoor", "exceptions": closed_from(date(2026, 6, 1), 60)})
    assert two_months.status("drenthe", local(2026, 6, 1, 10)) == RegionStatus(
        "drenthe", open=False, serving_org=None, opens_at=None, closes_at=None
    )


# --- The Gelderland/Overijssel rota -------------------------------------------------


def test_on_thursday_ijsselland_serves_all_of_gelderland_and_overijssel() -> None:
    thursday = local(2026, 1, 15, 10)
    assert {region: SHIPPED.serving_org(region, thursday) for region in ROTA} == dict.fromkeys(
        ROTA, "ijsselland"
    )
    assert SHIPPED.status("twente", thursday).serving_org == "ijsselland"
    assert SHIPPED.regions_served_by("ijsselland", thursday) == ROTA
    assert SHIPPED.regions_served_by("twente", thursday) == []
    assert SHIPPED.regions_served_by("twente", local(2026, 1, 16, 10)) == ROTA


def test_outside_a_rota_a_region_serves_itself_while_open() -> None:
    assert SHIPPED.regions_served_by("drenthe", local(2026, 1, 15, 10)) == ["drenthe"]
    assert SHIPPED.regions_served_by("drenthe", local(2026, 1, 15, 18)) == []
    assert SHIPPED.regions_served_by("ijsselland", local(2026, 1, 15, 18)) == []
    assert SHIPPED.serving_org("drenthe", local(2026, 1, 15, 18)) is None


def test_a_weekday_without_staffing_leaves_each_member_to_itself() -> None:
    def tuesdays_only(raw: dict[str, Any]) -> None:
        raw["rotas"][0]["staffing"] = {"tue": "gelderland-zuid"}

    schedule = build(change=tuesdays_only)
    assert schedule.serving_org("twente", local(2026, 1, 13, 10)) == "gelderland-zuid"
    assert schedule.serving_org("twente", local(2026, 1, 14, 10)) == "twente"


def test_windows_with_different_staff_are_not_merged() -> None:
    def evenings(raw: dict[str, Any]) -> None:
        raw["organisations"]["twente"]["hours"] = {
            "mon": [["22:00", "24:00"]],
            "tue": [["00:00", "02:00"]],
        }

    schedule = build(change=evenings)
    monday, tuesday = schedule.windows("twente", local(2026, 1, 12), local(2026, 1, 14))
    assert (monday.staffed_by, tuesday.staffed_by) == ("gelderland-midden", "gelderland-zuid")
    assert monday.closes_at == tuesday.opens_at == utc(2026, 1, 12, 23)


# --- Describing the hours -----------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "lines"),
    [
        (
            "utrecht",
            [
                "maandag t/m vrijdag 09:00-17:00",
                "dinsdag en donderdag ook 19:00-21:00",
                "gesloten op feestdagen",
            ],
        ),
        ("zuidoost-brabant", ["elke dag 09:00-23:00", "ook open op feestdagen"]),
        ("twente", ["maandag t/m vrijdag 09:00-17:00", "gesloten op feestdagen"]),
    ],
)
def test_describe_hours(region: str, lines: list[str]) -> None:
    described = SHIPPED.describe_hours(region)
    assert all("-" not in line for line in described)  # an en dash, as Dutch typography has it
    assert [line.replace("\u2013", "-") for line in described] == lines


def test_describe_hours_of_split_days_and_past_midnight() -> None:
    schedule = build(
        {
            "hours": {
                "mon": [["09:00", "12:00"], ["13:00", "17:00"]],
                "tue": [["09:00", "12:00"], ["13:00", "17:00"]],
                "fri": [["22:00", "02:00"]],
                "sat": [["10:00", "24:00"]],
            },
            "publicHolidays": "open",
        }
    )
    assert [line.replace("\u2013", "-") for line in schedule.describe_hours("drenthe")] == [
        "maandag en dinsdag 09:00-12:00 en 13:00-17:00",
        "vrijdag 22:00-02:00",
        "zaterdag 10:00-24:00",
        "ook open op feestdagen",
    ]


# --- Refusals -----------------------------------------------------------------------


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop_drenthe(raw: dict[str, Any]) -> None:
    del raw["organisations"]["drenthe"]


def _second_rota(raw: dict[str, Any]) -> None:
    raw["rotas"].append(
        {"id": "twee", "name": "Tweede rota", "members": ["twente", "drenthe"], "staffing": {}}
    )


def _outsider_staffs(raw: dict[str, Any]) -> None:
    raw["rotas"][0]["staffing"]["mon"] = "drenthe"


def _unknown_member(raw: dict[str, Any]) -> None:
    raw["rotas"][0]["members"].append("oost-brabant")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(["organisations", "oost-brabant"], {"hours": "kantoor", "publicHolidays": "open"}),
            "not in organisations.json: oost-brabant",
        ),
        (_drop_drenthe, "without hours: drenthe"),
        (_second_rota, "twente is in rotas gelderland-overijssel and twee"),
        (_outsider_staffs, "staffing organisation drenthe on mon is not a member"),
        (_unknown_member, "members not in organisations.json: oost-brabant"),
        (
            _set(["profiles", "kantoor", "tue"], [["09:00", "17:00"], ["16:00", "18:00"]]),
            "slots overlap on tue",
        ),
        (_set(["profiles", "kantoor", "sun"], [["22:00", "10:00"]]), "slots overlap on mon"),
        (_set(["profiles", "kantoor", "mon"], [["09:00", "25:00"]]), "'25:00' is not a time"),
        (_set(["profiles", "kantoor", "mon"], [["24:00", "02:00"]]), "cannot start at 24:00"),
        (_set(["profiles", "kantoor", "mon"], [["09:00", "09:00"]]), "same time"),
        (_set(["profiles", "kantoor", "mon"], [["9:00", "17:00"]]), "not a time"),
        (_set(["organisations", "drenthe", "hours"], "nacht"), "unknown hours profile 'nacht'"),
        (_set(["organisations", "drenthe", "publicHolidays"], "soms"), "publicHolidays"),
        (
            _set(["organisations", "drenthe", "exceptions"], [{"date": "2026-06-10"}]),
            "either closed: true or slots",
        ),
        (
            _set(
                ["organisations", "drenthe", "exceptions"],
                [{"date": "2026-06-10", "closed": True}, {"date": "2026-06-10", "closed": True}],
            ),
            "one exception only",
        ),
        (_set(["timezone"], "Europe/Eindhoven"), "unknown time zone"),
        (_set(["version"], 2), "version"),
    ],
)
def test_a_bad_schedule_is_refused(change: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        build(change=change)


def test_an_organisation_listed_twice_is_refused() -> None:
    text = json.dumps(shipped_raw()).replace(
        '"organisations": {', '"organisations": {"drenthe": {"hours": "kantoor"}, ', 1
    )
    with pytest.raises(ScheduleError, match="twice: drenthe"):
        parse_schedule(text, DIRECTORY)


def test_a_schedule_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_schedule("{", DIRECTORY)


@pytest.mark.parametrize(
    "ask",
    [
        lambda s: s.status("drenthe", datetime(2026, 1, 14, 10)),
        lambda s: s.serving_org("drenthe", datetime(2026, 1, 14, 10)),
        lambda s: s.regions_served_by("drenthe", datetime(2026, 1, 14, 10)),
        lambda s: s.windows("drenthe", datetime(2026, 1, 14), utc(2026, 1, 15)),
    ],
)
def test_naive_datetimes_are_refused(ask: Callable[[Schedule], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ask(SHIPPED)


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(InvalidInput):
        SHIPPED.status("oost-brabant", utc(2026, 1, 14, 10))


def test_a_status_of_every_region_reuses_the_cached_days() -> None:
    at = local(2026, 1, 14, 10)
    for org in DIRECTORY:
        SHIPPED.status(org.id, at)
    before = SHIPPED._day_windows.cache_info().misses
    for minute in range(60):
        for org in DIRECTORY:
            SHIPPED.status(org.id, at + timedelta(minutes=minute))
    assert SHIPPED._day_windows.cache_info().misses == before
