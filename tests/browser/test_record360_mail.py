"""E-mail from a contact's page, delivered by the job runner to a real SMTP server on loopback."""

from __future__ import annotations

import email
import secrets
import socket
import time
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Contact, ContactEmail
from crm_app.services import mail

from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_email_written_on_the_page_is_delivered_and_on_the_timeline(
    page: Page, base_url: str, running_app
) -> None:
    inbox, port = Inbox(), _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        with session_scope(running_app.db_url) as session:
            mail.save_smtp_settings(
                session, host="127.0.0.1", port=port, tls="none", user="", password="",
                sender="Kestrel Coffee <hello@kestrel.example>", actor_id=None,
            )  # fmt: skip
            contact_id, first, address = session.execute(
                sa.select(Contact.id, Contact.first_name, ContactEmail.email)
                .join(ContactEmail, ContactEmail.contact_id == Contact.id)
                .where(ContactEmail.is_primary, Contact.first_name != "")
                .limit(1)
            ).one()
        subject = f"Your order {secrets.token_hex(3)}"

        log_in(page, base_url, *ADMIN)
        page.goto(f"{base_url}/contacts/{contact_id}")
        page.get_by_test_id("write-email").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_test_id("mail-to")).to_have_value(address)
        dialog.get_by_test_id("mail-subject").fill(subject)
        dialog.get_by_test_id("mail-body").fill("Hello {{first_name}},\n\nthe beans ship today.")
        dialog.get_by_test_id("mail-send").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_text(subject).first).to_be_visible()  # on the timeline at once

        def ours() -> list[tuple[list[str], bytes]]:
            # mails queued by earlier tests may arrive through the job runner too
            return [(r, raw) for r, raw in inbox.received if subject.encode() in raw]

        deadline = time.monotonic() + 30  # the app's job runner polls every ~2 s
        while not ours() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert ours(), "the job runner did not deliver the e-mail"
        rcpt, raw = ours()[0]
        message = email.message_from_bytes(raw, policy=default_policy)
        assert rcpt == [address] and message["To"] == address
        assert message["Subject"] == subject
        assert "hello@kestrel.example" in message["From"] and message["Message-ID"]
        assert f"Hello {first}," in message.get_content()

        page.get_by_role("button", name="Refresh").click()
        expect(page.get_by_test_id("mail-row").filter(has_text=subject)).to_contain_text("Sent")
    finally:
        server.stop()


def test_a_task_added_on_a_contact_page_is_due_today_in_my_work(
    page: Page, base_url: str, running_app
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from crm_app.models import User

    with session_scope(running_app.db_url) as session:
        contact_id = session.execute(sa.select(Contact.id).order_by(Contact.id).limit(1)).scalar()
        tz = session.execute(sa.select(User.time_zone).where(User.email == ADMIN[0])).scalar()
    today = datetime.now(ZoneInfo(tz or "UTC")).date().isoformat()
    title = f"Call back about the grinder {secrets.token_hex(2)}"
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/contacts/{contact_id}")
    page.get_by_test_id("record-task-title").fill(title)
    page.get_by_label("Due date").fill(today)
    page.get_by_label("Due time").fill("23:59")
    page.get_by_test_id("record-task-title").press("Enter")
    expect(page.get_by_test_id("related-tasks")).to_contain_text(title)

    page.goto(f"{base_url}/my-work")
    expect(page.get_by_test_id("group-today").get_by_text(title)).to_be_visible()
