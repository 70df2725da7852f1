"""Sales metrics on a small hand-made book (every expected number worked out by hand).

Installation: Europe/Tallinn (UTC+2 in winter, UTC+3 from 29 March 2026), base EUR, USD at 0.9
today. Sales pipeline: Lead 20 % (pos 0), Offer 50 % (1), Won (2), Lost (3); Renewals: Due 80 %,
Renewed (won).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from crm_app.models import Deal, DealStageChange, ExchangeRate, Pipeline, Setting, Stage, User
from crm_app.services.analytics import AnalyticsFilter, context, funnel, report, sales


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def book(session):
    session.add_all(
        [Setting(key="time_zone", value="Europe/Tallinn"), ExchangeRate(currency="USD", rate=0.9)]
    )
    ann = User(email="ann@example.com", name="Ann", password_hash="x")
    bob = User(email="bob@example.com", name="Bob", password_hash="x")
    sales_p = Pipeline(name="Sales", position=0, is_default=True)
    renewals = Pipeline(name="Renewals", position=1)
    session.add_all([ann, bob, sales_p, renewals])
    session.flush()
    st = {
        name: Stage(
            pipeline_id=p.id, name=name, position=pos, probability=prob, is_won=won, is_lost=lost
        )
        for p, name, pos, prob, won, lost in [
            (sales_p, "Lead", 0, 20, False, False),
            (sales_p, "Offer", 1, 50, False, False),
            (sales_p, "Won", 2, 100, True, False),
            (sales_p, "Lost", 3, 0, False, True),
            (renewals, "Due", 0, 80, False, False),
            (renewals, "Renewed", 1, 100, True, False),
        ]
    }
    session.add_all(st.values())
    session.flush()
    deals = {}

    def deal(key, stage, value, owner, *, history, created=None, closed=None, **extra):
        s = st[stage]
        d = Deal(
            title=key,
            value=value,
            pipeline_id=s.pipeline_id,
            stage_id=s.id,
            owner_id=owner.id,
            created_at=created or at(2026, 6, 1),
            closed_at=closed,
            **extra,
        )
        session.add(d)
        session.flush()
        for i, name in enumerate(history):
            session.add(
                DealStageChange(
                    deal_id=d.id,
                    from_stage_id=st[history[i - 1]].id if i else None,
                    to_stage_id=st[name].id,
                    changed_at=(created or at(2026, 6, 1)),
                )
            )
        deals[key] = d

    deal(
        "W1",
        "Won",
        1000,
        ann,
        history=["Lead", "Offer", "Won"],
        source="web",
        created=at(2026, 1, 1),
        closed=at(2026, 1, 11),
    )  # 10 days
    # closed in USD at a snapshot of 0.8: 2000 × 0.8 = 1600 (not today's 0.9)
    deal(
        "W2",
        "Won",
        2000,
        bob,
        history=["Offer", "Won"],
        source="referral",
        currency="USD",
        exchange_rate=0.8,
        created=at(2026, 1, 5),
        closed=at(2026, 2, 4),
    )  # 30 days
    deal(
        "L1",
        "Lost",
        500,
        ann,
        history=["Lead", "Offer", "Lost"],
        source="web",
        lost_reason="Price",
        created=at(2026, 1, 2),
        closed=at(2026, 1, 20),
    )
    deal(
        "L2",
        "Lost",
        300,
        bob,
        history=["Lead", "Lost"],
        source="referral",
        lost_reason="Price",
        created=at(2026, 1, 3),
        closed=at(2026, 2, 10),
    )
    # 31 March 21:30 UTC is 1 April 00:30 in Tallinn: April, outside a range ending 31 March
    deal(
        "L3",
        "Lost",
        100,
        ann,
        history=["Lead", "Lost"],
        created=at(2026, 3, 1),
        closed=at(2026, 3, 31, 21, 30),
    )
    deal("O1", "Lead", 1000, ann, history=["Lead"])  # weighted 200
    deal("O2", "Offer", 1000, bob, history=["Lead", "Offer"], currency="USD")  # 900, weighted 450
    deal(
        "R1",
        "Renewed",
        400,
        ann,
        history=["Due", "Renewed"],
        created=at(2026, 1, 10),
        closed=at(2026, 1, 15),
    )  # 5 days
    deal("D1", "Due", 100, ann, history=["Due"])  # weighted 80
    session.commit()
    return {"ann": ann, "bob": bob, "sales": sales_p, "renewals": renewals, "deals": deals}


def test_the_sales_report_over_everything(session, book) -> None:
    assert report(session, "sales") == {
        "deals_won": 3,
        "deals_lost": 3,
        "win_rate": 0.5,
        "won_value": 3000.0,  # 1000 + 1600 + 400
        "open_pipeline_value": 2000.0,  # 1000 + 900 + 100
        "weighted_pipeline_value": 730.0,  # 200 + 450 + 80
        "average_won_value": 1000.0,
        "average_cycle_days": 15.0,  # (10 + 30 + 5) / 3
        "sales_velocity": 100.0,  # 3 open deals × 0.5 × 1000 / 15 days
    }


def test_dates_are_inclusive_local_days_on_the_closed_date(session, book) -> None:
    q1 = AnalyticsFilter(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    figures = report(session, "sales", q1)
    assert (figures["deals_won"], figures["deals_lost"], figures["win_rate"]) == (3, 2, 0.6)
    april = report(session, "sales", AnalyticsFilter(date_from=date(2026, 4, 1)))
    assert (april["deals_won"], april["deals_lost"]) == (0, 1)
    assert april["win_rate"] == 0.0
    # open pipeline is as of now whatever the range
    assert april["open_pipeline_value"] == 2000.0
    # February only: W2 and L2
    feb = report(session, "sales", AnalyticsFilter(date(2026, 2, 1), date(2026, 2, 28)))
    assert (feb["won_value"], feb["average_cycle_days"], feb["win_rate"]) == (1600.0, 30.0, 0.5)


def test_nothing_closed_gives_none_not_zero_division(session, book) -> None:
    figures = report(session, "sales", AnalyticsFilter(date(2030, 1, 1), date(2030, 1, 31)))
    assert figures["win_rate"] is None
    assert figures["average_won_value"] is None
    assert figures["average_cycle_days"] is None
    assert figures["sales_velocity"] is None
    assert figures["won_value"] == 0.0


def test_pipeline_and_owner_filters(session, book) -> None:
    only_sales = report(session, "sales", AnalyticsFilter(pipeline_id=book["sales"].id))
    assert only_sales["deals_won"] == 2 and only_sales["won_value"] == 2600.0
    assert only_sales["open_pipeline_value"] == 1900.0
    assert only_sales["weighted_pipeline_value"] == 650.0
    bob = report(session, "sales", AnalyticsFilter(owner_id=book["bob"].id))
    assert (bob["deals_won"], bob["deals_lost"], bob["won_value"]) == (1, 1, 1600.0)


def test_breakdowns_by_owner_source_month_and_lost_reason(session, book) -> None:
    ctx = context(session)
    board = sales.leaderboard(ctx)
    assert list(board["owner"]) == ["Bob", "Ann"]  # most won value first
    assert list(board["won_value"]) == [1600.0, 1400.0]
    assert list(board["win_rate"]) == [0.5, 0.5]
    assert list(board["cycle_days"]) == [30.0, 7.5]
    by_source = sales.win_rate_by_source(ctx).set_index("source")
    assert by_source.loc["web", "win_rate"] == 0.5
    assert by_source.loc["", "won"] == 1 and by_source.loc["", "lost"] == 1  # R1, L3
    months = sales.win_rate_by_month(ctx).set_index("month")
    assert list(months.index) == ["2026-01", "2026-02", "2026-04"]
    assert (months.loc["2026-01", "won"], months.loc["2026-01", "lost"]) == (2, 1)
    assert months.loc["2026-04", "win_rate"] == 0.0
    reasons = sales.lost_reasons(ctx)
    assert reasons.to_dict("records") == [
        {"reason": "Price", "deals": 2, "value": 800.0},
        {"reason": "", "deals": 1, "value": 100.0},
    ]


def test_the_funnel_counts_who_reached_each_stage(session, book) -> None:
    rows = funnel.funnel(context(session)).to_dict("records")
    # reached Lead: all 7 Sales deals; Offer: W1, W2, L1, O2; Won: W1, W2
    assert [(r["stage"], r["reached"]) for r in rows] == [("Lead", 7), ("Offer", 4), ("Won", 2)]
    assert pd.isna(rows[0]["conversion"])
    assert rows[1]["conversion"] == pytest.approx(4 / 7)
    assert rows[2]["conversion"] == 0.5
    renewals = funnel.funnel(context(session, AnalyticsFilter(pipeline_id=book["renewals"].id)))
    assert list(renewals["reached"]) == [2, 1]


def test_pipeline_by_stage_is_in_board_order(session, book) -> None:
    rows = funnel.pipeline_by_stage(context(session)).to_dict("records")
    assert [(r["pipeline"], r["stage"], r["deals"], r["value"]) for r in rows] == [
        ("Sales", "Lead", 1, 1000.0),
        ("Sales", "Offer", 1, 900.0),
        ("Renewals", "Due", 1, 100.0),
    ]


def test_forecast_by_month_reuses_the_forecast(session, book) -> None:
    f = AnalyticsFilter(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    rows = funnel.forecast_by_month(context(session, f)).to_dict("records")
    assert [r["month"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert [r["won"] for r in rows] == [1400.0, 1600.0, 0.0]
