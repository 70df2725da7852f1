"""Frames kept between requests (services/analytics/shared.py) and the change counters the
triggers of migration 0011 keep: a kept frame is reused while its tables are unchanged and
read again after any insert, update or delete, in the dashboard's own figures too."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.db import get_engine, migrate
from crm_app.models import Company, DataVersion, Ticket
from crm_app.services.analytics import AnalyticsFilter, context, service, shared


@pytest.fixture(autouse=True)
def _empty() -> None:
    shared.forget()


def _counting(calls: list[int]):
    def load(ctx):
        calls.append(1)
        n = ctx.session.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar()
        return {"tickets": n}

    return load


def _ticket(session: Session, subject: str = "Printer on fire") -> Ticket:
    t = Ticket(subject=subject, created_at=datetime(2026, 3, 2, 9, tzinfo=UTC), status="open")
    session.add(t)
    session.commit()
    return t


def _kept(session: Session, load) -> dict:
    return shared.shared_frame(context(session), "test.tickets", ("tickets",), load)


def test_a_kept_frame_is_read_again_after_every_kind_of_write(session) -> None:
    calls: list[int] = []
    load = _counting(calls)
    assert _kept(session, load) == {"tickets": 0}
    assert _kept(session, load) == {"tickets": 0}
    assert len(calls) == 1  # the second request reused it

    t = _ticket(session)
    assert _kept(session, load) == {"tickets": 1} and len(calls) == 2
    t.subject = "Printer fixed"
    session.add(t)
    session.commit()
    _kept(session, load)
    assert len(calls) == 3  # an update changes the version too
    session.delete(t)
    session.commit()
    assert _kept(session, load) == {"tickets": 0} and len(calls) == 4

    session.add(Company(name="Acme"))  # a table the frame did not read
    session.commit()
    _kept(session, load)
    assert len(calls) == 4


def test_a_write_counts_in_the_writing_transaction(session) -> None:
    before = session.get(DataVersion, "tickets").version
    session.add(Ticket(subject="Late invoice", status="open"))
    session.flush()
    session.expire_all()
    assert session.get(DataVersion, "tickets").version == before + 1
    session.rollback()
    session.expire_all()
    assert session.get(DataVersion, "tickets").version == before


def test_the_dashboard_counts_a_ticket_added_after_it_was_shown(session) -> None:
    march = AnalyticsFilter(date_from=datetime(2026, 3, 1).date(), date_to=None)
    assert service.ticket_count(context(session, march)) == 0
    _ticket(session)
    assert service.ticket_count(context(session, march)) == 1
    # a filter change narrows the kept frame: April has none, all time has the one
    april = AnalyticsFilter(date_from=datetime(2026, 4, 1).date())
    assert service.ticket_count(context(session, april)) == 0
    assert service.ticket_count(context(session)) == 1


def test_two_databases_never_share_a_kept_frame(session, tmp_path) -> None:

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    migrate(other_url)
    with Session(get_engine(other_url)) as other:
        mine = session.get(DataVersion, shared.INSTANCE).version
        theirs = other.get(DataVersion, shared.INSTANCE).version
        assert mine != theirs  # each database draws its own
        _ticket(other)
        assert service.ticket_count(context(other)) == 1
    assert service.ticket_count(context(session)) == 0
    get_engine(other_url).dispose()


def test_only_the_newest_frames_are_kept(session, monkeypatch) -> None:
    monkeypatch.setattr(shared, "MAX_FRAMES", 2)
    calls: list[int] = []
    load = _counting(calls)
    for key in ("a", "b", "c"):
        shared.shared_frame(context(session), key, ("tickets",), load)
    shared.shared_frame(context(session), "c", ("tickets",), load)
    assert len(calls) == 3  # "c" was kept
    shared.shared_frame(context(session), "a", ("tickets",), load)
    assert len(calls) == 4  # "a" was the oldest and went


def test_the_company_counter_of_contacts_moves_only_with_their_company(session) -> None:
    from crm_app.models import Contact

    def version(name: str) -> int:
        session.expire_all()
        return session.get(DataVersion, name).version

    acme = Company(name="Acme")
    mari = Contact(first_name="Mari", last_name="Tamm")
    session.add_all([acme, mari])
    session.commit()
    contacts, company = version("contacts"), version("contacts.company_id")
    mari.last_contacted_at = datetime(2026, 3, 2, 9, tzinfo=UTC)  # logging a call
    session.add(mari)
    session.commit()
    assert (version("contacts"), version("contacts.company_id")) == (contacts + 1, company)
    mari.company_id = acme.id  # a different customer key from now on
    session.add(mari)
    session.commit()
    assert version("contacts.company_id") == company + 1
    session.delete(mari)
    session.commit()
    assert version("contacts.company_id") == company + 2


@pytest.mark.skipif(
    not os.environ.get("RAPPORT_TEST_PG_URL"),
    reason="set RAPPORT_TEST_PG_URL to an empty PostgreSQL database to run it",
)
def test_postgresql_statement_triggers_raise_the_counters() -> None:
    url = os.environ["RAPPORT_TEST_PG_URL"]
    engine = get_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("DROP SCHEMA public CASCADE"))
        c.execute(sa.text("CREATE SCHEMA public"))
    migrate(url)
    with Session(engine) as s:
        _ticket(s)
        s.execute(sa.text("UPDATE contacts SET first_name = 'x' WHERE id = -1"))
        s.execute(sa.text("UPDATE contacts SET company_id = NULL WHERE id = -1"))
        s.commit()
        rows = dict(s.execute(sa.select(DataVersion.name, DataVersion.version)).all())
        # one statement each: the insert, then two updates of contacts (one setting company_id)
        assert (rows["tickets"], rows["contacts"], rows["contacts.company_id"]) == (1, 2, 1)
        assert service.ticket_count(context(s)) == 1
    engine.dispose()


def test_a_table_without_a_counter_is_read_every_time(session) -> None:
    calls: list[int] = []
    load = _counting(calls)
    for _ in range(2):
        shared.shared_frame(context(session), "test.untracked", ("tickets", "tasks"), load)
    assert len(calls) == 2  # "tasks" has no counter: nothing tells when it changed
