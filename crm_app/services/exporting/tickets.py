"""Exporting tickets (``rapport export tickets FILE``), as contacts, companies and deals are:
same formats, atomic write, neutralised cells, local times.

Rules:
- Columns: subject, description, status, priority, channel (the codes, which the import's
  synonyms read back), category, assignee, customer name and e-mail (the contact's primary
  address), company, created, first response, resolved, both due times, SLA breached, CSAT
  score and comment, external id, id. The headers are ones ``rapport import tickets`` maps
  back by itself; due times and the breach flag are the app's own and are not imported.
- Every ticket, or only ``statuses``, or a selection (``ids``, in the order given; unknown
  ids skipped); newest first otherwise. Rows stream ``CHUNK`` ids at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, Ticket, User

from .. import app_settings, clock
from .cell_values import local, yes_no
from .selection import chunks_of
from .writers import Target, format_of, write

TICKET_HEADERS = ("Subject", "Description", "Status", "Priority", "Channel", "Category",
                  "Assignee", "Customer name", "Customer email", "Company", "Created",
                  "First response", "Resolved", "First response due", "Resolution due",
                  "SLA breached", "CSAT", "CSAT comment", "External ID", "ID")  # fmt: skip


def _ticket_rows(session: Session, ids: list[int], zone: tzinfo) -> list[list[Any]]:
    t = Ticket
    primary_email = (
        sa.select(ContactEmail.email)
        .where(ContactEmail.contact_id == t.contact_id)
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        .limit(1)
        .correlate(t)
        .scalar_subquery()
    )
    query = (
        sa.select(t.id, t.subject, t.description, t.status, t.priority, t.channel, t.category,
                  User.name.label("assignee"), Contact.first_name, Contact.last_name,
                  primary_email.label("email"), Company.name.label("company"), t.created_at,
                  t.first_response_at, t.resolved_at, t.first_response_due_at,
                  t.resolution_due_at, t.sla_breached, t.csat_score, t.csat_comment,
                  t.external_id)
        .outerjoin(User, User.id == t.assignee_id)
        .outerjoin(Contact, Contact.id == t.contact_id)
        .outerjoin(Company, Company.id == t.company_id)
        .where(t.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:  # deleted meanwhile, or an unknown id in a selection
            continue
        customer = " ".join(p for p in (r.first_name, r.last_name) if p) or None
        rows.append([
            r.subject, r.description, r.status, r.priority, r.channel, r.category, r.assignee,
            customer, r.email, r.company, local(r.created_at, zone),
            local(r.first_response_at, zone), local(r.resolved_at, zone),
            local(r.first_response_due_at, zone), local(r.resolution_due_at, zone),
            yes_no(r.sla_breached), r.csat_score, r.csat_comment, r.external_id, i,
        ])  # fmt: skip
    return rows


def export_tickets(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    ids: list[int] | None = None,
    statuses: Iterable[str] | None = None,
    tz: str | None = None,
) -> int:
    """Write tickets to ``target`` (a path, or a stream with ``fmt``); the number of rows.
    A selection (``ids``) or a list (every ticket, or those with one of ``statuses``)."""
    fmt = format_of(target, fmt)
    if ids is not None and statuses is not None:
        raise ValueError("Export a list (statuses) or a selection (ids), not both.")
    zone = clock.zone(tz or app_settings.get(session, "time_zone"))
    if ids is not None:
        chunks = chunks_of(ids)
    else:
        query = sa.select(Ticket.id).order_by(Ticket.created_at.desc(), Ticket.id.desc())
        if statuses is not None:
            query = query.where(Ticket.status.in_(list(statuses)))
        chunks = chunks_of(session.execute(query).scalars())
    rows = (_ticket_rows(session, chunk, zone) for chunk in chunks)
    return write(target, fmt, "Tickets", list(TICKET_HEADERS), rows)
