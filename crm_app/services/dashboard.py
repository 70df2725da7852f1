"""The dashboard's figures, read straight from the database for the calling user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Activity,
    Contact,
    Deal,
    Pipeline,
    Stage,
    Task,
    Ticket,
    TicketStatus,
    User,
    utcnow,
)

from . import clock, money

OPEN_TICKET_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.ON_HOLD,
)


@dataclass(frozen=True)
class RecentActivity:
    id: int
    kind: str
    subject: str
    occurred_at: datetime
    contact_id: int | None
    contact_name: str
    user_name: str


@dataclass(frozen=True)
class DashboardFigures:
    base_currency: str
    open_pipeline_value: float
    open_deals: int
    won_this_month_count: int
    won_this_month_value: float
    open_tickets: int
    urgent_open_tickets: int
    overdue_tasks: int
    my_overdue_tasks: int
    recent: list[RecentActivity]


def _open_deals(q: sa.Select) -> sa.Select:
    return q.join(Stage, Stage.id == Deal.stage_id).where(~Stage.is_won, ~Stage.is_lost)


def figures(
    session: Session, *, user_id: int, time_zone: str, recent_limit: int = 8
) -> DashboardFigures:
    """All dashboard numbers; "this month" is the calling user's month in their time zone."""
    value = money.deal_value_in_base(session)
    open_value, open_count = session.execute(
        _open_deals(sa.select(sa.func.coalesce(sa.func.sum(value), 0.0), sa.func.count(Deal.id)))
    ).one()
    start, end = clock.month_range(time_zone)
    won_count, won_value = session.execute(
        sa.select(sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(value), 0.0))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Stage.is_won, Deal.closed_at >= start, Deal.closed_at < end)
    ).one()
    open_tickets, urgent = session.execute(
        sa.select(
            sa.func.count(Ticket.id), sa.func.count(Ticket.id).filter(Ticket.priority == "urgent")
        ).where(Ticket.status.in_(OPEN_TICKET_STATUSES))
    ).one()
    now = utcnow()
    overdue = sa.select(sa.func.count(Task.id)).where(~Task.done, Task.due_at < now)
    overdue_all = session.execute(overdue).scalar_one()
    overdue_mine = session.execute(overdue.where(Task.assignee_id == user_id)).scalar_one()
    return DashboardFigures(
        base_currency=money.base_currency(session),
        open_pipeline_value=float(open_value or 0),
        open_deals=int(open_count),
        won_this_month_count=int(won_count),
        won_this_month_value=float(won_value or 0),
        open_tickets=int(open_tickets),
        urgent_open_tickets=int(urgent),
        overdue_tasks=int(overdue_all),
        my_overdue_tasks=int(overdue_mine),
        recent=recent_activities(session, limit=recent_limit),
    )


def recent_activities(session: Session, *, limit: int = 8) -> list[RecentActivity]:
    rows = session.execute(
        sa.select(Activity, Contact.first_name, Contact.last_name, User.name)
        .outerjoin(Contact, Contact.id == Activity.contact_id)
        .outerjoin(User, User.id == Activity.user_id)
        .where(Activity.occurred_at <= utcnow())
        .order_by(Activity.occurred_at.desc())
        .limit(limit)
    ).all()
    return [
        RecentActivity(
            id=a.id or 0,
            kind=a.kind,
            # a note logged with text only: its first line stands in for the subject
            subject=a.subject or (a.body or "").strip().split("\n", 1)[0][:80],
            occurred_at=a.occurred_at,
            contact_id=a.contact_id,
            contact_name=f"{first or ''} {last or ''}".strip(),
            user_name=uname or "",
        )
        for a, first, last, uname in rows
    ]


@dataclass(frozen=True)
class StageTotal:
    stage: str
    pipeline: str
    deals: int
    value: float


def open_pipeline_by_stage(session: Session) -> list[StageTotal]:
    """Open deals per stage (all pipelines, in board order), values in the base currency."""
    value = money.deal_value_in_base(session)
    rows = session.execute(
        sa.select(
            Stage.name,
            Pipeline.name,
            sa.func.count(Deal.id),
            sa.func.coalesce(sa.func.sum(value), 0.0),
        )
        .select_from(Stage)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .outerjoin(Deal, Deal.stage_id == Stage.id)
        .where(~Stage.is_won, ~Stage.is_lost, ~Stage.archived, ~Pipeline.archived)
        .group_by(Stage.id, Stage.name, Pipeline.name, Pipeline.position, Stage.position)
        .order_by(Pipeline.position, Pipeline.id, Stage.position)
    ).all()
    return [StageTotal(s, p, int(n), float(v or 0)) for s, p, n, v in rows]
