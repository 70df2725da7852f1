"""Forecast arithmetic on a small hand-made book of deals (numbers worked out by hand)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crm_app.models import Deal, ExchangeRate, Pipeline, Setting, Stage, User
from crm_app.services import forecast


@pytest.fixture
def book(session):
    """Base EUR, USD at 0.9 today; installation time zone Tallinn (UTC+3 from 29 March 2026).

    Sales: Lead 20 %, Offer 50 %, Won, Lost. Renewals: Due 80 %, Renewed, Churned.
    """
    session.add_all(
        [
            Setting(key="time_zone", value="Europe/Tallinn"),
            ExchangeRate(currency="USD", rate=0.9),
        ]
    )
    ann = User(email="ann@example.com", name="Ann", password_hash="x")
    bob = User(email="bob@example.com", name="Bob", password_hash="x")
    sales, renewals = Pipeline(name="Sales", position=0), Pipeline(name="Renewals", position=1)
    session.add_all([ann, bob, sales, renewals])
    session.flush()
    s = {
        name: Stage(pipeline_id=p.id, name=name, probability=prob, is_won=won, is_lost=lost)
        for p, name, prob, won, lost in [
            (sales, "Lead", 20, False, False),
            (sales, "Offer", 50, False, False),
            (sales, "Won", 100, True, False),
            (sales, "Lost", 0, False, True),
            (renewals, "Due", 80, False, False),
            (renewals, "Renewed", 100, True, False),
            (renewals, "Churned", 0, False, True),
        ]
    }
    session.add_all(s.values())
    session.flush()

    def deal(stage, value, *, owner, currency="EUR", expected=None, closed=None, rate=None):
        st = s[stage]
        session.add(
            Deal(
                title=f"{stage} {value}",
                value=value,
                currency=currency,
                exchange_rate=rate,
                pipeline_id=st.pipeline_id,
                stage_id=st.id,
                owner_id=owner.id,
                expected_close=expected,
                closed_at=closed,
            )
        )

    # open, March: 1000 × 50 % = 500; 2000 USD × 0.9 × 20 % = 360; 300 × 80 % = 240
    deal("Offer", 1000, owner=ann, expected=date(2026, 3, 10))
    deal("Lead", 2000, owner=bob, currency="USD", expected=date(2026, 3, 31))
    deal("Due", 300, owner=ann, expected=date(2026, 3, 1))
    # open, April: 400 × 50 % = 200
    deal("Offer", 400, owner=bob, expected=date(2026, 4, 1))
    # open but outside the window, or without a date, or in a lost/won stage: not expected
    deal("Offer", 9999, owner=ann, expected=date(2026, 6, 1))
    deal("Offer", 8888, owner=ann, expected=None)
    deal("Offer", 7777, owner=ann, expected=date(2026, 2, 28))
    # won: 3000 in March; 1000 USD at its snapshot 0.8 = 800 in April (table rate ignored);
    # closed 2026-03-31 22:30 UTC = 1 April 01:30 in Tallinn → April; 500 renewed in March
    deal("Won", 3000, owner=ann, closed=datetime(2026, 3, 15, 12, tzinfo=UTC), rate=1.0,
         expected=date(2026, 3, 20))  # fmt: skip
    deal("Won", 1000, owner=bob, currency="USD", rate=0.8,
         closed=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # fmt: skip
    deal("Renewed", 500, owner=bob, closed=datetime(2026, 3, 2, 9, tzinfo=UTC), rate=1.0)
    deal("Lost", 6000, owner=ann, closed=datetime(2026, 3, 5, tzinfo=UTC), rate=1.0,
         expected=date(2026, 3, 5))  # fmt: skip
    deal("Won", 700, owner=ann, closed=datetime(2026, 2, 27, tzinfo=UTC), rate=1.0)  # February
    session.flush()
    return {"ann": ann, "bob": bob, "sales": sales, "renewals": renewals}


def _cut(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


def test_expected_and_won_revenue_per_month(session, book):
    rows = forecast.forecast(session, start=date(2026, 3, 1), months=3)
    assert _cut(rows, "month", "expected", "won", "open_deals", "won_deals") == [
        ("2026-03", 1100.0, 3500.0, 3, 2),
        ("2026-04", 200.0, 800.0, 1, 1),
        ("2026-05", 0.0, 0.0, 0, 0),
    ]
    assert forecast.totals(rows) == {
        "expected": 1300.0,
        "won": 4300.0,
        "open_deals": 4,
        "won_deals": 3,
    }


def test_by_pipeline(session, book):
    rows = forecast.forecast(session, start=date(2026, 3, 1), months=2, by="pipeline")
    assert _cut(rows, "month", "group_name", "expected", "won") == [
        ("2026-03", "Sales", 860.0, 3000.0),
        ("2026-03", "Renewals", 240.0, 500.0),
        ("2026-04", "Sales", 200.0, 800.0),
        ("2026-04", "Renewals", 0.0, 0.0),
    ]


def test_by_owner_and_filtered(session, book):
    rows = forecast.forecast(session, start=date(2026, 3, 1), months=2, by="owner")
    assert _cut(rows, "month", "group_name", "expected", "won") == [
        ("2026-03", "Ann", 740.0, 3000.0),
        ("2026-03", "Bob", 360.0, 500.0),
        ("2026-04", "Ann", 0.0, 0.0),
        ("2026-04", "Bob", 200.0, 800.0),
    ]
    only_sales = forecast.forecast(
        session,
        start=date(2026, 3, 1),
        months=1,
        pipeline_id=book["sales"].id,
        owner_id=book["bob"].id,
    )
    assert _cut(only_sales, "expected", "won") == [(360.0, 0.0)]


def test_a_month_is_the_installations_or_the_callers_time_zone(session, book):
    utc = forecast.forecast(session, start=date(2026, 3, 1), months=2, time_zone="UTC")
    assert _cut(utc, "month", "won") == [("2026-03", 4300.0), ("2026-04", 0.0)]


def test_a_currency_without_a_rate_counts_nothing_rather_than_a_wrong_amount(session, book):
    session.delete(session.get(ExchangeRate, "USD"))
    session.flush()
    rows = forecast.forecast(session, start=date(2026, 3, 1), months=1)
    # the open USD deal drops out (360); the won USD deal keeps its snapshot (in April)
    assert _cut(rows, "expected", "won", "open_deals") == [(740.0, 3500.0, 3)]


def test_the_default_start_is_this_month(session, book):
    rows = forecast.forecast(session, months=1, now=datetime(2026, 4, 15, tzinfo=UTC))
    assert _cut(rows, "month", "expected", "won") == [("2026-04", 200.0, 800.0)]
    with pytest.raises(ValueError):
        forecast.forecast(session, by="region")
