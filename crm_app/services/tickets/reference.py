"""How a ticket is named to people ("#42", in mail subjects as "[#42] Subject") and found
again from that name."""

from __future__ import annotations

import re

from sqlmodel import Session

from crm_app.models import Ticket

from ..errors import NotFound
from ..i18n import N_

GONE = N_("This ticket no longer exists.")
_REFERENCE = re.compile(r"^\s*(?:\[)?\s*(?:#|T-?)?\s*0*(\d{1,12})\s*(?:\])?\s*$", re.IGNORECASE)


def ticket_reference(ticket: Ticket | int) -> str:
    """The reference people see and quote: ``#`` and the ticket number."""
    number = ticket if isinstance(ticket, int) else ticket.id
    return f"#{number}"


def mail_subject(ticket: Ticket) -> str:
    """The subject of every mail about a ticket: ``[#42] Subject``."""
    return f"[{ticket_reference(ticket)}] {ticket.subject}"


def parse_reference(text: str) -> int | None:
    """The ticket number in "#42", "[#42]", "42" or "T-42"; None when it is none of these."""
    found = _REFERENCE.match(str(text or ""))
    return int(found.group(1)) if found else None


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(GONE)
    return ticket
