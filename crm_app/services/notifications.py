"""Notifications: a message for one user (a bell with an unread count), and the rules that
send them.

A notification stores an English msgid and its values; the UI translates it at display with
``text(row, locale)``. Rules:
- a task, deal or ticket assigned to you by someone else (created with you as assignee or
  owner, or changed to you) → one notification, when the change commits;
- a task of yours comes due → one notification (tasks.remind_due_tasks, run every minute);
- nobody is notified of what they did themselves, nor of writes without an actor (seeds,
  command-line imports, bulk inserts).

Assignments are found in the audit trail rather than in each service: every write through
``writes`` leaves an audit entry naming the actor and the changed fields, so the deal board,
the deal form, the ticket screens and any later writer notify without calling anything. A
``before_flush`` listener notes pending audit entries that set an assignee; ``before_commit``
turns them into notifications (through ``writes``, audited) in the same transaction, after
checking the record still has that assignee.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from crm_app.models import AuditEntry, Deal, Notification, Task, Ticket, User, utcnow

from . import writes
from .i18n import N_, format_message

TASK_ASSIGNED = N_("{actor} assigned you the task “{title}”.")
DEAL_ASSIGNED = N_("{actor} assigned you the deal “{title}”.")
TICKET_ASSIGNED = N_("{actor} assigned you the ticket “{title}”.")
TASK_DUE = N_("Your task “{title}” is due.")
SOMEONE = N_("Someone")

MY_WORK_ROUTE = "/my-work"
LATEST_LIMIT = 20


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    message: str  # msgid
    values: dict[str, Any]
    link: str | None
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def text(row: NotificationRow | Notification, locale: str | None) -> str:
    """The notification in the reader's language, its values direction-isolated."""
    values = {k: str(v) for k, v in (row.values or {}).items()}
    return format_message(row.message, locale, **values)


def notify(
    session: Session,
    user_id: int,
    kind: str,
    message: str,
    values: Mapping[str, Any] | None = None,
    link: str | None = None,
    *,
    actor_id: int | None = None,
) -> Notification:
    """Store one notification for ``user_id``; ``message`` is a msgid marked with N_()."""
    return writes.create(
        session,
        Notification(
            user_id=user_id,
            kind=kind[:30],
            message=message[:200],
            values=dict(values or {}),
            link=link,
        ),
        actor_id=actor_id,
    )


def _row(n: Notification) -> NotificationRow:
    return NotificationRow(
        id=n.id or 0,
        kind=n.kind,
        message=n.message,
        values=dict(n.values or {}),
        link=n.link,
        created_at=n.created_at,
        read_at=n.read_at,
    )


def unread_count(session: Session, user_id: int) -> int:
    return session.execute(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def latest(session: Session, user_id: int, limit: int = LATEST_LIMIT) -> list[NotificationRow]:
    """The user's newest notifications, read or not, newest first."""
    rows = session.execute(
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(max(1, min(limit, 200)))
    ).scalars()
    return [_row(n) for n in rows]


def last_id(session: Session, user_id: int) -> int:
    """The id of the user's newest notification (0 when none): the poller's starting point."""
    found = session.execute(
        sa.select(sa.func.max(Notification.id)).where(Notification.user_id == user_id)
    ).scalar()
    return int(found or 0)


def unread_since(
    session: Session, user_id: int, last_seen_id: int, limit: int = LATEST_LIMIT
) -> list[NotificationRow]:
    """Unread notifications newer than ``last_seen_id``, oldest first: what to push or show
    since the last poll. One index range scan (user_id, id); cheap to call every few seconds."""
    rows = session.execute(
        sa.select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.id > last_seen_id,
            Notification.read_at.is_(None),
        )
        .order_by(Notification.id)
        .limit(max(1, min(limit, 200)))
    ).scalars()
    return [_row(n) for n in rows]


def _mark(session: Session, user_id: int, ids: Iterable[int] | None, now: datetime | None) -> int:
    q = sa.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    wanted: list[int] | None = None
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return 0
        q = q.where(Notification.id.in_(wanted))
    # One UPDATE and one audit entry, not one per notification: reading is not worth more.
    count = session.execute(q.values(read_at=now or utcnow())).rowcount or 0
    if count:
        writes.audit(
            session,
            actor_id=user_id,
            entity="notifications",
            entity_id=None,
            action="mark_read",
            changes={"rows": count, "ids": wanted if wanted is not None else "all"},
        )
    return count


def mark_read(
    session: Session, user_id: int, ids: Iterable[int], *, now: datetime | None = None
) -> int:
    """Mark these notifications read; ids of other users' notifications are ignored."""
    return _mark(session, user_id, ids, now)


def mark_all_read(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    return _mark(session, user_id, None, now)


# --- assignment notifications, from the audit trail ------------------------------------------


@dataclass(frozen=True)
class _Watched:
    model: type[SQLModel]
    field: str
    kind: str
    message: str
    title_field: str


WATCHED: dict[str, _Watched] = {
    "tasks": _Watched(Task, "assignee_id", "task_assigned", TASK_ASSIGNED, "title"),
    "deals": _Watched(Deal, "owner_id", "deal_assigned", DEAL_ASSIGNED, "title"),
    "tickets": _Watched(Ticket, "assignee_id", "ticket_assigned", TICKET_ASSIGNED, "subject"),
}
_PENDING = "rapport.assignments"


def link_for(
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    ticket_id: int | None = None,
) -> str | None:
    """The page of the record a notification is about (deal first: it is the narrowest)."""
    if deal_id:
        return f"/deals/{deal_id}"
    if ticket_id:
        return f"/tickets/{ticket_id}"
    if contact_id:
        return f"/contacts/{contact_id}"
    if company_id:
        return f"/companies/{company_id}"
    return None


def _link(entity: str, obj: Any) -> str | None:
    if entity == "deals":
        return link_for(deal_id=obj.id)
    if entity == "tickets":
        return link_for(ticket_id=obj.id)
    return (
        link_for(
            contact_id=obj.contact_id,
            company_id=obj.company_id,
            deal_id=obj.deal_id,
            ticket_id=obj.ticket_id,
        )
        or MY_WORK_ROUTE
    )


def _assigned_to(entry: AuditEntry, field: str) -> int | None:
    """The user an audit entry assigns the record to, or None when it assigns nobody."""
    value = (entry.changes or {}).get(field)
    if entry.action == "update":
        value = value[1] if isinstance(value, list) and len(value) == 2 else None
    elif entry.action != "create":
        return None
    return value if isinstance(value, int) and value != entry.user_id else None


def _collect(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        if not isinstance(obj, AuditEntry) or obj.entity not in WATCHED:
            continue
        if obj.user_id is None or obj.entity_id is None:
            continue
        assignee = _assigned_to(obj, WATCHED[obj.entity].field)
        if assignee is not None:
            session.info.setdefault(_PENDING, []).append(
                (obj.entity, obj.entity_id, assignee, obj.user_id)
            )


def _emit(session: OrmSession) -> None:
    if any(isinstance(obj, AuditEntry) for obj in session.new):
        session.flush()  # the last audit entries pass through _collect before we look
    events = session.info.pop(_PENDING, [])
    if not events:
        return
    seen: set[tuple[str, int, int]] = set()
    for entity, entity_id, assignee, actor_id in events:
        if (entity, entity_id, assignee) in seen:
            continue
        seen.add((entity, entity_id, assignee))
        spec = WATCHED[entity]
        obj = session.get(spec.model, entity_id)
        if obj is None or getattr(obj, spec.field) != assignee:
            continue  # deleted or reassigned again in the same transaction
        if entity == "tasks" and getattr(obj, "done", False):
            continue
        actor = session.get(User, actor_id)
        notify(
            session,  # type: ignore[arg-type]
            assignee,
            spec.kind,
            spec.message,
            {"actor": actor.name if actor else SOMEONE, "title": getattr(obj, spec.title_field)},
            _link(entity, obj),
            actor_id=actor_id,
        )


def _forget(session: OrmSession, previous_transaction: Any) -> None:
    """The whole transaction was rolled back: its assignments never happened. A rolled-back
    savepoint (e.g. an automation rule that failed) keeps what was collected before it."""
    if previous_transaction.nested or previous_transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)


for _name, _fn in (
    ("before_flush", _collect),
    ("before_commit", _emit),
    ("after_soft_rollback", _forget),
):
    if not event.contains(OrmSession, _name, _fn):
        event.listen(OrmSession, _name, _fn)
