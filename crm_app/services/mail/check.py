"""The Settings button "send a test mail": sent at once with the saved settings, so the
admin sees the result (or the server's reason) without waiting for the worker."""

from __future__ import annotations

from sqlmodel import Session

from crm_app.models import MailMessage, MailStatus, utcnow

from .. import writes
from ..errors import ValidationError
from ..i18n import N_, gettext
from . import smtp
from .config import smtp_settings
from .outbox import MailRow, _row, parse_addresses

TEST_SUBJECT = N_("Test message from Rapport")
TEST_BODY = N_("This is a test message from Rapport. If you can read it, outgoing mail works.")


def send_test_mail(
    session: Session, to: str, *, actor_id: int | None, locale: str | None = None
) -> MailRow:
    """Send a short message to ``to`` now; returns it as sent or failed (with the reason).

    Raises ValidationError for a bad address or when no SMTP server is set up.
    """
    errors: dict[str, str] = {}
    recipients = parse_addresses(to, "to", errors)
    if not recipients and "to" not in errors:
        errors["to"] = N_("Enter at least one recipient.")
    settings = smtp_settings(session)
    if not settings.configured:
        errors["form"] = smtp.NOT_CONFIGURED
    if errors:
        raise ValidationError(errors)
    now = utcnow()
    mail = writes.create(
        session,
        MailMessage(
            purpose="test",
            to_addresses=recipients,
            subject=gettext(TEST_SUBJECT, locale),
            body=gettext(TEST_BODY, locale),
            message_id=smtp.new_message_id(settings.sender_address),
            created_by_id=actor_id,
        ),
        actor_id=actor_id,
    )
    msg = smtp.build_message(
        sender=settings.sender,
        to=recipients,
        subject=mail.subject,
        body=mail.body,
        message_id=mail.message_id,
        date=now,
    )
    changes: dict[str, object] = {"attempts": 1, "sender": settings.sender}
    try:
        smtp.deliver(settings, msg, recipients)
    except smtp.MailError as exc:
        changes |= {"status": MailStatus.FAILED.value, "error": exc.message}
        changes["error_detail"] = exc.detail or None
    else:
        changes |= {"status": MailStatus.SENT.value, "sent_at": now}
    writes.update(session, mail, changes, actor_id=actor_id)
    return _row(mail)
