"""Customer metrics on a hand-made set of buyers; "now" is 1 September 2026, zone UTC.

company A (EE, Retail)  orders 1 Jan 100, 2 Mar 200, 1 May 300: interval 60 days, last
                        purchase 123 days ago → overdue ×2; never contacted → 25, at risk
contact c2 (FI, alone)  orders 16 Jul 50 EUR and 15 Aug 100 USD (0.9 → 90), a cancelled
                        one ignored: interval 30, 17 days ago → within; LTV 140
company B (via c3)      won deal 1000 without an order (10 Feb), won deal 500 with its
                        order (1 Apr, counted once): LTV 1500; one order → interval 90,
                        153 days ago → overdue ×1
contact d4              no purchase: not a customer
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from crm_app.models import (
    Company,
    Contact,
    Deal,
    ExchangeRate,
    Order,
    Pipeline,
    Stage,
)
from crm_app.services import customer360
from crm_app.services.analytics import AnalyticsFilter, context, customers, report

NOW = datetime(2026, 9, 1, 12, tzinfo=UTC)


def at(*args: int) -> datetime:
    return datetime(*args, 12, tzinfo=UTC)


@pytest.fixture
def buyers(session):
    session.add(ExchangeRate(currency="USD", rate=0.9))
    a = Company(name="Alpha", country="EE", industry="Retail")
    b = Company(name="Beta")
    session.add_all([a, b])
    session.flush()
    c1 = Contact(first_name="Ann", last_name="Alpha", company_id=a.id)
    c2 = Contact(first_name="Cai", last_name="Solo", country="FI", lifecycle_stage="customer")
    c3 = Contact(first_name="Cid", last_name="Beta", company_id=b.id)
    d4 = Contact(first_name="Dee", last_name="None")
    session.add_all([c1, c2, c3, d4])
    p = Pipeline(name="Sales")
    session.add(p)
    session.flush()
    won = Stage(pipeline_id=p.id, name="Won", is_won=True, probability=100)
    session.add(won)
    session.flush()
    n = iter(range(1, 100))

    def order(total, when, *, contact=None, company=None, currency="EUR", status="paid", deal=None):
        session.add(
            Order(
                number=f"O-{next(n)}",
                contact_id=contact.id if contact else None,
                company_id=company.id if company else None,
                ordered_at=when,
                total=total,
                currency=currency,
                status=status,
                deal_id=deal.id if deal else None,
            )
        )

    order(100, at(2026, 1, 1), company=a)
    order(200, at(2026, 3, 2), contact=c1)  # the company's contact: the company bought
    order(300, at(2026, 5, 1), company=a, contact=c1)
    order(50, at(2026, 7, 16), contact=c2)
    order(100, at(2026, 8, 15), contact=c2, currency="USD")
    order(999, at(2026, 8, 20), contact=c2, status="cancelled")
    lone = Deal(
        title="B1",
        value=1000,
        pipeline_id=p.id,
        stage_id=won.id,
        contact_id=c3.id,
        closed_at=at(2026, 2, 10),
    )
    with_order = Deal(
        title="B2",
        value=500,
        pipeline_id=p.id,
        stage_id=won.id,
        company_id=b.id,
        closed_at=at(2026, 4, 1),
    )
    session.add_all([lone, with_order])
    session.flush()
    order(500, at(2026, 4, 1), company=b, deal=with_order)
    session.commit()
    return {"a": a, "b": b, "c2": c2, "c3": c3}


def test_the_customers_report(session, buyers) -> None:
    assert report(session, "customers", now=NOW) == {
        "customers": 3,
        "new_customers": 3,
        "average_lifetime_value": 746.67,  # (600 + 140 + 1500) / 3
        "at_risk_customers": 1,  # A
    }


def test_range_counts_customers_by_first_purchase(session, buyers) -> None:
    january = AnalyticsFilter(date(2026, 1, 1), date(2026, 1, 31))
    assert report(session, "customers", january, now=NOW) == {
        "customers": 1,
        "new_customers": 1,
        "average_lifetime_value": 600.0,  # lifetime value is the whole life, as on the 360 page
        "at_risk_customers": 1,
    }
    spring = AnalyticsFilter(date(2026, 2, 1), date(2026, 6, 30))
    figures = report(session, "customers", spring, now=NOW)
    assert (figures["customers"], figures["new_customers"]) == (2, 1)  # A before, B new


def test_lifetime_values_and_health_agree_with_the_customer_360_page(session, buyers) -> None:
    ctx = context(session, now=NOW)
    table = customers.customer_table(ctx)
    health = customers.health(ctx)
    pages = {
        f"co:{buyers['a'].id}": customer360.company_summary(session, buyers["a"].id, now=NOW),
        f"co:{buyers['b'].id}": customer360.company_summary(session, buyers["b"].id, now=NOW),
        f"ct:{buyers['c2'].id}": customer360.contact_summary(session, buyers["c2"].id, now=NOW),
    }
    assert sorted(table.index) == sorted(pages)
    for key, page in pages.items():
        assert table.at[key, "lifetime_value"] == page.lifetime_value
        assert (health.at[key, "health"], health.at[key, "level"]) == (page.health, page.level)
    assert sorted(p.lifetime_value for p in pages.values()) == [140.0, 600.0, 1500.0]


def test_unlikely_to_buy_again_gives_the_reason(session, buyers) -> None:
    rows = customers.unlikely_to_buy_again(context(session, now=NOW)).to_dict("records")
    assert [r["name"] for r in rows] == ["Alpha"]
    reason = rows[0]["reason"]
    assert reason.values == {"days": 123, "interval": 60, "times": 2}
    assert "overdue ×{times}" in reason.message


def test_new_customers_per_month_and_cohorts(session, buyers) -> None:
    year = AnalyticsFilter(date(2026, 1, 1), date(2026, 12, 31))
    ctx = context(session, year, now=NOW)
    assert customers.new_customers_by_month(ctx).to_dict("records") == [
        {"month": "2026-01", "customers": 1},
        {"month": "2026-02", "customers": 1},
        {"month": "2026-07", "customers": 1},
    ]
    cohorts = customers.cohort_retention(ctx)
    assert {k: v for k, v in cohorts.loc["2026-01"].items() if v} == {0: 1.0, 2: 1.0, 4: 1.0}
    assert cohorts.loc["2026-02"].to_dict()[2] == 1.0  # B bought again in April
    assert cohorts.loc["2026-07"].to_dict()[1] == 1.0
    assert cohorts.loc["2026-07"].to_dict()[2] == 0.0


def test_breakdowns_top_customers_and_histogram(session, buyers) -> None:
    ctx = context(session, now=NOW)
    by_country = customers.breakdown(ctx, "country").to_dict("records")
    assert by_country == [
        {"country": "", "customers": 1, "value": 1500.0},
        {"country": "EE", "customers": 1, "value": 600.0},
        {"country": "FI", "customers": 1, "value": 140.0},
    ]
    assert customers.breakdown(ctx, "industry").iloc[1].to_dict() == {
        "industry": "Retail",
        "customers": 1,
        "value": 600.0,
    }
    assert list(customers.top_customers(ctx)["name"]) == ["Beta", "Alpha", "Cai Solo"]
    hist = customers.lifetime_value_histogram(ctx, bins=2)
    assert list(hist["customers"]) == [2, 1] and hist["low"].iloc[0] == 140.0


def test_rfm_scores_split_by_quintile() -> None:
    scores = customers._score(pd.Series([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]))
    assert list(scores) == [3, 1, 2, 1, 2, 5, 5, 4, 4, 3]


def test_rfm_segments_with_few_customers_are_all_in_the_middle(session, buyers) -> None:
    segments = customers.rfm_segments(context(session, now=NOW)).to_dict("records")
    assert segments == [{"segment": "Need attention", "customers": 3, "value": 2240.0}]


def test_purchase_reasons_alone_match_the_full_health(session, buyers) -> None:
    from crm_app.services.analytics.customer_frames import purchase_reasons

    alone = purchase_reasons(context(session, now=NOW))
    ctx = context(session, now=NOW)
    customers.health(ctx)
    assert alone.to_dict() == purchase_reasons(ctx).to_dict()
    assert sorted(r.points for r in alone) == [-25, -10, 10]
