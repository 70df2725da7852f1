"""Next best actions: stalled deals, overdue customers, tickets about to breach, one-click task."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from crm_app.models import Deal, DealStageChange, Pipeline, Stage, Task, Ticket, User
from crm_app.services.analytics import actions, context

from .test_analytics_customers import NOW, buyers  # noqa: F401 (fixture)

D = timedelta(days=1)


@pytest.fixture
def board(session):
    """Lead stays of 2, 4 and 6 days (median 4); two deals in Lead now: 10 and 5 days."""
    ann = User(email="ann@example.com", name="Ann", password_hash="x")
    p = Pipeline(name="Sales")
    session.add_all([ann, p])
    session.flush()
    lead = Stage(pipeline_id=p.id, name="Lead", position=0)
    offer = Stage(pipeline_id=p.id, name="Offer", position=1)
    session.add_all([lead, offer])
    session.flush()
    for days in (2, 4, 6):
        d = Deal(title=f"moved after {days}", pipeline_id=p.id, stage_id=offer.id)
        session.add(d)
        session.flush()
        entered = NOW - 30 * D
        session.add_all(
            [
                DealStageChange(deal_id=d.id, to_stage_id=lead.id, changed_at=entered),
                DealStageChange(
                    deal_id=d.id,
                    from_stage_id=lead.id,
                    to_stage_id=offer.id,
                    changed_at=entered + days * D,
                ),
            ]
        )
    stuck = Deal(title="Stuck", pipeline_id=p.id, stage_id=lead.id, stage_entered_at=NOW - 10 * D)
    fresh = Deal(title="Fresh", pipeline_id=p.id, stage_id=lead.id, stage_entered_at=NOW - 5 * D)
    session.add_all([stuck, fresh])
    session.commit()
    return {"ann": ann, "stuck": stuck}


def test_a_deal_twice_the_median_time_in_its_stage_is_stalled(session, board) -> None:
    ctx = context(session, now=NOW)
    assert actions.median_days_in_stage(ctx).to_list() == [4.0]  # Offer stays are not finished
    found = actions.stalled_deals(ctx)
    assert [(a.name, a.values["days"], a.values["median"]) for a in found] == [("Stuck", 10, 4.0)]
    assert found[0].link == f"/deals/{board['stuck'].id}"


def test_stage_medians_are_reused_until_a_deal_moves(session, board, monkeypatch) -> None:
    computed = []
    real = actions._median_days_in_stage
    monkeypatch.setattr(
        actions, "_median_days_in_stage", lambda ctx: computed.append(1) or real(ctx)
    )
    ctx = context(session, now=NOW)
    assert actions.median_days_in_stage(ctx).to_list() == [4.0]
    assert actions.median_days_in_stage(context(session, now=NOW)).to_list() == [4.0]
    assert len(computed) == 1  # the second request reused the first one's medians
    lead, offer = session.execute(sa.select(Stage.id).order_by(Stage.position)).scalars().all()
    # one more Lead stay of 20 days (median of 2, 4, 6, 20: 5) and Offer stays finished
    d = Deal(title="slow", pipeline_id=board["stuck"].pipeline_id, stage_id=offer)
    session.add(d)
    session.flush()
    session.add_all(
        [
            DealStageChange(deal_id=d.id, to_stage_id=lead, changed_at=NOW - 40 * D),
            DealStageChange(deal_id=d.id, to_stage_id=offer, changed_at=NOW - 20 * D),
        ]
    )
    session.commit()
    assert actions.median_days_in_stage(context(session, now=NOW)).to_list() == [5.0]
    assert len(computed) == 2
    # a new day starts the year's window again (same data: same medians, computed afresh)
    later = context(session, now=NOW + D)
    assert actions.median_days_in_stage(later).to_list() == [5.0]
    assert len(computed) == 3


def test_customers_with_an_overdue_interval(session, buyers) -> None:  # noqa: F811
    found = actions.overdue_customers(context(session, now=NOW))
    assert {a.name: a.values.get("times") for a in found} == {"Alpha": 2, "Beta": None}
    alpha = next(a for a in found if a.name == "Alpha")
    assert alpha.company and alpha.link == f"/companies/{buyers['a'].id}"


def test_tickets_about_to_breach(session) -> None:
    def ticket(name, **due):
        session.add(Ticket(subject=name, status="open", created_at=NOW - D, **due))

    ticket("soon", first_response_due_at=NOW + timedelta(hours=1))
    ticket("late", resolution_due_at=NOW - timedelta(minutes=30), first_response_at=NOW - D)
    ticket("later", first_response_due_at=NOW + timedelta(hours=10))
    ticket("flagged", first_response_due_at=NOW, sla_breached=True)
    ticket("answered", first_response_due_at=NOW, first_response_at=NOW - D)
    session.commit()
    found = actions.tickets_about_to_breach(context(session, now=NOW))
    assert [(a.name, a.values) for a in found] == [
        ("late", {"what": "resolution", "minutes": 30, "time": "30 minutes"}),
        ("soon", {"what": "first response", "minutes": 60, "time": "1 hour"}),
    ]
    assert "overdue" in found[0].reason and "due in" in found[1].reason


def test_one_click_creates_the_suggested_task(session, board) -> None:
    task = actions.create_task_for(
        session, "deal", board["stuck"].id, actor_id=board["ann"].id, now=NOW
    )
    session.commit()
    stored = session.execute(sa.select(Task)).scalar_one()
    assert stored.id == task.id
    assert (stored.title, stored.deal_id, stored.assignee_id, stored.priority) == (
        "Move Stuck forward",
        board["stuck"].id,
        board["ann"].id,
        "high",
    )
    assert stored.due_at.astimezone(UTC).date() == NOW.date()


def test_one_click_on_a_vanished_record_says_so(session, board) -> None:
    from crm_app.services.errors import NotFound, ValidationError

    with pytest.raises(NotFound):
        actions.create_task_for(session, "ticket", 999, actor_id=board["ann"].id)
    with pytest.raises(ValidationError):
        actions.create_task_for(session, "nonsense", 1, actor_id=board["ann"].id)
    assert session.execute(sa.select(sa.func.count(Task.id))).scalar_one() == 0


def test_next_best_actions_has_the_three_lists(session, board) -> None:
    lists = actions.next_best_actions(context(session, now=NOW))
    assert set(lists) == {"deal", "customer", "ticket"}
    assert [a.name for a in lists["deal"]] == ["Stuck"]


def test_an_urgent_ticket_is_not_an_overdue_purchase(session, buyers) -> None:  # noqa: F811
    # customer-360 takes 10 points for one urgent ticket, as for a late purchase: only the
    # purchase-interval reason makes a customer overdue
    session.add(
        Ticket(subject="Down", status="open", priority="urgent", contact_id=buyers["c2"].id)
    )
    session.commit()
    found = actions.overdue_customers(context(session, now=NOW))
    assert sorted(a.name for a in found) == ["Alpha", "Beta"]
