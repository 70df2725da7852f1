"""The analytics' column-wise health (``customer_health``) equals customer-360's health,
customer by customer, on a varied random set of buyers: contacts alone and companies (own rows
and their contacts'), orders with repeated days and cancelled ones, won deals without orders,
open deals, pressing and calm tickets, CSAT scores with equal and missing rating times,
churned contacts and last contacts on either side of the 30- and 90-day edges."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from crm_app.models import Company, Contact, Deal, Order, Pipeline, Stage, Ticket
from crm_app.services import customer360
from crm_app.services.analytics import context, customers, report
from crm_app.services.analytics.customer_frames import purchase_reasons

NOW = datetime(2026, 9, 1, 12, tzinfo=UTC)
CONTACT_AGES = [None, 0, 29.5, 30, 30.99, 31, 31.2, 89, 90, 90.5, 91, 200, -3]
ORDER_STATUS = ["paid", "paid", "paid", "cancelled"]


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _world(session, seed: int) -> list[tuple[str, int]]:
    """Random buyers; returns their (kind, id). Rows carry either no company or their
    contact's company, so customer-360's scope and the analytics' key agree."""
    rnd = random.Random(seed)
    pipeline = Pipeline(name=f"P{seed}")
    session.add(pipeline)
    session.flush()
    stages = {
        "open": Stage(pipeline_id=pipeline.id, name="Open", position=1, probability=40),
        "won": Stage(pipeline_id=pipeline.id, name="Won", position=2, is_won=True),
        "lost": Stage(pipeline_id=pipeline.id, name="Lost", position=3, is_lost=True),
    }
    session.add_all(stages.values())
    companies = [Company(name=f"Co {i}") for i in range(8)]
    session.add_all(companies)
    session.flush()
    contacts = []
    for i in range(60):
        company = rnd.choice([None, None, *companies])
        age = rnd.choice(CONTACT_AGES)
        contacts.append(
            Contact(
                first_name=f"C{i}",
                last_name="X",
                company_id=company.id if company else None,
                lifecycle_stage=rnd.choice(["customer", "customer", "churned", "lead"]),
                last_contacted_at=None if age is None else _ago(age),
            )
        )
    session.add_all(contacts)
    session.flush()
    n = 0

    def owner() -> dict[str, int | None]:
        """A row's customer: a contact (with or without its company id) or a company alone."""
        contact = rnd.choice(contacts)
        if contact.company_id and rnd.random() < 0.3:
            return {"contact_id": None, "company_id": contact.company_id}
        keep = contact.company_id if rnd.random() < 0.5 else None
        return {"contact_id": contact.id, "company_id": keep}

    for _ in range(90):
        n += 1
        day = rnd.choice([5, 17, 17, 40, 60, 61, 95, 130, 180, 250, 400]) + rnd.random()
        session.add(
            Order(
                number=f"O-{seed}-{n}",
                ordered_at=_ago(day),
                total=rnd.randint(10, 900),
                status=rnd.choice(ORDER_STATUS),
                **owner(),
            )
        )
    for i in range(60):
        stage = rnd.choice(["open", "open", "won", "lost"])
        session.add(
            Deal(
                title=f"D{i}",
                value=rnd.randint(100, 5000),
                pipeline_id=pipeline.id,
                stage_id=stages[stage].id,
                closed_at=_ago(rnd.randint(1, 300)) if stage != "open" else None,
                **owner(),
            )
        )
    rated_at = [None, _ago(3), _ago(3), _ago(10), _ago(50)]
    for i in range(120):
        scored = rnd.random() < 0.6
        session.add(
            Ticket(
                subject=f"T{i}",
                status=rnd.choice(["new", "open", "pending", "solved", "closed"]),
                priority=rnd.choice(["low", "normal", "high", "urgent"]),
                csat_score=rnd.randint(1, 5) if scored else None,
                csat_at=rnd.choice(rated_at) if scored else None,
                **owner(),
            )
        )
    session.commit()
    return [("contact", c.id) for c in contacts] + [("company", c.id) for c in companies]


def _page(session, kind: str, record_id: int) -> customer360.Summary:
    if kind == "company":
        return customer360.company_summary(session, record_id, now=NOW)
    return customer360.contact_summary(session, record_id, now=NOW)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_column_wise_health_equals_customer_360_for_every_customer(session, seed) -> None:
    records = _world(session, seed)
    ctx = context(session, now=NOW)
    table = customers.customer_table(ctx)
    health = customers.health(ctx)
    reasons = purchase_reasons(ctx)
    pages = {
        f"{'co' if kind == 'company' else 'ct'}:{i}": _page(session, kind, i) for kind, i in records
    }
    assert len(table) >= 10
    levels = set()
    for key in table.index:
        page = pages[key]
        assert health.at[key, "health"] == page.health, key
        assert health.at[key, "level"] == page.level, key
        assert health.at[key, "interval"] == page.usual_interval_days, key
        on_page = [r for r in page.reasons if "interval" in r.values]
        assert ([reasons[key]] if key in reasons.index else []) == on_page, key
        levels.add(page.level)
    assert levels == {"good", "watch", "at_risk"}  # the data reaches every level
    at_risk = sum(pages[k].level == "at_risk" for k in table.index)
    assert report(session, "customers", now=NOW)["at_risk_customers"] == at_risk
