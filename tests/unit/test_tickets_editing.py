"""Creating and changing tickets: validation, status transitions, solved/reopened times,
bulk changes (all or nothing), internal notes, merging, references, assignment notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Contact, ContactEmail, Notification, Ticket, TicketComment
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.tickets import editing
from crm_app.services.tickets.editing import (
    TicketInput,
    add_comment,
    allowed_statuses,
    bulk_update,
    create_ticket,
    merge_tickets,
    ticket_reference,
    update_ticket,
)
from crm_app.services.tickets.reference import mail_subject, parse_reference

from .ticket_fixtures import MONDAY_10, make_team


@pytest.fixture
def team(session):
    return make_team(session)


def _new(session, team, **kw) -> Ticket:
    data = TicketInput(subject=kw.pop("subject", "Steam wand weak"), contact_id=team.customer.id)
    for key, value in kw.items():
        setattr(data, key, value)
    ticket = create_ticket(session, data, actor_id=team.agent.id, now=MONDAY_10)
    session.commit()
    return ticket


def test_create_validates_every_field_before_writing(session, team):
    before = session.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar()
    with pytest.raises(ValidationError) as caught:
        create_ticket(
            session,
            TicketInput(
                subject=" ",
                priority="asap",
                channel="pigeon",
                status="archived",
                email="not-an-address",
                assignee_id=99999,
            ),
            actor_id=team.agent.id,
        )
    assert set(caught.value.errors) == {
        "subject",
        "priority",
        "channel",
        "status",
        "email",
        "assignee_id",
    }
    assert session.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar() == before


def test_create_links_the_contact_by_any_of_its_addresses_and_audits(session, team):
    ticket = _new(session, team, contact_id=None, email="  NOA.Private@Mail.example ")
    assert ticket.contact_id == team.customer.id
    assert ticket.company_id == team.company.id  # follows the contact
    assert ticket.status == "new" and ticket.first_response_due_at is not None
    entry = session.execute(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "tickets", AuditEntry.entity_id == ticket.id
        )
    ).scalar_one()
    assert entry.action == "create" and entry.user_id == team.agent.id


def test_create_makes_a_contact_for_an_unknown_address(session, team):
    ticket = _new(
        session, team, contact_id=None, email="Ruth.Kask@Example.ee", name="Ruth Maria Kask"
    )
    contact = session.get(Contact, ticket.contact_id)
    assert (contact.first_name, contact.last_name, contact.source) == (
        "Ruth Maria",
        "Kask",
        "email",
    )
    assert (
        session.execute(
            sa.select(ContactEmail.email).where(ContactEmail.contact_id == contact.id)
        ).scalar_one()
        == "ruth.kask@example.ee"
    )


def test_the_assignee_is_notified_by_the_audit_hook(session, team):
    ticket = _new(session, team, assignee_id=team.other.id)
    update_ticket(session, ticket.id, {"assignee_id": team.agent.id}, actor_id=team.manager.id)
    session.commit()
    for user in (team.other, team.agent):
        note = session.execute(
            sa.select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "ticket_assigned"
            )
        ).scalar_one()
        assert note.link == f"/tickets/{ticket.id}"


def test_transitions_follow_the_table(session, team):
    assert allowed_statuses("new", "support") == ["open", "pending", "on_hold", "solved", "closed"]
    assert allowed_statuses("solved", "support") == ["open", "closed"]
    assert allowed_statuses("closed", "support") == []
    assert allowed_statuses("closed", "manager") == ["open"]
    ticket = _new(session, team, status="open")
    with pytest.raises(ValidationError) as caught:
        update_ticket(session, ticket.id, {"status": "new"}, actor_id=team.agent.id)
    assert caught.value.errors == {"status": editing.NOT_ALLOWED}


def test_solved_sets_resolved_at_and_reopening_clears_it(session, team):
    ticket = _new(session, team)
    solved_at = MONDAY_10 + timedelta(hours=2)
    update_ticket(session, ticket.id, {"status": "solved"}, actor_id=team.agent.id, now=solved_at)
    assert ticket.resolved_at == solved_at
    reopened = MONDAY_10 + timedelta(hours=3)
    update_ticket(session, ticket.id, {"status": "open"}, actor_id=team.agent.id, now=reopened)
    assert ticket.resolved_at is None
    # a new resolution clock from the reopening: normal = 24 business hours
    assert ticket.resolution_due_at == reopened + timedelta(days=3)


def test_closed_is_final_except_for_a_manager(session, team):
    ticket = _new(session, team)
    update_ticket(session, ticket.id, {"status": "closed"}, actor_id=team.agent.id)
    assert ticket.resolved_at is not None
    with pytest.raises(ValidationError) as caught:
        update_ticket(session, ticket.id, {"status": "open"}, actor_id=team.agent.id)
    assert caught.value.errors == {"status": editing.CLOSED_IS_FINAL}
    update_ticket(session, ticket.id, {"status": "open"}, actor_id=team.manager.id)
    assert ticket.status == "open" and ticket.resolved_at is None


def test_changing_the_contact_moves_the_company(session, team):
    ticket = _new(session, team, contact_id=None)
    assert ticket.company_id is None
    update_ticket(
        session,
        ticket.id,
        {"contact_id": team.customer.id, "category": "  Repair ", "channel": "Phone"},
        actor_id=team.agent.id,
    )
    assert (ticket.company_id, ticket.category, ticket.channel) == (
        team.company.id,
        "Repair",
        "phone",
    )
    with pytest.raises(ValueError):
        update_ticket(session, ticket.id, {"csat_score": 5}, actor_id=team.agent.id)
    with pytest.raises(NotFound):
        update_ticket(session, 424242, {"status": "open"}, actor_id=team.agent.id)


def test_bulk_update_is_all_or_nothing(session, team):
    a, b = _new(session, team), _new(session, team)
    update_ticket(session, b.id, {"status": "closed"}, actor_id=team.agent.id)
    session.commit()
    result = bulk_update(
        session, [a.id, b.id, 999999], {"status": "pending"}, actor_id=team.agent.id
    )
    assert not result.ok and result.updated == []
    assert result.errors == {b.id: editing.CLOSED_IS_FINAL, 999999: editing.GONE}
    assert a.status == "new"

    result = bulk_update(
        session,
        [a.id, a.id],
        {"assignee_id": team.other.id, "status": "open"},
        actor_id=team.agent.id,
    )
    assert result.ok and result.updated == [a.id]
    assert (a.assignee_id, a.status) == (team.other.id, "open")


def test_an_internal_note_is_not_a_response(session, team):
    ticket = _new(session, team)
    note = add_comment(
        session, ticket.id, body="Check warranty", is_public=False, actor_id=team.agent.id
    )
    assert note.is_public is False and note.mail_id is None
    assert ticket.first_response_at is None and ticket.status == "new"
    with pytest.raises(ValidationError):
        add_comment(session, ticket.id, body="  ", is_public=False, actor_id=team.agent.id)


def test_a_public_reply_is_the_first_response_and_opens_the_ticket(session, team):
    ticket = _new(session, team)
    at = MONDAY_10 + timedelta(minutes=20)
    reply = add_comment(
        session, ticket.id, body="On it.", is_public=True, actor_id=team.agent.id, now=at
    )
    assert ticket.first_response_at == at and ticket.status == "open"
    assert reply.mail_id is None  # no mail server set up in this test: stored, not mailed
    later = MONDAY_10 + timedelta(hours=1)
    add_comment(session, ticket.id, body="Done?", is_public=True, actor_id=team.agent.id, now=later)
    assert ticket.first_response_at == at


def test_a_closed_ticket_takes_notes_only(session, team):
    ticket = _new(session, team)
    update_ticket(session, ticket.id, {"status": "closed"}, actor_id=team.agent.id)
    with pytest.raises(ValidationError):
        add_comment(session, ticket.id, body="Hello", is_public=True, actor_id=team.agent.id)
    add_comment(session, ticket.id, body="FYI", is_public=False, actor_id=team.agent.id)


def test_merge_moves_comments_and_closes_the_duplicate(session, team):
    target = _new(session, team, subject="Leaking drip tray")
    source = _new(session, team, subject="Water under machine", description="Photo attached")
    add_comment(
        session, source.id, body="Asked for a photo", is_public=False, actor_id=team.agent.id
    )
    merge_tickets(session, source_id=source.id, target_id=target.id, actor_id=team.agent.id)
    session.commit()
    assert (source.status, source.merged_into_id) == ("closed", target.id)
    assert source.resolved_at is not None
    bodies = session.execute(
        sa.select(TicketComment.ticket_id, TicketComment.body).order_by(TicketComment.id)
    ).all()
    assert (target.id, "Asked for a photo") in bodies
    assert (target.id, f"#{source.id}: Water under machine\n\nPhoto attached") in bodies
    assert (source.id, f"Merged into #{target.id}") in bodies
    with pytest.raises(ValidationError):
        merge_tickets(session, source_id=source.id, target_id=target.id, actor_id=None)
    with pytest.raises(ValidationError):
        merge_tickets(session, source_id=target.id, target_id=source.id, actor_id=None)
    with pytest.raises(ValidationError):
        merge_tickets(session, source_id=target.id, target_id=target.id, actor_id=None)


def test_references(session, team):
    ticket = _new(session, team, subject="Grinder")
    assert ticket_reference(ticket) == f"#{ticket.id}"
    assert mail_subject(ticket) == f"[#{ticket.id}] Grinder"
    assert [parse_reference(t) for t in ("#42", "[#42]", "42", "t-0042", "abc", "")] == [
        42,
        42,
        42,
        42,
        None,
        None,
    ]


def test_reopening_with_a_new_priority_starts_that_prioritys_clock(session, team):
    ticket = _new(session, team)
    update_ticket(session, ticket.id, {"status": "solved"}, actor_id=team.agent.id, now=MONDAY_10)
    reopened = MONDAY_10 + timedelta(hours=1)
    update_ticket(
        session,
        ticket.id,
        {"status": "open", "priority": "urgent", "assignee_id": str(team.other.id)},
        actor_id=team.agent.id,
        now=reopened,
    )
    assert ticket.resolution_due_at == reopened + timedelta(hours=4)
    assert ticket.assignee_id == team.other.id
    with pytest.raises(ValidationError) as caught:
        update_ticket(session, ticket.id, {"assignee_id": "Tia"}, actor_id=team.agent.id)
    assert set(caught.value.errors) == {"assignee_id"}
