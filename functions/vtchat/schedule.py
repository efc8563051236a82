"""When each region's chat is open, and whose advisors take it.

The hours are a validated data file shipped with the code (`data/schedule.json`):
weekly hours per organisation (a named profile or inline), public holidays,
dated exceptions, and rotas in which one organisation's advisors serve several
regions on a given weekday. Precedence per date: an exception beats a public
holiday, which beats the weekly hours.

Times in the file are wall-clock times in the file's time zone. A slot belongs
to the date it starts on, so its public holiday, exception and rota day are
those of that date, even when it runs past midnight. Wall times that do not
exist (the spring-forward hour) move forward by the gap; wall times that happen
twice (the fall-back hour) mean the first occurrence.

Every instant this module returns is an aware datetime in UTC: subtracting two
of them gives real elapsed time, which is not true of two datetimes sharing a
`ZoneInfo` across a DST change. Convert with `.astimezone(schedule.timezone)`
for display.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from vtchat.models import OrgId
from vtchat.regions import Directory

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Dutch typography writes a range of times with an en dash, not a hyphen.
_EN_DASH = "\u2013"
_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

_MINUTES_PER_DAY = 24 * 60
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00")
_ONE_DAY = timedelta(days=1)
# How far status() looks for the next opening, and how far a window that runs
# on without a break (a 24/7 region) is followed back and forth: long enough
# for a closure over the Christmas weeks, short enough to stay cheap.
LOOKAHEAD = timedelta(days=31)
# Most questions are answered within a long weekend; only a long closure needs the rest.
_FIRST_LOOK = timedelta(days=4)
# Every region for a few months either side of today, with room to spare.
_DAY_CACHE_SIZE = 16_384
_HOLIDAY_COUNTRY = "NL"

_SLUG = StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


class ScheduleError(ValueError):
    """A schedule file that cannot be loaded as it is."""


# --- The file -----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Slot:
    """One opening on a day, in minutes after that day's local midnight.

    `end` is always after `start`; a slot that ends on the next day has `end` of
    1440 (24:00) or more.
    """

    start: int
    end: int

    @property
    def label(self) -> str:
        end = self.end % _MINUTES_PER_DAY or _MINUTES_PER_DAY
        return f"{_clock_text(self.start)}{_EN_DASH}{_clock_text(end)}"


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clock_minutes(value: object) -> int:
    if not isinstance(value, str) or not _CLOCK.fullmatch(value):
        raise ValueError(f"{value!r} is not a time of day (HH:MM, 00:00 to 24:00)")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _parse_slot(value: object) -> Slot:
    if isinstance(value, Slot):
        return value
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError('a slot is a pair of times, like ["09:00", "17:00"]')
    start, end = (_clock_minutes(part) for part in value)
    if start == _MINUTES_PER_DAY:
        raise ValueError("a slot cannot start at 24:00; start at 00:00 of the next day")
    if start == end:
        raise ValueError(f"slot {value!r} starts and ends at the same time")
    # An end at or before the start is on the next day.
    return Slot(start, end if end > start else end + _MINUTES_PER_DAY)


SlotField = Annotated[Slot, PlainValidator(_parse_slot)]


def _first_overlap(intervals: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    ordered = sorted(intervals)
    for before, after in itertools.pairwise(ordered):
        if after[0] < before[1]:
            return after
    return None


class _FileModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )


class WeeklyHours(_FileModel):
    """Slots per weekday; a day left out is closed."""

    mon: list[SlotField] = []
    tue: list[SlotField] = []
    wed: list[SlotField] = []
    thu: list[SlotField] = []
    fri: list[SlotField] = []
    sat: list[SlotField] = []
    sun: list[SlotField] = []

    def on(self, weekday: int) -> tuple[Slot, ...]:
        slots: list[Slot] = getattr(self, WEEKDAYS[weekday])
        return tuple(sorted(slots))

    @model_validator(mode="after")
    def _no_overlap(self) -> WeeklyHours:
        week = 7 * _MINUTES_PER_DAY
        intervals = [
            (index * _MINUTES_PER_DAY + slot.start, index * _MINUTES_PER_DAY + slot.end)
            for index in range(7)
            for slot in self.on(index)
        ]
        # Sunday night past midnight runs into Monday morning.
        intervals += [(start - week, end - week) for start, end in intervals if end > week]
        overlap = _first_overlap(intervals)
        if overlap is not None:
            day, minute = divmod(overlap[0], _MINUTES_PER_DAY)
            raise ValueError(f"slots overlap on {WEEKDAYS[day % 7]} (at {_clock_text(minute)})")
        return self


class ExceptionDay(_FileModel):
    """One date with other hours than usual: closed, or open only in `slots`."""

    day: date = Field(alias="date")
    closed: bool = False
    slots: list[SlotField] = []
    reason: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None

    @model_validator(mode="after")
    def _closed_or_slots(self) -> ExceptionDay:
        if self.closed == bool(self.slots):
            raise ValueError(f"{self.day}: give either closed: true or slots, not both or neither")
        overlap = _first_overlap([(slot.start, slot.end) for slot in self.slots])
        if overlap is not None:
            raise ValueError(f"slots overlap on {self.day} (at {_clock_text(overlap[0])})")
        return self


class OrganisationHours(_FileModel):
    hours: Annotated[str, _SLUG] | WeeklyHours
    # "open" keeps the weekly hours on a public holiday.
    public_holidays: Literal["closed", "open"]
    exceptions: list[ExceptionDay] = []

    @field_validator("exceptions")
    @classmethod
    def _one_exception_per_date(cls, exceptions: list[ExceptionDay]) -> list[ExceptionDay]:
        days = [exception.day for exception in exceptions]
        if len(set(days)) != len(days):
            raise ValueError("each date may have one exception only")
        return exceptions


class Rota(_FileModel):
    """Regions sharing advisors: on a weekday, one member's advisors serve all."""

    id: Annotated[str, _SLUG]
    name: Annotated[str, StringConstraints(min_length=3, max_length=120)]
    members: Annotated[list[OrgId], Field(min_length=2)]
    # A weekday left out: each member serves its own region that day.
    staffing: dict[Weekday, OrgId]

    @model_validator(mode="after")
    def _staffed_by_members(self) -> Rota:
        if len(set(self.members)) != len(self.members):
            raise ValueError(f"rota {self.id}: a member is listed twice")
        for weekday, org in self.staffing.items():
            if org not in self.members:
                raise ValueError(
                    f"rota {self.id}: staffing organisation {org} on {weekday} is not a member"
                )
        return self


class ScheduleFile(_FileModel):
    version: Literal[1]
    timezone: str
    profiles: dict[Annotated[str, _SLUG], WeeklyHours] = {}
    organisations: dict[OrgId, OrganisationHours]
    rotas: list[Rota] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {value!r}") from e
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ScheduleFile:
        for org, entry in self.organisations.items():
            if isinstance(entry.hours, str) and entry.hours not in self.profiles:
                raise ValueError(f"{org}: unknown hours profile {entry.hours!r}")
        rota_ids = [rota.id for rota in self.rotas]
        if len(set(rota_ids)) != len(rota_ids):
            raise ValueError("rota ids must be unique")
        rota_of: dict[str, str] = {}
        for rota in self.rotas:
            for member in rota.members:
                if member in rota_of:
                    raise ValueError(f"{member} is in rotas {rota_of[member]} and {rota.id}")
                rota_of[member] = rota.id
        return self

    def weekly(self, org: str) -> WeeklyHours:
        hours = self.organisations[org].hours
        return self.profiles[hours] if isinstance(hours, str) else hours


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys; an organisation listed twice
    # would silently lose its first entry.
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ScheduleError(f"keys appear twice: {', '.join(duplicates)}")
    return dict(pairs)


def _check_against(spec: ScheduleFile, directory: Directory) -> None:
    known = {org.id for org in directory}
    unknown = sorted(set(spec.organisations) - known)
    if unknown:
        raise ScheduleError(f"organisations not in organisations.json: {', '.join(unknown)}")
    missing = sorted(known - set(spec.organisations))
    if missing:
        raise ScheduleError(f"organisations without hours: {', '.join(missing)}")
    for rota in spec.rotas:
        strangers = sorted(set(rota.members) - known)
        if strangers:
            raise ScheduleError(
                f"rota {rota.id}: members not in organisations.json: {', '.join(strangers)}"
            )


# --- Answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One continuous opening; instants are aware datetimes in UTC.

    `service_date` is the local date of the slot it starts with (the date whose
    rota day and holiday rules apply); `staffed_by` is the organisation whose
    advisors answer the chat.
    """

    opens_at: datetime
    closes_at: datetime
    service_date: date
    staffed_by: str


@dataclass(frozen=True)
class RegionStatus:
    """A region's chat at one instant; instants are aware datetimes in UTC.

    Open: `opens_at`/`closes_at` bound the current window. Closed: they bound
    the next window within `LOOKAHEAD`, or are both None when there is none.
    """

    region: str
    open: bool
    serving_org: str | None
    opens_at: datetime | None
    closes_at: datetime | None


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


@functools.lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(_HOLIDAY_COUNTRY, years=year))


def _merge(pieces: Sequence[Window]) -> list[Window]:
    """Join windows that overlap or touch and have the same staff.

    Where two overlap with different staff, the one that started first keeps
    the chat until its end (the evening shift finishes its night).
    """
    merged: list[Window] = []
    for piece in sorted(pieces, key=lambda w: (w.opens_at, w.service_date)):
        last = merged[-1] if merged else None
        if last is None or piece.opens_at > last.closes_at:
            merged.append(piece)
        elif piece.staffed_by == last.staffed_by:
            if piece.closes_at > last.closes_at:
                merged[-1] = replace(last, closes_at=piece.closes_at)
        elif piece.closes_at > last.closes_at:
            merged.append(replace(piece, opens_at=last.closes_at))
    return merged


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _describe_days(days: frozenset[int]) -> str:
    if len(days) == 7:
        return "elke dag"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0]]} t/m {_DAY_NAMES[run[-1]]}")
        else:
            parts.extend(_DAY_NAMES[day] for day in run)
    return _join(parts)


class Schedule:
    """Opening hours and staffing of every region; cheap to ask repeatedly.

    The windows of one (region, date) are computed once and cached, so a
    status of all regions every few seconds touches only a few cached days.
    """

    def __init__(self, spec: ScheduleFile, directory: Directory) -> None:
        self._directory = directory
        self._tz = ZoneInfo(spec.timezone)
        self._regions = [org.id for org in directory]
        self._weekly = {
            org: tuple(spec.weekly(org).on(weekday) for weekday in range(7))
            for org in self._regions
        }
        self._open_on_holidays = {
            org: entry.public_holidays == "open" for org, entry in spec.organisations.items()
        }
        self._exceptions = {
            org: {exception.day: tuple(sorted(exception.slots)) for exception in entry.exceptions}
            for org, entry in spec.organisations.items()
        }
        self._staffing: dict[str, dict[int, str]] = {}
        self._rota_members: dict[str, list[str]] = {}
        for rota in spec.rotas:
            staffing = {WEEKDAYS.index(day): org for day, org in rota.staffing.items()}
            members = [org for org in self._regions if org in rota.members]
            for member in rota.members:
                self._staffing[member] = staffing
                self._rota_members[member] = members
        self._day_windows = functools.lru_cache(maxsize=_DAY_CACHE_SIZE)(self._compute_day)

    @property
    def timezone(self) -> ZoneInfo:
        return self._tz

    # --- Public questions -------------------------------------------------------

    def status(self, region: str, at: datetime) -> RegionStatus:
        _require_aware(at, "at")
        self._check_region(region)
        upcoming: list[Window] = []
        for horizon in (_FIRST_LOOK, LOOKAHEAD):
            upcoming = self.windows(region, at, at + horizon)
            if upcoming:
                break
        if not upcoming:
            return RegionStatus(region, open=False, serving_org=None, opens_at=None, closes_at=None)
        window = upcoming[0]
        is_open = window.opens_at <= at
        return RegionStatus(
            region,
            open=is_open,
            serving_org=window.staffed_by if is_open else None,
            opens_at=window.opens_at,
            closes_at=window.closes_at,
        )

    def serving_org(self, region: str, at: datetime) -> str | None:
        _require_aware(at, "at")
        self._check_region(region)
        window = self._current(region, at)
        return window.staffed_by if window else None

    def regions_served_by(self, org: str, at: datetime) -> list[str]:
        """The regions whose chats `org`'s advisors take at `at`, in directory order."""
        _require_aware(at, "at")
        self._check_region(org)
        # Only a region's own organisation or a member of its rota can serve it.
        candidates = self._rota_members.get(org, [org])
        served = []
        for region in candidates:
            window = self._current(region, at)
            if window is not None and window.staffed_by == org:
                served.append(region)
        return served

    def windows(self, region: str, start: datetime, end: datetime) -> list[Window]:
        """Continuous openings overlapping [start, end), whole (not cut at the bounds).

        A window that runs on without a break is followed at most `LOOKAHEAD`
        beyond the bounds.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        self._check_region(region)
        if end <= start:
            return []
        # A slot of the day before can still be running at `start`.
        first = self._local_date(start) - _ONE_DAY
        last = self._local_date(end)
        merged = self._merged(region, first, last)
        earliest = first - LOOKAHEAD
        while first > earliest and merged and merged[0].closes_at > start:
            earlier = self._day_windows(region, first - _ONE_DAY)
            if not any(piece.closes_at >= merged[0].opens_at for piece in earlier):
                break
            first -= _ONE_DAY
            merged = _merge([*earlier, *merged])
        latest = last + LOOKAHEAD
        while last < latest and merged and merged[-1].opens_at < end:
            later = self._day_windows(region, last + _ONE_DAY)
            if not any(piece.opens_at <= merged[-1].closes_at for piece in later):
                break
            last += _ONE_DAY
            merged = _merge([*merged, *later])
        return [w for w in merged if w.closes_at > start and w.opens_at < end]

    def describe_hours(self, region: str) -> list[str]:
        """The weekly hours in Dutch, one line per group of days."""
        self._check_region(region)
        weekly = self._weekly[region]
        slots = sorted({slot for day in weekly for slot in day})
        if not slots:
            return ["geen vaste openingstijden"]
        groups: dict[frozenset[int], list[Slot]] = {}
        for slot in slots:
            days = frozenset(day for day in range(7) if slot in weekly[day])
            groups.setdefault(days, []).append(slot)
        lines: list[str] = []
        mentioned: set[int] = set()
        for days, group in sorted(groups.items(), key=lambda item: (min(item[0]), item[1][0])):
            also = " ook" if mentioned & days else ""
            lines.append(f"{_describe_days(days)}{also} {_join([slot.label for slot in group])}")
            mentioned |= days
        lines.append(
            "ook open op feestdagen" if self._open_on_holidays[region] else "gesloten op feestdagen"
        )
        return lines

    # --- Internals --------------------------------------------------------------

    def _check_region(self, region: str) -> None:
        if region not in self._weekly:
            self._directory.get(region)  # raises the usual "unknown region" error
            raise ValueError(f"no hours for region {region!r}")

    def _local_date(self, at: datetime) -> date:
        return at.astimezone(self._tz).date()

    def _merged(self, region: str, first: date, last: date) -> list[Window]:
        return _merge(
            [piece for day in _days(first, last) for piece in self._day_windows(region, day)]
        )

    def _current(self, region: str, at: datetime) -> Window | None:
        today = self._local_date(at)
        for window in self._merged(region, today - _ONE_DAY, today):
            if window.opens_at <= at < window.closes_at:
                return window
        return None

    def _slots_on(self, region: str, day: date) -> tuple[Slot, ...]:
        exception = self._exceptions[region].get(day)
        if exception is not None:
            return exception
        if not self._open_on_holidays[region] and day in _public_holidays(day.year):
            return ()
        return self._weekly[region][day.weekday()]

    def _compute_day(self, region: str, day: date) -> tuple[Window, ...]:
        staffed_by = self._staffing.get(region, {}).get(day.weekday(), region)
        windows = []
        for slot in self._slots_on(region, day):
            opens_at = self._instant(day, slot.start)
            closes_at = self._instant(day, slot.end)
            # A slot entirely inside the spring-forward gap has no real time.
            if closes_at > opens_at:
                windows.append(Window(opens_at, closes_at, day, staffed_by))
        return tuple(windows)

    def _instant(self, day: date, minutes: int) -> datetime:
        days, minutes = divmod(minutes, _MINUTES_PER_DAY)
        wall = datetime.combine(day + timedelta(days=days), time(minutes // 60, minutes % 60))
        # fold=0: a missing wall time moves forward by the gap, a repeated one is the first.
        return wall.replace(tzinfo=self._tz).astimezone(UTC)


def parse_schedule(raw: str, directory: Directory) -> Schedule:
    try:
        data = json.loads(raw, object_pairs_hook=_reject_duplicate_keys)
        spec = ScheduleFile.model_validate(data)
    except ValidationError as e:
        raise ScheduleError(str(e)) from e
    except json.JSONDecodeError as e:
        raise ScheduleError(f"not valid JSON: {e}") from e
    _check_against(spec, directory)
    return Schedule(spec, directory)


def load_schedule(directory: Directory) -> Schedule:
    raw = resources.files("vtchat").joinpath("data/schedule.json").read_text("utf-8")
    return parse_schedule(raw, directory)
