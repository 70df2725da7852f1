"""Customer-360 figures, the health score's rules and reasons, and the merged timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_app.models import (
    Activity,
    Company,
    Contact,
    Deal,
    DealStageChange,
    Order,
    Pipeline,
    Stage,
    Ticket,
)
from crm_app.services import customer360 as c360
from crm_app.services import timeline

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _days(n: float) -> datetime:
    return NOW - timedelta(days=n)


@pytest.fixture
def world(session):
    company = Company(name="Kohvik Kuu OÜ")
    session.add(company)
    session.flush()
    anna = Contact(first_name="Anna", last_name="Tamm", company_id=company.id)
    other = Contact(first_name="Mart", last_name="Mets", company_id=company.id)
    session.add_all([anna, other])
    pipeline = Pipeline(name="Sales")
    session.add(pipeline)
    session.flush()
    stages = {
        "open": Stage(pipeline_id=pipeline.id, name="Proposal", position=1, probability=50),
        "won": Stage(pipeline_id=pipeline.id, name="Won", position=2, probability=100, is_won=True),
        "lost": Stage(pipeline_id=pipeline.id, name="Lost", position=3, is_lost=True),
    }
    session.add_all(stages.values())
    session.flush()
    session.commit()
    return {
        "company": company,
        "anna": anna,
        "other": other,
        "pipeline": pipeline,
        "stages": stages,
    }


def _deal(session, world, stage: str, value: float, contact=None, **kw) -> Deal:
    deal = Deal(
        title=f"{stage} {value}",
        value=value,
        currency="EUR",
        pipeline_id=world["pipeline"].id,
        stage_id=world["stages"][stage].id,
        contact_id=(contact or world["anna"]).id,
        **kw,
    )
    session.add(deal)
    session.flush()
    return deal


def _order(session, contact, at: datetime, total: float, deal_id=None, n=[0]) -> Order:  # noqa: B006
    n[0] += 1
    order = Order(
        number=f"O-{n[0]}", contact_id=contact.id, ordered_at=at, total=total, deal_id=deal_id
    )
    session.add(order)
    session.flush()
    return order


def test_lifetime_value_counts_orders_and_won_deals_without_an_order_once(session, world):
    anna = world["anna"]
    won_with_order = _deal(session, world, "won", 500)
    _order(session, anna, _days(100), 500, deal_id=won_with_order.id)
    _order(session, anna, _days(40), 250)
    _deal(session, world, "won", 300)  # won, no order (yet): counted from the deal
    _deal(session, world, "open", 1000)
    _deal(session, world, "lost", 9999)
    session.add(Ticket(subject="Broken grinder", contact_id=anna.id, priority="urgent"))
    session.add(Ticket(subject="Old", contact_id=anna.id, status="solved"))
    session.commit()

    s = c360.contact_summary(session, anna.id, now=NOW)
    assert s.lifetime_value == 500 + 250 + 300
    assert (s.open_deals, s.open_deal_value) == (1, 1000)
    assert s.open_tickets == 1 and s.orders == 2
    assert s.days_since_purchase == 40 and s.usual_interval_days == 60


def test_health_rules_and_reasons():
    score, level, reasons, interval = c360.health(
        now=NOW,
        last_contacted_at=_days(120),
        purchases=[_days(300), _days(270), _days(240)],  # every 30 days; last 240 days ago
        open_tickets={"urgent": 1, "high": 2, "normal": 4},
        csat=[2, 2, 3],
        open_deals=0,
        stage="customer",
    )
    assert interval == 30
    points = {r.message: r.points for r in reasons}
    assert points["Days without contact: {days}"] == -15
    overdue = next(r for r in reasons if "overdue" in r.message)
    assert overdue.points == -25 and overdue.values["times"] == 8
    assert points["Urgent or high-priority tickets open: {n}"] == -30
    assert points["Satisfaction {score} of 5"] == -15
    assert score == 0 and level == "at_risk"  # 70 − 15 − 25 − 30 − 15, clamped
    assert [abs(r.points) for r in reasons] == sorted(
        (abs(r.points) for r in reasons), reverse=True
    )


def test_a_recent_regular_customer_is_healthy():
    score, level, reasons, _ = c360.health(
        now=NOW,
        last_contacted_at=_days(3),
        purchases=[_days(70), _days(40), _days(10)],
        open_tickets={},
        csat=[5, 4],
        open_deals=1,
        stage="customer",
    )
    assert score == 70 + 10 + 10 + 5 + 5 == 100 and level == "good"
    assert {r.message for r in reasons} >= {
        "Days since the last contact: {days}",
        "Open deals: {n}",
    }


def test_never_contacted_and_churned():
    score, level, reasons, interval = c360.health(
        now=NOW, last_contacted_at=None, purchases=[], open_tickets={}, csat=[],
        open_deals=0, stage="churned",
    )  # fmt: skip
    assert interval is None and score == 20 and level == "at_risk"
    assert reasons[0].message == "Marked as churned"


def test_timeline_merges_sources_newest_first_and_pages_without_gaps(session, world):
    anna = world["anna"]
    deal = _deal(session, world, "open", 100)
    for i in range(25):
        session.add(
            Activity(
                kind="call" if i % 2 else "note",
                subject=f"a{i}",
                contact_id=anna.id,
                occurred_at=_days(i),
            )
        )
    session.add(
        DealStageChange(
            deal_id=deal.id, to_stage_id=world["stages"]["open"].id, changed_at=_days(2.5)
        )
    )
    session.add(Ticket(subject="Help", contact_id=anna.id, created_at=_days(5.5)))
    _order(session, anna, _days(7.5), 80)
    session.add(
        Activity(
            kind="note", subject="someone else", contact_id=world["other"].id, occurred_at=_days(1)
        )
    )
    session.commit()

    seen, cursor, pages = [], None, 0
    while True:
        page = timeline.page_of(session, contact_id=anna.id, limit=10, before=cursor)
        seen.extend(page.entries)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 25 + 3
    assert [e.at for e in seen] == sorted((e.at for e in seen), reverse=True)
    assert len({(e.kind, e.id) for e in seen}) == len(seen)
    assert {e.kind for e in seen} == {"note", "call", "stage", "ticket", "order"}
    assert "someone else" not in {e.title for e in seen}

    calls = timeline.page_of(session, contact_id=anna.id, kinds=["call"], limit=50).entries
    assert len(calls) == 12 and {e.kind for e in calls} == {"call"}


def test_company_timeline_and_summary_include_its_contacts(session, world):
    session.add(
        Activity(
            kind="meeting", subject="with Mart", contact_id=world["other"].id, occurred_at=_days(1)
        )
    )
    session.add(
        Activity(
            kind="note",
            subject="about the company",
            company_id=world["company"].id,
            occurred_at=_days(2),
        )
    )
    _order(session, world["anna"], _days(3), 120)
    session.commit()
    titles = [e.title for e in timeline.page_of(session, company_id=world["company"].id).entries]
    assert titles[:2] == ["with Mart", "about the company"] and "O-" in titles[2]
    assert c360.company_summary(session, world["company"].id, now=NOW).lifetime_value == 120
