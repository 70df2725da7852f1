"""Reading tasks: "My work" in the user's time zone and a record's related list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, Deal, Task, Ticket, User, utcnow

from .. import clock, notifications

UPCOMING_DAYS = 7


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    due_at: datetime | None
    priority: str
    done: bool
    late: bool  # due before now and not done
    assignee_id: int | None
    assignee_name: str | None
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    ticket_id: int | None
    related: str  # the linked record's name, for the row's second line
    link: str | None


@dataclass(frozen=True)
class MyWork:
    overdue: list[TaskRow] = field(default_factory=list)
    today: list[TaskRow] = field(default_factory=list)
    upcoming: list[TaskRow] = field(default_factory=list)
    undated: list[TaskRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # each group's full size


def _rows_query() -> sa.Select:
    contact_name = sa.func.trim(Contact.first_name + " " + Contact.last_name)
    return (
        sa.select(
            Task,
            User.name,
            sa.func.coalesce(Deal.title, Ticket.subject, contact_name, Company.name, ""),
        )
        .outerjoin(User, User.id == Task.assignee_id)
        .outerjoin(Contact, Contact.id == Task.contact_id)
        .outerjoin(Company, Company.id == Task.company_id)
        .outerjoin(Deal, Deal.id == Task.deal_id)
        .outerjoin(Ticket, Ticket.id == Task.ticket_id)
    )


def _to_rows(session: Session, query: sa.Select, now: datetime) -> list[TaskRow]:
    out = []
    for task, assignee_name, related in session.execute(query).all():
        out.append(
            TaskRow(
                id=task.id,
                title=task.title,
                due_at=task.due_at,
                priority=task.priority,
                done=task.done,
                late=bool(task.due_at and not task.done and task.due_at < now),
                assignee_id=task.assignee_id,
                assignee_name=assignee_name,
                contact_id=task.contact_id,
                company_id=task.company_id,
                deal_id=task.deal_id,
                ticket_id=task.ticket_id,
                related=related or "",
                link=notifications.link_for(
                    contact_id=task.contact_id,
                    company_id=task.company_id,
                    deal_id=task.deal_id,
                    ticket_id=task.ticket_id,
                ),
            )
        )
    return out


def my_work(
    session: Session,
    user_id: int,
    tz: str | None,
    now: datetime | None = None,
    *,
    upcoming_days: int = UPCOMING_DAYS,
    limit: int = 100,
) -> MyWork:
    """The user's open tasks: overdue, today, upcoming (``upcoming_days`` local days after
    today) and undated, each soonest first (undated: newest first), at most ``limit`` each."""
    now = now or utcnow()
    _start, end_of_today = clock.day_range(tz, now)
    last_day = clock.local_today(tz, now) + timedelta(days=upcoming_days + 1)
    horizon = datetime.combine(last_day, time.min, clock.zone(tz)).astimezone(UTC)
    mine = sa.and_(Task.assignee_id == user_id, ~Task.done)
    groups = {
        "overdue": sa.and_(Task.due_at < now),
        "today": sa.and_(Task.due_at >= now, Task.due_at < end_of_today),
        "upcoming": sa.and_(Task.due_at >= end_of_today, Task.due_at < horizon),
        "undated": Task.due_at.is_(None),
    }
    out: dict[str, list[TaskRow]] = {}
    counts: dict[str, int] = {}
    for name, where in groups.items():
        order = (Task.created_at.desc(),) if name == "undated" else (Task.due_at, Task.id)
        query = _rows_query().where(mine, where).order_by(*order).limit(limit)
        out[name] = _to_rows(session, query, now)
        counts[name] = session.execute(
            sa.select(sa.func.count(Task.id)).where(mine, where)
        ).scalar_one()
    return MyWork(**out, counts=counts)


def tasks_for(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    ticket_id: int | None = None,
    include_done: bool = False,
    limit: int = 50,
    now: datetime | None = None,
) -> list[TaskRow]:
    """A record's tasks for its related list: open ones by due time, then done ones."""
    links = {"contact_id": contact_id, "company_id": company_id, "deal_id": deal_id}
    links["ticket_id"] = ticket_id
    chosen = [getattr(Task, k) == v for k, v in links.items() if v is not None]
    if not chosen:
        return []
    query = _rows_query().where(sa.or_(*chosen))
    if not include_done:
        query = query.where(~Task.done)
    query = query.order_by(Task.done, Task.due_at.is_(None), Task.due_at, Task.id).limit(limit)
    return _to_rows(session, query, now or utcnow())
