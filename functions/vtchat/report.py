"""The evaluation figures a function answers (`GET /api/report`), and the records under them.

`python -m vtchat.report` (vtchat.cli.report) writes the same figures as CSV
files; its `main`, `write_csv` and `csv_cell` are still reachable from here,
loaded only when asked for, so a function never imports the command.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from typing import Any

from vtchat import feedback
from vtchat.errors import NOT_SUPERVISOR, BadRequest, Forbidden, declare
from vtchat.evaluation import month_report
from vtchat.models import ChatRecordDoc, ReportQuery, ReportResponse, ReportTable, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot, where
from vtchat.tables import AMSTERDAM, DEFAULT_MINIMUM, Cell, Table, is_whole_month, next_month

# The error codes raised here (vtchat.openapi describes them).
REPORT_PERIOD = declare(
    "report_period",
    BadRequest,
    "figures are given for one whole calendar month that is over, nothing else",
)


def load_records(
    svc: Services, *, start: date, end: date, org: str | None = None
) -> list[ChatRecordDoc]:
    """The records of chats that started on local dates in [start, end)."""
    query = (
        svc.store.chat_records()
        .where(filter=where("started", ">=", datetime.combine(start, time(), AMSTERDAM)))
        .where(filter=where("started", "<", datetime.combine(end, time(), AMSTERDAM)))
    )
    if org is not None:
        svc.directory.get(org)
        query = query.where(filter=where("region", "==", org))
    return [from_snapshot(ChatRecordDoc, snap) for snap in svc.store.query(query)]


def month_tables(
    svc: Services, *, start: date, org: str | None, minimum: int
) -> tuple[list[Table], Cell, int]:
    """A month's report for a region or the nation: tables, total and records read.

    Every region's records are read, also for one region: which cells are
    hidden is decided over all of them at once (vtchat.disclosure), or the
    nation minus the other regions would give a region's hidden count.
    """
    if org is not None:
        svc.directory.get(org)
    end = next_month(start)
    records = load_records(svc, start=start, end=end)
    tables, total = month_report(records, org=org, minimum=minimum, start=start, end=end)
    # The word afterwards: counters per organisation and whole week, not records.
    weeks = feedback.weeks_of_month(start, end, today=datetime.now(AMSTERDAM).date())
    counts = feedback.load_counts(svc, weeks)
    tables.append(feedback.table(counts, weeks, org=org, minimum=minimum))
    return tables, total, len(records)


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


WHOLE_MONTH = (
    "Cijfers zijn er alleen per hele kalendermaand: van de eerste dag van een maand tot de "
    "eerste dag van de maand erna. Zo kan geen klein aantal uit het verschil tussen twee "
    "periodes worden teruggerekend."
)
MONTH_NOT_OVER = "Cijfers van een maand zijn er pas als de maand voorbij is."


def figures(svc: Services, *, staff: Staff, query: ReportQuery) -> ReportResponse:
    """The report for the console: a supervisor's own region, or any for the national role."""
    if staff.role == "advisor":
        raise Forbidden("Alleen leidinggevenden en landelijke accounts zien de cijfers.",
                        code=NOT_SUPERVISOR)  # fmt: skip
    org = query.org if staff.role == "national" else staff.org
    default_start, default_end = last_full_month(datetime.now(AMSTERDAM).date())
    start, end = query.start or default_start, query.end or default_end
    # Fixed cells: one calendar month, per month (weeks are the trend's rows).
    if query.period != "month" or not is_whole_month(start, end):
        raise BadRequest(WHOLE_MONTH, code=REPORT_PERIOD, fields={"from": WHOLE_MONTH})
    # A month still running is a range that grows: asked today and tomorrow,
    # the difference would be today's chats.
    if end > datetime.now(AMSTERDAM).date():
        raise BadRequest(MONTH_NOT_OVER, code=REPORT_PERIOD, fields={"to": MONTH_NOT_OVER})
    minimum = DEFAULT_MINIMUM
    tables, total, _ = month_tables(svc, start=start, org=org, minimum=minimum)
    return ReportResponse(
        start=start,
        end=end,
        period="month",
        org=org,
        minimum=minimum,
        chats=total if isinstance(total, int) else None,
        tables=[
            ReportTable(
                name=t.name,
                title=t.title,
                columns=list(t.columns),
                rows=[list(row) for row in t.rows],
                suppressed=t.suppressed,
            )
            for t in tables
        ],
    )


def __getattr__(name: str) -> Any:
    """The CSV command's names, for the callers of `vtchat.report.main` and friends."""
    if name in ("main", "write_csv", "csv_cell", "FORMULA_START", "operator_services"):
        from vtchat.cli import report as command

        return getattr(command, name)
    raise AttributeError(name)


if __name__ == "__main__":
    from vtchat.cli import report as command

    sys.exit(command.main())
