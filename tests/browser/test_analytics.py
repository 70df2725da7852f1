"""The analytics page in the browser: the date filter changes every dated chart, a click on a
bar opens the list page of its records, and a next best action becomes a task in one click."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Deal, Stage

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")
# every sales chart whose figures depend on the date range (open pipeline is as of now)
DATED = (
    "funnel",
    "win_rate_by_month",
    "win_rate_trend",
    "win_rate_by_owner",
    "win_rate_by_source",
    "cycle_days",
    "forecast",
    "lost_reasons",
)


def _open(page: Page, base_url: str) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/analytics")
    expect(page.get_by_test_id("analytics-kpis")).to_contain_text("Win rate")
    for key in DATED:
        expect(page.get_by_test_id(f"chart-{key}").locator(".main-svg").first).to_be_attached()


def _drawn(page: Page, key: str) -> str:
    """What the chart draws: its bars, lines and labels."""
    return page.get_by_test_id(f"chart-{key}").locator(".main-svg").first.inner_html()


def _changes(page: Page, key: str, old: str, timeout_s: float = 10) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _drawn(page, key) != old:
            return True
        page.wait_for_timeout(200)
    return False


def test_the_date_filter_changes_every_chart(page: Page, base_url: str) -> None:
    _open(page, base_url)
    before = {key: _drawn(page, key) for key in DATED}
    kpis = page.get_by_test_id("analytics-kpis").inner_text()
    page.get_by_role("button", name="Last 90 days").click()
    expect(page.get_by_test_id("analytics-kpis")).not_to_have_text(kpis)
    unchanged = [key for key in DATED if not _changes(page, key, before[key])]
    assert unchanged == []


def _click_first_bar(page: Page, key: str) -> None:
    chart = page.get_by_test_id(f"chart-{key}")
    bar = chart.locator(".point path").first
    expect(bar).to_be_attached()
    chart.scroll_into_view_if_needed()  # a mouse click only lands inside the viewport
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _lost_deals(db_url: str, reason: str) -> tuple[int, set[str]]:
    """All-time lost deals with ``reason`` straight from the database: (count, titles)."""
    with sa.create_engine(db_url).connect() as conn:
        found = list(
            conn.execute(
                sa.select(Deal.title)
                .join(Stage, Stage.id == Deal.stage_id)
                .where(
                    Stage.is_lost,
                    Deal.closed_at.is_not(None),
                    sa.func.coalesce(Deal.lost_reason, "") == reason,
                )
            ).scalars()
        )
    return len(found), set(found)


def test_clicking_a_bar_opens_its_records(page: Page, base_url: str, running_app) -> None:
    _open(page, base_url)
    _click_first_bar(page, "lost_reasons")
    expect(page).to_have_url(re.compile(r"/analytics/records\?chart=lost_reasons&lost_reason="))
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert query["won"] == ["0"] and "from" not in query
    count, titles = _lost_deals(running_app.db_url, query["lost_reason"][0])
    assert count > 0
    expect(page.get_by_role("heading", name="Deals lost for this reason")).to_be_visible()
    expect(page.get_by_test_id("records-total")).to_have_text(
        f"{count} deal" + ("s" * (count != 1))
    )
    expect(page.get_by_test_id("records-criteria")).to_contain_text("Lost")
    rows = page.get_by_test_id("records-row")
    expect(rows).to_have_count(min(count, 50))
    first = rows.first.get_by_role("link")
    assert first.inner_text() in titles
    all_time = [page.url, page.get_by_test_id("records-table").inner_text()]

    # a narrower date range on the dashboard: the click opens a different list
    page.get_by_role("link", name="Back to Analytics").first.click()
    expect(page).to_have_url(f"{base_url}/analytics")
    kpis = page.get_by_test_id("analytics-kpis")
    expect(kpis).to_contain_text("Win rate")
    before = kpis.inner_text()
    page.get_by_role("button", name="Last 90 days").click()
    expect(kpis).not_to_have_text(before)
    _click_first_bar(page, "lost_reasons")
    expect(page).to_have_url(re.compile(r"/analytics/records\?chart=lost_reasons&.*&from=\d{4}"))
    expect(page.get_by_test_id("records-criteria")).to_contain_text("–")
    expect(page.get_by_test_id("records-row").first).to_be_visible()
    assert [page.url, page.get_by_test_id("records-table").inner_text()] != all_time
    href = page.get_by_test_id("records-row").first.get_by_role("link").get_attribute("href")
    assert (href or "").startswith("/deals/"), href
    page.get_by_test_id("records-row").first.get_by_role("link").click()
    expect(page).to_have_url(f"{base_url}{href}")


def test_a_bad_records_address_says_why(page: Page, base_url: str) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/analytics/records?chart=lost_reasons&month=March")
    expect(page.get_by_test_id("records-error")).to_contain_text(re.compile(r"month\W*has a value"))
    expect(page.get_by_role("link", name="Back to Analytics").first).to_be_visible()


def test_a_month_of_a_ticket_chart_opens_in_the_queue(page: Page, base_url: str, running_app):
    """The records of one month of the "tickets by channel" chart link to the ticket queue
    filtered to the same channel and created days, and the queue counts the same tickets."""
    from crm_app.models import Ticket

    with session_scope(running_app.db_url) as session:
        month_of = sa.func.strftime("%Y-%m", Ticket.created_at)
        month, channel = session.execute(
            sa.select(month_of, Ticket.channel)
            .group_by(month_of, Ticket.channel)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).one()
    log_in(page, base_url, *ADMIN)
    page.goto(
        f"{base_url}/analytics/records?chart=tickets_by_channel&month={month}&channel={channel}"
    )
    total = page.get_by_test_id("records-total")
    expect(total).to_have_text(re.compile(r"^\d[\d,  ]* tickets?$"))
    count = int(re.sub(r"\D", "", total.inner_text()))
    link = page.get_by_test_id("records-queue-link")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(rf"/tickets\?.*created_from={month}-01"))
    expect(page.get_by_test_id("ticket-created")).to_contain_text(f"{month}-01")
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{count:,}")
    page.get_by_test_id("ticket-created").click()  # the range, editable in its popover
    expect(page.get_by_test_id("ticket-created-from")).to_have_value(f"{month}-01")
    expect(page.get_by_test_id("ticket-created-to")).to_have_value(
        re.compile(rf"^{month}-3[01]$|^{month}-2[89]$")
    )
