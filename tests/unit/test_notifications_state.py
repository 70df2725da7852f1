"""The bell's state, called as a browser would: the count and the list, marking read, and the
live watch — one loop per client, new notifications pushed under the lock, a toast, and the
loop ending when the session does."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.services import auth, notifications, tasks, users
from crm_app.services.tasks import TaskInput
from crm_app.state import notifications as bell
from crm_app.state.notifications import NotificationsState

from .state_calls import state_instance

PASSWORD = "a-long-password-1"


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(bell, "_LOOPS", {})
    monkeypatch.setattr(bell, "_ACTIVE", set())
    monkeypatch.setattr(bell, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(bell, "_connected", lambda _token: True)
    with Session(get_engine(db_url), expire_on_commit=False) as s:
        boss = users.create_user(
            s,
            name="Mia Boss",
            email="mia@example.com",
            role="manager",
            password=PASSWORD,
            actor_id=None,
        )
        rep = users.create_user(
            s,
            name="Sam Rep",
            email="sam@example.com",
            role="sales",
            password=PASSWORD,
            actor_id=None,
        )
        s.commit()
        token, _ = auth.login(s, rep.email, PASSWORD)
        s.commit()
    return {"url": db_url, "boss": boss.id, "rep": rep.id, "token": token}


def _assign(world: dict, title: str) -> None:
    """The manager gives the rep a task: the rep is notified when it commits."""
    with Session(get_engine(world["url"])) as s:
        tasks.create_task(
            s, TaskInput(title=title, assignee_id=world["rep"]), actor_id=world["boss"]
        )
        s.commit()


def _state(world: dict) -> NotificationsState:
    state = state_instance(NotificationsState)
    state.session_token = world["token"]
    return state


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def test_start_reads_the_count_and_chains_one_watch(world):
    _assign(world, "Call Ann")
    state = _state(world)
    assert _call(state, "start") == NotificationsState.watch
    assert state.unread == 1 and state.watching and state._last_id > 0
    assert not state.loaded  # the list waits until the popover opens


def test_opening_the_popover_lists_translated_notifications(world):
    _assign(world, "Call Ann")
    state = _state(world)
    _call(state, "set_menu_open", True)
    assert state.loaded and len(state.items) == 1
    item = state.items[0]
    assert "Mia Boss" in item.text and "Call Ann" in item.text and item.unread
    assert item.link == notifications.MY_WORK_ROUTE and item.ago


def test_clicking_one_marks_it_read_and_goes_to_its_link(world):
    _assign(world, "Call Ann")
    _assign(world, "Call Bob")
    state = _state(world)
    _call(state, "set_menu_open", True)
    first = state.items[0]
    event = _call(state, "open_item", first.id)
    assert state.unread == 1 and not state.menu_open
    assert not next(i for i in state.items if i.id == first.id).unread
    assert MY_WORK in str(event)
    _call(state, "mark_all_read")
    assert state.unread == 0 and not any(i.unread for i in state.items)


MY_WORK = notifications.MY_WORK_ROUTE


def test_an_unknown_id_does_nothing(world):
    state = _state(world)
    _call(state, "set_menu_open", True)
    assert _call(state, "open_item", 999) is None


class Driver:
    """Runs a background handler in one task (as Reflex does) and collects what it yields."""

    def __init__(self, gen):
        self.items: asyncio.Queue = asyncio.Queue()
        self.task = asyncio.ensure_future(self._run(gen))

    async def _run(self, gen):
        async for item in gen:
            await self.items.put(item)
        await self.items.put(END)

    async def next(self):
        return await asyncio.wait_for(self.items.get(), timeout=5)


END = object()


def test_the_watch_pushes_new_notifications_and_stops_with_the_session(world):
    state = _state(world)
    _call(state, "start")
    _call(state, "set_menu_open", True)
    assert state.unread == 0

    async def scenario():
        loop = Driver(_call(state, "watch"))
        await asyncio.sleep(0.05)
        # The watcher mounting again, or a second watch event, starts no second loop.
        assert _call(state, "start") is None
        assert await Driver(_call(state, "watch")).next() is END
        await asyncio.to_thread(_assign, world, "Call Ann")
        toast = await loop.next()
        assert "Call Ann" in str(toast)
        assert state.unread == 1 and state.items[0].unread and "Call Ann" in state.items[0].text
        await asyncio.to_thread(_assign, world, "Call Bob")
        await loop.next()
        assert state.unread == 2 and "Call Bob" in state.items[0].text
        assert len(state.items) == 2
        with Session(get_engine(world["url"])) as s:
            auth.logout(s, world["token"])
            s.commit()
        assert await loop.next() is END

    asyncio.run(scenario())
    assert not state.watching and bell._LOOPS == {} and bell._ACTIVE == set()


def test_a_disconnected_client_loop_ends_after_the_grace(world, monkeypatch):
    monkeypatch.setattr(bell, "_connected", lambda _token: False)
    monkeypatch.setattr(bell, "OFFLINE_GRACE", 0.05)
    state = _state(world)
    _call(state, "start")

    async def scenario():
        assert await Driver(_call(state, "watch")).next() is END

    asyncio.run(scenario())
    assert not state.watching and bell._LOOPS == {}


def test_a_newer_loop_takes_over_the_client(world):
    state = _state(world)
    _call(state, "start")

    async def scenario():
        loop = Driver(_call(state, "watch"))
        await asyncio.sleep(0.05)
        bell._LOOPS[""] = ("another-loop", world["rep"])  # e.g. a different user signed in
        assert await loop.next() is END

    asyncio.run(scenario())
    assert bell._LOOPS == {"": ("another-loop", world["rep"])}


def test_without_a_session_nothing_starts(world):
    state = state_instance(NotificationsState)
    assert _call(state, "start") is not None  # the redirect to the login page
    assert not state.watching and bell._LOOPS == {}
