"""Outgoing mail: the one mail service (contact mail now; tickets and campaigns later).

``queue_mail`` stores and logs a message and enqueues the ``send_mail`` job, which sends it
over SMTP with retries; ``send_test_mail`` is the Settings button; ``config`` holds the SMTP
settings (environment over Settings)."""

from .check import TEST_BODY, TEST_SUBJECT, send_test_mail
from .config import (
    TLS_MODES,
    SmtpSettings,
    overridden_by_environment,
    save_smtp_settings,
    smtp_settings,
    smtp_settings_for_form,
)
from .merge import MERGE_FIELDS, Rendered, contact_values, render
from .outbox import (
    MAX_ATTEMPTS,
    SEND_MAIL,
    MailRow,
    QueuedMail,
    mails_by_activity,
    mails_for_contact,
    parse_addresses,
    preview,
    queue_mail,
    retry_mail,
    send_mail_job,
)
from .smtp import (
    AUTH_FAILED,
    CONNECT_FAILED,
    NOT_CONFIGURED,
    REFUSED,
    SOME_REFUSED,
    TEMPORARY_REFUSAL,
    PermanentMailError,
    TemporaryMailError,
    build_message,
    deliver,
)

__all__ = [
    "AUTH_FAILED",
    "CONNECT_FAILED",
    "MAX_ATTEMPTS",
    "MERGE_FIELDS",
    "NOT_CONFIGURED",
    "REFUSED",
    "SEND_MAIL",
    "SOME_REFUSED",
    "TEMPORARY_REFUSAL",
    "TEST_BODY",
    "TEST_SUBJECT",
    "TLS_MODES",
    "MailRow",
    "PermanentMailError",
    "QueuedMail",
    "Rendered",
    "SmtpSettings",
    "TemporaryMailError",
    "build_message",
    "contact_values",
    "deliver",
    "mails_by_activity",
    "mails_for_contact",
    "overridden_by_environment",
    "parse_addresses",
    "preview",
    "queue_mail",
    "render",
    "retry_mail",
    "save_smtp_settings",
    "send_mail_job",
    "send_test_mail",
    "smtp_settings",
    "smtp_settings_for_form",
]
