"""What the ticket page shows (a selector; nothing is written): the ticket, its conversation,
and the customer's context (contact, company, open deals, recent tickets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Ticket, TicketComment, User

from .. import related_records
from ..customer360 import aware
from ..errors import NotFound

COMMENT_LIMIT = 200


@dataclass(frozen=True)
class Comment:
    id: int
    author: str
    body: str
    is_public: bool
    created_at: datetime
    mail_status: str  # "" (not mailed), queued, sent, failed


@dataclass(frozen=True)
class Customer:
    contact_id: int | None
    name: str
    email: str
    phone: str
    company_id: int | None
    company: str
    open_deals: list[dict[str, Any]] = field(default_factory=list)
    recent_tickets: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    assignee: str
    comments: list[Comment]
    customer: Customer
    merged_into_id: int | None


def conversation_of(session: Session, ticket_id: int) -> list[Comment]:
    """The conversation, oldest first (the last ``COMMENT_LIMIT`` entries)."""
    from crm_app.models import MailMessage

    q = (
        sa.select(TicketComment, User.name, MailMessage.status)
        .outerjoin(User, User.id == TicketComment.author_id)
        .outerjoin(MailMessage, MailMessage.id == TicketComment.mail_id)
        .where(TicketComment.ticket_id == ticket_id)
        .order_by(TicketComment.created_at.desc(), TicketComment.id.desc())
        .limit(COMMENT_LIMIT)
    )
    rows = [
        Comment(
            id=c.id,
            author=name or "",
            body=c.body,
            is_public=c.is_public,
            created_at=aware(c.created_at),
            mail_status=status or "",
        )
        for c, name, status in session.execute(q)
    ]
    return rows[::-1]


def customer_of(session: Session, ticket: Ticket) -> Customer:
    name = email = phone = company = ""
    company_id = ticket.company_id
    if ticket.contact_id is not None:
        profile = related_records.contact_profile(session, ticket.contact_id)
        name = profile.name
        email = profile.emails[0][0] if profile.emails else ""
        phone = profile.phones[0][0] if profile.phones else ""
        company_id = company_id or profile.company_id
    if company_id is not None:
        company = (
            session.execute(
                sa.select(Company.name).where(Company.id == company_id)
            ).scalar_one_or_none()
            or ""
        )
    scope: dict[str, Any] = (
        {"contact_id": ticket.contact_id}
        if ticket.contact_id is not None
        else {"company_id": company_id}
        if company_id is not None
        else {}
    )
    deals = related_records.deals(session, **scope).rows if scope else []
    others = related_records.tickets(session, **scope).rows if scope else []
    return Customer(
        contact_id=ticket.contact_id,
        name=name,
        email=email,
        phone=phone,
        company_id=company_id,
        company=company,
        open_deals=[d for d in deals if d["state"] == "open"][:5],
        recent_tickets=[t for t in others if t["id"] != ticket.id][:5],
    )


def ticket_detail(session: Session, ticket_id: int) -> TicketDetail:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id}")
    assignee = ""
    if ticket.assignee_id is not None:
        assignee = (
            session.execute(
                sa.select(User.name).where(User.id == ticket.assignee_id)
            ).scalar_one_or_none()
            or ""
        )
    return TicketDetail(
        ticket=ticket,
        assignee=assignee,
        comments=conversation_of(session, ticket_id),
        customer=customer_of(session, ticket),
        merged_into_id=ticket.merged_into_id,
    )
