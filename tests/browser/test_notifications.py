"""My work and the live bell, in real Chromium against the production build."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from crm_app.db import session_scope
from crm_app.models import User
from crm_app.services import clock, tasks
from crm_app.services.seed.catalog import DEMO_PASSWORD
from crm_app.services.tasks import TaskInput

from .test_app import log_in

pytestmark = pytest.mark.browser

REP = "anna@kestrel.example"


def _user(db_url: str, email: str) -> User:
    with session_scope(db_url) as s:
        return s.execute(select(User).where(User.email == email)).scalar_one()


def _count(page: Page) -> int:
    badge = page.get_by_test_id("notification-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_a_task_due_today_appears_in_my_work(page: Page, base_url: str, running_app) -> None:
    admin = _user(running_app.db_url, running_app.admin_email)
    now = datetime.now(UTC)
    _, end_of_today = clock.day_range(admin.time_zone, now)
    title = f"Ring the roastery {secrets.token_hex(3)}"
    with session_scope(running_app.db_url) as s:
        tasks.create_task(
            s,
            TaskInput(
                title=title,
                due_at=min(now + timedelta(minutes=30), end_of_today - timedelta(seconds=1)),
                assignee_id=admin.id,
                priority="high",
            ),
            actor_id=admin.id,
        )
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    expect(page).to_have_url(f"{base_url}/my-work")
    today = page.get_by_test_id("group-today")
    row = today.get_by_test_id("task-row").filter(has_text=title)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("task-priority")).to_have_text("High")
    # Completing it takes it off the list.
    row.get_by_test_id("task-complete").click()
    expect(page.get_by_test_id("task-row").filter(has_text=title)).to_have_count(0)


def test_a_second_browser_receives_a_notification_live(
    browser: Browser, base_url: str, running_app
) -> None:
    ctx_a = browser.new_context(viewport={"width": 1366, "height": 768})
    ctx_b = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        admin, rep = ctx_a.new_page(), ctx_b.new_page()
        log_in(rep, base_url, REP, DEMO_PASSWORD)
        expect(rep.get_by_test_id("notification-bell")).to_be_visible()
        rep.wait_for_timeout(1500)  # the count arrives after the page has mounted
        before = _count(rep)
        rep_url = rep.url

        # The admin hands the rep a task through the My work form, in the other browser.
        log_in(admin, base_url, running_app.admin_email, running_app.admin_password)
        admin.goto(f"{base_url}/my-work")
        title = f"Taste the new blend {secrets.token_hex(3)}"
        admin.get_by_test_id("new-task-title").fill(title)
        admin.get_by_role("combobox", name="Assignee").click()
        admin.get_by_role("option", name="Anna Virtanen").click()
        admin.get_by_role("button", name="Add", exact=True).click()
        expect(admin.get_by_text("Task added.")).to_be_visible()

        # Without a reload, the rep's bell counts it and a toast says what happened.
        expect(rep.get_by_test_id("notification-count")).to_have_text(
            str(before + 1), timeout=15_000
        )
        expect(rep.get_by_text(re.compile(f"assigned you the task.*{title}"))).to_be_visible()
        assert rep.url == rep_url

        rep.get_by_test_id("notification-bell").click()
        item = rep.get_by_test_id("notification-item").filter(has_text=title)
        expect(item).to_have_attribute("data-unread", "true")
        item.click()
        expect(rep).to_have_url(f"{base_url}/my-work")
        expect(rep.get_by_test_id("task-row").filter(has_text=title)).to_be_visible()
        if before == 0:
            expect(rep.get_by_test_id("notification-count")).to_have_count(0)
        else:
            expect(rep.get_by_test_id("notification-count")).to_have_text(str(before))
    finally:
        ctx_a.close()
        ctx_b.close()
