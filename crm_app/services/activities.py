"""Putting an activity (call, meeting, note, e-mail) on a record's timeline — the one write.

Every caller goes through ``log_activity``: the record page's "log a call" form, completing a
task with "log as", and the mail service when it queues an e-mail. Rules:
- an activity belongs to at least one record: a contact, a company, a deal and/or a ticket,
  each of which exists; a contact's activity also carries the contact's company unless a
  company is given, so the company timeline shows it;
- a subject or a body is required; a subject is at most 200 characters, a body 20,000
  (an e-mail's body, written through the mail service, up to 200,000);
- the moment may not lie more than a day in the future (a typo, not a plan: plans are tasks);
- a duration (calls and meetings only) is 0–1440 minutes; an outcome (calls only) is one of
  ``OUTCOMES``;
- a call, meeting or e-mail moves the contact's "last contacted" forward, never back (logging
  an old call does not make a recent contact look older); a note is not contact with the
  customer. ``touch_contact`` overrides this (the mail service logs a queued e-mail without
  touching and calls ``touch_last_contacted`` when it is actually sent).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from crm_app.models import Activity, ActivityKind, Company, Contact, Deal, Ticket, utcnow

from . import writes
from .errors import NotFound, ValidationError
from .i18n import N_

KINDS = tuple(k.value for k in ActivityKind)
LOGGABLE_KINDS = ("call", "meeting", "note")  # by hand; e-mails are written, not logged
TOUCHES_CONTACT = ("call", "meeting", "email")
TIMED_KINDS = ("call", "meeting")
OUTCOMES = ("connected", "left_voicemail", "no_answer", "busy", "wrong_number")
OUTCOME_LABELS = {
    "connected": N_("Connected"),
    "left_voicemail": N_("Left voicemail"),
    "no_answer": N_("No answer"),
    "busy": N_("Busy"),
    "wrong_number": N_("Wrong number"),
}
MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_EMAIL_BODY = 200_000
MAX_MINUTES = 24 * 60
FUTURE_SLACK = timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def validate_activity(
    *,
    kind: str,
    subject: str,
    body: str,
    occurred_at: datetime | None,
    duration_minutes: int | None,
    outcome: str | None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Errors by form field (empty when the activity may be logged). Writes nothing."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = N_("Choose a call, a meeting or a note.")
    if not subject.strip() and not body.strip():
        errors["subject"] = N_("Write a subject or a few words of what happened.")
    if len(subject.strip()) > MAX_SUBJECT:
        errors["subject"] = N_("Use at most 200 characters.")
    if len(body) > (MAX_EMAIL_BODY if kind == "email" else MAX_BODY):
        errors["body"] = N_("This text is too long: keep it under 20,000 characters.")
    if occurred_at is None:
        errors["occurred_at"] = N_("Enter the date and time it happened.")
    elif _aware(occurred_at) > (now or utcnow()) + FUTURE_SLACK:
        errors["occurred_at"] = N_("This is in the future: log what already happened.")
    if duration_minutes is not None:
        if kind not in TIMED_KINDS:
            errors["duration_minutes"] = N_("A note has no duration.")
        elif not 0 <= duration_minutes <= MAX_MINUTES:
            errors["duration_minutes"] = N_("Enter a duration between 0 and 1440 minutes.")
    if outcome and (kind != "call" or outcome not in OUTCOMES):
        errors["outcome"] = N_("Choose an outcome from the list.")
    return errors


def log_activity(
    session: Session,
    *,
    kind: str,
    subject: str,
    body: str = "",
    occurred_at: datetime | None,
    actor_id: int | None,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    ticket_id: int | None = None,
    duration_minutes: int | None = None,
    outcome: str | None = None,
    touch_contact: bool | None = None,
    now: datetime | None = None,
) -> Activity:
    """Add an audited activity and move "last contacted" (see the module's rules).

    Raises ValidationError (nothing written), NotFound for a linked record that does not
    exist, ValueError when no record is given at all (a caller's mistake).
    """
    if contact_id is None and company_id is None and deal_id is None and ticket_id is None:
        raise ValueError("an activity belongs to a contact, company, deal or ticket")
    errors = validate_activity(
        kind=kind,
        subject=subject,
        body=body,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        outcome=outcome,
        now=now,
    )
    if errors:
        raise ValidationError(errors)
    assert occurred_at is not None
    at = _aware(occurred_at)
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    if contact_id is not None and contact is None:
        raise NotFound(f"contact {contact_id}")
    for model, key in ((Company, company_id), (Deal, deal_id), (Ticket, ticket_id)):
        if key is not None and session.get(model, key) is None:
            raise NotFound(f"{model.__tablename__} {key}")
    if company_id is None and contact is not None:
        company_id = contact.company_id
    activity = writes.create(
        session,
        Activity(
            kind=kind,
            subject=subject.strip(),
            body=body.strip(),
            occurred_at=at,
            duration_minutes=duration_minutes,
            outcome=outcome or None,
            user_id=actor_id,
            contact_id=contact_id,
            company_id=company_id,
            deal_id=deal_id,
            ticket_id=ticket_id,
        ),
        actor_id=actor_id,
    )
    touches = kind in TOUCHES_CONTACT if touch_contact is None else touch_contact
    if contact is not None and touches:
        touch_last_contacted(session, contact, at, actor_id=actor_id)
    return activity


def touch_last_contacted(
    session: Session, contact: Contact, at: datetime, *, actor_id: int | None
) -> None:
    """Move the contact's "last contacted" to ``at`` if that is later (never back)."""
    last = contact.last_contacted_at
    if last is None or _aware(last) < _aware(at):
        writes.update(session, contact, {"last_contacted_at": _aware(at)}, actor_id=actor_id)
