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
from datetime import date, datetime
from pathlib import Path

from vtchat.report import month_tables
from vtchat.services import operator_services
from vtchat.tables import (
    AMSTERDAM,
    DEFAULT_MINIMUM,
    SUPPRESSED,
    Cell,
    Table,
    months_between,
    next_month,
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
