"""Replies to the customer, internal notes, and merging a duplicate ticket into another.

Rules:
- a comment has a body (at most 50,000 characters). An internal note is for colleagues and
  is never mailed. A public reply is mailed to the customer's address (primary, else the
  first) through the mail service, with the subject "[#42] Subject"; the mail service puts
  it on the contact's timeline as an e-mail. With no customer address, or no mail server
  set up, the reply is stored without a mail (``mail_id`` stays empty, for the page to say);
- the first public reply by an agent is the ticket's first response (``first_response_at``,
  checked against its SLA target), and moves a new ticket to open;
- a closed ticket takes internal notes only (reopen it to reply);
- merging moves every comment of the duplicate (source) to the target, adds the source's
  description to the target as an internal note, and closes the source with the note
  "Merged into #target" and ``merged_into_id``. A ticket merged away cannot be merged again,
  nor be the target of a merge.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Ticket, TicketComment, TicketStatus, utcnow

from .. import mail, writes
from ..errors import ValidationError
from ..i18n import N_
from . import sla
from .customers import customer_email
from .reference import get_ticket, mail_subject, ticket_reference

MAX_BODY = 50_000
S = TicketStatus


def _check_body(body: str) -> str:
    text = str(body or "").strip()
    if not text:
        raise ValidationError({"body": N_("Write the message.")})
    if len(text) > MAX_BODY:
        raise ValidationError({"body": N_("This text is too long.")})
    return text


def _mail_reply(session: Session, ticket: Ticket, body: str, *, actor_id: int | None) -> int | None:
    address = customer_email(session, ticket.contact_id)
    if address is None or not mail.smtp_settings(session).configured:
        return None
    queued = mail.queue_mail(
        session,
        to=address,
        subject=mail_subject(ticket),
        body=body,
        contact_id=ticket.contact_id,
        actor_id=actor_id,
    )
    return queued.mail.id


def add_comment(
    session: Session,
    ticket_id: int,
    *,
    body: str,
    is_public: bool,
    actor_id: int | None,
    now: datetime | None = None,
) -> TicketComment:
    """Add a public reply or an internal note by the module rules; raises ValidationError
    or NotFound before writing anything."""
    ticket = get_ticket(session, ticket_id)
    text = _check_body(body)
    if is_public and ticket.status == S.CLOSED:
        raise ValidationError({"body": N_("Reopen the ticket to reply to the customer.")})
    at = now or utcnow()
    comment = writes.create(
        session,
        TicketComment(
            ticket_id=ticket.id or 0,
            author_id=actor_id,
            body=text,
            is_public=bool(is_public),
            created_at=at,
        ),
        actor_id=actor_id,
    )
    if not is_public:
        return comment
    changes: dict[str, object] = {}
    if ticket.first_response_at is None and actor_id is not None:
        changes["first_response_at"] = at
    if ticket.status == S.NEW:
        changes["status"] = S.OPEN.value
    if changes:
        writes.update(session, ticket, changes, actor_id=actor_id)
        sla.record_late_targets(session, ticket)
    mail_id = _mail_reply(session, ticket, text, actor_id=actor_id)
    if mail_id is not None:
        writes.update(session, comment, {"mail_id": mail_id}, actor_id=actor_id)
    return comment


def comments_of(session: Session, ticket_id: int) -> list[TicketComment]:
    """The ticket's replies and notes, oldest first."""
    return list(
        session.execute(
            sa.select(TicketComment)
            .where(TicketComment.ticket_id == ticket_id)
            .order_by(TicketComment.created_at, TicketComment.id)
        ).scalars()
    )


def merge_tickets(
    session: Session,
    *,
    source_id: int,
    target_id: int,
    actor_id: int | None,
    now: datetime | None = None,
) -> Ticket:
    """Merge the duplicate ``source_id`` into ``target_id`` (see the module rules); returns
    the target."""
    if source_id == target_id:
        raise ValidationError({"target_id": N_("Choose another ticket to merge into.")})
    source, target = get_ticket(session, source_id), get_ticket(session, target_id)
    if source.merged_into_id is not None:
        raise ValidationError({"source_id": N_("This ticket was already merged.")})
    if target.merged_into_id is not None:
        raise ValidationError(
            {"target_id": N_("That ticket was merged into another one; choose that one.")}
        )
    at = now or utcnow()
    for comment in comments_of(session, source_id):
        writes.update(session, comment, {"ticket_id": target_id}, actor_id=actor_id)
    summary = f"{ticket_reference(source)}: {source.subject}"
    if source.description.strip():
        summary += f"\n\n{source.description.strip()}"
    writes.create(
        session,
        TicketComment(
            ticket_id=target_id, author_id=actor_id, body=summary, is_public=False, created_at=at
        ),
        actor_id=actor_id,
    )
    writes.create(
        session,
        TicketComment(
            ticket_id=source_id,
            author_id=actor_id,
            body=f"Merged into {ticket_reference(target)}",
            is_public=False,
            created_at=at,
        ),
        actor_id=actor_id,
    )
    changes: dict[str, object] = {"merged_into_id": target_id, "status": S.CLOSED.value}
    if source.resolved_at is None:
        changes["resolved_at"] = at
    changes["sla_paused_at"] = None
    writes.update(session, source, changes, actor_id=actor_id)
    return target
