"""The console's figures: the weekly trend and time-of-day charts, and CSV export of every table.

Chat records are seeded with the admin client (as `tests/functions/test_report.py`
does) in the last calendar month that is over, the month the console shows
first: figures are only given for whole months (tests/functions/test_figures_differencing.py).
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site, open_page
from tests.support import create_staff
from tests.unit.test_evaluation import record
from vtchat.store import to_doc

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BOM = b"\xef\xbb\xbf"


def last_month() -> tuple[date, date]:
    end = datetime.now(AMSTERDAM).date().replace(day=1)
    return (end - timedelta(days=1)).replace(day=1), end


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def seed(svc: Any) -> dict[str, date]:
    """Last month, in three ISO weeks (the 2nd, 9th and 16th): Utrecht 12 chats
    (3 left waiting) at 10:00, 6 at 11:00, 2 at 14:00; Haaglanden 7 at 10:00."""
    first, _ = last_month()
    weeks = {"busy": first + timedelta(days=1), "calm": first + timedelta(days=8),
             "rare": first + timedelta(days=15)}  # fmt: skip

    def at(week: str, hour: int) -> datetime:
        return datetime.combine(weeks[week], time(hour), AMSTERDAM)

    left = {"served": False, "answering_org": None, "duration_minutes": None,
            "ended_how": "visitor_left_while_waiting"}  # fmt: skip
    records = [
        *[record(started=at("busy", 10)) for _ in range(9)],
        *[record(started=at("busy", 10), **left) for _ in range(3)],
        *[record(started=at("calm", 11)) for _ in range(6)],
        *[record(started=at("rare", 14)) for _ in range(2)],
        *[record(started=at("busy", 10), region="haaglanden", queued_org="haaglanden",
                 answering_org="haaglanden") for _ in range(7)],
    ]  # fmt: skip
    batch = svc.store.client.batch()
    for index, item in enumerate(records):
        doc = to_doc(item.model_copy(update={"month": f"{item.started:%Y-%m}"}))
        batch.set(svc.store.chat_record(f"r{index}"), doc)
    batch.commit()
    return weeks


def new_page(browser: Browser, **options: Any) -> Page:
    return open_page(browser, timezone_id="Europe/Amsterdam", accept_downloads=True, **options)


def show_figures(page: Page, *, region: str | None = None) -> None:
    if not page.locator("details.report").evaluate("(d) => d.open"):
        page.get_by_text("Cijfers", exact=True).click()
        expect(page.locator(".report-out")).to_contain_text("gesprekken", timeout=c.TIMEOUT)
    start, end = last_month()
    # Only whole months that are over, the latest first: no range to overlap.
    months = page.get_by_label("Maand", exact=True)
    expect(months.locator("option")).to_have_count(12)
    assert months.input_value() == start.isoformat()
    months.select_option(start.isoformat())
    if region is not None:
        page.get_by_label("Regio", exact=True).select_option(region)
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator(".report-out > .note").first).to_contain_text(
        f"{start.isoformat()} tot {end.isoformat()}", timeout=c.TIMEOUT
    )


def chart(page: Page, name: str) -> Any:
    return page.locator(f"canvas[data-chart={name}]")


def assert_drawn(page: Page, name: str) -> None:
    """Chart.js drew on the canvas: it has pixels that are not transparent."""
    page.wait_for_function(
        """(name) => {
            const canvas = document.querySelector(`canvas[data-chart=${name}]`)
            if (!canvas || !canvas.width) return false
            const { width, height } = canvas
            const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data
            let inked = 0
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++
            return inked > 500
        }""",
        arg=name,
        timeout=c.TIMEOUT,
    )


def download(page: Page, button: Any) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        button.click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(BOM), "UTF-8 with a byte-order mark"
    text = raw[len(BOM) :].decode("utf-8")
    assert "\r\n" in text and ";" in text
    return info.value.suggested_filename, list(csv.reader(text.splitlines(), delimiter=";"))


def csv_button(page: Page, table: str) -> Any:
    return page.locator(f"button.csv[data-table={table}]")


def test_supervisor_sees_both_charts_and_downloads_every_table_as_csv(
    browser: Browser, emulators: dict[str, str], site: Site, api_url: str, svc: Any,
    artifacts: Path,
) -> None:  # fmt: skip
    weeks = seed(svc)
    url = c.console_page(site, emulators, api_url, name="figures.html")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    # Reduced motion: the charts draw at once, without animation.
    page = new_page(browser, reduced_motion="reduce")
    c.sign_in(page, url, sanne)
    show_figures(page)

    busy, calm, rare = (week_label(weeks[k]) for k in ("busy", "calm", "rare"))
    trend = chart(page, "trend")
    expect(trend).to_have_attribute("role", "img")
    start, end = last_month()
    first, last = week_label(start), week_label(end - timedelta(days=1))
    # Hidden: the rare week's offered and served (2), the busy week's 3 who
    # left, and the calm week's offered and served with the rare week's, or
    # the month's total minus the shown weeks would give them.
    expect(trend).to_have_attribute(
        "aria-label",
        "Lijndiagram van aangeboden, beantwoorde en tijdens het wachten beëindigde chats "
        f"per week, {first} tot en met {last}. Drukste week: {busy}, 12 aangeboden. "
        "5 waarden niet getoond (minder dan 5, of verborgen).",
    )
    hours = chart(page, "hours")
    expect(hours).to_have_attribute("role", "img")
    expect(hours).to_have_attribute(
        "aria-label",
        "Staafdiagram van het begin van chats per uur van de dag. Drukste uur: 10:00, "
        "12 chats. 2 uren niet getoond (minder dan 5 chats, of verborgen).",
    )
    assert_drawn(page, "trend")
    assert_drawn(page, "hours")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")

    # The charts' data is in the tables too, suppressed cells as <5.
    trend_table = page.locator("table.figures", has=page.locator("caption", has_text="(trend)"))
    expect(trend_table.locator("tr", has_text=rare)).to_contain_text("<5")

    span = f"{start.isoformat()}-{end.isoformat()}"
    name, rows = download(page, csv_button(page, "trend-per-week"))
    assert name == f"vtchat-trend-per-week-utrecht-{span}.csv"
    assert rows[0] == ["week", "aangeboden", "beantwoord", "weg tijdens wachten"]
    by_week = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_week) in (5, 6)  # the ISO weeks with a day in the month
    assert by_week[busy] == ["12", "9", "<5"]  # Haaglanden's seven are not Utrecht's
    assert by_week[calm] == ["x", "x", "0"]
    assert by_week[rare] == ["<5", "<5", "0"]
    assert sum(int(v[0]) for v in by_week.values() if v[0].isdigit()) == 12

    _, rows = download(page, csv_button(page, "tijdstip"))
    by_hour = dict(rows[1:])
    # 14:00 alone would be the period's total minus the other hours: 11:00,
    # the smallest other, is hidden with it.
    assert (by_hour["10:00"], by_hour["11:00"], by_hour["14:00"], by_hour["09:00"]) == (
        "12",
        "x",
        "<5",
        "0",
    )

    _, rows = download(page, csv_button(page, "samenvatting-per-maand"))
    assert rows[0][:4] == ["periode", "regio", "aangeboden", "beantwoord"]
    assert {row[1] for row in rows[1:]} == {"utrecht"}

    # Every table has its button, and one file holds them all, each under its title.
    tables = page.locator("table.figures").count()
    assert tables >= 10
    assert page.locator("button.csv").count() == tables
    name, rows = download(page, page.get_by_role("button", name="Alle tabellen als CSV"))
    assert name == f"vtchat-cijfers-utrecht-{span}.csv"
    assert ["Chats per week (trend)"] in rows
    assert ["Verrekening: chats beantwoord voor een andere organisatie"] in rows

    # Fields the seeded data cannot produce, through the module the page loaded.
    fields = page.evaluate(
        """async () => {
            const url = performance.getEntriesByType('resource').map((e) => e.name)
                .find((n) => n.includes('/figures-'))
            const { csvField } = await import(url)
            const values = ['a;b', 'zei "hoi"', 'twee\\nregels', null, 12.5, -3]
            return [...values, '=1+1', '+31', '-x', '@SUM'].map((v) => csvField(v, 5))
        }"""
    )
    assert fields == ['"a;b"', '"zei ""hoi"""', '"twee\nregels"', "<5", "12,5", "-3", "'=1+1",
                      "'+31", "'-x", "'@SUM"]  # fmt: skip

    w.shot(page, artifacts, "console-07-figures")
    w.assert_accessible(page, site.base, "console figures")
    assert page.console_errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_national_account_charts_all_regions_and_one(
    browser: Browser, emulators: dict[str, str], site: Site, api_url: str, svc: Any
) -> None:
    weeks = seed(svc)
    url = c.console_page(site, emulators, api_url, name="figures-national.html")
    lotte = create_staff(org="utrecht", role="national", name="Lotte Landelijk")
    page = new_page(browser)
    c.sign_in(page, url, lotte)
    show_figures(page)
    busy = week_label(weeks["busy"])
    expect(chart(page, "trend")).to_have_attribute(
        "aria-label", _contains(f"Drukste week: {busy}, 19 aangeboden.")
    )
    assert_drawn(page, "trend")
    assert_drawn(page, "hours")
    name, rows = download(page, csv_button(page, "trend-per-week"))
    assert name.startswith("vtchat-trend-per-week-2")  # every region: no region in the name
    by_week = {row[0]: row[1:] for row in rows[1:]}
    assert by_week[busy] == ["19", "16", "<5"]

    show_figures(page, region="haaglanden")
    expect(chart(page, "trend")).to_have_attribute(
        "aria-label", _contains(f"Drukste week: {busy}, 7 aangeboden.")
    )
    name, rows = download(page, csv_button(page, "trend-per-week"))
    assert "-haaglanden-" in name
    assert {row[0]: row[1:] for row in rows[1:]}[busy] == ["7", "7", "0"]
    assert_drawn(page, "trend")
    w.assert_accessible(page, site.base, "console figures national")
    assert page.console_errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_an_advisor_has_no_figures_and_never_loads_the_charts(
    page: Page, emulators: dict[str, str], site: Site, api_url: str, svc: Any
) -> None:
    seed(svc)
    url = c.console_page(site, emulators, api_url, name="figures-advisor.html")
    anna = create_staff(org="utrecht", name="Anna")
    c.sign_in(page, url, anna)
    expect(page.locator(".queue")).to_be_visible()
    assert page.locator(".report-box").count() == 0
    assert page.get_by_text("Cijfers", exact=True).count() == 0
    loaded = page.evaluate(
        "performance.getEntriesByType('resource').map((e) => e.name)"
        ".filter((n) => n.includes('/figures-'))"
    )
    assert loaded == []


def _contains(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))
