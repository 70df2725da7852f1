"""Tickets: create, change (status, priority, channel, category, assignee, customer), bulk
changes; replies, notes and merging live in ``replies`` and are re-exported here.

Rules:
- a subject is required (at most 200 characters); priority, channel and status come from
  their lists; the assignee is an active user; a contact and company exist. A customer
  e-mail links the ticket to the contact with that address, or creates one; the company
  follows the contact unless given;
- every write goes through ``writes`` (audited); the assignee is notified by the audit
  hook in ``notifications`` (nobody is notified of their own assignment);
- status transitions (``TRANSITIONS``): new → any other; open, pending and on hold → each
  other, solved or closed; solved → open (reopen) or closed; closed is final, except that a
  manager or admin may reopen it. Nothing goes back to "new";
- solving sets ``resolved_at`` and asks the customer for a rating (``csat``); closing
  without solving (spam, a merged duplicate) sets it too, without a rating request;
  reopening clears it and starts a new resolution clock from the reopening;
- pending stops the SLA clocks, leaving pending pushes the due times (see ``sla``); a
  priority change recomputes the due times of the targets not yet met;
- ``bulk_update`` checks every ticket first and changes none when any would fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, Role, Ticket, TicketStatus, User, utcnow

from .. import writes
from ..emails import INVALID as INVALID_EMAIL
from ..emails import check_email
from ..errors import ValidationError
from ..i18n import N_
from . import csat, sla
from .calendar import BusinessCalendar, add_business_minutes, load_calendar
from .customers import find_or_create_contact
from .reference import GONE, get_ticket, ticket_reference
from .replies import add_comment, merge_tickets

__all__ = [
    "CHANNELS",
    "STATUSES",
    "TRANSITIONS",
    "BulkResult",
    "TicketInput",
    "add_comment",
    "allowed_statuses",
    "bulk_update",
    "create_ticket",
    "get_ticket",
    "merge_tickets",
    "ticket_reference",
    "update_ticket",
]

S = TicketStatus
STATUSES = tuple(s.value for s in TicketStatus)
CHANNELS = ("email", "phone", "web", "chat", "other")
EDITABLE = ("status", "priority", "channel", "category", "assignee_id", "contact_id", "subject")
BULK_EDITABLE = ("status", "assignee_id", "priority")
MAX_SUBJECT = 200
MAX_DESCRIPTION = 50_000
MAX_CATEGORY = 60
_WORKING = {S.OPEN, S.PENDING, S.ON_HOLD, S.SOLVED, S.CLOSED}
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset(_WORKING),
    S.OPEN: frozenset(_WORKING - {S.OPEN}),
    S.PENDING: frozenset(_WORKING - {S.PENDING}),
    S.ON_HOLD: frozenset(_WORKING - {S.ON_HOLD}),
    S.SOLVED: frozenset({S.OPEN, S.CLOSED}),
    S.CLOSED: frozenset({S.OPEN}),  # managers and admins only
}
REOPEN_CLOSED_ROLES = {Role.ADMIN.value, Role.MANAGER.value}
NOT_ALLOWED = N_("A ticket cannot go from this status to that one.")
CLOSED_IS_FINAL = N_("Only a manager can reopen a closed ticket.")


@dataclass
class TicketInput:
    """What the new-ticket form (or the public form, or an import row) submits."""

    subject: str = ""
    description: str = ""
    priority: str = "normal"
    channel: str = "email"
    category: str = ""
    status: str = S.NEW.value
    assignee_id: int | None = None
    contact_id: int | None = None
    company_id: int | None = None
    email: str = ""  # the customer's address: links to (or creates) the contact
    name: str = ""  # the customer's name, for a contact created from ``email``
    contact_source: str = "email"  # the source of a contact created from ``email``
    created_at: datetime | None = None  # default now (imports pass the original time)


@dataclass
class BulkResult:
    updated: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)  # ticket id -> message (msgid)

    @property
    def ok(self) -> bool:
        return not self.errors


def allowed_statuses(current: str, role: str | None = None) -> list[str]:
    """The statuses a ticket in ``current`` may be moved to by someone with ``role``."""
    allowed = TRANSITIONS.get(current, frozenset())
    if current == S.CLOSED and role not in REOPEN_CLOSED_ROLES:
        allowed = frozenset()
    return [s for s in STATUSES if s in allowed]


def _check_assignee(session: Session, user_id: Any, current: int | None, errors: dict) -> None:
    if user_id is None or user_id == current:
        return
    if not session.execute(sa.select(User.active).where(User.id == user_id)).scalar():
        errors["assignee_id"] = N_("Choose an active user.")


def _clean_text(raw: Any, limit: int, key: str, errors: dict[str, str]) -> str:
    text = " ".join(str(raw or "").split())
    if len(text) > limit:
        errors[key] = N_("This text is too long.")
    return text


def _check_common(session: Session, values: Mapping[str, Any], errors: dict[str, str]) -> None:
    if "subject" in values:
        if not values["subject"]:
            errors["subject"] = N_("Enter a subject.")
    if "priority" in values and values["priority"] not in sla.PRIORITIES:
        errors["priority"] = N_("Choose a priority from the list.")
    if "channel" in values and values["channel"] not in CHANNELS:
        errors["channel"] = N_("Choose a channel from the list.")
    if values.get("contact_id") is not None and session.get(Contact, values["contact_id"]) is None:
        errors["contact_id"] = N_("This contact no longer exists. Pick another.")
    if values.get("company_id") is not None and session.get(Company, values["company_id"]) is None:
        errors["company_id"] = N_("This company no longer exists. Pick another.")


def _status_side_effects(
    session: Session,
    cal: BusinessCalendar,
    ticket: Ticket,
    new: str,
    now: datetime,
    priority: str,
) -> dict[str, object]:
    """The column changes that come with moving ``ticket`` (of ``priority``, the new one if
    it changes too) to status ``new``."""
    old = ticket.status
    changes: dict[str, object] = {"status": new}
    if old == S.PENDING and new != S.PENDING:
        changes.update(sla.resume_changes(cal, ticket, now))
    if new == S.PENDING:
        changes.update(sla.pause_changes(ticket, now))
    if new in (S.SOLVED, S.CLOSED) and ticket.resolved_at is None:
        changes["resolved_at"] = now
    if new not in (S.SOLVED, S.CLOSED) and ticket.resolved_at is not None:
        changes["resolved_at"] = None
        policy = sla.policies(session).get(priority)
        minutes = policy.resolution_minutes if policy else None
        changes["resolution_due_at"] = add_business_minutes(cal, now, minutes) if minutes else None
    return changes


def create_ticket(
    session: Session, data: TicketInput, *, actor_id: int | None, now: datetime | None = None
) -> Ticket:
    """Validate and add a ticket with its due times; raises ValidationError first."""
    errors: dict[str, str] = {}
    subject = _clean_text(data.subject, MAX_SUBJECT, "subject", errors)
    description = str(data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = N_("This text is too long.")
    category = _clean_text(data.category, MAX_CATEGORY, "category", errors) or None
    priority = str(data.priority or "normal").strip().lower()
    channel = str(data.channel or "email").strip().lower()
    status = str(data.status or S.NEW.value).strip().lower()
    if status not in STATUSES:
        errors["status"] = N_("Choose a status from the list.")
    values = {
        "subject": subject,
        "priority": priority,
        "channel": channel,
        "contact_id": data.contact_id,
        "company_id": data.company_id,
    }
    _check_common(session, values, errors)
    _check_assignee(session, data.assignee_id, None, errors)
    if data.email.strip() and data.contact_id is None and check_email(data.email)[1]:
        errors["email"] = INVALID_EMAIL
    if errors:
        raise ValidationError(errors)
    at = data.created_at or now or utcnow()
    contact_id, company_id = data.contact_id, data.company_id
    if contact_id is None and data.email.strip():
        contact, _created = find_or_create_contact(
            session, email=data.email, name=data.name, source=data.contact_source, actor_id=actor_id
        )
        contact_id = contact.id
    if company_id is None and contact_id is not None:
        company_id = session.get(Contact, contact_id).company_id  # type: ignore[union-attr]
    cal = load_calendar(session)
    first_due, resolution_due = sla.compute_due(
        session, priority=priority, created_at=at, calendar=cal
    )
    ticket = Ticket(
        subject=subject,
        description=description,
        status=status,
        priority=priority,
        channel=channel,
        category=category,
        assignee_id=data.assignee_id,
        contact_id=contact_id,
        company_id=company_id,
        created_at=at,
        updated_at=at,
        first_response_due_at=first_due,
        resolution_due_at=resolution_due,
        resolved_at=at if status in (S.SOLVED, S.CLOSED) else None,
        sla_paused_at=at if status == S.PENDING else None,
    )
    return writes.create(session, ticket, actor_id=actor_id)


def _plan(
    session: Session,
    ticket: Ticket,
    changes: Mapping[str, Any],
    *,
    role: str | None,
    cal: BusinessCalendar,
    now: datetime,
) -> dict[str, object]:
    """The column changes for ``changes`` on ``ticket``; raises ValidationError. Writes nothing."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} here")
    errors: dict[str, str] = {}
    values: dict[str, Any] = dict(changes)
    for key in ("assignee_id", "contact_id"):
        if values.get(key) not in (None, ""):
            try:
                values[key] = int(values[key])
            except (TypeError, ValueError):
                errors[key] = N_("Choose from the list.")
                values.pop(key)
        elif key in values:
            values[key] = None
    if "subject" in values:
        values["subject"] = _clean_text(values["subject"], MAX_SUBJECT, "subject", errors)
    if "category" in values:
        values["category"] = (
            _clean_text(values["category"], MAX_CATEGORY, "category", errors) or None
        )
    for key in ("status", "priority", "channel"):
        if key in values:
            values[key] = str(values[key] or "").strip().lower()
    _check_common(session, values, errors)
    if "assignee_id" in values:
        _check_assignee(session, values["assignee_id"], ticket.assignee_id, errors)
    new_status = values.pop("status", ticket.status)
    if new_status != ticket.status:
        if new_status not in STATUSES:
            errors["status"] = N_("Choose a status from the list.")
        elif new_status not in allowed_statuses(ticket.status, role):
            final = ticket.status == S.CLOSED and role not in REOPEN_CLOSED_ROLES
            errors["status"] = CLOSED_IS_FINAL if final else NOT_ALLOWED
    if errors:
        raise ValidationError(errors)
    out: dict[str, object] = {k: v for k, v in values.items() if getattr(ticket, k) != v}
    if "contact_id" in out and out["contact_id"] is not None:
        out["company_id"] = session.get(Contact, out["contact_id"]).company_id  # type: ignore[union-attr]
    if new_status != ticket.status:
        priority = str(out.get("priority", ticket.priority))
        out.update(_status_side_effects(session, cal, ticket, new_status, now, priority))
    if "priority" in out and "resolved_at" not in out:  # a reopening already set the clock
        out.update(sla.recompute_changes(session, cal, ticket, str(out["priority"])))
    return out


def _role(session: Session, actor_id: int | None) -> str | None:
    if actor_id is None:
        return Role.ADMIN.value  # the system (imports, the command line)
    return session.execute(sa.select(User.role).where(User.id == actor_id)).scalar()


def _apply(
    session: Session, ticket: Ticket, out: dict[str, object], *, actor_id: int | None
) -> Ticket:
    before = ticket.status
    writes.update(session, ticket, out, actor_id=actor_id)
    if "resolved_at" in out and out["resolved_at"] is not None:
        sla.record_late_targets(session, ticket)
    if ticket.status == S.SOLVED and before != S.SOLVED:
        csat.request_rating(session, ticket, actor_id=actor_id)
    return ticket


def update_ticket(
    session: Session,
    ticket_id: int,
    changes: Mapping[str, Any],
    *,
    actor_id: int | None,
    now: datetime | None = None,
) -> Ticket:
    """Change ``EDITABLE`` fields by the module rules; raises ValidationError or NotFound
    (nothing written)."""
    ticket = get_ticket(session, ticket_id)
    at = now or utcnow()
    out = _plan(
        session, ticket, changes, role=_role(session, actor_id), cal=load_calendar(session), now=at
    )
    return _apply(session, ticket, out, actor_id=actor_id)


def bulk_update(
    session: Session,
    ids: Iterable[int],
    changes: Mapping[str, Any],
    *,
    actor_id: int | None,
    now: datetime | None = None,
) -> BulkResult:
    """Assign, re-prioritise or move many tickets: all of them, or none when any fails
    (then ``errors`` says which and why)."""
    unknown = set(changes) - set(BULK_EDITABLE)
    if unknown:
        raise ValueError(f"cannot bulk-change {sorted(unknown)}")
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found = {
        t.id: t for t in session.execute(sa.select(Ticket).where(Ticket.id.in_(wanted))).scalars()
    }
    role, cal, at = _role(session, actor_id), load_calendar(session), now or utcnow()
    result = BulkResult()
    plans: list[tuple[Ticket, dict[str, object]]] = []
    for ticket_id in wanted:
        ticket = found.get(ticket_id)
        if ticket is None:
            result.errors[ticket_id] = GONE
            continue
        try:
            plans.append((ticket, _plan(session, ticket, changes, role=role, cal=cal, now=at)))
        except ValidationError as exc:
            result.errors[ticket_id] = next(iter(exc.errors.values()))
    if result.errors:
        return result
    for ticket, out in plans:
        if out:
            _apply(session, ticket, out, actor_id=actor_id)
            result.updated.append(ticket.id or 0)
    return result
