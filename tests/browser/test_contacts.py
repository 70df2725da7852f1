"""Contacts in the browser: the form, search, filters, segments, custom fields, global search."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from crm_app.db import session_scope
from crm_app.models import Contact

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def _open_contacts(page: Page, base_url: str) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts")
    expect(page.get_by_test_id("contacts-table-row").first).to_be_visible()


def _search(page: Page, text: str) -> None:
    page.get_by_test_id("contact-search").fill(text)


def test_create_with_a_bad_email_then_fix_it_then_edit(page: Page, base_url: str) -> None:
    _open_contacts(page, base_url)
    last = f"Testperson{secrets.token_hex(2)}"
    page.get_by_role("button", name="New contact").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("First name").fill("Grete")
    dialog.get_by_label("Last name").fill(last)
    dialog.get_by_test_id("email-input").first.fill("grete@@example")
    dialog.get_by_test_id("save-contact").click()
    expect(dialog.get_by_test_id("error-emails.0")).to_contain_text("valid e-mail")
    expect(dialog.get_by_label("Last name")).to_have_value(last)  # what was typed is kept
    dialog.get_by_test_id("email-input").first.fill("grete@example.com")
    dialog.get_by_test_id("save-contact").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    _search(page, last)
    row = page.get_by_test_id("contacts-table-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("grete@example.com")

    row.click()  # opens the record page; its Edit button opens the form
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))
    expect(page.get_by_test_id("record-name")).to_have_text(f"Grete {last}")
    page.get_by_test_id("edit-record").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Last name")).to_have_value(last)
    dialog.get_by_label("Job title").fill("Head barista")
    dialog.get_by_test_id("save-contact").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(".rp-360-subtitle")).to_contain_text("Head barista")  # page refreshed
    page.get_by_test_id("edit-record").click()
    expect(page.get_by_role("dialog").get_by_label("Job title")).to_have_value("Head barista")


def test_search_filter_and_segment(page: Page, base_url: str) -> None:
    _open_contacts(page, base_url)
    count = page.get_by_test_id("result-count")
    everyone = count.inner_text()
    assert re.search(r"of 1,\d{3}", everyone), everyone

    page.get_by_role("combobox", name="Lifecycle stage").select_option(label="Customer")
    expect(count).not_to_have_text(everyone)
    customers = count.inner_text()
    stages = page.get_by_test_id("contacts-table-row").all_inner_texts()
    assert stages and all("Customer" in s for s in stages)

    name = f"Customers {secrets.token_hex(2)}"
    page.get_by_role("button", name="Save as segment").click()
    page.get_by_role("dialog").get_by_label("Name").fill(name)
    page.get_by_role("dialog").get_by_role("button", name="Save segment").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("button", name="Reset filters").first.click()
    expect(count).to_have_text(everyone)
    page.get_by_role("combobox", name="Saved segments").click()
    page.get_by_role("option", name=re.compile(name)).click()
    expect(count).to_have_text(customers)


def test_custom_field_appears_on_the_form_and_filters(page: Page, base_url: str) -> None:
    log_in(page, base_url, *ADMIN)
    label = f"Budget{secrets.token_hex(2)}"
    page.goto(f"{base_url}/settings")
    page.get_by_role("tab", name="Custom fields").click()
    page.get_by_test_id("field-label").fill(label)
    page.get_by_test_id("field-type").click()
    page.get_by_role("option", name="Number").click()
    page.get_by_test_id("add-field").click()
    expect(page.get_by_role("cell", name=label)).to_be_visible()

    page.goto(f"{base_url}/contacts")
    page.get_by_test_id("contacts-table-row").first.click()
    page.get_by_test_id("edit-record").click()
    dialog = page.get_by_role("dialog")
    dialog.locator(f"input[name='custom.{label.lower()}']").fill("5000")
    dialog.get_by_test_id("save-contact").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.goto(f"{base_url}/contacts")
    # the list has loaded (the page is hydrated): a click before that can be lost
    expect(page.get_by_test_id("contacts-table-row").first).to_be_visible()

    page.get_by_role("button", name="More filters").click()
    page.get_by_role("combobox", name="Custom field").click()
    page.get_by_role("option", name=label).click()
    page.get_by_role("combobox", name="Condition").click()
    page.get_by_role("option", name="greater than").click()
    page.get_by_test_id("custom-value").fill("1000")
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"^1–1 of 1$"))


def test_global_search_with_the_keyboard(page: Page, base_url: str, running_app) -> None:
    with session_scope(running_app.db_url) as session:
        name = session.exec(select(Contact.last_name).where(Contact.last_name != "").limit(1)).one()
    log_in(page, base_url, *ADMIN)
    expect(page.get_by_test_id("open-pipeline-value")).not_to_have_text("")  # hydrated
    page.keyboard.press("/")
    box = page.get_by_test_id("global-search-input")
    expect(box).to_be_focused()
    box.fill(name)
    hits = page.locator("[data-search-hit]")
    expect(hits.first).to_contain_text(name)
    page.keyboard.press("ArrowDown")
    expect(hits.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    if hits.count() > 1:
        expect(hits.nth(1)).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+k")
    expect(page.get_by_test_id("global-search-input")).to_be_visible()
