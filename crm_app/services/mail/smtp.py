"""Building a MIME message and handing it to the SMTP server (smtplib, with timeouts).

Failures are sorted for the job runner: ``TemporaryMailError`` (no connection, a timeout, a
4xx reply) is worth another attempt later; ``PermanentMailError`` (a 5xx reply, a refused
login) is not. Their message is a msgid for the person; ``detail`` is what the server or
the network said.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from crm_app.models import utcnow

from ..i18n import N_
from .config import SmtpSettings

# 7-bit clean: non-ASCII bodies go out as quoted-printable or base64, headers as RFC 2047
# encoded words, so no server needs 8BITMIME or SMTPUTF8 for a Hebrew or Persian message.
POLICY = SMTP.clone(cte_type="7bit")

CONNECT_FAILED = N_("Could not connect to the mail server.")
TEMPORARY_REFUSAL = N_("The mail server did not accept the message for now.")
REFUSED = N_("The mail server refused the message.")
AUTH_FAILED = N_("The mail server did not accept the user name and password.")
SOME_REFUSED = N_("Sent, but the mail server refused some of the recipients.")
NOT_CONFIGURED = N_("Outgoing mail is not set up yet: enter the SMTP server in Settings.")


class MailError(Exception):
    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class TemporaryMailError(MailError):
    """Worth another attempt later."""


class PermanentMailError(MailError):
    """Another attempt would fail the same way."""


def ascii_address(address: str) -> str:
    """An address with its domain in IDNA form, as SMTP and 7-bit headers need it."""
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}" if local else address
    except UnicodeError:
        return address


def new_message_id(sender_address: str) -> str:
    domain = sender_address.rpartition("@")[2] or "rapport.invalid"
    return make_msgid(domain=ascii_address("x@" + domain).rpartition("@")[2])


def build_message(
    *,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    body: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """A text/plain (UTF-8) message, multipart/alternative when ``html`` is given.

    ``headers`` adds extra ones (List-Unsubscribe …); they cannot replace the headers set
    here, and line breaks in their values are folded away."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender
    msg["To"] = ", ".join(ascii_address(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(ascii_address(a) for a in cc)
    # A header may not hold line breaks: a merge value with one would split the header.
    msg["Subject"] = " ".join((subject or "").split())
    msg["Date"] = format_datetime(date or utcnow())
    msg["Message-ID"] = message_id or new_message_id(sender)
    for name, value in (headers or {}).items():
        if name.lower() not in _OWN_HEADERS and _HEADER_NAME.fullmatch(name):
            msg[name] = " ".join(str(value).split())
    msg.set_content(body or "", subtype="plain", charset="utf-8")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


_OWN_HEADERS = {"from", "to", "cc", "bcc", "subject", "date", "message-id"}
_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,60}")

# Authentication required / credentials invalid / encryption needed for auth (RFC 4954).
_AUTH_CODES = {530, 534, 535, 538}


def _code_error(code: int, text: bytes | str) -> MailError:
    detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    if 400 <= code < 500:
        return TemporaryMailError(TEMPORARY_REFUSAL, detail)
    return PermanentMailError(AUTH_FAILED if code in _AUTH_CODES else REFUSED, detail)


def deliver(settings: SmtpSettings, msg: EmailMessage, recipients: Sequence[str]) -> dict[str, str]:
    """Send ``msg`` to ``recipients`` (To and Cc); returns the refused ones with the reason
    when the server accepted the others. Raises a MailError subclass when nothing was sent."""
    if not settings.configured:
        raise TemporaryMailError(NOT_CONFIGURED)
    context = ssl.create_default_context()
    envelope = [ascii_address(a) for a in recipients]
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            client.ehlo()
            if settings.tls == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password)
            refused = client.send_message(
                msg, from_addr=ascii_address(settings.sender_address), to_addrs=envelope
            )
    except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
        codes = [code for code, _text in exc.recipients.values()]
        detail = "; ".join(f"{a}: {c} {t!r}" for a, (c, t) in exc.recipients.items())
        if codes and all(400 <= c < 500 for c in codes):
            raise TemporaryMailError(TEMPORARY_REFUSAL, detail) from exc
        raise PermanentMailError(REFUSED, detail) from exc
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused, …
        raise _code_error(exc.smtp_code, exc.smtp_error) from exc
    except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable, timeout, TLS
        raise TemporaryMailError(CONNECT_FAILED, f"{type(exc).__name__}: {exc}") from exc
    return {
        address: f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for address, (code, text) in refused.items()
    }
