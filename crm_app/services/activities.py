"""Logging a call, meeting or note on a contact's or company's timeline.

Rules:
- an activity belongs to a contact or a company that exists (exactly one of the two is given;
  a contact's activity also carries the contact's company, so the company timeline shows it);
- a subject or a body is required; a subject is at most 200 characters, a body 20,000;
- the moment may not lie more than a day in the future (a typo, not a plan: plans are tasks);
- a duration (calls and meetings only) is 0–1440 minutes; an outcome (calls only) is one of
  ``OUTCOMES``;
- a call or meeting moves the contact's "last contacted" forward, never back (logging an old
  call does not make a recent contact look older); a note is not contact with the customer.
  For a company nothing else changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from crm_app.models import Activity, Company, Contact, utcnow

from . import writes
from .errors import NotFound, ValidationError
from .i18n import N_

KINDS = ("call", "meeting", "note")
TOUCHES_CONTACT = ("call", "meeting", "email")
OUTCOMES = ("connected", "left_voicemail", "no_answer", "busy", "wrong_number")
OUTCOME_LABELS = {
    "connected": N_("Connected"),
    "left_voicemail": N_("Left voicemail"),
    "no_answer": N_("No answer"),
    "busy": N_("Busy"),
    "wrong_number": N_("Wrong number"),
}
MAX_BODY = 20_000
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
    if len(subject.strip()) > 200:
        errors["subject"] = N_("Use at most 200 characters.")
    if len(body) > MAX_BODY:
        errors["body"] = N_("This text is too long: keep it under 20,000 characters.")
    if occurred_at is None:
        errors["occurred_at"] = N_("Enter the date and time it happened.")
    elif _aware(occurred_at) > (now or utcnow()) + FUTURE_SLACK:
        errors["occurred_at"] = N_("This is in the future: log what already happened.")
    if duration_minutes is not None:
        if kind == "note":
            errors["duration_minutes"] = N_("A note has no duration.")
        elif not 0 <= duration_minutes <= MAX_MINUTES:
            errors["duration_minutes"] = N_("Enter a duration between 0 and 1440 minutes.")
    if outcome and (kind != "call" or outcome not in OUTCOMES):
        errors["outcome"] = N_("Choose an outcome from the list.")
    return errors


def log_activity(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    kind: str,
    subject: str,
    body: str,
    occurred_at: datetime | None,
    duration_minutes: int | None = None,
    outcome: str | None = None,
    actor_id: int | None,
    now: datetime | None = None,
) -> Activity:
    """Add an audited activity; raises ValidationError (nothing written) or NotFound."""
    if (contact_id is None) == (company_id is None):
        raise ValueError("a contact or a company")
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
    if company_id is not None and session.get(Company, company_id) is None:
        raise NotFound(f"company {company_id}")
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
            company_id=contact.company_id if contact is not None else company_id,
        ),
        actor_id=actor_id,
    )
    if contact is not None and kind in TOUCHES_CONTACT:
        last = contact.last_contacted_at
        if last is None or _aware(last) < at:
            writes.update(session, contact, {"last_contacted_at": at}, actor_id=actor_id)
    return activity
