"""The one way to send mail: store the message, log it on the timeline, let a job send it.

Rules:
- addresses are checked offline (``emails.check_email``); at most 50 recipients;
- the contact's merge fields are filled in the subject and body when the mail is queued
  (what was sent is what is stored); unknown fields stay visible and are reported;
- the mail is an e-mail activity on the contact's timeline from the moment it is queued;
  "last contacted" moves when it is actually sent;
- the ``send_mail`` job retries a refused connection or a 4xx reply with back-off (the mail
  stays "queued" with the last error); a 5xx reply or the last attempt makes it "failed";
- a retry keeps the Message-ID, so a receiver can tell a resend from a new mail;
- a caller that records the mail on the timeline its own way (campaigns) passes
  ``log_on_timeline=False``: no e-mail activity, and sending does not move "last contacted";
- extra ``headers`` (e.g. List-Unsubscribe) are stored with the mail and sent as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import ActivityKind, Contact, Job, MailMessage, MailStatus, utcnow

from .. import activities, jobs, writes
from ..emails import INVALID, check_email
from ..errors import NotFound, ValidationError
from ..i18n import N_
from . import merge, smtp
from .config import smtp_settings

SEND_MAIL = "send_mail"
MAX_ATTEMPTS = 6  # 1 + 5 retries: about 2.5 hours of back-off before "failed"
MAX_RECIPIENTS = 50
MAX_BODY = activities.MAX_EMAIL_BODY
_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class QueuedMail:
    mail: MailMessage
    unknown_fields: list[str]  # {{…}} the writer used that are not merge fields


def parse_addresses(raw: str | Iterable[str], field: str, errors: dict[str, str]) -> list[str]:
    """Addresses from a form field ("a@x.ee, b@y.ee") or a list; problems go to ``errors``."""
    parts = _SPLIT.split(raw) if isinstance(raw, str) else [str(p) for p in raw]
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        address, problem = check_email(part)
        if problem:
            errors[field] = INVALID
            return []
        if address not in out:
            out.append(address)
    return out


def preview(session: Session, contact_id: int | None, subject: str, body: str) -> dict[str, Any]:
    """Subject and body as they would be sent to the contact, with the unknown fields."""
    values = merge.contact_values(session, contact_id)
    s, b = merge.render(subject, values), merge.render(body, values)
    return {"subject": s.text, "body": b.text, "unknown": _union(s.unknown, b.unknown)}


def _union(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for items in lists:
        out += [i for i in items if i not in out]
    return out


def queue_mail(
    session: Session,
    *,
    to: str | Iterable[str],
    cc: str | Iterable[str] = (),
    subject: str,
    body: str,
    contact_id: int | None,
    actor_id: int | None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    purpose: str = "contact",
    log_on_timeline: bool = True,
) -> QueuedMail:
    """Validate, fill merge fields, store as queued, log on the timeline, enqueue sending."""
    errors: dict[str, str] = {}
    to_list = parse_addresses(to, "to", errors)
    cc_list = [a for a in parse_addresses(cc, "cc", errors) if a not in to_list]
    if not to_list and "to" not in errors:
        errors["to"] = N_("Enter at least one recipient.")
    if len(to_list) + len(cc_list) > MAX_RECIPIENTS:
        errors["to"] = N_("Send to at most 50 recipients at once.")
    if not (subject or "").strip():
        errors["subject"] = N_("Enter a subject.")
    if not (body or "").strip():
        errors["body"] = N_("Write the message.")
    elif len(body) > MAX_BODY:
        errors["body"] = N_("The message is too long.")
    if contact_id is not None and session.get(Contact, contact_id) is None:
        raise NotFound(N_("This contact no longer exists."))
    settings = smtp_settings(session)
    if not settings.configured:
        errors["form"] = smtp.NOT_CONFIGURED
    if errors:
        raise ValidationError(errors)
    shown = preview(session, contact_id, subject, body)
    final_subject = " ".join(shown["subject"].split())[:300]
    activity = None
    if contact_id is not None and log_on_timeline:  # a timeline to log it on
        activity = activities.log_activity(
            session,
            kind=ActivityKind.EMAIL.value,
            subject=final_subject[: activities.MAX_SUBJECT],
            body=shown["body"],
            occurred_at=utcnow(),
            actor_id=actor_id,
            contact_id=contact_id,
            touch_contact=False,
        )
    mail = writes.create(
        session,
        MailMessage(
            to_addresses=to_list,
            cc_addresses=cc_list,
            subject=final_subject,
            body=shown["body"],
            html=html,
            headers=dict(headers) if headers else None,
            purpose=purpose[:20],
            contact_id=contact_id,
            activity_id=activity.id if activity else None,
            message_id=smtp.new_message_id(settings.sender_address),
            created_by_id=actor_id,
        ),
        actor_id=actor_id,
    )
    job = jobs.enqueue(
        session,
        SEND_MAIL,
        {"mail_id": mail.id},
        dedupe_key=f"mail:{mail.id}",
        max_attempts=MAX_ATTEMPTS,
        actor_id=actor_id,
    )
    writes.update(session, mail, {"job_id": job.id}, actor_id=actor_id)
    return QueuedMail(mail, shown["unknown"])


def _record(session: Session, mail: MailMessage, **changes: object) -> None:
    writes.update(session, mail, {"attempts": mail.attempts + 1, **changes}, actor_id=None)


@jobs.job(SEND_MAIL, lease=jobs.DEFAULT_LEASE)
def send_mail_job(session: Session, ctx: jobs.JobContext) -> None:
    """Send one queued mail; see the module rules for retries."""
    mail = session.get(MailMessage, int(ctx.payload.get("mail_id") or 0))
    if mail is None:
        raise jobs.PermanentFailure(N_("The message no longer exists."))
    if mail.status == MailStatus.SENT.value:
        return  # sent by an earlier run whose bookkeeping was lost
    settings = smtp_settings(session)
    now = utcnow()
    msg = smtp.build_message(
        sender=settings.sender,
        to=mail.to_addresses,
        cc=mail.cc_addresses,
        subject=mail.subject,
        body=mail.body,
        html=mail.html,
        headers=mail.headers,
        message_id=mail.message_id,
        date=now,
    )
    try:
        refused = smtp.deliver(settings, msg, [*mail.to_addresses, *mail.cc_addresses])
    except smtp.MailError as exc:
        final = isinstance(exc, smtp.PermanentMailError) or ctx.last_attempt
        status = MailStatus.FAILED if final else MailStatus.QUEUED
        _record(session, mail, status=status.value, error=exc.message, error_detail=exc.detail)
        if isinstance(exc, smtp.PermanentMailError):
            raise jobs.PermanentFailure(f"{exc.message} {exc.detail}".strip()) from exc
        raise jobs.RetryLater(f"{exc.message} {exc.detail}".strip()) from exc
    _record(
        session,
        mail,
        status=MailStatus.SENT.value,
        sent_at=now,
        sender=settings.sender,
        message_id=msg["Message-ID"],
        error=smtp.SOME_REFUSED if refused else None,
        error_detail="; ".join(f"{a}: {why}" for a, why in refused.items()) or None,
    )
    contact = session.get(Contact, mail.contact_id) if mail.contact_id else None
    if contact is not None and mail.activity_id is not None:
        activities.touch_last_contacted(session, contact, now, actor_id=mail.created_by_id)


def retry_mail(session: Session, mail_id: int, *, actor_id: int | None) -> MailMessage:
    """Send a failed mail again (a new round of attempts)."""
    mail = session.get(MailMessage, mail_id)
    if mail is None:
        raise NotFound(N_("The message no longer exists."))
    if mail.status != MailStatus.FAILED.value:
        raise ValidationError({"mail": N_("Only a failed message can be sent again.")})
    job = session.get(Job, mail.job_id) if mail.job_id else None
    if job is not None and job.status == "failed":
        jobs.retry(session, job.id or 0, actor_id=actor_id)
    else:
        job = jobs.enqueue(
            session, SEND_MAIL, {"mail_id": mail.id}, max_attempts=MAX_ATTEMPTS, actor_id=actor_id
        )
    writes.update(
        session,
        mail,
        {"status": MailStatus.QUEUED.value, "job_id": job.id, "error": None},
        actor_id=actor_id,
    )
    return mail


@dataclass(frozen=True)
class MailRow:
    id: int
    subject: str
    to: list[str]
    cc: list[str]
    status: str
    error: str | None
    error_detail: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    activity_id: int | None


def mails_for_contact(session: Session, contact_id: int, limit: int = 50) -> list[MailRow]:
    """A contact's mails, newest first, with their status (for the page and the timeline)."""
    rows = session.execute(
        sa.select(MailMessage)
        .where(MailMessage.contact_id == contact_id)
        .order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
        .limit(limit)
    ).scalars()
    return [_row(m) for m in rows]


def mails_by_activity(session: Session, activity_ids: Iterable[int]) -> dict[int, MailRow]:
    """The mail behind each of these timeline activities (to show its status there)."""
    wanted = list(activity_ids)
    if not wanted:
        return {}
    found = session.execute(
        sa.select(MailMessage).where(MailMessage.activity_id.in_(wanted))
    ).scalars()
    return {m.activity_id or 0: _row(m) for m in found}


def _row(m: MailMessage) -> MailRow:
    return MailRow(
        id=m.id or 0,
        subject=m.subject,
        to=list(m.to_addresses),
        cc=list(m.cc_addresses),
        status=m.status,
        error=m.error,
        error_detail=m.error_detail,
        attempts=m.attempts,
        created_at=m.created_at,
        sent_at=m.sent_at,
        activity_id=m.activity_id,
    )
