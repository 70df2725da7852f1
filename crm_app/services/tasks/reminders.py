"""Due reminders: the assignee of a task that came due is notified once, every minute's run."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Task, utcnow

from .. import notifications, writes
from ..jobs import every

REMINDER_WINDOW = timedelta(days=1)


def remind_due_tasks(session: Session, now: datetime | None = None) -> int:
    """Notify each assignee once of their tasks that came due in the last day; returns how
    many reminders were sent."""
    now = now or utcnow()
    due = session.execute(
        sa.select(Task)
        .where(
            ~Task.done,
            Task.reminded_at.is_(None),
            Task.assignee_id.is_not(None),
            Task.due_at <= now,
            Task.due_at > now - REMINDER_WINDOW,
        )
        .order_by(Task.due_at, Task.id)
        .limit(500)
    ).scalars()
    sent = 0
    for task in list(due):
        assert task.assignee_id is not None
        notifications.notify(
            session,
            task.assignee_id,
            "task_due",
            notifications.TASK_DUE,
            {"title": task.title},
            notifications.link_for(
                contact_id=task.contact_id,
                company_id=task.company_id,
                deal_id=task.deal_id,
                ticket_id=task.ticket_id,
            )
            or notifications.MY_WORK_ROUTE,
        )
        writes.update(session, task, {"reminded_at": now}, actor_id=None)
        sent += 1
    return sent


@every("task_reminders", seconds=60)
def _remind(session: Session, now: datetime) -> None:
    remind_due_tasks(session, now)
