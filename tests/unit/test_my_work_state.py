"""My work's state, called as a browser would: the groups in the user's time zone, the linked
record, completing (and logging), adding inline, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Activity, Contact, Task
from crm_app.services import auth, clock, tasks, users, writes
from crm_app.services.tasks import TaskInput
from crm_app.state.my_work import MyWorkState, parse_due

from .state_calls import state_instance

PASSWORD = "a-long-password-1"
TZ = "Asia/Jerusalem"


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    now = datetime.now(UTC)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        people = {}
        for name, role in (("Sam", "sales"), ("Rex", "read_only"), ("Mia", "manager")):
            user = users.create_user(
                s,
                name=name,
                email=f"{name.lower()}@example.com",
                role=role,
                password=PASSWORD,
                actor_id=None,
            )
            users.update_profile(s, user.id, time_zone=TZ)
            people[role] = user
        ann = writes.create(s, Contact(first_name="Ann", last_name="Lee"), actor_id=None)
        sam = people["sales"].id
        _, end_of_today = clock.day_range(TZ, now)
        made = {
            "late": TaskInput("Late one", due_at=now - timedelta(hours=2), assignee_id=sam),
            "today": TaskInput(
                "Today one",
                due_at=min(now + timedelta(minutes=5), end_of_today - timedelta(seconds=1)),
                assignee_id=sam,
                contact_id=ann.id,
                priority="high",
            ),
            "soon": TaskInput("Soon one", due_at=end_of_today + timedelta(days=2), assignee_id=sam),
            "far": TaskInput("Far one", due_at=end_of_today + timedelta(days=30), assignee_id=sam),
            "undated": TaskInput("Someday", assignee_id=sam),
            "other": TaskInput("Not mine", assignee_id=people["manager"].id),
        }
        ids = {k: tasks.create_task(s, v, actor_id=None).id for k, v in made.items()}
        s.commit()
        tokens = {role: auth.login(s, u.email, PASSWORD)[0] for role, u in people.items()}
        s.commit()
    return {"url": db_url, "ids": ids, "tokens": tokens, "people": people, "ann": ann.id}


def _page(world: dict, role: str = "sales") -> MyWorkState:
    state = state_instance(MyWorkState)
    state.session_token = world["tokens"][role]
    MyWorkState.event_handlers["load"].fn(state)
    return state


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def _titles(rows) -> list[str]:
    return [r.title for r in rows]


def test_the_groups_follow_the_users_time_zone(world):
    state = _page(world)
    assert _titles(state.overdue) == ["Late one"]
    assert _titles(state.today) == ["Today one"]
    assert _titles(state.upcoming) == ["Soon one"]
    assert _titles(state.undated) == ["Someday"]
    assert state.total == 4 and state.counts["today"] == 1
    today = state.today[0]
    assert today.link == f"/contacts/{world['ann']}" and today.related == "Ann Lee"
    assert today.priority == "high" and today.priority_label == "High" and today.due
    assert state.overdue[0].late and state.can_write and not state.can_assign


def test_completing_a_task_removes_it_and_can_log_a_call(world):
    state = _page(world)
    _call(state, "complete_and_log", world["ids"]["today"], "call")
    assert state.today == []
    with Session(get_engine(world["url"])) as s:
        assert s.get(Task, world["ids"]["today"]).done
        logged = s.execute(sa.select(Activity).where(Activity.subject == "Today one")).scalar()
        assert logged is not None and logged.kind == "call" and logged.contact_id == world["ann"]
        assert s.get(Contact, world["ann"]).last_contacted_at is not None
    _call(state, "complete", world["ids"]["undated"])
    assert state.undated == [] and state.total == 2
    assert _call(state, "complete_and_log", world["ids"]["late"], "sms") is None  # not a kind


def test_adding_a_task_inline_defaults_to_me_and_my_time_zone(world):
    state = _page(world)
    day = clock.local_today(TZ) + timedelta(days=1)
    _call(
        state,
        "add",
        {"title": "Send the offer", "due_date": day.isoformat(), "due_time": "10:30"},
    )
    assert state.errors == {} and "Send the offer" in _titles(state.upcoming)
    with Session(get_engine(world["url"])) as s:
        task = s.execute(sa.select(Task).where(Task.title == "Send the offer")).scalar_one()
        assert task.assignee_id == world["people"]["sales"].id
        assert task.due_at.replace(tzinfo=UTC) == parse_due(day.isoformat(), "10:30", TZ)
        assert task.due_at.replace(tzinfo=UTC).astimezone(clock.zone(TZ)).hour == 10


def test_the_form_reports_what_is_wrong(world):
    state = _page(world)
    _call(state, "add", {"title": "  ", "due_date": "", "due_time": ""})
    assert "title" in state.errors
    _call(state, "add", {"title": "x", "due_date": "", "due_time": "10:00"})
    assert "due_at" in state.errors
    # A sales rep cannot hand work to someone else; a manager can.
    _call(state, "add", {"title": "x", "assignee_id": str(world["people"]["manager"].id)})
    assert "assignee_id" in state.errors
    boss = _page(world, "manager")
    assert boss.can_assign and boss.assignees
    _call(boss, "add", {"title": "For Sam", "assignee_id": str(world["people"]["sales"].id)})
    assert _titles(_page(world).undated)[0] == "For Sam"


def test_read_only_sees_but_cannot_complete_or_add(world):
    state = _page(world, "read_only")
    assert not state.can_write and state.total == 0
    _call(state, "complete", world["ids"]["late"])
    _call(state, "add", {"title": "Nope"})
    with Session(get_engine(world["url"])) as s:
        assert not s.get(Task, world["ids"]["late"]).done
        assert s.execute(sa.select(Task).where(Task.title == "Nope")).first() is None


def test_an_empty_list_says_nothing_is_due(world):
    state = _page(world, "manager")
    assert _titles(state.undated) == ["Not mine"]
    _call(state, "complete", world["ids"]["other"])
    assert state.total == 0 and state.loaded


def test_parse_due():
    assert parse_due("", "", TZ) is None
    assert parse_due("2026-03-01", "", "UTC") == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_due("2026-13-01", "", TZ)
