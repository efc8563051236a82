"""Report tables and their calendar: what every figure module shares.

A table's cells, how a hidden cell shows, and the periods figures are made
for (whole calendar months, ISO weeks), in Dutch local time. The figure
modules (vtchat.evaluation, vtchat.service_levels, vtchat.feedback) and the
report's readers (vtchat.report, vtchat.cli.report) build on these; nothing
here knows about records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Period = Literal["week", "month"]
Cell = str | int | float | None
# What a suppressed cell shows in an export.
SUPPRESSED = "<{minimum}"
# A cell that is not small itself but hidden so that a small one cannot be
# worked out from a total (complementary suppression); "x" as in CBS tables.
COMPLEMENT = "x"
DEFAULT_MINIMUM = 5


def is_hidden(cell: Cell) -> bool:
    """A count not shown: small (None) or hidden with it (COMPLEMENT)."""
    return cell is None or cell == COMPLEMENT


def hidden_count(cells: Iterable[Cell]) -> int:
    return sum(1 for cell in cells if is_hidden(cell))


@dataclass(frozen=True)
class Table:
    """One report table: a stable name (file name), a Dutch title and header."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    # Cells that were counts below the minimum are None in `rows`.
    suppressed: int = 0


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def is_whole_month(start: date, end: date) -> bool:
    """[start, end) is one calendar month: the only range figures are made for."""
    return start.day == 1 and end == next_month(start)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every calendar month with a day in [start, end)."""
    first, found = start.replace(day=1), []
    while first < end:
        found.append(first)
        first = next_month(first)
    return found


def local(at: datetime) -> datetime:
    return at.astimezone(AMSTERDAM)


def period_of(at: datetime, period: Period) -> str:
    day = local(at)
    return f"{day:%Y-%m}" if period == "month" else _iso_week(day)


def weeks_between(start: date, end: date) -> list[str]:
    """Every ISO week with a day in [start, end)."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        weeks.append(_iso_week(monday))
        monday += timedelta(days=7)
    return weeks


def _iso_week(day: date) -> str:
    """The label of the ISO week `day` falls in, e.g. "2026-W49"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
