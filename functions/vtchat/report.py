"""`python -m vtchat.report`: the evaluation report and the settlement as CSV files.

    python -m vtchat.report --from 2026-11-01 --to 2027-01-01 [--org utrecht]
        [--minimum 5] [--out reports/]

Reads the anonymous chat records of chats that started in [from, to) (Dutch
local dates, whole calendar months), optionally of one region of origin, and
writes for every month a folder `YYYY-MM` with one CSV per table: never a
table over a range of months, which would give a month's small counts as the
difference with the others (see vtchat.evaluation). UTF-8 with a byte-order
mark and `;` between fields, which is what a Dutch spreadsheet opens without
an import dialog. Suppressed cells read `<5`,
cells hidden with them so that they cannot be worked out from a total `x`;
a text a spreadsheet would take for a formula gets a leading `'`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from vtchat.errors import BadRequest, Forbidden
from vtchat.evaluation import (
    AMSTERDAM,
    DEFAULT_MINIMUM,
    SUPPRESSED,
    Cell,
    Table,
    is_whole_month,
    month_report,
    months_between,
    next_month,
)
from vtchat.models import ChatRecordDoc, ReportQuery, ReportResponse, ReportTable, Staff
from vtchat.services import Services, operator_services
from vtchat.store import from_snapshot, where


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
                        code="not_supervisor")  # fmt: skip
    org = query.org if staff.role == "national" else staff.org
    default_start, default_end = last_full_month(datetime.now(AMSTERDAM).date())
    start, end = query.start or default_start, query.end or default_end
    # Fixed cells: one calendar month, per month (weeks are the trend's rows).
    if query.period != "month" or not is_whole_month(start, end):
        raise BadRequest(WHOLE_MONTH, code="report_period", fields={"from": WHOLE_MONTH})
    # A month still running is a range that grows: asked today and tomorrow,
    # the difference would be today's chats.
    if end > datetime.now(AMSTERDAM).date():
        raise BadRequest(MONTH_NOT_OVER, code="report_period", fields={"to": MONTH_NOT_OVER})
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


# A spreadsheet reads a field that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(cell: Cell, *, minimum: int) -> str | int:
    """One field as the console's CSV export writes it too (web/console/src/figures.ts)."""
    if cell is None:
        return SUPPRESSED.format(minimum=minimum)
    if isinstance(cell, float):
        return str(cell).replace(".", ",")
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return f"'{cell}"
    return cell


def write_csv(table: Table, path: Path, *, minimum: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([csv_cell(c, minimum=minimum) for c in table.columns])
        for row in table.rows:
            writer.writerow([csv_cell(cell, minimum=minimum) for cell in row])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vtchat.report", description=__doc__)
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
    parser.add_argument("--org", help="region of origin (organisation id); all when omitted")
    parser.add_argument("--minimum", type=int, default=DEFAULT_MINIMUM)
    parser.add_argument("--out", type=Path, default=Path("reports"))
    args = parser.parse_args(argv)
    if args.end <= args.start or args.start.day != 1 or args.end.day != 1:
        parser.error("--from and --to must be first days of months, --to after --from")
    if args.end > datetime.now(AMSTERDAM).date():
        parser.error("--to is in a month that is not over yet")
    if args.minimum < 1:
        parser.error("--minimum must be at least 1")
    svc = operator_services()
    for start in months_between(args.start, args.end):
        print(
            f"records {start} .. {next_month(start)} {args.org or '(national)'}…", file=sys.stderr
        )
        tables, total, read = month_tables(svc, start=start, org=args.org, minimum=args.minimum)
        folder = args.out / f"{start:%Y-%m}"
        folder.mkdir(parents=True, exist_ok=True)
        for table in tables:
            path = folder / f"{table.name}.csv"
            write_csv(table, path, minimum=args.minimum)
            note = f", {table.suppressed} cells suppressed" if table.suppressed else ""
            print(f"{path}: {len(table.rows)} rows{note}")
        print(
            f"{csv_cell(total, minimum=args.minimum)} chats ({read} records read)", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
