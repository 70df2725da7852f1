"""Who a campaign reaches: the segment's contacts that may and can get marketing mail.

Rules (checked in this order; the first that applies is the reason a person is left out):
- an address of theirs, or the contact, is on the unsubscribe list → "unsubscribed";
- the contact has not given e-mail consent (``consent_email``) → "no consent";
- the contact has no e-mail address → "no address".
Everyone else gets the mail at their primary address (else their first one). The check runs
again for each recipient just before its mail is queued, so an unsubscribe or a withdrawn
consent during a long, throttled send is honoured too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Contact, ContactEmail, Segment, Unsubscribe

from .. import segments
from ..errors import NotFound, ValidationError
from ..i18n import N_

UNSUBSCRIBED = N_("Unsubscribed")
NO_CONSENT = N_("No e-mail consent")
NO_ADDRESS = N_("No e-mail address")
REASONS = (UNSUBSCRIBED, NO_CONSENT, NO_ADDRESS)


def primary_email() -> sa.ScalarSelect:
    """The contact's primary address (else its first), correlated to ``Contact``."""
    return (
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == Contact.id)
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        .limit(1)
        .scalar_subquery()
    )


def _unsubscribed() -> sa.ColumnElement[bool]:
    by_contact = sa.exists().where(Unsubscribe.contact_id == Contact.id)
    by_address = sa.exists().where(
        ContactEmail.contact_id == Contact.id, ContactEmail.email == Unsubscribe.email
    )
    return sa.or_(by_contact, by_address)


def reason_column(email: sa.ColumnElement) -> sa.ColumnElement:
    """NULL for a contact who gets the mail, else the msgid saying why not."""
    return sa.case(
        (_unsubscribed(), UNSUBSCRIBED),
        (Contact.consent_email.is_not(sa.true()), NO_CONSENT),
        (email.is_(None), NO_ADDRESS),
        else_=sa.null(),
    )


def contact_segment(session: Session, segment_id: int | None) -> Segment:
    """The segment a campaign may target (it must exist and hold contacts)."""
    segment = session.get(Segment, segment_id) if segment_id else None
    if segment is None:
        raise NotFound(N_("This segment no longer exists."))
    if segment.entity != "contact":
        raise ValidationError({"segment_id": N_("Choose a segment of contacts.")})
    return segment


def audience_query(session: Session, segment: Segment) -> sa.Select:
    """(contact_id, email, reason) of every member of the segment, by contact id."""
    email = primary_email()
    return (
        sa.select(Contact.id, email.label("email"), reason_column(email).label("reason"))
        .where(Contact.id.in_(segments.member_ids(session, segment)))
        .order_by(Contact.id)
    )


def check_contact(session: Session, contact_id: int | None) -> tuple[str | None, str | None]:
    """(address, reason): the reason is None when the contact may get the mail now."""
    if contact_id is None:
        return None, N_("This contact no longer exists.")
    email = primary_email()
    row = session.execute(
        sa.select(email, reason_column(email)).where(Contact.id == contact_id)
    ).first()
    if row is None:
        return None, N_("This contact no longer exists.")
    return row[0], row[1]


def sample_contact(session: Session, segment_id: int | None) -> int | None:
    """The first member who would get the mail (whose values fill a test send), else None."""
    try:
        segment = contact_segment(session, segment_id)
    except (NotFound, ValidationError):
        return None
    sub = audience_query(session, segment).subquery()
    return session.execute(
        sa.select(sub.c.id).where(sub.c.reason.is_(None)).order_by(sub.c.id).limit(1)
    ).scalar()


@dataclass
class AudienceSummary:
    members: int = 0
    reachable: int = 0
    excluded: dict[str, int] = field(default_factory=dict)  # reason msgid → how many


def summary(session: Session, segment_id: int | None) -> AudienceSummary:
    """The live audience count for the campaign editor, with why the others are left out."""
    if not segment_id:
        return AudienceSummary()
    segment = contact_segment(session, segment_id)
    sub = audience_query(session, segment).order_by(None).subquery()
    out = AudienceSummary()
    for reason, n in session.execute(
        sa.select(sub.c.reason, sa.func.count()).group_by(sub.c.reason)
    ):
        out.members += n
        if reason is None:
            out.reachable += n
        else:
            out.excluded[reason] = n
    return out
