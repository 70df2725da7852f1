"""What a person does, in real Chromium against the production build."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from crm_app.db import session_scope
from crm_app.models import User
from crm_app.services import dashboard, formatting
from crm_app.services.permissions import ROLE_LABELS

pytestmark = pytest.mark.browser

NAV = ["Dashboard", "Contacts", "Companies", "Pipeline", "Tickets", "Analytics", "Settings"]


def log_in(page: Page, base_url: str, email: str, password: str, *, succeed: bool = True) -> None:
    """Log in through the form; when it should succeed, wait until the dashboard is reached."""
    page.goto(f"{base_url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("button[type=submit]").click()
    if succeed:
        expect(page).to_have_url(f"{base_url}/")


def test_login_shows_the_dashboard(page: Page, base_url: str, running_app) -> None:
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Administrator").first).to_be_visible()


def test_wrong_password_shows_an_error(page: Page, base_url: str, running_app) -> None:
    log_in(page, base_url, running_app.admin_email, "not-the-password", succeed=False)
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong e-mail address or password.")
    expect(page).to_have_url(re.compile(r"/login/?$"))


def test_every_sidebar_page_opens_without_console_errors(
    page: Page, base_url: str, running_app
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for label in NAV:
        nav.get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", name=label, exact=True).first).to_be_visible()
    expect(nav.get_by_role("link", name="Marketing")).to_be_visible()  # an admin's page
    assert errors == []


def test_on_a_phone_the_menu_button_opens_the_navigation(
    page: Page, base_url: str, running_app
) -> None:
    page.set_viewport_size({"width": 390, "height": 780})
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()  # no room for it
    page.get_by_role("button", name="Open menu").click()
    sheet = page.get_by_role("dialog")
    expect(sheet.get_by_role("link", name="Tickets")).to_be_visible()
    box = sheet.bounding_box()
    assert box is not None and box["x"] <= 1 and box["width"] < 390  # a sheet on the start side
    sheet.get_by_role("link", name="Tickets").click()
    expect(page).to_have_url(f"{base_url}/tickets")
    expect(page.get_by_role("heading", name="Tickets", exact=True)).to_be_visible()
    page.get_by_role("button", name="Open menu").click()
    page.get_by_role("button", name="Close menu").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_the_sidebar_shows_a_sales_rep_only_the_pages_their_role_opens(
    page: Page, base_url: str, running_app
) -> None:
    log_in(page, base_url, "anna@kestrel.example", "rapport-demo")  # a sales rep
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Automations")).to_be_visible()
    expect(nav.get_by_role("link", name="Marketing")).to_have_count(0)


def test_dashboard_figures_equal_the_database(page: Page, base_url: str, running_app) -> None:
    log_in(page, base_url, "admin@kestrel.example", "rapport-demo")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    with session_scope(running_app.db_url) as session:
        user = session.exec(select(User).where(User.email == "admin@kestrel.example")).one()
        figs = dashboard.figures(session, user_id=user.id, time_zone=user.time_zone)
    assert figs.open_deals > 0 and figs.open_tickets > 0, "the demo business should have open work"
    expect(page.get_by_test_id("open-pipeline-value")).to_have_text(
        formatting.money(figs.open_pipeline_value, figs.base_currency, user.locale)
    )
    expect(page.get_by_test_id("won-value")).to_have_text(
        formatting.money(figs.won_this_month_value, figs.base_currency, user.locale)
    )
    expect(page.get_by_test_id("won-count")).to_have_text(f"{figs.won_this_month_count} deals won")
    expect(page.get_by_test_id("open-tickets")).to_have_text(str(figs.open_tickets))
    expect(page.get_by_test_id("overdue-tasks")).to_have_text(str(figs.overdue_tasks))
    expect(page.get_by_text(figs.recent[0].subject).first).to_be_visible()


def test_logout_then_pages_need_a_login(page: Page, base_url: str, running_app) -> None:
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    page.goto(f"{base_url}/settings")
    expect(page).to_have_url(re.compile(r"/login/?$"))


def test_a_page_without_a_session_redirects_to_login(page: Page, base_url: str) -> None:
    for path in ("/", "/contacts", "/settings"):
        page.goto(f"{base_url}{path}")
        expect(page).to_have_url(re.compile(r"/login/?$"))


def test_unknown_page_shows_404(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/no-such-page")
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()


def test_admin_creates_a_user_who_can_log_in_with_that_role(
    page: Page, base_url: str, running_app, browser
) -> None:
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(f"{base_url}/settings")
    page.get_by_role("tab", name="Users").click()
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    email = f"sam.{secrets.token_hex(3)}@example.com"
    # A bad e-mail first: the message appears beside the field and the form keeps its values.
    dialog.get_by_label("Name").fill("Sam Support")
    dialog.get_by_label("E-mail").fill("not-an-email")
    dialog.get_by_label("Password").fill("support-pass-1")
    dialog.get_by_role("combobox").click()
    page.get_by_role("option", name=ROLE_LABELS["support"]).click()
    dialog.get_by_role("button", name="Create user").click()
    expect(dialog.get_by_test_id("error-email")).to_contain_text("valid e-mail")
    expect(dialog.get_by_label("Name")).to_have_value("Sam Support")
    dialog.get_by_label("E-mail").fill(email)
    dialog.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(email)).to_be_visible()

    other = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        p2 = other.new_page()
        log_in(p2, base_url, email, "support-pass-1")
        expect(p2.get_by_role("heading", name="Dashboard")).to_be_visible()
        expect(p2.get_by_text(ROLE_LABELS["support"]).first).to_be_visible()
        # Support is not an admin: Settings shows no Users tab.
        p2.goto(f"{base_url}/settings")
        expect(p2.get_by_role("tab", name="My profile")).to_be_visible()
        expect(p2.get_by_role("tab", name="Users")).to_have_count(0)
    finally:
        other.close()
