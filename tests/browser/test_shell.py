"""The sidebar and top bar are one app wrap kept while moving between pages
(components/shell.shell_frame): it is the same element after navigating, it marks the page's
entry from the address (also on a record's own address loaded directly), and public pages have
none of it. In real Chromium against the production build."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from crm_app.db import session_scope
from crm_app.models import Contact, Deal
from tests.browser.test_app import log_in

pytestmark = pytest.mark.browser

CURRENT = '[aria-label="Main"] a[aria-current="page"]'


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_the_shell_stays_while_pages_change(page: Page, base_url: str, running_app) -> None:
    errors = _errors(page)
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    nav = page.get_by_role("navigation", name="Main")
    expect(page.locator(CURRENT)).to_have_text("Dashboard")
    nav.evaluate("el => { el.dataset.kept = 'yes'; }")  # gone if the sidebar were mounted again
    search = page.locator("#global-search-trigger")
    search.evaluate("el => { el.dataset.kept = 'yes'; }")
    for label in ("Contacts", "Tickets", "Companies", "Pipeline"):
        nav.get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", name=label, exact=True).first).to_be_visible()
        expect(page.locator(CURRENT)).to_have_text(label)
        expect(page.locator(CURRENT)).to_have_count(1)
    nav.get_by_role("link", name="Contacts").click()
    page.locator(".rp-table tbody tr").first.locator("td").nth(1).click()  # a contact's page
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))
    expect(page.locator(CURRENT)).to_have_text("Contacts")
    expect(nav).to_have_attribute("data-kept", "yes")
    expect(search).to_have_attribute("data-kept", "yes")
    assert errors == []


def test_a_record_address_loaded_directly_marks_its_section(
    page: Page, base_url: str, running_app
) -> None:
    """Addresses with an id have no prerendered page of their own (the SPA fallback, rendered
    for "/"): the Dashboard entry must not stay marked from that HTML."""
    with session_scope(running_app.db_url) as session:
        deal_id = session.exec(select(Deal.id)).first()
        contact_id = session.exec(select(Contact.id)).first()
    errors = _errors(page)
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    for address, label in (
        (f"/deals/{deal_id}", "Pipeline"),
        (f"/contacts/{contact_id}", "Contacts"),
    ):
        page.goto(f"{base_url}{address}")
        expect(page.locator(CURRENT)).to_have_text(label)
        expect(page.locator(CURRENT)).to_have_count(1)
    assert errors == []


def test_public_pages_have_no_shell(page: Page, base_url: str, running_app) -> None:
    """Signed out: each public page stays where it is (nothing of the shell asks the server for
    a signed-in handler, which would send the visitor to the login page) and shows no shell."""
    errors = _errors(page)
    pages = {
        "/support": "Send us a request",
        "/csat/not-a-token": "This link cannot be used",
        "/no-such-page": "This page does not exist",
        "/login": "Log in to your CRM",
    }
    for address, heading in pages.items():
        page.goto(f"{base_url}{address}")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        page.wait_for_timeout(500)  # time for a stray redirect
        expect(page).to_have_url(re.compile(re.escape(address) + "/?$"))
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
        expect(page.get_by_role("button", name="User menu")).to_have_count(0)
    assert [e for e in errors if "404 (Not Found)" not in e] == [], errors  # the 404's own status
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.goto(f"{base_url}/support")  # signed-out: no shell in the prerendered page either
    expect(page.locator(".rp-shell")).to_have_count(0)


def test_on_a_phone_choosing_a_page_closes_the_menu(page: Page, base_url: str, running_app) -> None:
    page.set_viewport_size({"width": 390, "height": 780})
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    page.get_by_role("button", name="Open menu").click()
    page.get_by_role("dialog").get_by_role("link", name="Companies").click()
    expect(page.get_by_role("heading", name="Companies", exact=True)).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_after_moving_to_a_page_focus_is_on_its_heading(
    page: Page, base_url: str, running_app
) -> None:
    """As a full page load would: the keyboard continues from the new page, not from the
    sidebar link, and a screen reader announces the new heading."""
    log_in(page, base_url, running_app.admin_email, running_app.admin_password)
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name="Tickets")
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name="Tickets", exact=True)
    expect(heading).to_be_focused()
    page.keyboard.press("Tab")  # onwards into the page, not back in the sidebar
    assert page.evaluate(
        "() => document.querySelector('.rp-app-page').contains(document.activeElement)"
    )
    nav.get_by_role("link", name="Companies").click()  # a click moves it too
    expect(page.get_by_role("heading", name="Companies", exact=True)).to_be_focused()
