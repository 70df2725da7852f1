"""People and a customer for the ticket service tests (imported by tests/unit/test_tickets_*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, User
from crm_app.services import writes

MONDAY_10 = datetime(2026, 11, 23, 10, tzinfo=UTC)  # a Monday, inside 09:00–17:00 UTC


@dataclass
class Team:
    admin: User
    manager: User
    agent: User
    other: User
    customer: Contact
    company: Company


def _user(session: Session, email: str, name: str, role: str) -> User:
    return writes.create(
        session, User(email=email, name=name, password_hash="x", role=role), actor_id=None
    )


def make_team(session: Session) -> Team:
    admin = _user(session, "ada@kestrel.example", "Ada Admin", "admin")
    manager = _user(session, "mo@kestrel.example", "Mo Manager", "manager")
    agent = _user(session, "sam@kestrel.example", "Sam Support", "support")
    other = _user(session, "tia@kestrel.example", "Tia Support", "support")
    company = writes.create(session, Company(name="Põhjala Puit OÜ"), actor_id=None)
    customer = writes.create(
        session,
        Contact(first_name="Noa", last_name="Levi", company_id=company.id),
        actor_id=None,
    )
    writes.create(
        session,
        ContactEmail(contact_id=customer.id, email="noa@levi.example", is_primary=True),
        actor_id=None,
    )
    writes.create(
        session,
        ContactEmail(contact_id=customer.id, email="noa.private@mail.example", label="home"),
        actor_id=None,
    )
    session.commit()
    return Team(admin, manager, agent, other, customer, company)
