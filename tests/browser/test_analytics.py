"""The analytics page in the browser: the date filter changes every dated chart, a click on a
bar opens the list of its records, and a next best action becomes a task in one click."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

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


def test_clicking_a_bar_opens_its_records(page: Page, base_url: str) -> None:
    _open(page, base_url)
    chart = page.get_by_test_id("chart-lost_reasons")
    bar = chart.locator(".point path").first
    expect(bar).to_be_attached()
    chart.scroll_into_view_if_needed()  # a mouse click only lands inside the viewport
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    dialog = page.get_by_test_id("analytics-drill")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Deals lost for this reason")
    first = dialog.get_by_role("link").first
    href = first.get_attribute("href") or ""
    assert href.startswith("/deals/"), href
    first.click()
    expect(page).to_have_url(f"{base_url}{href}")
