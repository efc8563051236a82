"""Evaluation figures and the fall-back settlement, from the anonymous chat records.

Pure functions over `ChatRecordDoc`s: no Firestore here, so every figure is
tested against known totals. Every table that describes visitors suppresses
small cells (fewer than `minimum`, default 5): a rare combination of region,
week, age band and topic must not single anyone out. The settlement table
is about organisations, not people, and is exact: organisations pay by it.
Periods and the time-of-day pattern are in Dutch local time.

Figures are only made for whole calendar months (`is_whole_month`): fixed
cells that never overlap. Hiding small cells per request is no protection
when a caller may choose the range, since two ranges that differ by a day
give that day's counts by subtraction (tests/functions/test_figures_differencing.py).
Within one month, every group of cells that adds up to a total shown
elsewhere hides at least two cells or none (`_Suppressor.parts`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from vtchat import service_levels
from vtchat.disclosure import NATION, Cube
from vtchat.models import LANGUAGES, ChatRecordDoc
from vtchat.tables import (
    DEFAULT_MINIMUM,
    Cell,
    Table,
    hidden_count,
    local,
    period_of,
    weeks_between,
)

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DURATION_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-4 min", 0, 5),
    ("5-14 min", 5, 15),
    ("15-29 min", 15, 30),
    ("30-59 min", 30, 60),
    ("60+ min", 60, None),
)


def percentile(values: Sequence[int], q: float) -> float:
    """Nearest-rank percentile (what a spreadsheet's PERCENTILE.INC approximates)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return float(ordered[index])


def _over(
    values: Sequence[int], compute: Callable[[Sequence[int]], float], minimum: int
) -> float | None:
    """A figure computed over a group only when the group is large enough."""
    return round(compute(values), 1) if len(values) >= minimum else None


def _by(
    records: Iterable[ChatRecordDoc], key: Callable[[ChatRecordDoc], str]
) -> dict[str, list[ChatRecordDoc]]:
    groups: dict[str, list[ChatRecordDoc]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return dict(sorted(groups.items()))


_SHARES: tuple[tuple[str, str, Callable[[ChatRecordDoc], Iterable[str]]], ...] = (
    ("leeftijd", "Leeftijdsgroep", lambda r: [r.age_band]),
    ("gender", "Gender", lambda r: [r.gender]),
    ("contact", "Wie zocht contact (geregistreerd)", lambda r: [r.contact] if r.contact else []),
    ("onderwerp", "Onderwerpen (meer per chat mogelijk)", lambda r: r.topics),
    ("advies", "Gegeven advies (meer per chat mogelijk)", lambda r: r.advice),
    ("verwijzing", "Verwijzingen (meer per chat mogelijk)", lambda r: r.referrals),
    ("uitkomst", "Uitkomst (geregistreerd)", lambda r: [r.outcome] if r.outcome else []),
)
_LEFT = "visitor_left_while_waiting"
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "Engels",
    "tr": "Turks",
    "ar": "Arabisch",
    "pl": "Pools",
    "uk": "Oekraïens",
}


def _bucket(minutes: int) -> str:
    return next(
        label
        for label, low, high in DURATION_BUCKETS
        if low <= minutes and (high is None or minutes < high)
    )


def cube_of(
    records: Sequence[ChatRecordDoc],
    *,
    start: date | None = None,
    end: date | None = None,
    minimum: int = DEFAULT_MINIMUM,
) -> tuple[Cube, dict[str, list[str]]]:
    """Every count of the report for all regions and the nation, protected once
    (vtchat.disclosure); with each family's categories."""
    cube = Cube(regions=sorted({r.region for r in records}))
    cube.totals("offered", records, lambda r: True)
    cube.totals("served", records, lambda r: r.served)
    cube.totals("left", records, lambda r: r.ended_how == _LEFT)
    cube.totals("urgent", records, lambda r: r.urgent)
    weeks = weeks_between(start, end) if start and end else []
    week = lambda r: [period_of(r.started, "week")]  # noqa: E731
    served = [r for r in records if r.served]
    answered = [r for r in records if r.duration_minutes is not None]
    left = [r for r in records if r.ended_how == _LEFT]
    family = cube.family
    categories = {
        "trend-offered": family("trend-offered", records, week, categories=weeks, total="offered"),
        "trend-served": family("trend-served", served, week, categories=weeks, total="served"),
        "trend-left": family("trend-left", left, week, categories=weeks, total="left"),
        "duur": family("duur", answered, lambda r: [_bucket(r.duration_minutes or 0)],
                       categories=[label for label, _, _ in DURATION_BUCKETS]),
        "tijdstip": family("tijdstip", records, lambda r: [f"{local(r.started).hour:02d}:00"],
                           categories=[f"{h:02d}:00" for h in range(24)], total="offered"),
        "weekdag": family("weekdag", records, lambda r: [WEEKDAYS[local(r.started).weekday()]],
                          categories=WEEKDAYS, total="offered"),
        # One language per chat: its parts add up to the offered total shown beside.
        "taal": family("taal", records, lambda r: [r.language], categories=LANGUAGES,
                       total="offered"),
    }  # fmt: skip
    # The trend's weeks of one month are that month's: one set, whatever the scope.
    categories["trend"] = sorted(
        set(categories["trend-offered"]) | set(categories["trend-served"])
        | set(categories["trend-left"])
    )  # fmt: skip
    for name, _, values in _SHARES:
        categories[name] = cube.family(name, records, values)
    # Per week, with the trend's weeks as their totals (vtchat.service_levels).
    categories["service"] = service_levels.add_counts(cube, records, categories["trend"])
    cube.protect(minimum)
    return cube, categories


def summary(
    records: Sequence[ChatRecordDoc], cube: Cube, *, regions: Sequence[str], minimum: int
) -> Table:
    """Per region of origin: offered, served, abandoned, urgent, waiting and duration."""
    rows: list[tuple[Cell, ...]] = []
    hidden = 0
    groups = _by(records, lambda r: r.region)
    for region in regions:
        group = groups.get(region, [])
        served = [r for r in group if r.served]
        waits = [r.waited_minutes for r in served]
        durations = [r.duration_minutes for r in served if r.duration_minutes is not None]
        counts = [cube.cell((name, region, "")) for name in ("offered", "served", "left", "urgent")]
        figures = [
            _over(waits, statistics.median, minimum),
            _over(waits, lambda v: percentile(v, 0.9), minimum),
            _over(durations, statistics.median, minimum),
        ]
        hidden += hidden_count(counts) + sum(
            1
            for values, f in zip((waits, waits, durations), figures, strict=True)
            if values and f is None
        )
        when = period_of(group[0].started, "month") if group else ""
        rows.append((when, region, *counts, *figures))
    return Table(
        name="samenvatting-per-maand",
        title="Chats per regio en maand",
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
        suppressed=hidden,
    )


def trend(cube: Cube, weeks: Sequence[str], *, scope: str) -> Table:
    """Per ISO week of the month, the scope's chats: offered, served, left while waiting.

    The series the console draws; a week without chats is a row of zeros, so a
    chart shows the quiet week instead of skipping it.
    """
    rows: list[tuple[Cell, ...]] = [
        (
            week,
            *(cube.cell((f"trend-{name}", scope, week)) for name in ("offered", "served", "left")),
        )
        for week in weeks
    ]
    return Table(
        name="trend-per-week",
        title="Chats per week (trend)",
        columns=("week", "aangeboden", "beantwoord", "weg tijdens wachten"),
        rows=rows,
        suppressed=sum(hidden_count(row[1:]) for row in rows),
    )


def duration_distribution(cube: Cube, buckets: Sequence[str], *, regions: Sequence[str]) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (region, *(cube.cell(("duur", region, b)) for b in buckets))
        for region in regions
        if cube.value(("duur-n", region, ""))
    ]
    return Table(
        name="duur",
        title="Duur van beantwoorde chats per regio",
        columns=("regio", *buckets),
        rows=rows,
        suppressed=sum(hidden_count(row[1:]) for row in rows),
    )


def pattern(cube: Cube, categories: dict[str, list[str]], *, scope: str) -> tuple[Table, Table]:
    """When chats start: per hour of the day and per weekday (local time)."""
    tables = []
    for name, title, column in (
        ("tijdstip", "Begin van chats per uur van de dag", "uur"),
        ("weekdag", "Begin van chats per weekdag", "weekdag"),
    ):
        rows: list[tuple[Cell, ...]] = [
            (label, cube.cell((name, scope, label))) for label in categories[name]
        ]
        tables.append(
            Table(name=name, title=title, columns=(column, "chats"), rows=rows,
                  suppressed=sum(hidden_count(row[1:]) for row in rows))
        )  # fmt: skip
    return tables[0], tables[1]


def languages(cube: Cube, categories: dict[str, list[str]], *, scope: str) -> Table:
    """Chats per language the visitor chose (vtchat.language); every language, zeros too."""
    rows: list[tuple[Cell, ...]] = [
        (LANGUAGE_NAMES.get(code, code), cube.cell(("taal", scope, code)))
        for code in categories["taal"]
    ]
    return Table(
        name="taal",
        title="Chats per taal",
        columns=("taal", "chats"),
        rows=rows,
        suppressed=sum(hidden_count(row[1:]) for row in rows),
    )


def shares(cube: Cube, categories: dict[str, list[str]], *, scope: str) -> list[Table]:
    tables = []
    for name, title, _ in _SHARES:
        total = cube.cell((f"{name}-n", scope, ""))
        rows: list[tuple[Cell, ...]] = []
        for value in categories[name]:
            count = cube.value((name, scope, value))
            if not count:
                continue
            shown = cube.cell((name, scope, value))
            # A share of a hidden total would give that total away.
            share = None
            if isinstance(shown, int) and isinstance(total, int) and total > 0:
                share = round(100 * count / total, 1)
            rows.append((value, shown, share))
        tables.append(
            Table(name=name, title=title, columns=("waarde", "aantal", "aandeel (%)"), rows=rows,
                  suppressed=sum(hidden_count(row[1:2]) for row in rows))
        )  # fmt: skip
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
    org: str | None = None,
    minimum: int = DEFAULT_MINIMUM,
    start: date | None = None,
    end: date | None = None,
) -> list[Table]:
    return month_report(records, org=org, minimum=minimum, start=start, end=end)[0]


def month_report(
    records: Sequence[ChatRecordDoc],
    *,
    org: str | None = None,
    minimum: int = DEFAULT_MINIMUM,
    start: date | None = None,
    end: date | None = None,
) -> tuple[list[Table], Cell]:
    """Every table of one month's evaluation report in reading order, and its total.

    `records` are the month's records of every region: the small cells are
    chosen over all of them (vtchat.disclosure), and the report shows the
    slice of `org` (a region), or of the nation with every region's rows.
    The total is a cell like any other (for a region, the summary's offered).
    `start` and `end` are the month, [start, end) in local dates: the trend
    shows every week in it, also those without chats.
    """
    cube, categories = cube_of(records, start=start, end=end, minimum=minimum)
    scope = org or NATION
    regions = [org] if org else cube.regions
    mine = [r for r in records if r.region == org] if org else list(records)
    by_hour, by_day = pattern(cube, categories, scope=scope)
    tables = [
        summary(mine, cube, regions=regions if mine else [], minimum=minimum),
        trend(cube, categories["trend"], scope=scope),
        duration_distribution(cube, categories["duur"], regions=regions),
        by_hour,
        by_day,
        languages(cube, categories, scope=scope),
        *service_levels.tables(cube, mine, categories["service"], scope=scope, minimum=minimum),
        *shares(cube, categories, scope=scope),
        settlement(mine),
    ]
    return tables, cube.cell(("offered", scope, ""))
