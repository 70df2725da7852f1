"""Service metrics from ticket columns, on hand-made tickets (zone UTC, range: March 2026).

    created       first response     resolved         due (first / resolution)  CSAT
T1  1 Mar 10:00   +2 h               +24 h            +4 h / +2 days            5  met
T2  5 Mar 10:00   +10 h (late)       +48 h            +4 h / +3 days            3  missed
T3  10 Mar 10:00  +1 h               –, flagged       +2 h / 11 Mar 10:00       –  breached
T4  12 Mar 10:00  +0.5 h             +8 h             none                      4  no SLA
T5  20 Feb 10:00  +1 h               2 Mar 10:00      met                       –  counted
                                                                      for SLA only
T6  15 Mar 10:00  +1 h               +2 h             met but flagged           –  missed
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from crm_app.models import Ticket, User
from crm_app.services.analytics import AnalyticsFilter, context, report, service

MARCH = AnalyticsFilter(date(2026, 3, 1), date(2026, 3, 31))
H = timedelta(hours=1)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def desk(session):
    ann = User(email="ann@example.com", name="Ann", password_hash="x")
    bob = User(email="bob@example.com", name="Bob", password_hash="x")
    session.add_all([ann, bob])
    session.flush()

    def ticket(
        name,
        created,
        *,
        first=None,
        resolved=None,
        due=None,
        flagged=False,
        csat=None,
        channel="email",
        category=None,
        who=None,
    ):
        session.add(
            Ticket(
                subject=name,
                created_at=created,
                first_response_at=created + first * H if first is not None else None,
                resolved_at=created + resolved * H if isinstance(resolved, int) else resolved,
                first_response_due_at=created + due[0] * H if due else None,
                resolution_due_at=(created + due[1] * H) if due else None,
                sla_breached=flagged,
                csat_score=csat,
                channel=channel,
                category=category,
                assignee_id=who.id if who else None,
                status="solved" if resolved is not None else "open",
            )
        )

    ticket("T1", at(3, 1), first=2, resolved=24, due=(4, 48), csat=5, category="billing", who=ann)
    ticket("T2", at(3, 5), first=10, resolved=48, due=(4, 72), csat=3, channel="phone", who=bob)
    ticket("T3", at(3, 10), first=1, due=(2, 24), flagged=True, who=ann)
    ticket("T4", at(3, 12), first=0.5, resolved=8, csat=4, category="billing")
    ticket("T5", at(2, 20), first=1, resolved=at(3, 2), due=(4, 24 * 11), who=ann)
    ticket("T6", at(3, 15), first=1, resolved=2, due=(4, 24), flagged=True, who=bob)
    session.commit()
    return {"ann": ann, "bob": bob}


def test_the_service_report_for_march(session, desk) -> None:
    assert report(session, "service", MARCH) == {
        "tickets": 5,  # T5 was created in February
        "median_first_response_hours": 1.0,  # 0.5, 1, 1, 2, 10
        "median_resolution_hours": 16.0,  # 2, 8, 24, 48
        "p90_resolution_hours": 40.8,  # 24 + 0.7 × (48 − 24)
        "sla_attainment": 0.4,  # T1, T5 of T1, T2, T3, T5, T6
        "csat_average": 4.0,  # 5, 3, 4
        "csat_responses": 3,
    }


def test_no_tickets_gives_none(session, desk) -> None:
    figures = report(session, "service", AnalyticsFilter(date(2030, 1, 1), date(2030, 1, 2)))
    assert figures["tickets"] == 0 and figures["csat_responses"] == 0
    assert figures["sla_attainment"] is None and figures["median_resolution_hours"] is None


def test_a_breach_counts_in_the_month_it_happened(session, desk) -> None:
    # T3 broke its resolution target on 11 March: in a range of 11 March, not of 12 March
    eleventh = context(session, AnalyticsFilter(date(2026, 3, 11), date(2026, 3, 11)))
    assert list(service.sla_frame(eleventh)["id"].map(_subject(session))) == ["T3"]
    twelfth = context(session, AnalyticsFilter(date(2026, 3, 12), date(2026, 3, 12)))
    assert service.sla_frame(twelfth).empty


def _subject(session):
    names = {t.id: t.subject for t in session.exec(select(Ticket)).all()}
    return lambda i: names[int(i)]


def test_owner_filter_is_the_assignee(session, desk) -> None:
    bob = report(session, "service", AnalyticsFilter(owner_id=desk["bob"].id))
    assert (bob["tickets"], bob["sla_attainment"], bob["csat_average"]) == (2, 0.0, 3.0)


def test_volume_and_agents(session, desk) -> None:
    ctx = context(session, MARCH)
    assert service.volume_by_month(ctx).to_dict("records") == [
        {"month": "2026-03", "channel": "email", "tickets": 4},
        {"month": "2026-03", "channel": "phone", "tickets": 1},
    ]
    by_category = service.volume_by_month(ctx, "category").set_index("category")["tickets"]
    assert by_category.to_dict() == {"": 3, "billing": 2}
    agents = service.agent_performance(ctx).set_index("agent")
    assert agents.loc["Ann", "tickets"] == 2 and agents.loc["Ann", "resolved"] == 1
    assert agents.loc["Ann", "sla_attainment"] == pytest.approx(2 / 3)  # T1, T5 met; T3 not
    assert agents.loc["Bob", "csat_average"] == 3.0
    assert agents.loc["", "tickets"] == 1  # T4, unassigned
    months = service.times_by_month(ctx).iloc[0]
    assert months["first_response_median"] == pytest.approx(1.0)
    assert months["resolution_median"] == pytest.approx(16.0)
    sla = service.sla_by_month(ctx).iloc[0]
    assert (sla["month"], sla["tickets"], sla["attainment"]) == ("2026-03", 5, 0.4)
