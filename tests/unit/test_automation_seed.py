"""The demo's automations: the rules and the lead form are seeded once and work."""

from __future__ import annotations

import sqlalchemy as sa

from crm_app.models import AutomationRule, Contact, LeadForm, Notification, Task
from crm_app.services import deal_moves, deals, lead_form_submit, pipelines
from crm_app.services.deals import DealInput
from crm_app.services.seed.automation_rules import seed_rules
from crm_app.services.tickets import sla
from crm_app.services.tickets.editing import TicketInput, create_ticket

from .automation_fixtures import make_people


def test_the_demo_rules_are_seeded_once_and_fire(session):
    people = make_people(session)
    pipeline = pipelines.create_pipeline(session, "Sales", actor_id=None, is_default=True)
    session.commit()
    assert seed_rules(session) == 4
    session.commit()
    assert seed_rules(session) == 0
    names = session.execute(sa.select(AutomationRule.name).order_by(AutomationRule.id)).scalars()
    assert list(names) == [
        "Welcome new customers",
        "Task when a deal enters negotiation",
        "Escalate tickets close to breach",
        "Web leads go round-robin to sales",
    ]
    # a deal entering the last open stage gets its task, for its owner
    stages = {s.name: s for s in pipelines.active_stages(session, pipeline.id)}
    deal = deals.create_deal(
        session,
        DealInput(title="Café", stage_id=stages["New"].id, owner_id=people.sales[2].id),
        actor_id=None,
    )
    session.commit()
    deal_moves.move_deal(session, deal.id, stages["Proposal"].id, actor_id=None)
    session.commit()
    task = session.execute(sa.select(Task).where(Task.deal_id == deal.id)).scalar_one()
    assert task.assignee_id == people.sales[2].id
    # a ticket nearing its breach: a task for the assignee and a word to the manager
    ticket = create_ticket(
        session,
        TicketInput(subject="Slow", email="c@example.com", assignee_id=people.support.id),
        actor_id=None,
    )
    session.commit()
    sla.record_event(session, ticket, sla.RESOLUTION, sla.WARNING, at=ticket.created_at)
    session.commit()
    assert (
        session.execute(sa.select(Task.assignee_id).where(Task.ticket_id == ticket.id)).scalar()
        == people.support.id
    )
    note = session.execute(
        sa.select(Notification).where(Notification.kind == "automation")
    ).scalar_one()
    assert note.user_id == people.manager.id
    # the demo form: its leads go to sales in turn
    form = session.execute(sa.select(LeadForm)).scalar_one()
    result = lead_form_submit.submit(
        session,
        form.slug,
        {"first_name": "Liis", "email": "liis@example.com"},
        honeypot="",
        client_key="x",
    )
    session.commit()

    assert session.get(Contact, result.contact_id).owner_id == people.sales[0].id


def test_a_fresh_demo_escalates_only_fresh_trouble_and_later_warnings(session):
    """The demo's open tickets include a backlog already past or close to its SLA targets:
    the demo records it as history before the escalation rule exists, so the first SLA watch
    escalates at most a few tickets (not the whole backlog), and a ticket that nears its
    breach later is still escalated."""
    from datetime import timedelta

    from crm_app.models import Ticket, TicketSlaEvent, User, utcnow
    from crm_app.services.seed import seed_demo
    from crm_app.services.tickets import sla_watch

    title = "Reply now: this ticket is close to breaching its SLA"
    seed_demo(session, seed=42)
    now = utcnow()
    sla_watch.watch(session, now + timedelta(minutes=1))  # the worker's first run
    session.commit()
    breaches = session.execute(
        sa.select(sa.func.count())
        .select_from(TicketSlaEvent)
        .where(TicketSlaEvent.kind == "breach")
    ).scalar_one()
    escalations = session.execute(
        sa.select(sa.func.count()).select_from(Task).where(Task.title == title)
    ).scalar_one()
    assert breaches >= 10  # the backlog is there and recorded...
    assert escalations <= 3  # ...but only news is escalated

    agent = session.execute(sa.select(User).where(User.role == "support")).scalars().first()
    ticket = create_ticket(
        session,
        TicketInput(subject="Grinder stuck", email="later@example.com", assignee_id=agent.id),
        actor_id=None,
    )
    session.commit()
    due = sla.aware(session.get(Ticket, ticket.id).first_response_due_at)
    sla_watch.watch(session, due - timedelta(minutes=1))
    session.commit()
    made = session.execute(
        sa.select(Task.assignee_id).where(Task.ticket_id == ticket.id, Task.title == title)
    ).scalars()
    assert list(made) == [agent.id]
