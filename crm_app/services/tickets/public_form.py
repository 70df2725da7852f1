"""The public request form: anyone may open a ticket with name, e-mail, subject and message.

Rules:
- each field is required; the name is at most 120 characters, the subject 200, the message
  10,000; the address must be valid. Errors come back per field;
- a filled honeypot field (hidden from people, filled by bots) gets a normal-looking success
  and a made-up reference, and nothing is stored;
- at most ``PER_CLIENT`` submissions an hour from one client (``client_key``: the caller's
  IP address or session) and ``PER_ADDRESS`` for one e-mail address; over that, a "try
  later" message and nothing is stored;
- the ticket links to the contact with that address (any of a contact's addresses, case
  does not matter) or a new contact with source "web form"; its channel is "web", it is
  unassigned and new, so it shows in the unassigned queue; the submitter sees its reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Ticket

from .. import rate_limit
from ..emails import INVALID, check_email
from ..i18n import N_
from .editing import TicketInput, create_ticket
from .reference import ticket_reference

PER_CLIENT = 10
PER_ADDRESS = 5
WINDOW = timedelta(hours=1)
LIMITS = {"name": 120, "subject": 200, "message": 10_000}
CONTACT_SOURCE = "web form"
CHANNEL = "web"
TOO_MANY = N_("Too many requests. Please try again in an hour.")
REQUIRED = {
    "name": N_("Enter your name."),
    "email": N_("Enter your e-mail address."),
    "subject": N_("Enter a subject."),
    "message": N_("Describe your request."),
}
TOO_LONG = N_("This text is too long.")


@dataclass(frozen=True)
class RequestResult:
    reference: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field -> msgid; "form" for all

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_request(
    *, name: str, email: str, subject: str, message: str
) -> tuple[dict[str, str], dict[str, str]]:
    """(clean values, errors by field). Writes nothing."""
    values = {
        "name": " ".join(str(name or "").split()),
        "subject": " ".join(str(subject or "").split()),
        "message": str(message or "").strip(),
        "email": str(email or "").strip(),
    }
    errors: dict[str, str] = {}
    for key, text in values.items():
        if not text:
            errors[key] = REQUIRED[key]
        elif key in LIMITS and len(text) > LIMITS[key]:
            errors[key] = TOO_LONG
    if values["email"] and "email" not in errors:
        address, problem = check_email(values["email"])
        if problem:
            errors["email"] = INVALID
        values["email"] = address
    return values, errors


def _decoy_reference(session: Session) -> str:
    last = session.execute(sa.select(sa.func.max(Ticket.id))).scalar() or 0
    return ticket_reference(int(last) + 1)


def submit_request(
    session: Session,
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    honeypot: str,
    client_key: str,
    now: datetime | None = None,
) -> RequestResult:
    """Open a ticket from the public form by the module rules."""
    if client_key and not rate_limit.allow(
        session, f"public_form:client:{client_key}", limit=PER_CLIENT, window=WINDOW
    ):
        return RequestResult(errors={"form": TOO_MANY})
    if str(honeypot or "").strip():
        return RequestResult(reference=_decoy_reference(session))
    values, errors = validate_request(name=name, email=email, subject=subject, message=message)
    if errors:
        return RequestResult(errors=errors)
    if not rate_limit.allow(
        session, f"public_form:address:{values['email']}", limit=PER_ADDRESS, window=WINDOW
    ):
        return RequestResult(errors={"form": TOO_MANY})
    ticket = create_ticket(
        session,
        TicketInput(
            subject=values["subject"],
            description=values["message"],
            channel=CHANNEL,
            email=values["email"],
            name=values["name"],
            contact_source=CONTACT_SOURCE,
        ),
        actor_id=None,
        now=now,
    )
    return RequestResult(reference=ticket_reference(ticket))
