"""The deal page (/deals/<id>) and the board's opening, called as a browser would: a deal in
an archived stage or pipeline shows where it is and saves without moving; the deal's Tasks
card lists, adds and completes its tasks; the sidebar's prefetch and ``?pipeline=``."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from reflex.istate.data import RouterData
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Deal, DealStageChange, Stage, Task
from crm_app.services import auth, deals, pipelines, tasks, users, writes
from crm_app.services.deals import DealInput
from crm_app.services.tasks import TaskInput
from crm_app.state.deal_form import DealFormState
from crm_app.state.pipeline import PipelineState
from crm_app.state.record_tasks import DealTasksState

from .state_calls import state_instance

PASSWORD = "a-long-password-1"


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    """A manager, a sales rep and a read-only user; pipelines Sales and Other with a deal each."""
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        people = {
            role: users.create_user(
                s,
                name=f"{name} {role.title()}",
                email=f"{name.lower()}@example.com",
                role=role,
                password=PASSWORD,
                actor_id=None,
            )
            for name, role in (("Mia", "manager"), ("Sam", "sales"), ("Rex", "read_only"))
        }
        sales = pipelines.create_pipeline(s, "Sales", actor_id=None)
        other = pipelines.create_pipeline(s, "Other", actor_id=None)
        stages = {st.name: st for st in pipelines.active_stages(s, sales.id)}
        sam = people["sales"].id
        deal = deals.create_deal(
            s,
            DealInput(title="Espresso", value=900, stage_id=stages["Proposal"].id, owner_id=sam),
            actor_id=None,
        )
        second = deals.create_deal(
            s,
            DealInput(title="Grinders", value=100, stage_id=stages["New"].id, owner_id=sam),
            actor_id=None,
        )
        s.commit()
        tokens = {role: auth.login(s, u.email, PASSWORD)[0] for role, u in people.items()}
        s.commit()
    return {
        "url": db_url,
        "tokens": tokens,
        "people": {role: u.id for role, u in people.items()},
        "pipelines": {"Sales": str(sales.id), "Other": str(other.id)},
        "stages": {k: str(v.id) for k, v in stages.items()},
        "deal": str(deal.id),
        "second": str(second.id),
    }


def _state(cls, world: dict, role: str = "manager"):
    state = state_instance(cls)
    state.session_token = world["tokens"][role]
    return state


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def _session(world: dict) -> Session:
    return Session(get_engine(world["url"]), expire_on_commit=False)


def _moves(world: dict, deal_id: str) -> int:
    with _session(world) as s:
        return s.scalar(
            sa.select(sa.func.count())
            .select_from(DealStageChange)
            .where(DealStageChange.deal_id == int(deal_id))
        )


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def _save_untouched(form: DealFormState) -> None:
    """Submit the form as the browser sends it when nothing was changed."""
    _call(form, "submit", dict(form.values))


# -- a deal in an archived stage or pipeline ---------------------------------------------------
def test_a_deal_in_an_archived_stage_shows_it_and_saves_without_moving(world):
    with _session(world) as s:  # data from before the rule (or an import): archived with a deal
        writes.update(
            s, s.get(Stage, int(world["stages"]["Proposal"])), {"archived": True}, actor_id=None
        )
        s.commit()
    moves = _moves(world, world["deal"])
    form = _state(DealFormState, world)
    _call(form, "open_edit", world["deal"])
    pid, sid = world["pipelines"]["Sales"], world["stages"]["Proposal"]
    assert form.pipeline_id == pid and form.stage_id == sid
    assert [[_plain(x) for x in s] for s in form.stages[pid]] == [
        [world["stages"]["New"], "New", "open"],
        [sid, "Proposal (archived)", "open", "1"],  # in its place, marked, not choosable
        [world["stages"]["Won"], "Won", "won"],
        [world["stages"]["Lost"], "Lost", "lost"],
    ]
    _save_untouched(form)
    assert form.errors == {} and not form.open
    with _session(world) as s:
        assert s.get(Deal, int(world["deal"])).stage_id == int(sid)
    assert _moves(world, world["deal"]) == moves

    # leaving the archived stage works; coming back to it is refused by the service
    _call(form, "open_edit", world["deal"])
    _call(form, "set_stage", world["stages"]["New"])
    _save_untouched(form)
    assert form.errors == {}
    _call(form, "open_edit", world["deal"])
    assert all(len(s) == 3 for s in form.stages[pid])  # the archived stage is no longer listed
    _call(form, "set_stage", sid)
    assert form.stage_id == world["stages"]["New"]


def test_a_deal_in_an_archived_pipeline_shows_it_and_saves(world):
    with _session(world) as s:
        pipelines.archive_pipeline(s, int(world["pipelines"]["Sales"]), actor_id=None)
        s.commit()
    form = _state(DealFormState, world)
    _call(form, "open_edit", world["deal"])
    pid = world["pipelines"]["Sales"]
    assert [pid, "Sales (archived)", "archived"] in [[_plain(x) for x in p] for p in form.pipelines]
    assert [s[1] for s in form.stages[pid]] == ["New", "Proposal", "Won", "Lost"]
    assert form.pipeline_id == pid and form.stage_id == world["stages"]["Proposal"]
    _save_untouched(form)
    assert form.errors == {} and not form.open
    with _session(world) as s:
        assert s.get(Deal, int(world["deal"])).pipeline_id == int(pid)


def test_the_form_of_a_deal_in_an_active_stage_lists_no_archived_choice(world):
    form = _state(DealFormState, world)
    _call(form, "open_edit", world["deal"])
    assert all(len(p) == 2 for p in form.pipelines)
    assert all(len(s) == 3 for ss in form.stages.values() for s in ss)


# -- the deal's tasks -------------------------------------------------------------------------
def _tasks(world: dict, role: str = "manager", deal: str = "") -> DealTasksState:
    state = _state(DealTasksState, world, role)
    _call(state, "open_for", deal or world["deal"])
    return state


def test_opening_the_deal_opens_its_tasks_card(world):
    form = _state(DealFormState, world)
    event = _call(form, "open_edit", world["deal"])
    assert event.handler.fn.__name__ == "open_for" and event.args[0][1]._var_value == world["deal"]


def test_a_manager_adds_a_task_on_the_deal_for_a_rep_with_its_priority_and_due_time(world):
    state = _tasks(world)
    assert state.items == [] and state.can_write and state.can_assign
    sam = world["people"]["sales"]
    _call(
        state,
        "add",
        {
            "title": "Send the offer",
            "due_date": "2031-03-04",
            "due_time": "14:30",
            "priority": "high",
            "assignee_id": str(sam),
        },
    )
    assert state.errors == {}
    [item] = state.items
    assert item.title == "Send the offer" and item.priority == "high"
    assert item.due.startswith("Mar 4, 2031, 2:30") and item.priority_label == "High"
    assert item.related == "" and item.link == ""  # the card is on the deal
    with _session(world) as s:
        task = s.execute(sa.select(Task).where(Task.title == "Send the offer")).scalar_one()
        assert task.deal_id == int(world["deal"]) and task.assignee_id == sam
    assert [t.title for t in _tasks(world, deal=world["second"]).items] == []


def test_a_rep_gives_deal_tasks_only_to_themselves_and_a_time_needs_a_date(world):
    state = _tasks(world, "sales")
    assert not state.can_assign
    _call(state, "add", {"title": "For Mia", "assignee_id": str(world["people"]["manager"])})
    assert "assignee_id" in state.errors and state.items == []
    _call(state, "add", {"title": "Call", "due_time": "10:00"})
    assert "due_at" in state.errors
    _call(state, "add", {"title": "Call back"})
    assert state.errors == {} and [t.title for t in state.items] == ["Call back"]


def test_completing_a_task_removes_it_and_only_the_deals_own_tasks_complete(world):
    with _session(world) as s:
        mine = tasks.create_task(
            s, TaskInput(title="Demo", deal_id=int(world["deal"])), actor_id=None
        )
        other = tasks.create_task(
            s, TaskInput(title="Elsewhere", deal_id=int(world["second"])), actor_id=None
        )
        s.commit()
    state = _tasks(world)
    assert [t.title for t in state.items] == ["Demo"]
    _call(state, "complete", other.id)  # not this deal's task: refused
    _call(state, "complete_and_log", mine.id, "call")
    assert state.items == []
    with _session(world) as s:
        assert s.get(Task, mine.id).done and not s.get(Task, other.id).done


def test_read_only_users_see_the_deals_tasks_and_add_nothing(world):
    with _session(world) as s:
        tasks.create_task(s, TaskInput(title="Demo", deal_id=int(world["deal"])), actor_id=None)
        s.commit()
    state = _tasks(world, "read_only")
    assert [t.title for t in state.items] == ["Demo"] and not state.can_write
    _call(state, "add", {"title": "Sneaky"})
    with _session(world) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Task)) == 1


# -- opening the board ------------------------------------------------------------------------
def _route(state, query: str = "") -> None:
    path = f"/pipeline?{query}" if query else "/pipeline"
    state.router = RouterData.from_router_data({"pathname": "/pipeline", "asPath": path})
    assert dict(state.router.url.query_parameters) == (dict([query.split("=")]) if query else {})


def test_the_sidebar_prefetch_spares_the_on_load_that_follows(world):
    board = _state(PipelineState, world)
    _call(board, "prefetch")
    stamp = board.stamp
    assert [c.name for c in board.columns] == ["New", "Proposal", "Won", "Lost"]
    _route(board)
    _call(board, "load")
    assert board.stamp == stamp  # fresh: not loaded again
    board._prefetched_at = time.monotonic() - 60  # a stale prefetch is loaded again
    _call(board, "load")
    assert board.stamp == stamp + 1


def test_a_pipeline_in_the_address_is_shown(world):
    board = _state(PipelineState, world)
    _call(board, "prefetch")
    _route(board, f"pipeline={world['pipelines']['Other']}")
    _call(board, "load")
    assert board.pipeline_id == world["pipelines"]["Other"]
    assert all(not c.cards for c in board.columns)
    _route(board, "pipeline=999")  # unknown: the board stays where it was
    _call(board, "load")
    assert board.pipeline_id == world["pipelines"]["Other"]
