"""`GET /api/report` over a year of records (issue 8): time and reads per request.

The figures are computed on request from the anonymous chat records, so a
national account's year is one read per chat. Seeds the demo's synthetic
records (emulators/demo_figures.py: about 12,000 a year for the 26 regions)
and times `report.figures` in process for a few months.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from emulators.demo_figures import seed_figures

from vtchat import report
from vtchat.models import ReportQuery, Staff
from vtchat.services import services
from vtchat.tables import next_month

# One calendar month per request (the only range the API gives): the last
# one that is over, nationally and for one region, and the twelve months of a
# year one after the other.
REQUESTS = ((1, None), (1, "utrecht"), (12, None))


def measure_figures() -> list[str]:
    svc = services()
    seeded = seed_figures(svc, weeks=52)
    national = Staff(uid="bench", role="national", org="utrecht", display_name="Bench")
    end = date.today().replace(day=1)
    lines = [f"Figures (GET /api/report in process), {seeded} synthetic records over 52 weeks:"]
    for months, org in REQUESTS:
        total = reading = 0.0
        records = 0
        for back in range(months):
            first = (end - timedelta(days=1)).replace(day=1)
            for _ in range(back):
                first = (first - timedelta(days=1)).replace(day=1)
            query = ReportQuery.model_validate(
                {"from": first.isoformat(), "to": next_month(first).isoformat(), "org": org}
            )
            started = time.perf_counter()
            figures = report.figures(svc, staff=national, query=query)
            total += time.perf_counter() - started
            started = time.perf_counter()
            records += len(report.load_records(svc, start=figures.start, end=figures.end, org=org))
            reading += time.perf_counter() - started
        lines.append(
            f"  {months:>2} month(s), {org or 'all regions':<12} {records:>6} records"
            f" = reads   {total * 1000:6.0f} ms; reading them alone {reading * 1000:6.0f} ms"
        )
    return lines
