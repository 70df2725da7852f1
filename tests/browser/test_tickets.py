"""Tickets in Chromium: replies and internal notes, the public request form, the CSAT link."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from crm_app.db import session_scope
from crm_app.models import CsatRequest, Ticket, TicketComment
from crm_app.services.tickets import csat

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


def test_an_agent_replies_and_adds_an_internal_note(page: Page, base_url: str, running_app) -> None:
    with session_scope(running_app.db_url) as session:
        ticket_id = session.execute(
            sa.select(Ticket.id)
            .where(Ticket.status == "open", Ticket.contact_id.isnot(None))
            .order_by(Ticket.id)
            .limit(1)
        ).scalar_one()
    reply = f"We have sent a new gasket {secrets.token_hex(3)}"
    note = f"Customer is on the premium plan {secrets.token_hex(3)}"
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/tickets/{ticket_id}")
    expect(page.get_by_test_id("ticket-facts")).to_contain_text(f"#{ticket_id}")

    page.get_by_test_id("composer-body").fill(reply)
    page.get_by_test_id("composer-send").click()
    expect(page.get_by_test_id("ticket-reply").filter(has_text=reply)).to_be_visible()
    expect(page.get_by_test_id("composer-body")).to_have_value("")

    page.get_by_role("radio", name="Internal note").click()
    page.get_by_test_id("composer-body").fill(note)
    page.get_by_test_id("composer-send").click()
    added = page.get_by_test_id("ticket-note").filter(has_text=note)
    expect(added).to_be_visible()
    expect(added).to_contain_text("Internal note")

    page.reload()
    expect(page.get_by_test_id("ticket-note").filter(has_text=note)).to_be_visible()
    with session_scope(running_app.db_url) as session:
        kinds = dict(
            session.execute(
                sa.select(TicketComment.body, TicketComment.is_public).where(
                    TicketComment.ticket_id == ticket_id, TicketComment.body.in_([reply, note])
                )
            ).all()
        )
    assert kinds == {reply: True, note: False}


def test_the_public_form_creates_a_ticket_in_the_unassigned_view(
    browser: Browser, page: Page, base_url: str
) -> None:
    subject = f"My grinder makes a noise {secrets.token_hex(3)}"
    visitor = browser.new_context().new_page()  # no login
    visitor.goto(f"{base_url}/support")
    visitor.get_by_label("Your name").fill("Liis Lepp")
    visitor.get_by_label("E-mail").fill("liis.lepp@example.org")
    visitor.get_by_label("Subject").fill(subject)
    visitor.get_by_label("How can we help?").fill("It rattles since the last cleaning.")
    visitor.get_by_role("button", name="Send request").click()
    reference = visitor.get_by_test_id("support-reference")
    expect(reference).to_have_text(re.compile(r"^#\d+$"))
    visitor.context.close()

    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/tickets")
    page.get_by_test_id("ticket-view-unassigned").click()
    row = page.get_by_test_id("tickets-table-row").filter(has_text=subject)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Liis Lepp")


def test_the_csat_link_works_once_without_login(browser: Browser, base_url: str, running_app):
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with session_scope(running_app.db_url) as session:
        ticket = session.execute(
            sa.select(Ticket).where(Ticket.status.in_(["solved", "closed"])).limit(1)
        ).scalar_one()
        ticket_id = ticket.id
        session.add(
            CsatRequest(
                ticket_id=ticket_id,
                token_hash=csat.hash_token(token),
                created_at=now,
                expires_at=now + timedelta(days=14),
            )
        )
    customer = browser.new_context().new_page()
    customer.goto(f"{base_url}/csat/{token}")
    expect(customer.get_by_text(f"#{ticket_id}").first).to_be_visible()
    customer.get_by_test_id("csat-score-5").click()
    customer.get_by_label("Anything you want to tell us? (optional)").fill("Fixed in a day!")
    customer.get_by_role("button", name="Send rating").click()
    expect(customer.get_by_test_id("csat-thanks")).to_be_visible()

    customer.reload()
    expect(customer.get_by_test_id("csat-error")).to_be_visible()
    customer.context.close()
    with session_scope(running_app.db_url) as session:
        ticket = session.get(Ticket, ticket_id)
        assert (ticket.csat_score, ticket.csat_comment) == (5, "Fixed in a day!")
