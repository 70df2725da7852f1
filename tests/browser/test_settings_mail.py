"""Settings → Outgoing mail and Background jobs in real Chromium, with a real SMTP server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from crm_app.db import session_scope
from crm_app.models import Job, JobStatus, utcnow
from crm_app.services import app_settings

from ..unit.test_mail import Inbox, free_port, start_server
from .test_app import log_in

pytestmark = pytest.mark.browser
ADMIN = ("admin@kestrel.example", "rapport-demo")
SECRET = "Browser-Smtp-Secret-42"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free loopback port (the app runs on this machine too)."""
    box, port = Inbox(), free_port()
    controller = start_server(box, port)
    yield box, port
    controller.stop()


def _settings_tab(page: Page, base_url: str, tab: str) -> None:
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/settings")
    page.get_by_role("tab", name=tab).click()


def test_save_smtp_settings_and_send_a_test_mail(
    page: Page, base_url: str, running_app, smtp_server
) -> None:
    box, port = smtp_server
    _settings_tab(page, base_url, "Outgoing mail")

    # A wrong port is refused beside the field.
    page.get_by_label("SMTP server").fill("127.0.0.1")
    page.get_by_label("Port").fill("70000")
    page.get_by_test_id("save-mail").click()
    expect(page.get_by_test_id("error-port")).to_have_text(
        "Enter a port number between 1 and 65535."
    )

    page.get_by_label("Port").fill(str(port))
    page.get_by_role("combobox", name="Security").click()
    page.get_by_role("option", name="None (not encrypted)").click()
    page.get_by_label("User name").fill("")
    page.get_by_label("Password", exact=True).fill(SECRET)
    page.get_by_label("Sender").fill("Kestrel Sales <sales@kestrel.example>")
    page.get_by_test_id("save-mail").click()
    expect(page.get_by_test_id("password-saved")).to_be_visible()
    expect(page.get_by_test_id("error-port")).to_have_count(0)
    # The saved password is never sent back to the browser.
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert SECRET not in page.content()
    with session_scope(running_app.db_url) as s:
        assert app_settings.get(s, "smtp_port") == port
        assert app_settings.get(s, "smtp_password") == SECRET

    # Send a test mail to the admin's own address: the server receives it, the page says so.
    expect(page.get_by_label("Send to")).to_have_value(ADMIN[0])
    page.get_by_test_id("send-test-mail").click()
    expect(page.get_by_test_id("test-result")).to_contain_text("Sent to")
    expect(page.get_by_test_id("test-result")).to_contain_text(ADMIN[0])
    # Only the test mail counts: mails queued by earlier tests (campaigns, replies, rules)
    # that waited for a working server may arrive now through the app's job runner too.
    tests = [
        (rcpt, box.message(i))
        for i, (_sender, rcpt, _raw) in enumerate(box.received)
        if box.message(i)["Subject"] == "Test message from Rapport"
    ]
    assert len(tests) == 1
    assert tests[0][0] == [ADMIN[0]]

    # With the server gone, the reason shows instead.
    page.get_by_label("Port").fill(str(free_port()))
    page.get_by_test_id("save-mail").click()
    expect(page.get_by_label("Port")).not_to_have_value(str(port))
    page.get_by_test_id("send-test-mail").click()
    expect(page.get_by_test_id("test-result")).to_contain_text(
        "Could not connect to the mail server."
    )


def test_a_failed_job_shows_and_retry_makes_it_pending(
    page: Page, base_url: str, running_app
) -> None:
    kind = f"browser_test_{secrets.token_hex(3)}"
    with session_scope(running_app.db_url) as s:
        job = Job(
            kind=kind,
            status=JobStatus.FAILED.value,
            attempts=3,
            max_attempts=3,
            last_error="The mail server refused the message.",
            run_at=utcnow(),
            finished_at=utcnow(),
        )
        s.add(job)
        s.flush()
        job_id = job.id

    _settings_tab(page, base_url, "Background jobs")
    expect(page.get_by_test_id("job-count-failed")).to_be_visible()
    page.get_by_test_id("job-filter").click()
    page.get_by_role("option", name="Failed").click()
    row = page.get_by_test_id("job-row").filter(has_text=kind)
    expect(row.get_by_test_id("job-status")).to_have_text("Failed")
    expect(row.get_by_test_id("job-error")).to_have_text("The mail server refused the message.")
    # (the numbers are direction-isolated for right-to-left languages)
    expect(row.get_by_test_id("job-attempts")).to_have_text("\u20683\u2069 of \u20683\u2069")

    row.get_by_role("button", name="Retry").click()
    # Pending now, so the "Failed" filter no longer lists it; "All jobs" shows it pending.
    expect(page.get_by_test_id("job-row").filter(has_text=kind)).to_have_count(0)
    page.get_by_test_id("job-filter").click()
    page.get_by_role("option", name="All jobs").click()
    row = page.get_by_test_id("job-row").filter(has_text=kind)
    expect(row).to_have_count(1)
    with session_scope(running_app.db_url) as s:
        again = s.get(Job, job_id)
        # Retried with fresh attempts (the worker may already have run it once more).
        assert again.attempts in (0, 1)
        assert again.status in ("pending", "running") or again.attempts == 1
