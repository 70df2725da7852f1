"""Marketing in real Chromium: write a template (the preview fills the merge fields), build a
campaign to a segment, send it through the app's own job runner to a real SMTP server, and
read the report and the recipient list; the unsubscribe link in a received mail works."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Contact, ContactEmail
from crm_app.services import app_settings, mail

from ..unit.test_mail import Inbox, free_port, start_server
from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


@pytest.fixture
def smtp_server(running_app) -> Iterator[Inbox]:
    box, port = Inbox(), free_port()
    controller = start_server(box, port)
    with session_scope(running_app.db_url) as session:
        mail.save_smtp_settings(
            session,
            host="127.0.0.1",
            port=port,
            tls="none",
            user="",
            password="",
            sender="Kestrel News <news@kestrel.example>",
            actor_id=None,
        )
        app_settings.put(session, "base_url", running_app.url, actor_id=None)
    yield box
    controller.stop()


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def _a_contact_far_down_the_list(db_url: str) -> str:
    """The name of a demo contact with an address well past the first hundred by name."""
    with session_scope(db_url) as session:
        rows = session.execute(
            sa.select(Contact.first_name, Contact.last_name)
            .where(sa.exists().where(ContactEmail.contact_id == Contact.id))
            .order_by(Contact.last_name, Contact.first_name, Contact.id)
        ).all()
    names = [f"{f} {la}" for f, la in rows[150:]]
    return next(n for n in names if names.count(n) == 1)


def test_template_campaign_send_and_report(
    page: Page, base_url: str, running_app, smtp_server
) -> None:
    log_in(page, base_url, *ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Marketing").click()
    expect(page.get_by_role("heading", name="Marketing", exact=True)).to_be_visible()

    page.get_by_test_id("tab-templates").click()
    page.get_by_test_id("new-template").click()
    page.get_by_label("Name").fill("Browser news")
    page.get_by_label("Subject").fill("News for {{first_name}}")
    page.get_by_label("Message", exact=True).fill("Hello {{full_name}}, see https://example.com/b")
    expect(page.get_by_test_id("preview-subject")).not_to_have_text(re.compile(r"\{\{"))
    expect(page.get_by_test_id("preview-body")).to_contain_text("Hello ")
    # The preview's contact is searched among all contacts, not picked from the first few.
    far = _a_contact_far_down_the_list(running_app.db_url)
    page.locator("#preview-contact").fill(far)
    page.locator("#preview-contact").press("Enter")  # searches; does not save the template
    page.get_by_test_id("preview-contact-hit").filter(has_text=far).first.click()
    expect(page.locator("#preview-contact")).to_have_value(far)
    expect(page.get_by_test_id("preview-body")).to_contain_text(f"Hello {far}, see")
    page.get_by_test_id("save-template").click()
    expect(page.get_by_test_id("template-name").filter(has_text="Browser news")).to_be_visible()

    page.get_by_test_id("tab-campaigns").click()
    page.get_by_test_id("new-campaign").click()
    page.get_by_test_id("campaign-name-input").fill("Browser campaign")
    _choose(page, "Template", "Browser news")
    _choose(page, "Segment", "Customers")
    expect(page.get_by_test_id("audience-count")).to_contain_text("will get it")
    page.get_by_label("Mails per minute").fill("1000")
    page.get_by_test_id("save-campaign").click()
    expect(page).to_have_url(re.compile(r"/marketing/campaigns/\d+$"))
    expect(page.get_by_role("heading", name="Browser campaign")).to_be_visible()

    page.get_by_test_id("send-now").click()
    # The in-app worker sends; the page polls its progress until the report shows mail sent.
    expect(page.get_by_test_id("campaign-status")).to_contain_text("Sent", timeout=90_000)
    expect(page.get_by_test_id("report-sent")).not_to_have_text("0", timeout=90_000)
    expect(page.get_by_test_id("report-failed")).to_have_text("0")
    expect(page.get_by_test_id("recipient-status").first).to_be_visible()
    assert smtp_server.received, "the SMTP server got no campaign mail"

    # A received mail's unsubscribe link opens the public page (no login).
    text = smtp_server.message(0).get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/u/[A-Za-z0-9_-]+", text)
    assert link, text
    with urllib.request.urlopen(link.group(0), timeout=10) as r:  # noqa: S310 (loopback)
        assert r.status == 200 and b"<form" in r.read()
