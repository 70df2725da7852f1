"""The ticket queue selector: views, filters, search, sorts and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from crm_app.models import Contact, ContactEmail, Role, Ticket
from crm_app.services import search, users
from crm_app.services.tickets.queue import (
    TicketFilters,
    list_tickets,
    ticket_filter_options,
    view_counts,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def data(session: Session, fast_hashing: None) -> dict[str, int]:
    ann = users.create_user(
        session,
        name="Ann Agent",
        email="ann@x.example",
        role=Role.SUPPORT,
        password="a-long-password-1",
        actor_id=None,
    )
    bob = users.create_user(
        session,
        name="Bob Agent",
        email="bob@x.example",
        role=Role.SUPPORT,
        password="a-long-password-1",
        actor_id=None,
    )
    mari = Contact(first_name="Mari", last_name="Tamm")
    session.add(mari)
    session.flush()
    session.add(ContactEmail(contact_id=mari.id, email="mari@tamm.example", is_primary=True))
    session.flush()
    search.reindex_contacts(session, [mari.id])  # added directly, not through the services

    def add(subject: str, **kw) -> int:
        kw.setdefault("created_at", NOW - timedelta(days=1))
        t = Ticket(subject=subject, **kw)
        session.add(t)
        session.flush()
        return t.id

    ids = {
        "mine_urgent": add(
            "Server down",
            priority="urgent",
            status="open",
            assignee_id=ann.id,
            first_response_due_at=NOW + timedelta(minutes=30),
            resolution_due_at=NOW + timedelta(hours=4),
            contact_id=mari.id,
        ),
        "mine_late": add(
            "Invoice wrong",
            priority="normal",
            status="open",
            assignee_id=ann.id,
            first_response_at=NOW - timedelta(hours=20),
            resolution_due_at=NOW - timedelta(hours=1),
            category="Billing",
        ),
        "unassigned": add(
            "Where is my parcel",
            priority="low",
            status="new",
            channel="web",
            first_response_due_at=NOW + timedelta(days=2),
            resolution_due_at=NOW + timedelta(days=5),
        ),
        "pending": add(
            "Need your serial number",
            priority="high",
            status="pending",
            assignee_id=bob.id,
            resolution_due_at=NOW - timedelta(hours=3),  # paused: not in the SLA view
        ),
        "solved": add(
            "Thanks, solved",
            priority="normal",
            status="solved",
            assignee_id=ann.id,
            resolved_at=NOW - timedelta(hours=2),
        ),
    }
    session.commit()
    return ids | {"ann": ann.id, "bob": bob.id, "mari": mari.id}


def _ids(session, data, me="ann", **kw) -> list[int]:
    sort = kw.pop("sort", "due")
    descending = kw.pop("descending", False)
    page = list_tickets(
        session, TicketFilters(**kw), me_id=data[me], sort=sort, descending=descending, now=NOW
    )
    return page.rows and [r.id for r in page.rows] or []


def test_views(session: Session, data: dict[str, int]) -> None:
    assert set(_ids(session, data, view="mine")) == {data["mine_urgent"], data["mine_late"]}
    assert _ids(session, data, view="unassigned") == [data["unassigned"]]
    # overdue or due within two hours, only while the clock runs (not pending, not solved)
    assert _ids(session, data, view="sla") == [data["mine_late"], data["mine_urgent"]]
    assert len(_ids(session, data, view="all")) == 5
    counts = view_counts(session, me_id=data["ann"], now=NOW)
    assert counts == {"all": 5, "mine": 2, "unassigned": 1, "sla": 2}


def test_sorted_by_next_due_then_tickets_without_a_running_clock(
    session: Session, data: dict[str, int]
) -> None:
    got = _ids(session, data)
    assert got[:3] == [data["mine_late"], data["mine_urgent"], data["unassigned"]]
    assert set(got[3:]) == {data["pending"], data["solved"]}


def test_priority_sort_puts_urgent_first(session: Session, data: dict[str, int]) -> None:
    got = _ids(session, data, sort="priority")
    assert got[0] == data["mine_urgent"] and got[1] == data["pending"]
    assert got[-1] == data["unassigned"]
    assert _ids(session, data, sort="priority", descending=True)[0] == data["unassigned"]


def test_filters_combine(session: Session, data: dict[str, int]) -> None:
    assert _ids(session, data, statuses=["open"], priorities=["normal"]) == [data["mine_late"]]
    assert _ids(session, data, channels=["web"]) == [data["unassigned"]]
    assert _ids(session, data, categories=["Billing"]) == [data["mine_late"]]
    assert _ids(session, data, assignee_ids=[data["bob"]]) == [data["pending"]]
    assert _ids(session, data, unassigned=True) == [data["unassigned"]]
    assert _ids(session, data, contact_id=data["mari"]) == [data["mine_urgent"]]


@pytest.mark.parametrize("text", ["#{id}", "{id}", "T-{id}", " #000{id} "])
def test_search_by_reference(session: Session, data: dict[str, int], text: str) -> None:
    wanted = data["pending"]
    assert _ids(session, data, search=text.format(id=wanted)) == [wanted]


def test_search_by_subject_words_and_customer(session: Session, data: dict[str, int]) -> None:
    assert _ids(session, data, search="parcel where") == [data["unassigned"]]
    assert _ids(session, data, search="tamm") == [data["mine_urgent"]]
    assert _ids(session, data, search="mari@tamm.example") == [data["mine_urgent"]]
    assert _ids(session, data, search="100%_") == []
    # case does not matter: "Where is my parcel", "Server down", "Invoice wrong"
    assert _ids(session, data, search="PARCEL wHeRe") == [data["unassigned"]]
    assert _ids(session, data, search="INVOICE") == [data["mine_late"]]
    assert _ids(session, data, search="rver") == [data["mine_urgent"]]  # inside a word too


def test_rows_carry_what_the_queue_shows(session: Session, data: dict[str, int]) -> None:
    page = list_tickets(session, TicketFilters(view="mine"), me_id=data["ann"], now=NOW)
    urgent = next(r for r in page.rows if r.id == data["mine_urgent"])
    assert urgent.customer == "Mari Tamm" and urgent.assignee == "Ann Agent"
    assert urgent.next_due_at == NOW + timedelta(minutes=30)  # the first response comes first
    late = next(r for r in page.rows if r.id == data["mine_late"])
    assert late.next_due_at == NOW - timedelta(hours=1)  # answered: the resolution is next


def test_paging_clamps_to_the_last_page(session: Session, data: dict[str, int]) -> None:
    page = list_tickets(session, TicketFilters(), me_id=None, page=9, page_size=2, now=NOW)
    assert (page.page, page.total, len(page.rows)) == (3, 5, 1)


def test_filter_options(session: Session, data: dict[str, int]) -> None:
    options = ticket_filter_options(session)
    assert "Ann Agent" in [n for _i, n in options["assignees"]]
    assert options["categories"] == ["Billing"]
    assert options["channels"] == ["email", "web"]


def test_filters_round_trip_and_tolerate_junk() -> None:
    f = TicketFilters(view="sla", statuses=["open"], assignee_ids=[3])
    assert TicketFilters.from_dict(f.to_dict()) == f
    assert TicketFilters.from_dict({"view": "everything", "x": 1}).view == "all"
