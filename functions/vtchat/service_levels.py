"""Service-level figures per week: how soon visitors got a first answer, and how
long those who gave up had waited.

From the anonymous chat records only (vtchat.records): `firstReplyMinutes`
is the time from the queue to the advisor's first message, and
`waitedMinutes` the time in the queue, both in whole minutes, rounded down,
as every time of a record. Whole minutes are enough for bands of 1, 3 and 5
minutes: "within 1 minute" is a record of 0 whole minutes.

The time counts from the queue, not from the assignment: it is what the
visitor waited for a first word (help desks count a first reply from the
request too); the summary's waiting time shows the queue's part.

The counts are cells of the month's one cube (vtchat.disclosure): each
week's bands add up to that week's count in the trend table (offered, or
left while waiting), so a week's bands, together with that count, are a line
whose small cells are hidden with a complement, decided once with every
other table's cells. A share is shown only when none of the counts under it
is hidden (else it would give the hidden one away); a median only over at
least `minimum` chats.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from vtchat.disclosure import NATION, Cube
from vtchat.models import ChatRecordDoc
from vtchat.tables import Cell, Table, is_hidden, period_of

Band = tuple[str, int, int | None]
REPLY = "eerste-antwoord"
GAVE_UP = "wachttijd-opgegeven"
NO_REPLY = "geen antwoord"
REPLY_BANDS: tuple[Band, ...] = (
    ("<1 min", 0, 1),
    ("1-2 min", 1, 3),
    ("3-4 min", 3, 5),
    ("5-9 min", 5, 10),
    ("10+ min", 10, None),
)
GAVE_UP_BANDS: tuple[Band, ...] = (
    ("<1 min", 0, 1),
    ("1-2 min", 1, 3),
    ("3-4 min", 3, 5),
    ("5-9 min", 5, 10),
    ("10-19 min", 10, 20),
    ("20+ min", 20, None),
)
# "Answered within" these minutes: the reply bands below each limit.
WITHIN = (1, 3, 5)
_LEFT = "visitor_left_while_waiting"


def band(minutes: int, bands: Sequence[Band]) -> str:
    return next(
        label for label, low, high in bands if low <= minutes and (high is None or minutes < high)
    )


def reply_band(record: ChatRecordDoc) -> str:
    minutes = record.first_reply_minutes
    return NO_REPLY if minutes is None else band(minutes, REPLY_BANDS)


def _labels(bands: Sequence[Band]) -> list[str]:
    return [label for label, _, _ in bands]


def reply_labels() -> list[str]:
    return [*_labels(REPLY_BANDS), NO_REPLY]


def _week(record: ChatRecordDoc) -> str:
    return period_of(record.started, "week")


def _family(
    cube: Cube,
    name: str,
    records: Sequence[ChatRecordDoc],
    value: dict[int, str],
    *,
    weeks: Sequence[str],
    labels: Sequence[str],
    margin: str,
) -> None:
    """Count `name` by region, week and band; each (region, week)'s bands with the
    week's `margin` count (a trend cell) form a line, as do each cell's regions."""
    for record in records:
        key = f"{_week(record)}|{value[id(record)]}"
        cube.counts[(name, record.region, key)] += 1
        cube.counts[(name, NATION, key)] += 1
    scopes = [*cube.regions, NATION]
    for week in weeks:
        for scope in scopes:
            cells = tuple((name, scope, f"{week}|{b}") for b in labels)
            cube.lines.append((*cells, (margin, scope, week)))
        for b in labels:
            cube.lines.append(tuple((name, scope, f"{week}|{b}") for scope in scopes))


def add_counts(cube: Cube, records: Sequence[ChatRecordDoc], weeks: Sequence[str]) -> list[str]:
    """Add the service-level counts to the month's cube, before it is protected.

    Needs the trend's `trend-offered` and `trend-left` families in the cube
    (their week cells are the lines' totals). Returns the weeks counted.
    """
    weeks = list(weeks) or sorted({_week(r) for r in records})
    replies = {id(r): reply_band(r) for r in records}
    _family(cube, REPLY, records, replies, weeks=weeks, labels=reply_labels(),
            margin="trend-offered")  # fmt: skip
    left = [r for r in records if r.ended_how == _LEFT]
    waits = {id(r): band(r.waited_minutes, GAVE_UP_BANDS) for r in left}
    _family(cube, GAVE_UP, left, waits, weeks=weeks, labels=_labels(GAVE_UP_BANDS),
            margin="trend-left")  # fmt: skip
    return weeks


def _bands_below(limit: int) -> int:
    """How many reply bands lie wholly below `limit` minutes (they come first)."""
    return sum(1 for _, _, high in REPLY_BANDS if high is not None and high <= limit)


def _share(cells: Sequence[Cell], total: Cell) -> float | None:
    if any(is_hidden(c) for c in cells) or not isinstance(total, int) or total == 0:
        return None
    return round(100 * sum(c for c in cells if isinstance(c, int)) / total, 1)


def tables(
    cube: Cube,
    records: Sequence[ChatRecordDoc],
    weeks: Sequence[str],
    *,
    scope: str,
    minimum: int,
) -> list[Table]:
    """The scope's (a region, or NATION) three tables, one row per week.

    `records` are the scope's own (for the medians); the counts come from the cube.
    """
    labels = reply_labels()
    first: list[tuple[Cell, ...]] = []
    within: list[tuple[Cell, ...]] = []
    gave_up: list[tuple[Cell, ...]] = []
    hidden = [0, 0, 0]
    for week in weeks:
        offered = cube.cell(("trend-offered", scope, week))
        cells = [cube.cell((REPLY, scope, f"{week}|{b}")) for b in labels]
        minutes = [
            r.first_reply_minutes
            for r in records
            if r.first_reply_minutes is not None and _week(r) == week
        ]
        median = round(statistics.median(minutes), 1) if len(minutes) >= minimum else None
        first.append((week, offered, *cells, median))
        hidden[0] += sum(map(is_hidden, [offered, *cells])) + (bool(minutes) and median is None)
        shares = [_share(cells[: _bands_below(limit)], offered) for limit in WITHIN]
        within.append((week, offered, *shares))
        # A share is missing only when a count under it is hidden (or nothing was offered).
        hidden[1] += is_hidden(offered) + (offered != 0) * sum(s is None for s in shares)
        left = cube.cell(("trend-left", scope, week))
        waits = [cube.cell((GAVE_UP, scope, f"{week}|{b}")) for b in _labels(GAVE_UP_BANDS)]
        gave_up.append((week, left, *waits))
        hidden[2] += sum(map(is_hidden, [left, *waits]))
    return [
        Table(
            name=REPLY,
            title="Tijd tot het eerste antwoord van de adviseur (vanaf de wachtrij), per week",
            columns=("week", "aangeboden", *labels, "mediaan (min)"),
            rows=first,
            suppressed=hidden[0],
        ),
        Table(
            name="binnen-termijn",
            title="Aandeel van de aangeboden chats met een eerste antwoord binnen 1, 3 en 5 "
            "minuten, per week",
            columns=("week", "aangeboden", *(f"binnen {m} min (%)" for m in WITHIN)),
            rows=within,
            suppressed=hidden[1],
        ),
        Table(
            name=GAVE_UP,
            title="Hoe lang bezoekers die het wachten opgaven hadden gewacht, per week",
            columns=("week", "weg tijdens wachten", *_labels(GAVE_UP_BANDS)),
            rows=gave_up,
            suppressed=hidden[2],
        ),
    ]
