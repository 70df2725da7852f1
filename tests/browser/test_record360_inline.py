"""Inline edit on a contact's page: click a value, type, Enter saves; Escape and errors."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Contact
from crm_app.services import users

from .test_app import log_in

pytestmark = pytest.mark.browser


def _editor(running_app, locale: str = "en") -> tuple[str, int]:
    """A sales user of our own (the demo admin stays as is) and a contact to edit."""
    email = f"editor.{secrets.token_hex(3)}@example.com"
    with session_scope(running_app.db_url) as session:
        users.create_user(
            session,
            name="Eda Editor",
            email=email,
            role="sales",
            password="editing-test-1",
            actor_id=None,
            locale=locale,
        )
        contact_id = session.execute(
            sa.select(Contact.id).where(Contact.company_id.is_not(None)).limit(1)
        ).scalar_one()
    return email, contact_id


def test_edit_a_job_title_inline_and_see_it_after_a_reload(
    page: Page, base_url: str, running_app
) -> None:
    email, contact_id = _editor(running_app)
    log_in(page, base_url, email, "editing-test-1")
    page.goto(f"{base_url}/contacts/{contact_id}")
    title = f"Head of beans {secrets.token_hex(2)}"

    page.get_by_test_id("inline-title").click()
    box = page.get_by_test_id("inline-input-title")
    expect(box).to_be_focused()
    box.fill(title)
    box.press("Enter")
    expect(page.get_by_test_id("inline-title")).to_have_text(title)
    expect(page.get_by_test_id("inline-title")).to_be_focused()  # keyboard users stay put
    page.reload()
    expect(page.get_by_test_id("inline-title")).to_have_text(title)
    expect(page.locator(".rp-360-subtitle")).to_contain_text(title)

    # by keyboard: Enter on the value opens it, Tab (leaving the input) saves
    city = f"Tartu {secrets.token_hex(2)}"
    page.get_by_test_id("inline-city").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("inline-input-city")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(city)
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("inline-city")).to_have_text(city)

    # Escape puts the stored value back
    page.get_by_test_id("inline-title").click()
    page.get_by_test_id("inline-input-title").fill("Not this")
    page.get_by_test_id("inline-input-title").press("Escape")
    expect(page.get_by_test_id("inline-title")).to_have_text(title)

    # a refused value stays in the input with the reason beside it
    page.get_by_test_id("inline-email").click()
    page.get_by_test_id("inline-input-email").fill("not-an-address")
    page.get_by_test_id("inline-input-email").press("Enter")
    expect(page.get_by_role("alert").filter(has_text="valid e-mail")).to_be_visible()
    expect(page.get_by_test_id("inline-input-email")).to_have_value("not-an-address")
    expect(page.get_by_test_id("inline-input-email")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("inline-input-email").press("Escape")

    # a select and a switch save as soon as they change
    page.get_by_test_id("inline-lifecycle_stage").click()
    page.get_by_role("option", name="Churned").click()
    expect(page.locator(".rp-360-stage")).to_have_text("Churned")
    switch = page.get_by_test_id("inline-do_not_call")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("about-card")).to_contain_text("Do not call")
    page.reload()
    expect(page.get_by_test_id("inline-do_not_call")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("inline-lifecycle_stage")).to_have_text("Churned")


@pytest.mark.parametrize("locale", ["en", "he"])
def test_screenshots_of_a_contact_in_edit_mode(
    page: Page, base_url: str, running_app, locale: str, tmp_path: Path
) -> None:
    """Screenshots land in $RAPPORT_SHOTS when it is set (look at them)."""
    email, contact_id = _editor(running_app, locale)
    log_in(page, base_url, email, "editing-test-1")
    page.goto(f"{base_url}/contacts/{contact_id}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "he" else "ltr")
    about = page.get_by_test_id("about-card")
    about.get_by_test_id("inline-title").click()
    expect(about.get_by_test_id("inline-input-title")).to_be_focused()
    shots = Path(os.environ.get("RAPPORT_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / f"inline-{locale}.png"), full_page=True)
    about.screenshot(path=str(shots / f"inline-{locale}-card.png"))
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)
    about.screenshot(path=str(shots / f"inline-{locale}-card-dark.png"))
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"inline-{locale}-phone.png"))
    about.screenshot(path=str(shots / f"inline-{locale}-phone-card.png"))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_test_id("record-company").click()
    about.get_by_test_id("inline-domain").click()
    expect(about.get_by_test_id("inline-input-domain")).to_be_focused()
    page.wait_for_timeout(300)
    about.screenshot(path=str(shots / f"inline-{locale}-company-card.png"))
