"""The segment filter narrows every analytics figure to the segment's members: the closed and
open deals, the funnel and the forecast, the tickets (the frames are kept unfiltered between
requests and narrowed per request, so this checks the narrowing in pandas against hand counts).

Members: the contacts in Estonia. W1 (won 1000), L1 (lost 500) and O1 (open, Lead, 1000)
belong to Mari (EE); W2 (won, 1600 after the USD snapshot) to Janis (LV); the rest to nobody.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crm_app.models import Contact, Segment, Ticket
from crm_app.services.analytics import AnalyticsFilter, context, funnel, report, service

from .test_analytics_sales import book  # noqa: F401 (fixture)


@pytest.fixture
def estonians(session, book):  # noqa: F811
    mari = Contact(first_name="Mari", last_name="Tamm", country="EE")
    janis = Contact(first_name="Janis", last_name="Ozols", country="LV")
    session.add_all([mari, janis])
    session.flush()
    deals = book["deals"]
    for key in ("W1", "L1", "O1"):
        deals[key].contact_id = mari.id
    deals["W2"].contact_id = janis.id
    session.add_all(deals.values())
    for who, subject in ((mari, "Invoice twice"), (mari, "Login"), (janis, "Refund"), (None, "?")):
        session.add(
            Ticket(
                subject=subject,
                status="open",
                contact_id=who.id if who else None,
                created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
            )
        )
    segment = Segment(name="Estonia", entity="contact", filters={"countries": ["EE"]})
    session.add(segment)
    session.commit()
    return AnalyticsFilter(segment_id=segment.id)


def test_the_sales_figures_count_the_segment_only(session, estonians) -> None:
    figures = report(session, "sales", estonians)
    assert (figures["deals_won"], figures["deals_lost"], figures["win_rate"]) == (1, 1, 0.5)
    assert figures["won_value"] == 1000.0
    assert figures["open_pipeline_value"] == 1000.0  # O1 only (not O2, D1)
    assert figures["weighted_pipeline_value"] == 200.0
    everyone = report(session, "sales")
    assert everyone["deals_won"] == 3  # the filter did not stick to the kept frames


def test_the_funnel_and_forecast_count_the_segment_only(session, estonians) -> None:
    rows = funnel.funnel(context(session, estonians)).to_dict("records")
    # Lead: W1, L1, O1; Offer: W1, L1; Won: W1
    assert [(r["stage"], r["reached"]) for r in rows] == [("Lead", 3), ("Offer", 2), ("Won", 1)]
    quarter = AnalyticsFilter(date(2026, 1, 1), date(2026, 3, 31), segment_id=estonians.segment_id)
    forecast = funnel.forecast_by_month(context(session, quarter)).to_dict("records")
    assert [r["won"] for r in forecast] == [1000.0, 0.0, 0.0]  # W2 (February) is Janis's


def test_the_tickets_count_the_segment_only(session, estonians) -> None:
    assert service.ticket_count(context(session, estonians)) == 2
    assert service.ticket_count(context(session)) == 4


def test_a_segment_that_is_gone_counts_nothing(session, estonians) -> None:
    session.delete(session.get(Segment, estonians.segment_id))
    session.commit()
    assert service.ticket_count(context(session, estonians)) == 0
    assert report(session, "sales", estonians)["deals_won"] == 0
