"""Putting an activity on the timeline, and the "last contacted" rule it carries."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from crm_app.models import Activity, ActivityKind, Contact, utcnow

from .. import writes
from ..errors import ValidationError
from ..i18n import N_

TOUCHES_CONTACT = {ActivityKind.CALL.value, ActivityKind.EMAIL.value, ActivityKind.MEETING.value}


def log_activity(
    session: Session,
    *,
    kind: str,
    subject: str,
    body: str = "",
    actor_id: int | None,
    occurred_at: datetime | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    ticket_id: int | None = None,
    touch_contact: bool | None = None,
) -> Activity:
    """Put an activity on the timeline; a call, e-mail or meeting (or ``touch_contact``)
    moves the contact's "last contacted" forward. The company defaults to the contact's."""
    if kind not in {k.value for k in ActivityKind}:
        raise ValidationError({"kind": N_("Choose what kind of activity this was.")})
    at = occurred_at or utcnow()
    contact = session.get(Contact, contact_id) if contact_id else None
    if company_id is None and contact is not None:
        company_id = contact.company_id
    activity = writes.create(
        session,
        Activity(
            kind=kind,
            subject=subject[:200],
            body=body,
            occurred_at=at,
            user_id=actor_id,
            contact_id=contact_id,
            company_id=company_id,
            deal_id=deal_id,
            ticket_id=ticket_id,
        ),
        actor_id=actor_id,
    )
    if contact is not None and (
        kind in TOUCHES_CONTACT if touch_contact is None else touch_contact
    ):
        touch_last_contacted(session, contact, at, actor_id=actor_id)
    return activity


def touch_last_contacted(
    session: Session, contact: Contact, at: datetime, *, actor_id: int | None
) -> None:
    if contact.last_contacted_at is None or contact.last_contacted_at < at:
        writes.update(session, contact, {"last_contacted_at": at}, actor_id=actor_id)
