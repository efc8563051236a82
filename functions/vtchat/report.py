"""`python -m vtchat.report`: the evaluation report and the settlement as CSV files.

    python -m vtchat.report --from 2026-11-01 --to 2026-12-01 [--org utrecht]
        [--period week|month] [--minimum 5] [--out reports/]

Reads the anonymous chat records of chats that started in [from, to) (Dutch
local dates), optionally of one region of origin, and writes one CSV per
table: UTF-8 with a byte-order mark and `;` between fields, which is what a
Dutch spreadsheet opens without an import dialog. Suppressed cells read `<5`,
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

from vtchat.errors import Forbidden, InvalidInput
from vtchat.evaluation import (
    AMSTERDAM,
    DEFAULT_MINIMUM,
    SUPPRESSED,
    Cell,
    Period,
    Table,
    report,
)
from vtchat.models import ChatRecordDoc, ReportQuery, ReportResponse, ReportTable, Staff
from vtchat.services import Services, services
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


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


def figures(svc: Services, *, staff: Staff, query: ReportQuery) -> ReportResponse:
    """The report for the console: a supervisor's own region, or any for the national role."""
    if staff.role == "advisor":
        raise Forbidden("Alleen leidinggevenden en landelijke accounts zien de cijfers.",
                        code="not_supervisor")  # fmt: skip
    org = query.org if staff.role == "national" else staff.org
    default_start, default_end = last_full_month(datetime.now(AMSTERDAM).date())
    start, end = query.start or default_start, query.end or default_end
    if not start < end:
        message = "De einddatum moet na de begindatum liggen."
        raise InvalidInput(message, fields={"from": message})
    minimum = DEFAULT_MINIMUM
    records = load_records(svc, start=start, end=end, org=org)
    tables = report(records, period=query.period, minimum=minimum, start=start, end=end)
    return ReportResponse(
        start=start,
        end=end,
        period=query.period,
        org=org,
        minimum=minimum,
        chats=len(records),
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
    parser.add_argument("--period", choices=("week", "month"), default="month")
    parser.add_argument("--minimum", type=int, default=DEFAULT_MINIMUM)
    parser.add_argument("--out", type=Path, default=Path("reports"))
    args = parser.parse_args(argv)
    if args.end <= args.start:
        parser.error("--to must be after --from")
    if args.minimum < 1:
        parser.error("--minimum must be at least 1")
    period: Period = args.period
    print(f"records {args.start} .. {args.end} {args.org or '(national)'}…", file=sys.stderr)
    records = load_records(services(), start=args.start, end=args.end, org=args.org)
    args.out.mkdir(parents=True, exist_ok=True)
    tables = report(records, period=period, minimum=args.minimum, start=args.start, end=args.end)
    for table in tables:
        path = args.out / f"{table.name}.csv"
        write_csv(table, path, minimum=args.minimum)
        note = f", {table.suppressed} cells suppressed" if table.suppressed else ""
        print(f"{path}: {len(table.rows)} rows{note}")
    print(f"{len(records)} chats", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
