"""Writing tasks: the form's rules, create, edit, complete (optionally logging an activity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Activity, Company, Contact, Deal, Task, Ticket, User, utcnow

from .. import activities, clock, writes
from ..errors import NotFound, ValidationError
from ..i18n import N_


class TaskPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


PRIORITY_LABELS: dict[str, str] = {
    TaskPriority.LOW: N_("Low"),
    TaskPriority.NORMAL: N_("Normal"),
    TaskPriority.HIGH: N_("High"),
}
_LINKS = {"contact_id": Contact, "company_id": Company, "deal_id": Deal, "ticket_id": Ticket}


@dataclass
class TaskInput:
    """A task as the form sends it: ids and plain values."""

    title: str
    notes: str = ""
    due_at: datetime | None = None
    priority: str = TaskPriority.NORMAL.value
    assignee_id: int | None = None
    contact_id: int | None = None
    company_id: int | None = None
    deal_id: int | None = None
    ticket_id: int | None = None


def due_from_local(day: date, at: time, tz_name: str | None) -> datetime:
    """A local date and time in the user's zone → the aware UTC instant to store."""
    return datetime.combine(day, at, clock.zone(tz_name)).astimezone(UTC)


def _validate(session: Session, data: TaskInput, current: Task | None) -> dict[str, object]:
    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = N_("Enter what needs doing.")
    elif len(title) > 200:
        errors["title"] = N_("Use at most 200 characters.")
    if data.priority not in {p.value for p in TaskPriority}:
        errors["priority"] = N_("Choose a priority.")
    if data.due_at is not None and data.due_at.utcoffset() is None:
        errors["due_at"] = N_("Enter a date and time.")
    if data.assignee_id is not None and data.assignee_id != (current and current.assignee_id):
        if not session.execute(sa.select(User.active).where(User.id == data.assignee_id)).scalar():
            errors["assignee_id"] = N_("Choose an active user.")
    for name, model in _LINKS.items():
        value = getattr(data, name)
        if value is not None and session.get(model, value) is None:
            errors[name] = N_("This record no longer exists.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "notes": data.notes or "",
        "due_at": data.due_at.astimezone(UTC) if data.due_at else None,
        "priority": data.priority,
        "assignee_id": data.assignee_id,
        **{name: getattr(data, name) for name in _LINKS},
    }


def _get(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(N_("This task no longer exists."))
    return task


def create_task(session: Session, data: TaskInput, *, actor_id: int | None) -> Task:
    """Add a task; assigning it to someone else notifies them when the write commits."""
    values = _validate(session, data, None)
    return writes.create(session, Task(**values, created_by_id=actor_id), actor_id=actor_id)


def update_task(session: Session, task_id: int, data: TaskInput, *, actor_id: int | None) -> Task:
    """Save the task form; a new due time will be reminded again."""
    task = _get(session, task_id)
    values = _validate(session, data, task)
    if values["due_at"] != task.due_at:
        values["reminded_at"] = None
    writes.update(session, task, values, actor_id=actor_id)
    return task


def complete_task(
    session: Session,
    task_id: int,
    *,
    actor_id: int | None,
    log_as: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> tuple[Task, Activity | None]:
    """Mark the task done; with ``log_as`` (note, call, e-mail, meeting) also put it on the
    linked records' timeline, titled like the task, with ``note`` as its text."""
    task = _get(session, task_id)
    now = now or utcnow()
    activity = None
    linked = (task.contact_id, task.company_id, task.deal_id, task.ticket_id)
    if log_as and any(key is not None for key in linked):
        activity = activities.log_activity(
            session,
            kind=log_as,
            subject=task.title,
            body=note,
            actor_id=actor_id,
            occurred_at=now,
            contact_id=task.contact_id,
            company_id=task.company_id,
            deal_id=task.deal_id,
            ticket_id=task.ticket_id,
        )
    if not task.done:
        writes.update(session, task, {"done": True, "done_at": now}, actor_id=actor_id)
    return task, activity


def reopen_task(session: Session, task_id: int, *, actor_id: int | None) -> Task:
    task = _get(session, task_id)
    writes.update(session, task, {"done": False, "done_at": None}, actor_id=actor_id)
    return task


def delete_task(session: Session, task_id: int, *, actor_id: int | None) -> None:
    writes.delete(session, _get(session, task_id), actor_id=actor_id)
