"""The ticket pages called as a browser would: the queue's views and bulk edits, the ticket
page's properties, replies, notes, merge and tasks, and the new-ticket form."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine
from crm_app.models import Task, Ticket, TicketComment
from crm_app.services import auth, users
from crm_app.services.tickets import editing
from crm_app.services.tickets.editing import TicketInput
from crm_app.state.record_tasks import TicketTasksState
from crm_app.state.ticket_new import TicketNewState
from crm_app.state.ticket_page import TicketPageState
from crm_app.state.tickets import TicketsState

from .state_calls import state_instance

PASSWORD = "a-long-password-1"


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch, fast_hashing: None) -> dict:
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
            for name, role in (("Mia", "manager"), ("Sue", "support"), ("Rex", "read_only"))
        }
        made = [
            editing.create_ticket(
                s,
                TicketInput(subject=subject, email=email, name="Kai Kask", priority=priority),
                actor_id=None,
            )
            for subject, email, priority in (
                ("Grinder rattles", "kai@kask.example", "high"),
                ("Grinder rattles again", "kai@kask.example", "normal"),
                ("Invoice copy", "", "low"),
            )
        ]
        s.commit()
        tokens = {role: auth.login(s, u.email, PASSWORD)[0] for role, u in people.items()}
        s.commit()
    return {
        "url": db_url,
        "tokens": tokens,
        "people": {role: u.id for role, u in people.items()},
        "tickets": [t.id for t in made],
    }


def _state(cls, world: dict, role: str = "manager", route_id: int | None = None):
    state = state_instance(cls)
    state.session_token = world["tokens"][role]
    if route_id is not None:
        router = state.router
        page = dataclasses.replace(router._page, params={"record_id": str(route_id)})
        object.__setattr__(state, "router", dataclasses.replace(router, _page=page))
    return state


def _call(state, name: str, *args):
    return type(state).event_handlers[name].fn(state, *args)


def _ticket(world: dict, ticket_id: int) -> Ticket:
    with Session(get_engine(world["url"])) as s:
        return s.get(Ticket, ticket_id)


def _page(world: dict, role: str = "manager", which: int = 0) -> TicketPageState:
    state = _state(TicketPageState, world, role, route_id=world["tickets"][which])
    _call(state, "load")
    return state


def test_the_queue_lists_views_and_bulk_assigns(world):
    queue = _state(TicketsState, world, "support")
    gen = _call(queue, "load")
    for _ in gen:
        pass
    assert queue.total == 3 and queue.view_counts["unassigned"] == "3"
    assert {r["initials"] for r in queue.rows} == {f"#{i}" for i in world["tickets"]}
    _call(queue, "show_view", "mine")
    assert queue.total == 0
    _call(queue, "show_view", "all")
    queue.selected = [str(i) for i in world["tickets"][:2]]
    _call(queue, "bulk_assign", str(world["people"]["support"]))
    assert queue.selected == []
    assert _ticket(world, world["tickets"][0]).assignee_id == world["people"]["support"]
    _call(queue, "show_view", "mine")
    assert queue.total == 2
    _call(queue, "show_view", "everything")  # not a view: ignored
    assert queue.total == 2


def test_a_bulk_status_change_that_one_ticket_refuses_changes_nothing(world):
    with Session(get_engine(world["url"])) as s:
        editing.update_ticket(s, world["tickets"][2], {"status": "closed"}, actor_id=None)
        s.commit()
    queue = _state(TicketsState, world, "support")
    queue.selected = [str(i) for i in world["tickets"]]
    _call(queue, "bulk_status", "pending")
    assert queue.selected  # kept: nothing was changed
    assert _ticket(world, world["tickets"][0]).status == "new"


def test_the_page_shows_the_ticket_and_its_customer(world):
    page = _page(world)
    assert page.found and page.reference == f"#{world['tickets'][0]}"
    assert page.subject == "Grinder rattles" and page.labels["priority"] == "High"
    assert page.customer["name"] == "Kai Kask" and page.customer["email"] == "kai@kask.example"
    assert [t["subject"] for t in page.recent_tickets] == ["Grinder rattles again"]
    assert [s["target"] for s in page.sla] == ["first_response", "resolution"]
    assert page.can_edit


def test_reply_and_internal_note(world):
    page = _page(world, "support")
    _call(page, "send_reply", "")
    assert page.reply_error == "Write a reply or a note first."
    _call(page, "set_reply_body", "We are sending a technician.")
    _call(page, "send_reply", "")
    _call(page, "set_reply_public", False)
    _call(page, "set_reply_body", "Check the warranty first.")
    _call(page, "send_reply", "")
    assert [(c["body"], c["public"]) for c in page.comments] == [
        ("We are sending a technician.", "1"),
        ("Check the warranty first.", ""),
    ]
    assert page.comments[0]["mail"].startswith("Not e-mailed")  # no mail server here
    assert page.comments[1]["mail"] == ""
    ticket = _ticket(world, world["tickets"][0])
    assert ticket.status == "open" and ticket.first_response_at is not None


def test_properties_change_one_at_a_time_and_bad_values_are_refused(world):
    page = _page(world)
    _call(page, "set_prop", "priority", "urgent")
    _call(page, "set_prop", "assignee_id", str(world["people"]["support"]))
    _call(page, "set_prop", "category", "  Repair ")
    ticket = _ticket(world, world["tickets"][0])
    assert (ticket.priority, ticket.assignee_id, ticket.category) == (
        "urgent",
        world["people"]["support"],
        "Repair",
    )
    _call(page, "set_prop", "subject", "hacked")  # not editable here
    _call(page, "set_prop", "status", "exploded")
    assert page.prop_error
    assert _ticket(world, world["tickets"][0]).status == "new"


def test_a_read_only_user_sees_but_cannot_write(world):
    page = _page(world, "read_only")
    assert page.found and not page.can_edit
    _call(page, "set_reply_body", "hello")
    _call(page, "send_reply", "")
    _call(page, "set_prop", "priority", "urgent")
    with Session(get_engine(world["url"])) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(TicketComment)).scalar() == 0
    assert _ticket(world, world["tickets"][0]).priority == "high"


def test_merge_into_another_ticket(world):
    page = _page(world, which=1)
    _call(page, "set_merge_target", "nonsense")
    _call(page, "merge")
    assert page.merge_error.startswith("Type the number")
    _call(page, "set_merge_target", f"#{world['tickets'][0]}")
    _call(page, "merge")
    source = _ticket(world, world["tickets"][1])
    assert source.merged_into_id == world["tickets"][0] and source.status == "closed"


def test_a_missing_ticket_says_so(world):
    page = _state(TicketPageState, world, route_id=999999)
    _call(page, "load")
    assert page.found is False


def test_tasks_on_the_ticket(world):
    tasks_state = _state(TicketTasksState, world, "support")
    _call(tasks_state, "open_for", str(world["tickets"][0]))
    _call(tasks_state, "add", {"title": "Call Kai back", "due_date": "2031-01-02"})
    assert [t.title for t in tasks_state.items] == ["Call Kai back"]
    with Session(get_engine(world["url"])) as s:
        task = s.execute(sa.select(Task)).scalar_one()
        assert task.ticket_id == world["tickets"][0]


def test_new_ticket_form(world):
    form = _state(TicketNewState, world, "support")
    _call(form, "load")
    _call(form, "save", {"subject": "", "email": "not-an-address", "priority": "high"})
    assert set(form.errors) >= {"subject", "email"}
    assert form.values["priority"] == "high"
    event = _call(
        form,
        "save",
        {
            "subject": "Needs descaling",
            "email": "ott@example.org",
            "name": "Ott Oja",
            "assignee": str(world["people"]["support"]),
        },
    )
    assert form.errors == {}
    with Session(get_engine(world["url"])) as s:
        made = s.execute(sa.select(Ticket).where(Ticket.subject == "Needs descaling")).scalar_one()
        assert made.channel == "phone" and made.assignee_id == world["people"]["support"]
    assert f"/tickets/{made.id}" in str(event)


def test_a_link_with_a_query_opens_the_queue_filtered(world):
    from reflex.istate.data import ReflexURL

    with Session(get_engine(world["url"])) as s:
        contact_id = _ticket_contact(s, world["tickets"][0])
    queue = _state(TicketsState, world, "support")
    router = queue.router
    url = ReflexURL(f"http://localhost/tickets?contact={contact_id}&view=all&junk=1")
    object.__setattr__(queue, "router", dataclasses.replace(router, url=url))
    for _ in _call(queue, "load"):
        pass
    assert queue.filters == {"contact": str(contact_id), "view": "all"}
    assert queue.total == 2  # the two tickets of that customer


def _ticket_contact(session: Session, ticket_id: int) -> int:
    return session.get(Ticket, ticket_id).contact_id


def test_a_link_with_created_days_opens_the_queue_for_those_days(world):
    """An analytics chart's "Open in the ticket queue" carries created_from/created_to."""
    from datetime import UTC, datetime

    from reflex.istate.data import ReflexURL

    with Session(get_engine(world["url"])) as s:
        first = s.get(Ticket, world["tickets"][0])
        first.created_at = datetime(2026, 3, 2, 9, tzinfo=UTC)
        s.add(first)
        s.commit()
    queue = _state(TicketsState, world, "support")
    url = ReflexURL(
        "http://localhost/tickets?view=all&created_from=2026-03-01&created_to=2026-03-31"
    )
    object.__setattr__(queue, "router", dataclasses.replace(queue.router, url=url))
    for _ in _call(queue, "load"):
        pass
    assert queue.filters["created_from"] == "2026-03-01"
    assert queue.total == 1 and queue.rows[0]["initials"] == f"#{world['tickets'][0]}"
    _call(queue, "set_filter", "created_to", "not a day")  # a malformed day narrows nothing
    assert queue.total == 3  # from 1 March on: all three
