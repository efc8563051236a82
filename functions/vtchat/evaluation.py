"""Evaluation figures and the fall-back settlement, from the anonymous chat records.

Pure functions over `ChatRecordDoc`s: no Firestore here, so every figure is
tested against known totals. Every table that describes visitors suppresses
small cells (fewer than `minimum`, default 5): a rare combination of region,
week, age band and topic must not single anyone out. The settlement table
is about organisations, not people, and is exact: organisations pay by it.
Periods and the time-of-day pattern are in Dutch local time.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from vtchat.models import ChatRecordDoc

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Period = Literal["week", "month"]
Cell = str | int | float | None
# What a suppressed cell shows in an export.
SUPPRESSED = "<{minimum}"
# A cell that is not small itself but hidden so that a small one cannot be
# worked out from a total (complementary suppression); "x" as in CBS tables.
COMPLEMENT = "x"
DEFAULT_MINIMUM = 5
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DURATION_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-4 min", 0, 5),
    ("5-14 min", 5, 15),
    ("15-29 min", 15, 30),
    ("30-59 min", 30, 60),
    ("60+ min", 60, None),
)


@dataclass(frozen=True)
class Table:
    """One report table: a stable name (file name), a Dutch title and header."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    # Cells that were counts below the minimum are None in `rows`.
    suppressed: int = 0


def local(at: datetime) -> datetime:
    return at.astimezone(AMSTERDAM)


def period_of(at: datetime, period: Period) -> str:
    day = local(at)
    if period == "month":
        return f"{day:%Y-%m}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def percentile(values: Sequence[int], q: float) -> float:
    """Nearest-rank percentile (what a spreadsheet's PERCENTILE.INC approximates)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return float(ordered[index])


class _Suppressor:
    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        self.count = 0

    def count_cell(self, value: int) -> int | None:
        if 0 < value < self.minimum:
            self.count += 1
            return None
        return value

    def parts(self, counts: Sequence[int]) -> list[Cell]:
        """Cells that add up to a total a reader can find elsewhere (the chats
        of a region and period, a share's denominator).

        One hidden cell among them would be that total minus the others, so a
        second one, the smallest that is left, is hidden with it.
        """
        cells: list[Cell] = [self.count_cell(count) for count in counts]
        hidden = [i for i, cell in enumerate(cells) if cell is None]
        shown = [i for i, cell in enumerate(cells) if cell]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda i: counts[i])
            cells[smallest] = COMPLEMENT
            self.count += 1
        return cells

    def over(
        self, values: Sequence[int], compute: Callable[[Sequence[int]], float]
    ) -> float | None:
        """A figure computed over a group only when the group is large enough."""
        if len(values) < self.minimum:
            if values:
                self.count += 1
            return None
        return round(compute(values), 1)


def _by(
    records: Iterable[ChatRecordDoc], key: Callable[[ChatRecordDoc], str]
) -> dict[str, list[ChatRecordDoc]]:
    groups: dict[str, list[ChatRecordDoc]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return dict(sorted(groups.items()))


def summary(
    records: Sequence[ChatRecordDoc], *, period: Period, minimum: int = DEFAULT_MINIMUM
) -> Table:
    """Per region of origin and period: offered, served, abandoned, waiting and duration."""
    cut = _Suppressor(minimum)
    rows: list[tuple[Cell, ...]] = []
    for key, group in _by(records, lambda r: f"{period_of(r.started, period)}|{r.region}").items():
        when, region = key.split("|")
        served = [r for r in group if r.served]
        waits = [r.waited_minutes for r in served]
        durations = [r.duration_minutes for r in served if r.duration_minutes is not None]
        rows.append(
            (
                when,
                region,
                cut.count_cell(len(group)),
                cut.count_cell(len(served)),
                cut.count_cell(sum(r.ended_how == "visitor_left_while_waiting" for r in group)),
                cut.count_cell(sum(r.urgent for r in group)),
                cut.over(waits, statistics.median),
                cut.over(waits, lambda v: percentile(v, 0.9)),
                cut.over(durations, statistics.median),
            )
        )
    return Table(
        name=f"samenvatting-per-{'week' if period == 'week' else 'maand'}",
        title=f"Chats per regio en {'week' if period == 'week' else 'maand'}",
        columns=(
            "periode",
            "regio",
            "aangeboden",
            "beantwoord",
            "weg tijdens wachten",
            "urgent",
            "wachttijd mediaan (min)",
            "wachttijd p90 (min)",
            "duur mediaan (min)",
        ),
        rows=rows,
        suppressed=cut.count,
    )


def weeks_between(start: date, end: date) -> list[str]:
    """Every ISO week with a day in [start, end)."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        year, week, _ = monday.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        monday += timedelta(days=7)
    return weeks


def trend(
    records: Sequence[ChatRecordDoc],
    *,
    start: date | None = None,
    end: date | None = None,
    minimum: int = DEFAULT_MINIMUM,
) -> Table:
    """Per ISO week, every region in the records together: offered, served, left while waiting.

    Always per week, whatever the summary's period: it is the series the
    console draws. With the range given, a week without chats is a row of
    zeros, so a chart shows the quiet week instead of skipping it.
    """
    cut = _Suppressor(minimum)
    groups = _by(records, lambda r: period_of(r.started, "week"))
    weeks = sorted(set(groups) | set(weeks_between(start, end) if start and end else ()))
    rows: list[tuple[Cell, ...]] = []
    for week in weeks:
        group = groups.get(week, [])
        rows.append(
            (
                week,
                cut.count_cell(len(group)),
                cut.count_cell(sum(r.served for r in group)),
                cut.count_cell(sum(r.ended_how == "visitor_left_while_waiting" for r in group)),
            )
        )
    return Table(
        name="trend-per-week",
        title="Chats per week (trend)",
        columns=("week", "aangeboden", "beantwoord", "weg tijdens wachten"),
        rows=rows,
        suppressed=cut.count,
    )


def duration_distribution(
    records: Sequence[ChatRecordDoc], *, minimum: int = DEFAULT_MINIMUM
) -> Table:
    cut = _Suppressor(minimum)
    rows: list[tuple[Cell, ...]] = []
    answered = (r for r in records if r.duration_minutes is not None)
    for region, group in _by(answered, lambda r: r.region).items():
        minutes = [r.duration_minutes for r in group if r.duration_minutes is not None]
        counts = [
            sum(1 for m in minutes if low <= m and (high is None or m < high))
            for _, low, high in DURATION_BUCKETS
        ]
        rows.append((region, *cut.parts(counts)))
    return Table(
        name="duur",
        title="Duur van beantwoorde chats per regio",
        columns=("regio", *(label for label, _, _ in DURATION_BUCKETS)),
        rows=rows,
        suppressed=cut.count,
    )


def pattern(
    records: Sequence[ChatRecordDoc], *, minimum: int = DEFAULT_MINIMUM
) -> tuple[Table, Table]:
    """When chats start: per hour of the day and per weekday (local time)."""
    hours = Counter(local(r.started).hour for r in records)
    days = Counter(local(r.started).weekday() for r in records)
    hour_cut, day_cut = _Suppressor(minimum), _Suppressor(minimum)
    hour_cells = hour_cut.parts([hours[hour] for hour in range(24)])
    day_cells = day_cut.parts([days[day] for day in range(7)])
    hour_rows: list[tuple[Cell, ...]] = [
        (f"{hour:02d}:00", cell) for hour, cell in enumerate(hour_cells)
    ]
    day_rows: list[tuple[Cell, ...]] = [(WEEKDAYS[day], cell) for day, cell in enumerate(day_cells)]
    by_hour = Table(
        name="tijdstip",
        title="Begin van chats per uur van de dag",
        columns=("uur", "chats"),
        rows=hour_rows,
        suppressed=hour_cut.count,
    )
    by_day = Table(
        name="weekdag",
        title="Begin van chats per weekdag",
        columns=("weekdag", "chats"),
        rows=day_rows,
        suppressed=day_cut.count,
    )
    return by_hour, by_day


_SHARES: tuple[tuple[str, str, Callable[[ChatRecordDoc], Iterable[str]]], ...] = (
    ("leeftijd", "Leeftijdsgroep", lambda r: [r.age_band]),
    ("gender", "Gender", lambda r: [r.gender]),
    ("contact", "Wie zocht contact (geregistreerd)", lambda r: [r.contact] if r.contact else []),
    ("onderwerp", "Onderwerpen (meer per chat mogelijk)", lambda r: r.topics),
    ("advies", "Gegeven advies (meer per chat mogelijk)", lambda r: r.advice),
    ("verwijzing", "Verwijzingen (meer per chat mogelijk)", lambda r: r.referrals),
    ("uitkomst", "Uitkomst (geregistreerd)", lambda r: [r.outcome] if r.outcome else []),
)


def shares(records: Sequence[ChatRecordDoc], *, minimum: int = DEFAULT_MINIMUM) -> list[Table]:
    tables = []
    for name, title, values in _SHARES:
        cut = _Suppressor(minimum)
        counts = Counter(value for record in records for value in values(record))
        total = sum(counts.values())
        ordered = sorted(counts.items())
        cells = cut.parts([count for _, count in ordered])
        rows: list[tuple[Cell, ...]] = []
        for (value, count), shown in zip(ordered, cells, strict=True):
            visible = shown is not None and shown != COMPLEMENT
            share = round(100 * count / total, 1) if visible and total else None
            rows.append((value, shown, share))
        tables.append(
            Table(
                name=name,
                title=title,
                columns=("waarde", "aantal", "aandeel (%)"),
                rows=rows,
                suppressed=cut.count,
            )
        )
    return tables


def settlement(records: Sequence[ChatRecordDoc]) -> Table:
    """Per month: chats answered by organisation B for organisation A, and the advisor minutes.

    Exact, never suppressed: it names organisations only, and they pay by it.
    A rota is mutual and not settled: the serving organisation is the chat's own.
    """
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        if record.answering_org is None or record.answering_org == record.queued_org:
            continue
        cell = totals[(period_of(record.started, "month"), record.queued_org, record.answering_org)]
        cell[0] += 1
        cell[1] += record.duration_minutes or 0
    return Table(
        name="verrekening",
        title="Verrekening: chats beantwoord voor een andere organisatie",
        columns=("maand", "voor organisatie", "beantwoord door", "chats", "adviseursminuten"),
        rows=[(*key, chats, minutes) for key, (chats, minutes) in sorted(totals.items())],
    )


def report(
    records: Sequence[ChatRecordDoc],
    *,
    period: Period,
    minimum: int = DEFAULT_MINIMUM,
    start: date | None = None,
    end: date | None = None,
) -> list[Table]:
    """Every table of the evaluation report, in the order they are read.

    `start` and `end` are the records' range, [start, end) in local dates:
    the trend shows every week in it, also those without chats.
    """
    by_hour, by_day = pattern(records, minimum=minimum)
    return [
        summary(records, period=period, minimum=minimum),
        trend(records, start=start, end=end, minimum=minimum),
        duration_distribution(records, minimum=minimum),
        by_hour,
        by_day,
        *shares(records, minimum=minimum),
        settlement(records),
    ]
