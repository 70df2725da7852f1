"""The customer-360 pages in the browser: open from the list, log a call, safe notes, companies."""

from __future__ import annotations

import re
import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Company, Contact

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def _open_a_contact(page: Page, base_url: str) -> str:
    """Log in, open the contact list, click the first row; returns the contact's name."""
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts")
    row = page.get_by_test_id("contacts-table-row").first
    expect(row).to_be_visible()
    name = row.locator(".rp-name").inner_text()
    row.click()
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))
    expect(page.get_by_test_id("record-name")).to_have_text(name)
    return name


def test_open_a_contact_from_the_list_and_log_a_call(page: Page, base_url: str) -> None:
    _open_a_contact(page, base_url)
    expect(page.get_by_test_id("health-badge")).to_be_visible()
    expect(page.get_by_test_id("stat-ltv")).not_to_be_empty()
    subject = f"Renewal call {secrets.token_hex(3)}"
    form = page.get_by_test_id("log-form")
    expect(form.get_by_test_id("log-kind-call")).to_have_attribute("aria-checked", "true")
    form.get_by_label("Subject").fill(subject)
    form.get_by_label("What was said").fill("They will sign next week.")
    form.get_by_label("Duration (minutes)").fill("20")
    form.get_by_label("Outcome").select_option("connected")
    form.get_by_test_id("log-submit").click()
    top = page.get_by_test_id("timeline-entry").first
    expect(top).to_contain_text(subject)
    expect(top).to_contain_text("20 min · Connected")
    expect(page.get_by_test_id("stat-last-contacted")).to_have_text(
        re.compile(r"just now|seconds? ago|1 minute ago")
    )
    expect(form.get_by_label("Subject")).to_have_value("")  # the form is ready for the next one


def test_a_call_without_subject_or_text_is_explained_beside_the_field(
    page: Page, base_url: str
) -> None:
    _open_a_contact(page, base_url)
    form = page.get_by_test_id("log-form")
    form.get_by_label("Duration (minutes)").fill("15")
    form.get_by_test_id("log-submit").click()
    expect(form.get_by_test_id("log-error-subject")).to_contain_text("Write a subject")
    expect(form.get_by_label("Duration (minutes)")).to_have_value("15")  # what was typed stays


def test_a_note_with_html_shows_as_text_and_runs_nothing(page: Page, base_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open_a_contact(page, base_url)
    page.evaluate("window.__pwned = 0")
    form = page.get_by_test_id("log-form")
    form.get_by_test_id("log-kind-note").click()
    evil = (
        "<script>alert(1)</script> and "
        "<img src=x onerror=alert(1);window.__pwned=1> plus **bold words** "
        "and [a link](javascript:window.__pwned=2)"
    )
    form.get_by_label("Note (markdown)").fill(evil)
    form.get_by_test_id("log-submit").click()
    body = page.get_by_test_id("timeline-entry").first.get_by_test_id("entry-body")
    expect(body).to_contain_text("<script>alert(1)</script>")
    expect(body).to_contain_text("<img src=x onerror=alert(1);window.__pwned=1>")
    expect(body.locator("strong")).to_have_text("bold words")  # markdown still works
    expect(body.locator("script, img")).to_have_count(0)
    link = body.get_by_role("link", name="a link")
    if link.count():  # markdown links stay, but never with a javascript: address
        assert not (link.get_attribute("href") or "").lower().startswith("javascript")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.evaluate("window.__pwned") == 0


def test_the_company_page_lists_its_contacts(page: Page, base_url: str, running_app) -> None:
    with session_scope(running_app.db_url) as session:
        company_id, name = session.execute(
            sa.select(Company.id, Company.name)
            .join(Contact, Contact.company_id == Company.id)
            .group_by(Company.id)
            .having(sa.func.count(Contact.id) >= 2)
            .limit(1)
        ).one()
        people = session.execute(
            sa.select(Contact.first_name, Contact.last_name).where(Contact.company_id == company_id)
        ).all()
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/companies/{company_id}")
    expect(page.get_by_test_id("record-name")).to_have_text(name)
    listed = page.get_by_test_id("related-contacts")
    for first, last in people[:10]:
        expect(listed).to_contain_text(f"{first} {last}".strip())
    expect(page.get_by_test_id("count-contacts")).to_have_text(str(len(people)))
    listed.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))
    expect(page.get_by_test_id("record-company")).to_have_text(name)


@pytest.mark.parametrize("locale", ["en", "he"])
def test_the_record_page_follows_the_reading_direction(
    page: Page, base_url: str, running_app, locale: str, tmp_path
) -> None:
    """Screenshots (1366×768 light and dark, 390×844) land in $RAPPORT_SHOTS when it is set."""
    import os
    from pathlib import Path

    from crm_app.services import users

    email = f"reader.{secrets.token_hex(3)}@example.com"  # our own user: the admin stays as is
    with session_scope(running_app.db_url) as session:
        users.create_user(
            session,
            name="Rina Reader",
            email=email,
            role="manager",
            password="reading-test-1",
            actor_id=None,
            locale=locale,
        )
        contact_id, company_id = session.execute(
            sa.select(Contact.id, Contact.company_id)
            .where(Contact.company_id.is_not(None))
            .limit(1)
        ).one()
    log_in(page, base_url, email, "reading-test-1")
    page.goto(f"{base_url}/contacts/{contact_id}")
    expect(page.get_by_test_id("timeline-entry").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "he" else "ltr")
    shots = Path(os.environ.get("RAPPORT_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / f"contact-{locale}.png"), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"contact-{locale}-dark.png"))
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"contact-{locale}-phone.png"))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base_url}/companies/{company_id}")
    expect(page.get_by_test_id("related-contacts")).to_be_visible()
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / f"company-{locale}.png"), full_page=True)
