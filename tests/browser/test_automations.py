"""Automations in Chromium: a rule built in the UI acts on a new contact and logs its run;
a public lead form brings in a new contact."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import AutomationRule, Contact, ContactEmail, User
from crm_app.services import contacts

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def test_a_rule_built_in_the_ui_tags_a_new_contact_and_logs_the_run(
    page: Page, base_url: str, running_app
) -> None:
    tag = f"new-{secrets.token_hex(3)}"
    name = f"Tag new contacts {tag}"
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/automations")
    expect(page.get_by_test_id("rule-row").first).to_be_visible()  # the demo's rules
    page.locator("#new-rule").click()
    page.locator("#rule-name").fill(name)
    page.locator("#rule-trigger").select_option("contact_created")
    # Only the admin's contacts: the owner is picked from the list of users.
    with session_scope(running_app.db_url) as session:
        admin = session.execute(sa.select(User).where(User.email == ADMIN[0])).scalar_one()
        admin_id, admin_name = admin.id, admin.name
    page.get_by_role("button", name="Add condition").click()
    page.locator("#rule-field-0").select_option("owner_id")
    page.locator("#condition-value-0").select_option(label=admin_name)
    page.locator("#action-kind-0").select_option("add_tag")
    page.locator("#action-tag").fill(tag)
    page.locator("#rule-save").click()
    row = page.get_by_test_id("rule-row").filter(has_text=name)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Contact created")

    with session_scope(running_app.db_url) as session:  # the trigger: a contact is created
        assert (
            session.execute(
                sa.select(AutomationRule.id).where(AutomationRule.name == name)
            ).scalar()
            is not None
        )
        contact = contacts.create_contact(
            session,
            contacts.ContactInput(first_name="Automated", last_name=tag, owner_id=admin_id),
            actor_id=None,
        )
        session.flush()
        contact_id = contact.id

    page.goto(f"{base_url}/contacts/{contact_id}")
    expect(page.get_by_text(tag, exact=True).first).to_be_visible()

    page.goto(f"{base_url}/automations")
    row = page.get_by_test_id("rule-row").filter(has_text=name)
    expect(row).to_contain_text("Done")
    row.get_by_role("button", name="Runs").click()
    run = page.get_by_test_id("run-row").first
    expect(run).to_contain_text("Done")
    expect(run).to_contain_text(tag)
    expect(run).to_contain_text("added.")
    expect(run.get_by_role("link")).to_have_attribute("href", f"/contacts/{contact_id}")


def test_a_public_lead_form_creates_a_contact(page: Page, base_url: str, running_app) -> None:
    address = f"lead-{secrets.token_hex(3)}@example.com"
    page.goto(f"{base_url}/f/contact-us")  # no login
    page.locator("#lead-first_name").fill("Liis")
    page.locator("#lead-last_name").fill("Lehtla")
    page.locator("#lead-email").fill(address)
    page.locator("#lead-company").fill("Lehtla Kohvik")
    page.locator("#lead-message").fill("We need two grinders.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("lead-thank-you")).to_contain_text("Thank you")

    with session_scope(running_app.db_url) as session:
        contact = session.execute(
            sa.select(Contact).join(ContactEmail).where(ContactEmail.email == address)
        ).scalar_one()
        contact_id, source, owner = contact.id, contact.source, contact.owner_id
    assert source == "web form" and owner is not None  # the demo's round-robin rule
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts/{contact_id}")
    expect(page.get_by_text("Liis Lehtla").first).to_be_visible()
    expect(page.get_by_text("Website", exact=True).first).to_be_visible()  # the form's tag
