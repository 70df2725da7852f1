"""Dashboard figures against a small hand-built dataset whose every number is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_app.models import (
    Activity,
    Contact,
    Deal,
    ExchangeRate,
    Pipeline,
    Stage,
    Task,
    Ticket,
    User,
    utcnow,
)
from crm_app.services import app_settings, clock, dashboard, writes

TZ = "Europe/Tallinn"


class Builder:
    """Creates records through the audited write path, as the app does."""

    def __init__(self, session):
        self.session = session
        self.me = self.add(
            User(email="me@example.com", name="Mia Me", password_hash="x", time_zone=TZ)
        )
        self.other = self.add(User(email="o@example.com", name="Oscar Other", password_hash="x"))
        self.pipeline = self.add(Pipeline(name="Sales", is_default=True))
        self.qualified = self.add(
            Stage(pipeline_id=self.pipeline.id, name="Qualified", position=0, probability=20)
        )
        self.proposal = self.add(
            Stage(pipeline_id=self.pipeline.id, name="Proposal", position=1, probability=60)
        )
        self.won = self.add(
            Stage(
                pipeline_id=self.pipeline.id, name="Won", position=2, probability=100, is_won=True
            )
        )
        self.lost = self.add(
            Stage(pipeline_id=self.pipeline.id, name="Lost", position=3, is_lost=True)
        )

    def add(self, obj):
        return writes.create(self.session, obj, actor_id=None)

    def deal(self, title, value, stage, currency="EUR", **kw) -> Deal:
        return self.add(
            Deal(
                title=title,
                value=value,
                currency=currency,
                pipeline_id=stage.pipeline_id,
                stage_id=stage.id,
                **kw,
            )
        )


@pytest.fixture
def data(session):
    """The dataset; returns (builder, month start, month end, now) in the user's zone."""
    b = Builder(session)
    start, end = clock.month_range(TZ)
    now = utcnow()

    b.add(ExchangeRate(currency="USD", rate=0.9))
    renewals = b.add(Pipeline(name="Renewals", position=1))
    renewal_open = b.add(Stage(pipeline_id=renewals.id, name="Open"))

    # open deals: 1000 + 2500.50 + 1000 USD × 0.9 + 100 GBP (no rate: 0) + 400 = 4800.50
    b.deal("Open EUR", 1000, b.qualified, owner_id=b.me.id)
    b.deal("Open EUR 2", 2500.50, b.proposal)
    b.deal("Open USD", 1000, b.qualified, currency="USD")
    b.deal("Open GBP without rate", 100, b.proposal, currency="GBP")
    b.deal("Renewal", 400, renewal_open)
    # won this month: 3000 + 2000 USD at the 0.8 snapshot + 500 USD at today's 0.9 = 5050
    b.deal("Won at month start", 3000, b.won, closed_at=start)
    b.deal(
        "Won USD snapshot",
        2000,
        b.won,
        currency="USD",
        exchange_rate=0.8,
        closed_at=start + timedelta(minutes=1),
    )
    b.deal("Won USD table rate", 500, b.won, currency="USD", closed_at=start + timedelta(minutes=2))
    # not this month: a microsecond before it, and the first instant of the next
    b.deal("Won last month", 5000, b.won, closed_at=start - timedelta(microseconds=1))
    b.deal("Won next month", 6000, b.won, closed_at=end)
    # lost this month: neither open nor won
    b.deal("Lost", 7000, b.lost, closed_at=start + timedelta(minutes=1), lost_reason="price")

    # tickets: open = new, open, pending, on hold; urgent open = 2
    for status, priority in [
        ("new", "normal"),
        ("open", "urgent"),
        ("pending", "high"),
        ("on_hold", "urgent"),
        ("solved", "urgent"),
        ("closed", "urgent"),
    ]:
        b.add(Ticket(subject=f"{status} {priority}", status=status, priority=priority))

    # tasks: overdue = 4 (2 mine), not: done, future, no due date
    for title, due, assignee, done in [
        ("mine overdue a day", now - timedelta(days=1), b.me.id, False),
        ("mine overdue a minute", now - timedelta(minutes=1), b.me.id, False),
        ("other overdue", now - timedelta(hours=2), b.other.id, False),
        ("unassigned overdue", now - timedelta(days=3), None, False),
        ("mine done", now - timedelta(days=5), b.me.id, True),
        ("mine future", now + timedelta(days=1), b.me.id, False),
        ("mine undated", None, b.me.id, False),
    ]:
        b.add(
            Task(
                title=title,
                due_at=due,
                assignee_id=assignee,
                done=done,
                done_at=now if done else None,
            )
        )

    ada = b.add(Contact(first_name="Ada", last_name="Lovelace"))
    b.add(
        Activity(
            kind="note",
            subject="Intro",
            occurred_at=now - timedelta(days=3),
            contact_id=ada.id,
            user_id=b.me.id,
        )
    )
    b.add(
        Activity(
            kind="call",
            subject="Follow-up",
            occurred_at=now - timedelta(hours=1),
            user_id=b.other.id,
        )
    )
    b.add(
        Activity(
            kind="email",
            subject="Quote sent",
            occurred_at=now - timedelta(days=1),
            contact_id=ada.id,
        )
    )
    b.add(
        Activity(
            kind="meeting",
            subject="Kickoff",
            occurred_at=now + timedelta(days=1),
            contact_id=ada.id,
            user_id=b.me.id,
        )
    )
    return b, start, end, now


def test_every_figure_matches_the_hand_computed_value(session, data):
    b, start, end, _ = data

    f = dashboard.figures(session, user_id=b.me.id, time_zone=TZ)

    if clock.month_range(TZ) != (start, end):
        pytest.skip("the month changed while the test ran")
    assert f.base_currency == "EUR"
    assert f.open_deals == 5
    assert f.open_pipeline_value == pytest.approx(4800.50)
    assert f.won_this_month_count == 3
    assert f.won_this_month_value == pytest.approx(5050.0)
    assert f.open_tickets == 4
    assert f.urgent_open_tickets == 2
    assert f.overdue_tasks == 4
    assert f.my_overdue_tasks == 2
    assert [a.subject for a in f.recent] == ["Follow-up", "Quote sent", "Intro"]


def test_my_overdue_tasks_are_per_user(session, data):
    b, *_ = data
    assert dashboard.figures(session, user_id=b.other.id, time_zone=TZ).my_overdue_tasks == 1
    assert dashboard.figures(session, user_id=9999, time_zone=TZ).my_overdue_tasks == 0


def test_recent_activities_are_newest_first_without_future_ones(session, data):
    b, _, _, now = data

    recent = dashboard.recent_activities(session)

    assert [(a.kind, a.subject) for a in recent] == [
        ("call", "Follow-up"),
        ("email", "Quote sent"),
        ("note", "Intro"),
    ]
    assert all(a.occurred_at <= now for a in recent)
    assert [a.occurred_at for a in recent] == sorted((a.occurred_at for a in recent), reverse=True)
    follow_up, quote, intro = recent
    assert (follow_up.contact_id, follow_up.contact_name, follow_up.user_name) == (
        None,
        "",
        "Oscar Other",
    )
    assert (quote.contact_name, quote.user_name) == ("Ada Lovelace", "")
    assert (intro.contact_name, intro.user_name) == ("Ada Lovelace", "Mia Me")
    assert intro.occurred_at.tzinfo is not None


def test_recent_limit(session, data):
    b, *_ = data
    f = dashboard.figures(session, user_id=b.me.id, time_zone=TZ, recent_limit=2)
    assert [a.subject for a in f.recent] == ["Follow-up", "Quote sent"]


def test_won_this_month_follows_the_users_time_zone(session, monkeypatch):
    """2026-11-30 22:30 UTC is already December in Tallinn; 2026-12-31 22:30 UTC is January."""
    b = Builder(session)
    b.deal(
        "Closed late on 30 November UTC",
        100,
        b.won,
        closed_at=datetime(2026, 11, 30, 22, 30, tzinfo=UTC),
    )
    b.deal(
        "Closed late on 31 December UTC",
        200,
        b.won,
        closed_at=datetime(2026, 12, 31, 22, 30, tzinfo=UTC),
    )
    b.deal("Closed mid-December", 400, b.won, closed_at=datetime(2026, 12, 15, 12, tzinfo=UTC))
    mid_december = datetime(2026, 12, 15, 12, tzinfo=UTC)
    real_month_range = clock.month_range
    monkeypatch.setattr(
        clock, "month_range", lambda tz, now=None: real_month_range(tz, now=mid_december)
    )

    tallinn = dashboard.figures(session, user_id=b.me.id, time_zone="Europe/Tallinn")
    utc = dashboard.figures(session, user_id=b.me.id, time_zone="UTC")
    new_york = dashboard.figures(session, user_id=b.me.id, time_zone="America/New_York")

    assert (tallinn.won_this_month_count, tallinn.won_this_month_value) == (2, pytest.approx(500.0))
    assert (utc.won_this_month_count, utc.won_this_month_value) == (2, pytest.approx(600.0))
    assert (new_york.won_this_month_count, new_york.won_this_month_value) == (
        2,
        pytest.approx(600.0),
    )


def test_values_are_converted_to_the_configured_base_currency(session):
    b = Builder(session)
    app_settings.put(session, "base_currency", "USD", actor_id=None)
    b.add(ExchangeRate(currency="EUR", rate=1.1))
    b.deal("EUR", 100, b.qualified)  # 110 USD
    b.deal("USD", 50, b.qualified, currency="USD")  # base currency: 50
    b.deal("GBP", 1000, b.qualified, currency="GBP")  # no rate: left out of the sum
    b.deal("EUR snapshot", 10, b.proposal, exchange_rate=2.0)  # snapshot wins: 20

    f = dashboard.figures(session, user_id=b.me.id, time_zone="UTC")

    assert f.base_currency == "USD"
    assert f.open_deals == 4
    assert f.open_pipeline_value == pytest.approx(180.0)


def test_empty_database_gives_zeros(session):
    f = dashboard.figures(session, user_id=1, time_zone=TZ)
    assert f == dashboard.DashboardFigures(
        base_currency="EUR",
        open_pipeline_value=0.0,
        open_deals=0,
        won_this_month_count=0,
        won_this_month_value=0.0,
        open_tickets=0,
        urgent_open_tickets=0,
        overdue_tasks=0,
        my_overdue_tasks=0,
        recent=[],
    )


def test_an_activity_without_a_subject_shows_its_first_line(session) -> None:
    from crm_app.models import Activity
    from crm_app.services import dashboard

    session.add(Activity(kind="note", subject="", body="Called back\nAll good"))
    session.commit()
    assert dashboard.recent_activities(session)[0].subject == "Called back"
