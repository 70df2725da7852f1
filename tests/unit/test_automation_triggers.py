"""Automation triggers: each fires exactly once per event, through the one write path."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_app.models import (
    Contact,
    ContactTag,
    Notification,
    Tag,
    Task,
    Ticket,
    TicketSlaEvent,
    utcnow,
)
from crm_app.services import automation, deal_moves, deals, writes
from crm_app.services.automation import triggers
from crm_app.services.deals import DealInput
from crm_app.services.tickets import sla
from crm_app.services.tickets.editing import TicketInput, create_ticket

from .automation_fixtures import (
    People,
    detail,
    make_people,
    make_stages,
    new_contact,
    rule,
    runs,
)

TAG_NEW = [{"kind": "add_tag", "tag": "new"}]


@pytest.fixture
def people(session) -> People:
    return make_people(session)


@pytest.fixture
def stages(session, people) -> dict:
    return make_stages(session, people)


def _tags(session, contact_id: int) -> list[str]:
    q = sa.select(Tag.name).join(ContactTag).where(ContactTag.contact_id == contact_id)
    return list(session.execute(q).scalars())


def test_contact_created_fires_once_and_the_action_commits_with_the_contact(session, people):
    rid = rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    contact = new_contact(session)
    assert _tags(session, contact.id) == ["new"]
    [run] = runs(session, rid)
    assert (run.outcome, run.event_key, run.record_id) == (
        "ok",
        f"contact:{contact.id}",
        contact.id,
    )
    # later writes to the contact are not "created" again; offering the event again is refused
    writes.update(session, contact, {"title": "CEO"}, actor_id=None)
    session.commit()
    ev = automation.Event(triggers.CONTACT_CREATED, "contacts", contact.id, f"contact:{contact.id}")
    assert automation.dispatch(session, [ev]) == []
    session.commit()
    assert len(runs(session, rid)) == 1


def test_a_rolled_back_write_fires_nothing(session, people):
    rid = rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    writes.create(session, Contact(first_name="Gone"), actor_id=None)
    session.rollback()
    new_contact(session, "Kept")
    assert [r.record_id for r in runs(session, rid)] == [
        session.execute(sa.select(Contact.id).where(Contact.first_name == "Kept")).scalar()
    ]


def test_a_rolled_back_savepoint_forgets_only_its_own_writes(session, people):
    rid = rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    kept = writes.create(session, Contact(first_name="Kept"), actor_id=None)
    with pytest.raises(ValueError), session.begin_nested():
        writes.create(session, Contact(first_name="Undone"), actor_id=None)
        raise ValueError("undo")
    later = writes.create(session, Contact(first_name="Later"), actor_id=None)
    assert runs(session, rid) == []  # nothing runs before the real commit
    session.commit()
    assert sorted(r.record_id for r in runs(session, rid)) == sorted([kept.id, later.id])
    assert _tags(session, kept.id) == _tags(session, later.id) == ["new"]


def test_an_inactive_rule_does_nothing(session, people):
    rid = rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    automation.set_active(session, rid, False, actor_id=None)
    session.commit()
    contact = new_contact(session)
    assert _tags(session, contact.id) == [] and runs(session, rid) == []


def test_deal_stage_changed_fires_once_per_move_into_the_chosen_stage(session, people, stages):
    rid = rule(
        session,
        triggers.DEAL_STAGE_CHANGED,
        [{"kind": "create_task", "title": "Prepare the offer", "due_days": "2"}],
        config={"stage_id": stages["Proposal"].id},
    )
    deal = deals.create_deal(
        session,
        DealInput(title="Espresso bar", stage_id=stages["New"].id, owner_id=people.sales[0].id),
        actor_id=None,
    )
    session.commit()
    assert runs(session, rid) == []  # entered New, not Proposal
    deal_moves.move_deal(session, deal.id, stages["Proposal"].id, actor_id=people.sales[0].id)
    session.commit()
    [task] = session.execute(sa.select(Task)).scalars().all()
    assert (task.title, task.deal_id, task.assignee_id) == (
        "Prepare the offer",
        deal.id,
        people.sales[0].id,
    )
    assert task.due_at is not None
    deal_moves.move_deal(session, deal.id, stages["New"].id, actor_id=None)
    deal_moves.move_deal(session, deal.id, stages["Proposal"].id, actor_id=None)
    session.commit()
    assert [r.outcome for r in runs(session, rid)] == ["ok", "ok"]  # a second move is a new event


def test_deal_won_or_lost_fires_for_its_outcome_only(session, people, stages):
    won = rule(session, triggers.DEAL_CLOSED, TAG_NEW, config={"outcome": "won"})
    either = rule(session, triggers.DEAL_CLOSED, [{"kind": "notify", "message": "closed"}])
    contact = new_contact(session)
    a = deals.create_deal(
        session,
        DealInput(
            title="A", stage_id=stages["New"].id, contact_id=contact.id, owner_id=people.sales[1].id
        ),
        actor_id=None,
    )
    b = deals.create_deal(session, DealInput(title="B", stage_id=stages["New"].id), actor_id=None)
    session.commit()
    deal_moves.move_deal(session, a.id, stages["Won"].id, actor_id=None)
    deal_moves.move_deal(session, b.id, stages["Lost"].id, actor_id=None, lost_reason="price")
    session.commit()
    assert [r.record_id for r in runs(session, won)] == [a.id]
    assert _tags(session, contact.id) == ["new"]
    assert [(r.record_id, r.outcome) for r in runs(session, either)] == [
        (a.id, "ok"),
        (b.id, "skipped"),
    ]
    [note] = session.execute(sa.select(Notification)).scalars().all()  # b has no owner
    assert note.user_id == people.sales[1].id and note.values["message"] == "closed"
    assert "there is no active user" in detail(runs(session, either)[1])


def test_ticket_created_fires_once(session, people):
    rid = rule(
        session,
        triggers.TICKET_CREATED,
        [{"kind": "assign_owner", "role": "support"}],
    )
    ticket = create_ticket(
        session,
        TicketInput(subject="Grinder broken", email="ann@example.com", name="Ann Lee"),
        actor_id=None,
    )
    session.commit()
    session.refresh(ticket)
    assert ticket.assignee_id == people.support.id
    assert [r.event_key for r in runs(session, rid)] == [f"ticket:{ticket.id}"]


def test_sla_close_to_breach_fires_once_per_warning(session, people):
    rid = rule(
        session,
        triggers.SLA_WARNING,
        [{"kind": "notify", "user": str(people.manager.id), "message": "Escalate"}],
    )
    ticket = create_ticket(
        session,
        TicketInput(subject="Slow", email="b@example.com", assignee_id=people.support.id),
        actor_id=None,
    )
    session.commit()
    now = utcnow()
    assert sla.record_event(session, ticket, sla.RESOLUTION, sla.WARNING, at=now)
    session.commit()
    assert not sla.record_event(session, ticket, sla.RESOLUTION, sla.WARNING, at=now)
    sla.record_event(
        session, ticket, sla.RESOLUTION, sla.BREACH, at=now
    )  # a breach is not a warning
    session.commit()
    event_id = session.execute(
        sa.select(TicketSlaEvent.id).where(TicketSlaEvent.kind == "warning")
    ).scalar()
    assert [r.event_key for r in runs(session, rid)] == [f"sla:{event_id}"]
    [note] = (
        session.execute(sa.select(Notification).where(Notification.kind == "automation"))
        .scalars()
        .all()
    )
    assert note.user_id == people.manager.id and note.link == f"/tickets/{ticket.id}"


def test_no_contact_for_n_days_fires_once_per_quiet_stretch(session, people):
    rid = rule(session, automation.triggers.NO_CONTACT, TAG_NEW, config={"days": "30"})
    now = utcnow()
    quiet = new_contact(session, "Quiet")
    recent = new_contact(session, "Recent")
    writes.update(session, quiet, {"last_contacted_at": now - timedelta(days=40)}, actor_id=None)
    writes.update(session, recent, {"last_contacted_at": now - timedelta(days=3)}, actor_id=None)
    session.commit()
    assert automation.run_quiet_rules(session, now) == 1
    session.commit()
    assert automation.run_quiet_rules(session, now + timedelta(hours=1)) == 0
    assert _tags(session, quiet.id) == ["new"] and _tags(session, recent.id) == []
    # reached again, then quiet for another 30 days: a new stretch, a new run
    writes.update(session, quiet, {"last_contacted_at": now + timedelta(days=1)}, actor_id=None)
    session.commit()
    later = now + timedelta(days=35)
    assert automation.run_quiet_rules(session, later) == 2  # quiet again, and recent now too
    session.commit()
    keys = sorted(r.event_key for r in runs(session, rid))
    assert len(keys) == 3 and len(set(keys)) == 3


def test_the_shared_job_runner_runs_the_quiet_rules(session, db_url, people):
    from crm_app.services import jobs

    rid = rule(session, triggers.NO_CONTACT, TAG_NEW, config={"days": "7"})
    quiet = new_contact(session, "Quiet")
    writes.update(
        session, quiet, {"last_contacted_at": utcnow() - timedelta(days=8)}, actor_id=None
    )
    session.commit()
    assert "automation_no_contact" in jobs.run_periodic({}, url=db_url)
    session.expire_all()
    assert [r.record_id for r in runs(session, rid)] == [quiet.id]
    assert _tags(session, quiet.id) == ["new"]


def test_the_quiet_job_is_registered_as_periodic_work():
    from crm_app.services import jobs

    assert "automation_no_contact" in jobs.periodic_names()
    assert "automation_webhook" in jobs.registered_kinds()


def test_a_ticket_from_a_new_contact_fires_both_triggers(session, people):
    made = rule(session, triggers.CONTACT_CREATED, TAG_NEW)
    opened = rule(session, triggers.TICKET_CREATED, [{"kind": "add_tag", "tag": "support"}])
    ticket = create_ticket(
        session, TicketInput(subject="Hi", email="new@example.com"), actor_id=None
    )
    session.commit()
    contact_id = session.get(Ticket, ticket.id).contact_id
    assert sorted(_tags(session, contact_id)) == ["new", "support"]
    assert len(runs(session, made)) == len(runs(session, opened)) == 1
