"""Notifications: the bell's queries, assignment notifications from any writer, task due
reminders through the worker (once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import (
    AuditEntry,
    Deal,
    Notification,
    Pipeline,
    Stage,
    Task,
    Ticket,
    User,
    utcnow,
)
from crm_app.services import notifications, tasks, writes
from crm_app.services.tasks import TaskInput
from crm_app.worker import Worker


def _user(session: Session, name: str) -> User:
    email = name.lower().split()[0] + "@kestrel.example"
    return writes.create(session, User(email=email, name=name, password_hash="x"), actor_id=None)


@pytest.fixture
def team(session: Session) -> dict[str, User]:
    out = {n.split()[0].lower(): _user(session, n) for n in ("Ann Lee", "Ben Ode", "Cy Park")}
    session.commit()
    return out


def _mine(session: Session, user: User) -> list[Notification]:
    session.expire_all()
    return list(
        session.execute(
            sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        ).scalars()
    )


def test_the_bell_counts_lists_and_marks_read(session, team):
    ann, ben = team["ann"], team["ben"]
    first = notifications.notify(session, ann.id, "test", "Hello {name}", {"name": "Ann"}, "/x")
    second = notifications.notify(session, ann.id, "test", "Second")
    third = notifications.notify(session, ann.id, "test", "Third")
    theirs = notifications.notify(session, ben.id, "test", "Ben's")
    session.commit()

    assert notifications.unread_count(session, ann.id) == 3
    assert [n.id for n in notifications.latest(session, ann.id, limit=2)] == [third.id, second.id]
    assert notifications.mark_read(session, ann.id, [first.id, theirs.id]) == 1  # not Ben's
    assert notifications.unread_count(session, ann.id) == 2
    assert notifications.unread_count(session, ben.id) == 1
    latest = notifications.latest(session, ann.id)
    assert [n.unread for n in latest] == [True, True, False]
    assert notifications.mark_all_read(session, ann.id) == 2
    assert notifications.unread_count(session, ann.id) == 0
    assert notifications.mark_read(session, ann.id, []) == 0
    assert notifications.text(latest[-1], "en") == "Hello \u2068Ann\u2069"


def test_unread_since_returns_only_what_is_new_for_a_poller(session, team):
    ann = team["ann"]
    old = notifications.notify(session, ann.id, "test", "Old")
    session.commit()
    seen = notifications.last_id(session, ann.id)
    new = notifications.notify(session, ann.id, "test", "New")
    newer = notifications.notify(session, ann.id, "test", "Newer")
    notifications.notify(session, team["ben"].id, "test", "Not Ann's")
    session.commit()
    notifications.mark_read(session, ann.id, [newer.id])

    assert seen == old.id
    assert [n.id for n in notifications.unread_since(session, ann.id, seen)] == [new.id]
    assert notifications.unread_since(session, ann.id, new.id) == []


def test_a_task_assigned_to_someone_else_notifies_them_once_it_commits(session, team):
    ann, ben = team["ann"], team["ben"]

    task = tasks.create_task(
        session, TaskInput(title="Quote for Acme", assignee_id=ben.id), actor_id=ann.id
    )
    assert _mine(session, ben) == []  # not before the commit
    session.commit()

    [note] = _mine(session, ben)
    assert (note.kind, note.message, note.values, note.link) == (
        "task_assigned",
        notifications.TASK_ASSIGNED,
        {"actor": "Ann Lee", "title": "Quote for Acme"},
        notifications.MY_WORK_ROUTE,
    )
    assert (
        notifications.text(note, "en")
        == "\u2068Ann Lee\u2069 assigned you the task “\u2068Quote for Acme\u2069”."
    )
    assert _mine(session, ann) == []

    tasks.update_task(
        session, task.id, TaskInput(title="Quote for Acme!", assignee_id=ben.id), actor_id=ann.id
    )
    session.commit()
    assert len(_mine(session, ben)) == 1  # a change that keeps the assignee says nothing


def test_nobody_is_told_about_their_own_assignment_or_a_systems(session, team):
    ann = team["ann"]
    tasks.create_task(session, TaskInput(title="Mine", assignee_id=ann.id), actor_id=ann.id)
    tasks.create_task(session, TaskInput(title="Seeded", assignee_id=ann.id), actor_id=None)
    session.commit()

    assert _mine(session, ann) == []


def test_reassigning_twice_in_one_transaction_notifies_only_the_last(session, team):
    ann, ben, cy = team["ann"], team["ben"], team["cy"]
    task = tasks.create_task(
        session, TaskInput(title="Hot potato", assignee_id=ben.id), actor_id=ann.id
    )
    tasks.update_task(
        session, task.id, TaskInput(title="Hot potato", assignee_id=cy.id), actor_id=ann.id
    )
    session.commit()

    assert _mine(session, ben) == []
    assert [n.values["title"] for n in _mine(session, cy)] == ["Hot potato"]


def test_a_rolled_back_assignment_notifies_nobody(session, team):
    ann, ben = team["ann"], team["ben"]
    tasks.create_task(session, TaskInput(title="Never", assignee_id=ben.id), actor_id=ann.id)
    session.flush()
    session.rollback()
    tasks.create_task(session, TaskInput(title="Unrelated", assignee_id=ann.id), actor_id=ann.id)
    session.commit()

    assert _mine(session, ben) == []


def _deal(session: Session, owner: User | None, actor: User | None) -> Deal:
    pipeline = writes.create(session, Pipeline(name="Sales"), actor_id=None)
    stage = writes.create(session, Stage(pipeline_id=pipeline.id, name="New"), actor_id=None)
    deal = Deal(
        title="Acme renewal",
        pipeline_id=pipeline.id,
        stage_id=stage.id,
        owner_id=owner and owner.id,
    )
    return writes.create(session, deal, actor_id=actor and actor.id)


def test_a_deal_given_to_you_notifies_you(session, team):
    ann, ben, cy = team["ann"], team["ben"], team["cy"]
    deal = _deal(session, ann, ann)
    session.commit()
    assert _mine(session, ann) == []

    writes.update(session, deal, {"owner_id": ben.id}, actor_id=cy.id)
    session.commit()
    writes.update(session, deal, {"owner_id": None}, actor_id=cy.id)
    session.commit()

    [note] = _mine(session, ben)
    assert (note.kind, note.values, note.link) == (
        "deal_assigned",
        {"actor": "Cy Park", "title": "Acme renewal"},
        f"/deals/{deal.id}",
    )
    assert _mine(session, ann) == [] and _mine(session, cy) == []


def test_a_ticket_assigned_to_you_notifies_you(session, team):
    ann, ben = team["ann"], team["ben"]
    ticket = writes.create(
        session, Ticket(subject="Printer on fire", assignee_id=ben.id), actor_id=ann.id
    )
    session.commit()

    [note] = _mine(session, ben)
    assert (note.kind, note.values, note.link) == (
        "ticket_assigned",
        {"actor": "Ann Lee", "title": "Printer on fire"},
        f"/tickets/{ticket.id}",
    )


def test_a_due_task_is_notified_once_through_the_worker(session, db_url, team):
    ben = team["ben"]
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    task = tasks.create_task(
        session,
        TaskInput(title="Call Acme", due_at=now - timedelta(minutes=2), assignee_id=ben.id),
        actor_id=ben.id,
    )
    session.commit()
    worker = Worker(url=db_url, name="w")

    first = worker.tick(now)
    second = worker.tick(now + timedelta(minutes=1))  # the minute has passed: it runs again
    third = Worker(url=db_url, name="other").tick(now + timedelta(minutes=1, seconds=10))

    assert "task_reminders" in first.periodic and "task_reminders" in second.periodic
    assert not third.leader
    due = [n for n in _mine(session, ben) if n.kind == "task_due"]
    assert [n.values for n in due] == [{"title": "Call Acme"}]
    with Session(get_engine(db_url)) as s:
        assert s.get(Task, task.id).reminded_at == now


def test_notification_writes_are_audited(session, team):
    note = notifications.notify(session, team["ann"].id, "test", "Hi")
    notifications.mark_all_read(session, team["ann"].id, now=utcnow())
    entries = session.execute(
        sa.select(AuditEntry.action, AuditEntry.entity_id)
        .where(AuditEntry.entity == "notifications")
        .order_by(AuditEntry.id)
    ).all()
    assert entries == [("create", note.id), ("mark_read", None)]


def test_a_rolled_back_savepoint_keeps_the_assignment_made_before_it(session, team):
    ann, ben = team["ann"], team["ben"]
    writes.create(session, Ticket(subject="Kettle leaks", assignee_id=ben.id), actor_id=ann.id)
    session.flush()
    savepoint = session.begin_nested()
    writes.create(session, Ticket(subject="Undone", assignee_id=ben.id), actor_id=ann.id)
    session.flush()
    savepoint.rollback()
    session.commit()
    assert [n.values["title"] for n in _mine(session, ben)] == ["Kettle leaks"]


def test_a_rolled_back_transaction_notifies_nobody(session, team):
    ann, ben = team["ann"], team["ben"]
    writes.create(session, Ticket(subject="Never saved", assignee_id=ben.id), actor_id=ann.id)
    session.flush()
    session.rollback()
    session.commit()
    assert _mine(session, ben) == []
