"""SLA policies, due times, the pending pause, state levels, breach recording and the
near-breach notification (once)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_app.models import Notification, SlaPolicy, Ticket, TicketSlaEvent
from crm_app.services.tickets import sla, sla_watch
from crm_app.services.tickets.calendar import BusinessCalendar, load_calendar
from crm_app.services.tickets.editing import TicketInput, create_ticket, update_ticket

from .ticket_fixtures import MONDAY_10, make_team

CAL = BusinessCalendar(time_zone="UTC")


@pytest.fixture
def team(session):
    return make_team(session)


def _ticket(session, team, *, priority="normal", assignee=None, at=MONDAY_10) -> Ticket:
    ticket = create_ticket(
        session,
        TicketInput(
            subject="Grinder jammed",
            priority=priority,
            contact_id=team.customer.id,
            assignee_id=assignee.id if assignee else None,
        ),
        actor_id=team.manager.id,
        now=at,
    )
    session.commit()
    return ticket


def test_the_migration_seeds_the_default_policies(session):
    rows = {p.priority: p for p in session.execute(sa.select(SlaPolicy)).scalars()}
    assert {k: (v.first_response_minutes, v.resolution_minutes) for k, v in rows.items()} == (
        sla.DEFAULT_POLICIES
    )


def test_due_times_are_business_hours_from_creation(session, team):
    ticket = _ticket(session, team, priority="urgent")  # 1 h / 4 h
    assert ticket.first_response_due_at == MONDAY_10 + timedelta(hours=1)
    assert ticket.resolution_due_at == MONDAY_10 + timedelta(hours=4)
    normal = _ticket(session, team, priority="normal")  # 8 h / 24 h from Monday 10:00
    assert normal.first_response_due_at == MONDAY_10 + timedelta(days=1)  # Tuesday 10:00
    assert normal.resolution_due_at == MONDAY_10 + timedelta(days=3)  # Thursday 10:00


def test_policies_are_edited_in_hours_and_validated(session):
    values, errors = sla.validate_policies(
        {
            "urgent": ("0.5", "2"),
            "high": ("abc", "8"),
            "normal": ("8", "4"),
            "low": ("", ""),
        }
    )
    assert errors == {
        "high.first_response": "Enter a number of hours above 0.",
        "normal.resolution": "Resolution cannot be due before the first response.",
    }
    assert values["urgent"] == (30, 120)
    assert values["low"] == (None, None)
    sla.save_policies(session, {"urgent": (30, 120), "low": (None, None)}, actor_id=None)
    assert sla.policies(session)["urgent"].first_response_minutes == 30
    due = sla.compute_due(session, priority="low", created_at=MONDAY_10, calendar=CAL)
    assert due == (None, None)


def test_pending_stops_the_clock_and_leaving_it_pushes_the_due_times(session, team):
    ticket = _ticket(session, team, priority="urgent")  # due 11:00 and 14:00
    update_ticket(session, ticket.id, {"status": "pending"}, actor_id=team.agent.id, now=MONDAY_10)
    paused = sla.sla_state(ticket, MONDAY_10 + timedelta(hours=5), calendar=CAL)
    assert paused.paused and paused.first_response.status == "paused"
    assert paused.first_response.minutes_left == 60  # frozen while pending
    # pending from 10:00 to 16:00 Monday: 6 business hours
    update_ticket(
        session,
        ticket.id,
        {"status": "open"},
        actor_id=team.agent.id,
        now=MONDAY_10 + timedelta(hours=6),
    )
    assert ticket.sla_paused_at is None
    assert ticket.sla_paused_minutes == 360
    # 11:00 + 6 business hours = Monday 17:00; 14:00 + 6 h = Tuesday 12:00
    assert ticket.first_response_due_at == MONDAY_10 + timedelta(hours=7)
    assert ticket.resolution_due_at == MONDAY_10 + timedelta(hours=26)


def test_a_priority_change_recomputes_unmet_targets_with_the_pause(session, team):
    ticket = _ticket(session, team, priority="low")
    ticket.sla_paused_minutes = 60
    update_ticket(session, ticket.id, {"priority": "urgent"}, actor_id=team.agent.id)
    assert ticket.first_response_due_at == MONDAY_10 + timedelta(hours=2)
    assert ticket.resolution_due_at == MONDAY_10 + timedelta(hours=5)


def test_levels_ok_warning_breached(session, team):
    ticket = _ticket(session, team, priority="urgent")  # first response due 11:00 (60 min)
    ok = sla.sla_state(ticket, MONDAY_10 + timedelta(minutes=40), calendar=CAL)
    assert (ok.first_response.status, ok.first_response.level) == ("running", "ok")
    assert ok.first_response.minutes_left == 20
    warn = sla.sla_state(ticket, MONDAY_10 + timedelta(minutes=50), calendar=CAL)
    assert warn.first_response.level == "warning" and warn.level == "warning"
    late = sla.sla_state(ticket, MONDAY_10 + timedelta(minutes=75), calendar=CAL)
    assert late.first_response.status == "breached" and late.level == "breached"
    assert late.first_response.minutes_left == -15
    assert late.next_due is not None and late.next_due.target == sla.RESOLUTION


def test_a_target_met_in_time_or_late(session, team):
    ticket = _ticket(session, team, priority="urgent")
    ticket.first_response_at = MONDAY_10 + timedelta(minutes=30)
    assert (
        sla.sla_state(ticket, MONDAY_10 + timedelta(days=2), calendar=CAL).first_response.status
        == "met"
    )
    ticket.first_response_at = MONDAY_10 + timedelta(minutes=90)
    state = sla.sla_state(ticket, MONDAY_10 + timedelta(days=2), calendar=CAL)
    assert state.first_response.status == "breached"


def test_solving_late_records_the_breach(session, team):
    ticket = _ticket(session, team, priority="urgent")
    update_ticket(
        session,
        ticket.id,
        {"status": "solved"},
        actor_id=team.agent.id,
        now=MONDAY_10 + timedelta(hours=5),
    )
    assert ticket.sla_breached is True
    targets = {e.target for e in sla.breaches(session, ticket.id)}
    assert targets == {sla.FIRST_RESPONSE, sla.RESOLUTION}


def _notes(session, user_id) -> list[Notification]:
    return list(
        session.execute(
            sa.select(Notification).where(
                Notification.user_id == user_id, Notification.kind == sla_watch.KIND
            )
        ).scalars()
    )


def test_the_watch_warns_the_assignee_once_then_records_the_breach(session, team):
    ticket = _ticket(session, team, priority="urgent", assignee=team.agent)
    cal = load_calendar(session)
    assert (
        sla_watch.watch(session, MONDAY_10 + timedelta(minutes=30), calendar=cal)["warnings"] == 0
    )
    assert _notes(session, team.agent.id) == []

    counts = sla_watch.watch(session, MONDAY_10 + timedelta(minutes=50), calendar=cal)
    assert counts["warnings"] == 1
    again = sla_watch.watch(session, MONDAY_10 + timedelta(minutes=55), calendar=cal)
    assert again["warnings"] == 0
    notes = _notes(session, team.agent.id)
    assert len(notes) == 1
    assert (
        notes[0].values["reference"] == f"#{ticket.id}" and notes[0].link == f"/tickets/{ticket.id}"
    )

    counts = sla_watch.watch(session, MONDAY_10 + timedelta(minutes=61), calendar=cal)
    assert counts["breaches"] == 1
    assert ticket.sla_breached is True
    assert len(_notes(session, team.agent.id)) == 1  # warned already: no second message
    events = session.execute(
        sa.select(TicketSlaEvent.target, TicketSlaEvent.kind).where(
            TicketSlaEvent.ticket_id == ticket.id
        )
    ).all()
    assert sorted(events) == [("first_response", "breach"), ("first_response", "warning")]
    assert (
        sla_watch.watch(session, MONDAY_10 + timedelta(minutes=62), calendar=cal)["breaches"] == 0
    )


def test_unassigned_tickets_warn_admins_and_managers(session, team):
    _ticket(session, team, priority="urgent")
    sla_watch.watch(session, MONDAY_10 + timedelta(minutes=50), calendar=load_calendar(session))
    assert len(_notes(session, team.admin.id)) == 1
    assert len(_notes(session, team.manager.id)) == 1
    assert _notes(session, team.agent.id) == []


def test_a_breach_found_late_is_told_once_and_an_old_one_not_at_all(session, team):
    fresh = _ticket(session, team, priority="urgent", assignee=team.agent)
    old = _ticket(
        session, team, priority="urgent", assignee=team.other, at=MONDAY_10 - timedelta(days=7)
    )
    counts = sla_watch.watch(
        session, MONDAY_10 + timedelta(minutes=70), calendar=load_calendar(session)
    )
    assert counts["breaches"] == 3  # fresh: first response; old: both targets
    assert fresh.sla_breached and old.sla_breached
    messages = [n.message for n in _notes(session, team.agent.id)]
    assert messages == [sla_watch.MESSAGES[(sla.FIRST_RESPONSE, sla.BREACH)]]
    assert _notes(session, team.other.id) == []


def test_pending_tickets_are_not_watched(session, team):
    ticket = _ticket(session, team, priority="urgent", assignee=team.agent)
    update_ticket(session, ticket.id, {"status": "pending"}, actor_id=team.agent.id, now=MONDAY_10)
    counts = sla_watch.watch(
        session, MONDAY_10 + timedelta(hours=3), calendar=load_calendar(session)
    )
    assert counts == {"breaches": 0, "warnings": 0}
