"""Tasks: the form's rules, "My work" in the user's time zone, completing with an activity,
due reminders (once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Activity, AuditEntry, Company, Contact, Notification, Task, User
from crm_app.services import activities, tasks, writes
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.tasks import TaskInput

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def _user(session: Session, name: str, tz: str = "UTC", active: bool = True) -> User:
    email = name.lower().replace(" ", ".") + "@kestrel.example"
    user = User(email=email, name=name, password_hash="x", time_zone=tz, active=active)
    return writes.create(session, user, actor_id=None)


@pytest.fixture
def world(session: Session) -> dict:
    company = writes.create(session, Company(name="Northwind"), actor_id=None)
    contact = writes.create(
        session, Contact(first_name="Ada", last_name="Lind", company_id=company.id), actor_id=None
    )
    out = {
        "ann": _user(session, "Ann Example", "America/Los_Angeles"),
        "kiri": _user(session, "Kiri Example", "Pacific/Auckland"),
        "gone": _user(session, "Gone Example", active=False),
        "company": company,
        "contact": contact,
    }
    session.commit()
    return out


def _task(session: Session, title: str, due: datetime | None, assignee: User, **kw) -> Task:
    data = TaskInput(title=title, due_at=due, assignee_id=assignee.id, **kw)
    return tasks.create_task(session, data, actor_id=assignee.id)


def test_a_task_is_created_linked_and_audited(session, world):
    due = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    task = _task(
        session,
        "  Call about renewal ",
        due,
        world["ann"],
        contact_id=world["contact"].id,
        priority="high",
    )

    assert (task.title, task.priority, task.due_at, task.done) == (
        "Call about renewal",
        "high",
        due,
        False,
    )
    assert (task.contact_id, task.created_by_id, task.reminded_at) == (
        world["contact"].id,
        world["ann"].id,
        None,
    )
    entry = session.execute(sa.select(AuditEntry).where(AuditEntry.entity == "tasks")).scalar_one()
    assert (entry.action, entry.entity_id, entry.user_id) == ("create", task.id, world["ann"].id)


def test_the_task_form_is_validated(session, world):
    with pytest.raises(ValidationError) as caught:
        tasks.create_task(
            session,
            TaskInput(
                title=" ",
                priority="someday",
                due_at=datetime(2026, 11, 25, 9, 0),  # naive: no time zone
                assignee_id=world["gone"].id,
                deal_id=999,
            ),
            actor_id=None,
        )
    assert set(caught.value.errors) == {"title", "priority", "due_at", "assignee_id", "deal_id"}
    assert session.execute(sa.select(sa.func.count(Task.id))).scalar_one() == 0
    with pytest.raises(NotFound):
        tasks.complete_task(session, 12345, actor_id=None)


def test_local_due_times_become_utc_instants():
    assert tasks.due_from_local(date(2026, 11, 23), time(23, 30), "America/Los_Angeles") == (
        datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    )
    assert tasks.due_from_local(date(2026, 11, 24), time(8, 0), "Pacific/Auckland") == (
        datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    )


# The same five tasks, seen at 18:00 UTC on 23 November by people in three time zones.
DUE = {
    "t1": datetime(2026, 11, 24, 7, 30, tzinfo=UTC),  # LA 23 Nov 23:30, NZ 24 Nov 20:30
    "t2": datetime(2026, 11, 24, 10, 0, tzinfo=UTC),  # LA 24 Nov 02:00, NZ 24 Nov 23:00
    "t3": datetime(2026, 11, 23, 17, 0, tzinfo=UTC),  # an hour ago
    "t4": datetime(2026, 11, 23, 23, 0, tzinfo=UTC),  # LA 23 Nov 15:00, NZ 24 Nov 12:00
    "t5": datetime(2026, 11, 24, 12, 0, tzinfo=UTC),  # LA 24 Nov 04:00, NZ 25 Nov 01:00
}


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        # 23:30 local is today in Los Angeles, although it is 24 November in UTC
        (
            "America/Los_Angeles",
            {"overdue": ["t3"], "today": ["t4", "t1"], "upcoming": ["t2", "t5"]},
        ),
        # it is already 24 November in Auckland: t2 at 23:00 local is today too
        ("Pacific/Auckland", {"overdue": ["t3"], "today": ["t4", "t1", "t2"], "upcoming": ["t5"]}),
        ("UTC", {"overdue": ["t3"], "today": ["t4"], "upcoming": ["t1", "t2", "t5"]}),
    ],
)
def test_my_work_groups_tasks_in_the_users_time_zone(session, world, tz, expected):
    me = world["ann"]
    for title, due in DUE.items():
        _task(session, title, due, me)
    _task(session, "someday", None, me)
    _task(session, "too far", datetime(2026, 12, 9, tzinfo=UTC), me)
    tasks.complete_task(session, _task(session, "done", DUE["t4"], me).id, actor_id=me.id)
    _task(session, "not mine", DUE["t4"], world["kiri"])

    work = tasks.my_work(session, me.id, tz, NOW)

    got = {g: [r.title for r in getattr(work, g)] for g in ("overdue", "today", "upcoming")}
    assert got == expected
    assert [r.title for r in work.undated] == ["someday"]
    assert work.counts == {k: len(v) for k, v in expected.items()} | {"undated": 1}
    assert [r.late for r in work.overdue] == [True]
    assert not any(r.late for r in work.today)


def test_upcoming_ends_after_seven_local_days(session, world):
    me = world["ann"]  # Los Angeles: today is 23 November, upcoming runs to 30 November
    _task(
        session, "last day", tasks.due_from_local(date(2026, 11, 30), time(23, 0), me.time_zone), me
    )
    _task(
        session, "day after", tasks.due_from_local(date(2026, 12, 1), time(0, 30), me.time_zone), me
    )

    work = tasks.my_work(session, me.id, me.time_zone, NOW)

    assert [r.title for r in work.upcoming] == ["last day"]
    assert [
        r.title for r in tasks.my_work(session, me.id, me.time_zone, NOW, upcoming_days=8).upcoming
    ] == [
        "last day",
        "day after",
    ]


def test_completing_a_task_can_log_an_activity_and_touch_the_contact(session, world):
    me, contact = world["ann"], world["contact"]
    task = _task(session, "Call Ada", DUE["t3"], me, contact_id=contact.id)
    plain = _task(session, "Tidy up", DUE["t3"], me)

    done, activity = tasks.complete_task(
        session, task.id, actor_id=me.id, log_as="call", note="She will sign on Monday.", now=NOW
    )
    tidy, nothing = tasks.complete_task(session, plain.id, actor_id=me.id, now=NOW)

    assert (done.done, done.done_at, tidy.done, nothing) == (True, NOW, True, None)
    assert (activity.kind, activity.subject, activity.body) == (
        "call",
        "Call Ada",
        "She will sign on Monday.",
    )
    assert (activity.contact_id, activity.company_id, activity.user_id) == (
        contact.id,
        world["company"].id,
        me.id,
    )
    assert activity.occurred_at == NOW
    assert session.get(Contact, contact.id).last_contacted_at == NOW
    assert session.execute(sa.select(sa.func.count(Activity.id))).scalar_one() == 1
    assert tasks.my_work(session, me.id, "UTC", NOW).overdue == []

    reopened = tasks.reopen_task(session, task.id, actor_id=me.id)
    assert (reopened.done, reopened.done_at) == (False, None)
    with pytest.raises(ValidationError):
        tasks.complete_task(session, task.id, actor_id=me.id, log_as="telepathy")


def test_a_note_does_not_count_as_contacting(session, world):
    contact = world["contact"]
    activities.log_activity(
        session, kind="note", subject="n", occurred_at=NOW, actor_id=None, contact_id=contact.id
    )
    assert session.get(Contact, contact.id).last_contacted_at is None


def test_a_records_related_list_shows_its_open_tasks_soonest_first(session, world):
    me, contact = world["ann"], world["contact"]
    later = _task(session, "later", DUE["t5"], me, contact_id=contact.id)
    sooner = _task(session, "sooner", DUE["t3"], me, contact_id=contact.id)
    closed = _task(session, "closed", DUE["t1"], me, contact_id=contact.id)
    tasks.complete_task(session, closed.id, actor_id=me.id)
    _task(session, "elsewhere", DUE["t1"], me)

    rows = tasks.tasks_for(session, contact_id=contact.id, now=NOW)

    assert [r.id for r in rows] == [sooner.id, later.id]
    assert rows[0].related == "Ada Lind" and rows[0].link == f"/contacts/{contact.id}"
    assert rows[0].assignee_name == "Ann Example"
    assert [
        r.title for r in tasks.tasks_for(session, contact_id=contact.id, include_done=True)
    ] == [
        "sooner",
        "later",
        "closed",
    ]
    assert tasks.tasks_for(session) == []


def _reminders(session: Session, user: User) -> list[Notification]:
    return list(
        session.execute(
            sa.select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "task_due"
            )
        ).scalars()
    )


def test_a_due_task_is_reminded_once(session, world):
    me = world["ann"]
    due = _task(
        session, "Send the offer", NOW - timedelta(minutes=5), me, contact_id=world["contact"].id
    )
    _task(session, "Not yet", NOW + timedelta(minutes=5), me)
    _task(session, "Long forgotten", NOW - timedelta(days=3), me)
    tasks.complete_task(
        session, _task(session, "Done already", NOW - timedelta(minutes=1), me).id, actor_id=me.id
    )
    tasks.create_task(
        session, TaskInput(title="Nobody's", due_at=NOW - timedelta(minutes=1)), actor_id=None
    )

    assert tasks.remind_due_tasks(session, NOW) == 1
    assert tasks.remind_due_tasks(session, NOW + timedelta(minutes=1)) == 0

    [note] = _reminders(session, me)
    assert (note.message, note.values, note.link) == (
        "Your task “{title}” is due.",
        {"title": "Send the offer"},
        f"/contacts/{world['contact'].id}",
    )
    assert session.get(Task, due.id).reminded_at == NOW


def test_moving_the_due_time_reminds_again(session, world):
    me = world["ann"]
    task = _task(session, "Follow up", NOW - timedelta(minutes=5), me)
    tasks.remind_due_tasks(session, NOW)

    later = NOW + timedelta(hours=2)
    tasks.update_task(
        session,
        task.id,
        TaskInput(title="Follow up", due_at=later, assignee_id=me.id),
        actor_id=me.id,
    )
    assert session.get(Task, task.id).reminded_at is None
    assert tasks.remind_due_tasks(session, NOW + timedelta(hours=1)) == 0
    assert tasks.remind_due_tasks(session, later + timedelta(minutes=1)) == 1
    assert len(_reminders(session, me)) == 2
