"""The public request form service: field errors, the honeypot, rate limits per client and
per address, and linking to an existing contact (any address, any case) or a new one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import Contact, Ticket
from crm_app.services.tickets import public_form

from .ticket_fixtures import make_team

FORM = {
    "name": "Mari Maasikas",
    "email": "mari@example.com",
    "subject": "Printer jams",
    "message": "Every second page jams.",
    "honeypot": "",
    "client_key": "203.0.113.5",
}


def _count(session, model) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def _submit(session, **changes):
    return public_form.submit_request(session, **(FORM | changes))


def test_a_request_opens_an_unassigned_web_ticket_for_a_new_contact(session):
    result = _submit(session)
    assert result.ok
    ticket = session.execute(sa.select(Ticket)).scalar_one()
    assert result.reference == f"#{ticket.id}"
    assert (ticket.channel, ticket.status, ticket.assignee_id) == ("web", "new", None)
    assert ticket.description == "Every second page jams."
    assert ticket.first_response_due_at is not None
    contact = session.get(Contact, ticket.contact_id)
    assert (contact.first_name, contact.last_name, contact.source) == (
        "Mari",
        "Maasikas",
        "web form",
    )


def test_an_existing_contact_is_found_by_any_address_in_any_case(session):
    team = make_team(session)
    contacts = _count(session, Contact)
    result = _submit(session, email="NOA.PRIVATE@mail.example", name="Someone Else")
    assert result.ok
    ticket = session.execute(sa.select(Ticket)).scalar_one()
    assert ticket.contact_id == team.customer.id and ticket.company_id == team.company.id
    assert _count(session, Contact) == contacts


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": " "}, {"name": "Enter your name."}),
        ({"email": ""}, {"email": "Enter your e-mail address."}),
        ({"email": "mari@"}, {"email": "Enter a valid e-mail address, like name@example.com."}),
        ({"subject": "x" * 201}, {"subject": "This text is too long."}),
        ({"message": "   "}, {"message": "Describe your request."}),
        (
            {"name": "", "subject": "", "message": ""},
            {
                "name": "Enter your name.",
                "subject": "Enter a subject.",
                "message": "Describe your request.",
            },
        ),
    ],
)
def test_field_errors_store_nothing(session, changes, errors):
    result = _submit(session, **changes)
    assert result.errors == errors and result.reference == ""
    assert _count(session, Ticket) == 0 and _count(session, Contact) == 0


def test_a_filled_honeypot_pretends_success_and_stores_nothing(session):
    result = _submit(session, honeypot="http://spam.example")
    assert result.ok and result.reference.startswith("#")
    assert _count(session, Ticket) == 0 and _count(session, Contact) == 0


def test_one_address_is_limited(session):
    for i in range(public_form.PER_ADDRESS):
        assert _submit(session, subject=f"Request {i}", client_key=f"10.0.0.{i}").ok
    blocked = _submit(session, email="MARI@example.com", client_key="10.0.1.1")
    assert blocked.errors == {"form": public_form.TOO_MANY}
    assert _count(session, Ticket) == public_form.PER_ADDRESS
    assert _submit(session, email="jaan@example.com", client_key="10.0.1.1").ok


def test_one_client_is_limited_whatever_the_address(session):
    for i in range(public_form.PER_CLIENT):
        _submit(session, email=f"user{i}@example.com")
    blocked = _submit(session, email="new@example.com")
    assert blocked.errors == {"form": public_form.TOO_MANY}
    assert _count(session, Ticket) == public_form.PER_CLIENT
    assert _submit(session, email="new@example.com", client_key="198.51.100.7").ok
