"""The customer of a ticket: found by e-mail address, or created as a contact.

Rules: addresses are matched in their stored form (trimmed, lower-cased), against every
address of every contact, not only primary ones; when two contacts share an address (an old
import) the oldest contact wins. A contact created here gets the name given (split at the
last space into first and last name; the address's local part when no name is given), the
address as its primary e-mail and the given source ("web form", "email", …).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Contact, ContactEmail

from ..contacts import ContactInput, create_contact
from ..emails import check_email, normalize_email


def find_contact_by_email(session: Session, email: str) -> Contact | None:
    address = normalize_email(email)
    if not address:
        return None
    contact_id = session.execute(
        sa.select(ContactEmail.contact_id)
        .where(ContactEmail.email == address)
        .order_by(ContactEmail.contact_id)
        .limit(1)
    ).scalar()
    return session.get(Contact, contact_id) if contact_id is not None else None


def split_name(name: str, email: str) -> tuple[str, str]:
    text = " ".join(str(name or "").split())[:200]
    if not text:
        return normalize_email(email).split("@", 1)[0][:100] or "?", ""
    first, _, last = text.rpartition(" ")
    return (first[:100], last[:100]) if first else (last[:100], "")


def find_or_create_contact(
    session: Session, *, email: str, name: str = "", source: str, actor_id: int | None
) -> tuple[Contact, bool]:
    """(the contact with this address, whether it was created now). The address must be
    valid (checked by the caller)."""
    address, problem = check_email(email)
    if problem:
        raise ValueError(problem)
    found = find_contact_by_email(session, address)
    if found is not None:
        return found, False
    first, last = split_name(name, address)
    contact = create_contact(
        session,
        ContactInput(first_name=first, last_name=last, source=source, emails=[(address, "work")]),
        actor_id=actor_id,
    )
    return contact, True


def customer_email(session: Session, contact_id: int | None) -> str | None:
    """The contact's primary address (else the first one), or None."""
    if contact_id is None:
        return None
    return session.execute(
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == contact_id)
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        .limit(1)
    ).scalar()
