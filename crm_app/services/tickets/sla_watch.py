"""The SLA watch, run every minute by the elected worker: record breaches, warn people.

Rules:
- a running target (not met, ticket not solved, closed or pending) whose due time has passed
  is recorded as breached (``sla.record_event``, which sets ``Ticket.sla_breached``);
- a running target at the "warning" level (less than 25% of its window left, see ``sla``)
  raises one notification, once per ticket and target: to the assignee, or to every active
  admin and manager when the ticket is unassigned. A target that is found already breached
  without having warned notifies once with the breach message instead, unless it was due
  more than a day ago (a worker that was off, a demo): that is recorded without a message;
- each run looks at most ``BATCH`` tickets per kind, oldest due first: the next run picks up
  the rest. Warnings are looked for among targets due within ``LOOKAHEAD``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Role, Ticket, TicketSlaEvent, TicketStatus, User, utcnow

from .. import notifications
from ..i18n import N_
from ..jobs import every
from . import sla
from .calendar import BusinessCalendar, load_calendar
from .reference import ticket_reference

BATCH = 500
NOTIFY_WINDOW = timedelta(days=1)  # breaches older than this when first seen: recorded only
LOOKAHEAD = timedelta(days=14)
KIND = "ticket_sla"
MESSAGES = {
    (sla.FIRST_RESPONSE, sla.WARNING): N_(
        "Ticket {reference} “{title}” is close to missing its first-response target."
    ),
    (sla.RESOLUTION, sla.WARNING): N_(
        "Ticket {reference} “{title}” is close to missing its resolution target."
    ),
    (sla.FIRST_RESPONSE, sla.BREACH): N_(
        "Ticket {reference} “{title}” missed its first-response target."
    ),
    (sla.RESOLUTION, sla.BREACH): N_("Ticket {reference} “{title}” missed its resolution target."),
}
_LIVE = (TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.ON_HOLD.value)


def _columns(target: str) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    if target == sla.FIRST_RESPONSE:
        return Ticket.first_response_due_at, Ticket.first_response_at  # type: ignore[return-value]
    return Ticket.resolution_due_at, Ticket.resolved_at  # type: ignore[return-value]


def _candidates(session: Session, target: str, kind: str, until: datetime) -> list[Ticket]:
    """Live tickets whose ``target`` is running, due before ``until``, without a ``kind``
    event yet."""
    due, done = _columns(target)
    recorded = sa.exists().where(
        TicketSlaEvent.ticket_id == Ticket.id,
        TicketSlaEvent.target == target,
        TicketSlaEvent.kind == kind,
    )
    query = (
        sa.select(Ticket)
        .where(
            Ticket.status.in_(_LIVE),
            Ticket.sla_paused_at.is_(None),
            done.is_(None),
            Ticket.resolved_at.is_(None),
            due.is_not(None),
            due <= until,
            ~recorded,
        )
        .order_by(due, Ticket.id)
        .limit(BATCH)
    )
    return list(session.execute(query).scalars())


def _recipients(session: Session, ticket: Ticket) -> list[int]:
    if ticket.assignee_id is not None:
        return [ticket.assignee_id]
    return list(
        session.execute(
            sa.select(User.id)
            .where(User.active, User.role.in_([Role.ADMIN.value, Role.MANAGER.value]))
            .order_by(User.id)
        ).scalars()
    )


def _tell(session: Session, ticket: Ticket, target: str, kind: str) -> None:
    for user_id in _recipients(session, ticket):
        notifications.notify(
            session,
            user_id,
            KIND,
            MESSAGES[(target, kind)],
            {"reference": ticket_reference(ticket), "title": ticket.subject},
            notifications.link_for(ticket_id=ticket.id),
        )


def watch(
    session: Session, now: datetime | None = None, *, calendar: BusinessCalendar | None = None
) -> dict[str, int]:
    """One run: returns how many breaches were recorded and notifications sent."""
    at = now or utcnow()
    cal = calendar or load_calendar(session)
    counts = {"breaches": 0, "warnings": 0}
    for target in sla.TARGETS:
        for ticket in _candidates(session, target, sla.BREACH, at):
            if not sla.record_event(session, ticket, target, sla.BREACH, at=at):
                continue
            counts["breaches"] += 1
            due = sla.aware(sla.due_at(ticket, target) or at)
            if sla.record_event(session, ticket, target, sla.WARNING, at=at) and (
                due > at - NOTIFY_WINDOW
            ):
                _tell(session, ticket, target, sla.BREACH)
        for ticket in _candidates(session, target, sla.WARNING, at + LOOKAHEAD):
            state = sla.target_state(ticket, target, at, cal)
            if state.level != sla.WARNING:
                continue
            if sla.record_event(session, ticket, target, sla.WARNING, at=at):
                _tell(session, ticket, target, sla.WARNING)
                counts["warnings"] += 1
    return counts


@every("ticket_sla_watch", seconds=60)
def _watch(session: Session, now: datetime) -> None:
    watch(session, now)
