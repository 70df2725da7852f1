"""Outgoing mail against a real SMTP server on loopback (aiosmtpd): headers, body, merge
fields, the timeline, retries after a refused connection, and the SMTP settings form."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlmodel import Session

from crm_app.models import (
    Activity,
    AuditEntry,
    Company,
    Contact,
    ContactEmail,
    Job,
    MailMessage,
    Setting,
    User,
    utcnow,
)
from crm_app.services import jobs, mail, writes
from crm_app.services.errors import ValidationError
from crm_app.services.mail import smtp

SENDER = "Kestrel Sales <sales@kestrel.example>"


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it receives, or answers with ``reply``."""

    reply: str = "250 OK"
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.reply.startswith("250"):
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return self.reply

    def message(self, index: int = -1) -> email.message.EmailMessage:
        return email.message_from_bytes(self.received[index][2], policy=default_policy)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(inbox: Inbox, port: int, **kwargs) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = start_server(box, port)
    yield box
    controller.stop()


@pytest.fixture(autouse=True)
def _no_smtp_environment(monkeypatch):
    for key in mail.config.FORM_FIELDS.values():
        monkeypatch.delenv(mail.config.env_name(key), raising=False)


def configure(session: Session, port: int, **kw) -> None:
    values = {"host": "127.0.0.1", "port": port, "tls": "none", "user": "", "password": ""}
    mail.save_smtp_settings(session, **(values | kw), sender=SENDER, actor_id=None)
    session.commit()


@pytest.fixture
def people(session: Session) -> dict:
    owner = writes.create(
        session,
        User(email="mari@kestrel.example", name="Mari Tamm", password_hash="x"),
        actor_id=None,
    )
    company = writes.create(session, Company(name="Põhjala Puit OÜ"), actor_id=None)
    contact = writes.create(
        session,
        Contact(first_name="Noa", last_name="Levi", company_id=company.id, owner_id=owner.id),
        actor_id=None,
    )
    writes.create(
        session,
        ContactEmail(contact_id=contact.id, email="noa@levi.example", is_primary=True),
        actor_id=None,
    )
    session.commit()
    return {"owner": owner, "company": company, "contact": contact}


def run_jobs(db_url: str, after: timedelta = timedelta(seconds=1)) -> jobs.RunReport:
    return jobs.run_due(url=db_url, now=utcnow() + after, worker_id="test", kinds=[mail.SEND_MAIL])


def test_a_mail_is_delivered_with_the_right_headers_and_body(session, db_url, inbox, port, people):
    configure(session, port)
    contact, owner = people["contact"], people["owner"]
    body = "שלום {{first_name}},\n\nהצעת המחיר מצורפת. — {{owner}}\nسلام و درود\n"

    queued = mail.queue_mail(
        session,
        to="noa@levi.example",
        cc="Boss@Levi.example",
        subject="Offer for {{company}} — שלום",
        body=body,
        contact_id=contact.id,
        actor_id=owner.id,
    )
    session.commit()
    report = run_jobs(db_url)

    assert report.done == [queued.mail.job_id]
    sender, recipients, raw = inbox.received[0]
    assert sender == "sales@kestrel.example"
    assert recipients == ["noa@levi.example", "boss@levi.example"]
    assert max(raw) < 128  # 7-bit clean on the wire: no server needs 8BITMIME or SMTPUTF8
    msg = inbox.message()
    assert msg["From"] == SENDER
    assert msg["To"] == "noa@levi.example"
    assert msg["Cc"] == "boss@levi.example"
    assert msg["Subject"] == "Offer for Põhjala Puit OÜ — שלום"
    raw_subject = raw.split(b"\r\nSubject: ", 1)[1].split(b"\r\nDate:", 1)[0]
    assert raw_subject.startswith(b"Offer for =?utf-8?")  # RFC 2047, decoded back above
    assert msg["Message-ID"].endswith("@kestrel.example>")
    assert msg["Date"].datetime is not None
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    expected = "שלום Noa,\n\nהצעת המחיר מצורפת. — Mari Tamm\nسلام و درود\n"
    assert msg.get_content().replace("\r\n", "\n") == expected  # CRLF: text's canonical form

    session.expire_all()
    stored = session.get(MailMessage, queued.mail.id)
    assert (stored.status, stored.attempts, stored.error) == ("sent", 1, None)
    assert stored.message_id == msg["Message-ID"]
    assert stored.sent_at is not None and stored.sender == SENDER
    assert session.get(Contact, contact.id).last_contacted_at == stored.sent_at


def test_a_queued_mail_is_on_the_contacts_timeline(session, port, people):
    configure(session, port)
    contact = people["contact"]

    queued = mail.queue_mail(
        session,
        to=["noa@levi.example"],
        subject="Hello {{first_name}}",
        body="Hi {{full_name}}",
        contact_id=contact.id,
        actor_id=people["owner"].id,
    )
    session.commit()

    activity = session.get(Activity, queued.mail.activity_id)
    assert (activity.kind, activity.subject, activity.body) == ("email", "Hello Noa", "Hi Noa Levi")
    assert (activity.contact_id, activity.company_id) == (contact.id, people["company"].id)
    assert activity.user_id == people["owner"].id
    assert mail.mails_by_activity(session, [activity.id])[activity.id].status == "queued"
    assert [m.subject for m in mail.mails_for_contact(session, contact.id)] == ["Hello Noa"]
    job = session.get(Job, queued.mail.job_id)
    assert (job.kind, job.payload, job.status) == (
        "send_mail",
        {"mail_id": queued.mail.id},
        "pending",
    )
    assert session.get(Contact, contact.id).last_contacted_at is None  # not sent yet


def test_merge_fields_are_filled_unknown_ones_kept_and_reported(session, port, people):
    configure(session, port)
    values = mail.contact_values(session, people["contact"].id)
    assert values == {
        "first_name": "Noa",
        "last_name": "Levi",
        "full_name": "Noa Levi",
        "company": "Põhjala Puit OÜ",
        "email": "noa@levi.example",
        "owner": "Mari Tamm",
    }

    queued = mail.queue_mail(
        session,
        to="noa@levi.example",
        subject="Hi {{ first_name }}",
        body="{{email}} {{ nickname }} {{__import__('os').system('x')}} {{first_name}} {{nickname}}",
        contact_id=people["contact"].id,
        actor_id=None,
    )

    assert queued.mail.subject == "Hi Noa"
    assert queued.mail.body == (
        "noa@levi.example {{ nickname }} {{__import__('os').system('x')}} Noa {{nickname}}"
    )
    assert queued.unknown_fields == ["nickname", "__import__('os').system('x')"]


def test_merging_is_one_pass_and_a_value_cannot_break_the_subject_header():
    rendered = mail.render("{{first_name}}", {"first_name": "{{last_name}}", "last_name": "X"})
    assert rendered.text == "{{last_name}}"

    msg = smtp.build_message(
        sender=SENDER, to=["a@b.example"], subject="Hi\r\nBcc: evil@x.example", body="x"
    )
    assert msg["Subject"] == "Hi Bcc: evil@x.example"
    assert msg["Bcc"] is None


def test_invalid_addresses_are_rejected_and_nothing_is_stored(session, port, people):
    configure(session, port)

    with pytest.raises(ValidationError) as caught:
        mail.queue_mail(
            session,
            to="noa@levi.example, not-an-address",
            cc="also wrong@",
            subject="",
            body="x",
            contact_id=people["contact"].id,
            actor_id=None,
        )

    assert set(caught.value.errors) == {"to", "cc", "subject"}
    assert caught.value.errors["to"] == "Enter a valid e-mail address, like name@example.com."
    assert session.execute(sa.select(sa.func.count(MailMessage.id))).scalar_one() == 0
    assert session.execute(sa.select(sa.func.count(Job.id))).scalar_one() == 0


def test_mail_cannot_be_queued_before_smtp_is_set_up(session, people):
    with pytest.raises(ValidationError) as caught:
        mail.queue_mail(
            session, to="noa@levi.example", subject="s", body="b", contact_id=None, actor_id=None
        )
    assert caught.value.errors == {"form": mail.NOT_CONFIGURED}


def test_a_refused_connection_is_a_failed_attempt_retried_until_the_server_is_up(
    session, db_url, port, people
):
    configure(session, port)  # nothing listens on the port yet
    queued = mail.queue_mail(
        session, to="noa@levi.example", subject="Hi", body="Body", contact_id=None, actor_id=None
    )
    session.commit()

    first = run_jobs(db_url)
    session.expire_all()
    stored = session.get(MailMessage, queued.mail.id)
    job = session.get(Job, queued.mail.job_id)
    assert first.retrying == [job.id]
    assert (stored.status, stored.attempts, stored.error) == ("queued", 1, mail.CONNECT_FAILED)
    assert "ConnectionRefusedError" in stored.error_detail
    assert stored.activity_id is None  # no contact: no timeline to log it on
    assert job.status == "pending" and job.attempts == 1
    assert timedelta(seconds=50) < job.run_at - utcnow() < timedelta(seconds=70)  # 1 min back-off

    box = Inbox()
    controller = start_server(box, port)
    try:
        assert run_jobs(db_url).ran == 0  # not before its back-off
        second = run_jobs(db_url, after=timedelta(minutes=1, seconds=5))
    finally:
        controller.stop()

    session.expire_all()
    stored = session.get(MailMessage, queued.mail.id)
    assert second.done == [job.id]
    assert (stored.status, stored.attempts, stored.error, stored.error_detail) == (
        "sent",
        2,
        None,
        None,
    )
    assert len(box.received) == 1
    assert box.message()["Message-ID"] == stored.message_id


def test_a_refused_connection_on_every_attempt_ends_failed_with_the_reason(
    session, db_url, port, people
):
    configure(session, port)
    queued = mail.queue_mail(
        session, to="noa@levi.example", subject="Hi", body="Body", contact_id=None, actor_id=None
    )
    session.commit()

    for day in range(1, mail.MAX_ATTEMPTS + 1):
        run_jobs(db_url, after=timedelta(days=day))

    session.expire_all()
    stored = session.get(MailMessage, queued.mail.id)
    assert (stored.status, stored.attempts, stored.error) == ("failed", 6, mail.CONNECT_FAILED)
    assert session.get(Job, queued.mail.job_id).status == "failed"

    mail.retry_mail(session, stored.id, actor_id=None)
    session.commit()
    assert session.get(Job, queued.mail.job_id).status == "pending"
    assert session.get(MailMessage, stored.id).status == "queued"


def test_a_permanent_rejection_fails_without_retry(session, db_url, port, people):
    box = Inbox(reply="554 5.7.1 Message rejected as spam")
    controller = start_server(box, port)
    configure(session, port)
    try:
        queued = mail.queue_mail(
            session,
            to="noa@levi.example",
            subject="Hi",
            body="Body",
            contact_id=None,
            actor_id=None,
        )
        session.commit()
        report = run_jobs(db_url)
    finally:
        controller.stop()

    session.expire_all()
    stored = session.get(MailMessage, queued.mail.id)
    assert report.failed == [queued.mail.job_id]
    assert (stored.status, stored.attempts, stored.error) == ("failed", 1, mail.REFUSED)
    assert stored.error_detail == "554 5.7.1 Message rejected as spam"
    job = session.get(Job, queued.mail.job_id)
    assert (job.status, job.attempts) == ("failed", 1)


def test_a_temporary_rejection_is_retried(session, db_url, port, people):
    box = Inbox(reply="451 4.3.0 Try again later")
    controller = start_server(box, port)
    configure(session, port)
    try:
        queued = mail.queue_mail(
            session,
            to="noa@levi.example",
            subject="Hi",
            body="Body",
            contact_id=None,
            actor_id=None,
        )
        session.commit()
        report = run_jobs(db_url)
    finally:
        controller.stop()

    session.expire_all()
    assert report.retrying == [queued.mail.job_id]
    stored = session.get(MailMessage, queued.mail.id)
    assert (stored.status, stored.error) == ("queued", mail.TEMPORARY_REFUSAL)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_with_the_stored_password(session, port):
    def authenticator(server, smtp_session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret pass"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    box = Inbox()
    # No TLS on loopback in a test (aiosmtpd warns about AUTH without it).
    controller = start_server(
        box, port, authenticator=authenticator, auth_required=True, auth_require_tls=False
    )
    try:
        configure(session, port, user="mailer", password="s3cret pass")
        sent = mail.send_test_mail(session, "admin@kestrel.example", actor_id=None)
        configure(session, port, user="mailer", password="wrong")
        refused = mail.send_test_mail(session, "admin@kestrel.example", actor_id=None)
        configure(session, port, user="", password="")
        anonymous = mail.send_test_mail(session, "admin@kestrel.example", actor_id=None)
    finally:
        controller.stop()

    assert (sent.status, sent.error) == ("sent", None)
    assert box.message()["Subject"] == mail.TEST_SUBJECT
    assert box.message()["To"] == "admin@kestrel.example"
    assert (refused.status, refused.error) == ("failed", mail.AUTH_FAILED)
    assert refused.error_detail.startswith("535")
    assert (anonymous.status, anonymous.error) == ("failed", mail.AUTH_FAILED)
    assert anonymous.error_detail.startswith("530")
    assert len(box.received) == 1


def test_the_test_mail_reports_a_refused_connection(session, port):
    configure(session, port)

    result = mail.send_test_mail(session, "admin@kestrel.example", actor_id=None)

    assert (result.status, result.error) == ("failed", mail.CONNECT_FAILED)
    with pytest.raises(ValidationError):
        mail.send_test_mail(session, "nobody", actor_id=None)


def test_starttls_against_a_server_without_it_is_a_connection_failure(session, port, inbox):
    configure(session, port, tls="starttls")

    result = mail.send_test_mail(session, "admin@kestrel.example", actor_id=None)

    assert (result.status, result.error) == ("failed", mail.CONNECT_FAILED)
    assert "STARTTLS" in result.error_detail
    assert inbox.received == []


def test_the_password_is_never_returned_to_the_form_nor_audited(session, port):
    configure(session, port, user="mailer", password="s3cret pass")

    form = mail.smtp_settings_for_form(session)
    assert form["password"] == "" and form["password_set"] is True
    assert "s3cret" not in repr(form) and "s3cret" not in repr(mail.smtp_settings(session))
    assert (form["host"], form["port"], form["tls"], form["sender"]) == (
        "127.0.0.1",
        port,
        "none",
        SENDER,
    )

    configure(session, port + 1, user="mailer", password="")  # the form sends it back empty
    assert mail.smtp_settings(session).password == "s3cret pass"
    assert mail.smtp_settings(session).port == port + 1

    audit = session.execute(sa.select(AuditEntry.changes)).scalars().all()
    assert all("s3cret" not in repr(changes) for changes in audit)
    assert {"key": "smtp_password", "value": "***"} in audit

    mail.save_smtp_settings(
        session, host="", port=25, tls="none", user="", password="", sender="",
        actor_id=None, clear_password=True,
    )  # fmt: skip
    assert session.get(Setting, "smtp_password").value == ""
    assert mail.smtp_settings_for_form(session)["password_set"] is False


def test_the_environment_overrides_the_stored_settings(session, port, monkeypatch):
    configure(session, port, password="stored")
    monkeypatch.setenv("RAPPORT_SMTP_HOST", "smtp.env.example")
    monkeypatch.setenv("RAPPORT_SMTP_PASSWORD", "from-env")

    current = mail.smtp_settings(session)
    form = mail.smtp_settings_for_form(session)

    assert (current.host, current.port, current.password) == ("smtp.env.example", port, "from-env")
    assert form["from_env"] == ["host", "password"]
    assert form["host"] == "smtp.env.example" and form["password"] == ""


def test_the_settings_form_is_validated(session):
    with pytest.raises(ValidationError) as caught:
        mail.save_smtp_settings(
            session, host="smtp example", port="70000", tls="maybe", user="", password="",
            sender="nobody", actor_id=None,
        )  # fmt: skip
    assert set(caught.value.errors) == {"host", "port", "tls", "sender"}
    assert session.execute(sa.select(sa.func.count()).select_from(Setting)).scalar_one() == 0
