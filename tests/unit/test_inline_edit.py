"""Inline edit of one field on the record page: the edit form's rules, one field at a time."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from crm_app.models import AuditEntry, Company, Contact, ContactEmail, User
from crm_app.services import contacts, inline_edit, writes
from crm_app.services.errors import NotFound, ValidationError


@pytest.fixture
def ann(session: Session) -> Contact:
    acme = writes.create(session, Company(name="Acme"), actor_id=None)
    data = contacts.ContactInput(
        first_name="Ann",
        last_name="Lee",
        title="Buyer",
        company_id=acme.id,
        emails=[("ann@acme.example", "work"), ("ann@home.example", "home")],
        phones=[("+372 5123 4567", "mobile")],
        tags=["vip"],
        preferences={"channel": "email", "topics": ["beans"]},
    )
    contact = contacts.create_contact(session, data, actor_id=None)
    session.commit()
    return contact


def _audits(session: Session, entity: str) -> int:
    return len(session.exec(select(AuditEntry).where(AuditEntry.entity == entity)).all())


def test_one_field_is_saved_and_audited_and_the_rest_kept(session, ann) -> None:
    before = _audits(session, "contacts")
    assert inline_edit.set_contact_field(session, ann.id, "title", " Head buyer ", actor_id=None)
    values = inline_edit.contact_values(session, ann.id)
    assert values["title"] == "Head buyer"
    assert (values["first_name"], values["email"], values["tags"]) == (
        "Ann",
        "ann@acme.example",
        "vip",
    )
    assert values["phone"] == "+372 5123 4567"
    assert _audits(session, "contacts") == before + 1
    # preferences the form does not own (an import's topics) survive
    assert session.get(Contact, ann.id).preferences["topics"] == ["beans"]


def test_an_unchanged_value_writes_nothing(session, ann) -> None:
    before = len(session.exec(select(AuditEntry)).all())
    assert not inline_edit.set_contact_field(session, ann.id, "title", "Buyer ", actor_id=None)
    assert not inline_edit.set_contact_field(session, ann.id, "do_not_call", False, actor_id=None)
    assert len(session.exec(select(AuditEntry)).all()) == before


def test_an_invalid_value_is_refused_by_the_forms_rules(session, ann) -> None:
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_contact_field(session, ann.id, "email", "not-an-address", actor_id=None)
    assert set(exc.value.errors) == {"email"}
    assert "valid e-mail" in exc.value.errors["email"]
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_contact_field(session, ann.id, "title", "x" * 121, actor_id=None)
    assert set(exc.value.errors) == {"title"}
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_contact_field(session, ann.id, "lifecycle_stage", "emperor", actor_id=None)
    assert set(exc.value.errors) == {"lifecycle_stage"}
    session.rollback()
    assert inline_edit.contact_values(session, ann.id)["email"] == "ann@acme.example"


def test_clearing_the_last_name_of_a_nameless_contact_names_the_field(session, ann) -> None:
    inline_edit.set_contact_field(session, ann.id, "first_name", "", actor_id=None)
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_contact_field(session, ann.id, "last_name", "", actor_id=None)
    assert exc.value.errors == {"last_name": "Enter a first or last name."}


def test_the_primary_email_is_replaced_or_removed(session, ann) -> None:
    inline_edit.set_contact_field(session, ann.id, "email", "Ann@New.Example", actor_id=None)
    rows = session.exec(
        select(ContactEmail).where(ContactEmail.contact_id == ann.id).order_by(ContactEmail.id)
    ).all()
    assert sorted((r.email, r.label, r.is_primary) for r in rows) == [
        ("ann@home.example", "home", False),
        ("ann@new.example", "work", True),
    ]
    inline_edit.set_contact_field(session, ann.id, "email", "", actor_id=None)
    assert inline_edit.contact_values(session, ann.id)["email"] == "ann@home.example"


def test_preferences_consent_owner_stage_and_tags(session, ann) -> None:
    sam = writes.create(
        session, User(email="sam@x.example", name="Sam", password_hash="x"), actor_id=None
    )
    for field, value in [
        ("channel", "phone"),
        ("language", "et"),
        ("consent_email", True),
        ("do_not_call", "1"),
        ("owner_id", str(sam.id)),
        ("lifecycle_stage", "customer"),
        ("tags", "vip, wholesale، beans"),
    ]:
        assert inline_edit.set_contact_field(session, ann.id, field, value, actor_id=sam.id)
    contact = session.get(Contact, ann.id)
    assert contact.preferences["channel"] == "phone" and contact.preferences["language"] == "et"
    assert contact.consent_email and contact.consent_at is not None and contact.do_not_call
    assert (contact.owner_id, contact.lifecycle_stage) == (sam.id, "customer")
    assert inline_edit.contact_values(session, ann.id)["tags"] == "beans, vip, wholesale"
    inline_edit.set_contact_field(session, ann.id, "language", "", actor_id=None)
    inline_edit.set_contact_field(session, ann.id, "consent_email", False, actor_id=None)
    contact = session.get(Contact, ann.id)
    assert "language" not in contact.preferences
    assert (contact.consent_email, contact.consent_at) == (False, None)
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_contact_field(session, ann.id, "channel", "pigeon", actor_id=None)
    assert set(exc.value.errors) == {"channel"}


def test_a_company_field_and_its_errors(session, ann) -> None:
    acme = session.get(Company, ann.company_id)
    assert inline_edit.set_company_field(
        session, acme.id, "domain", "https://www.acme.example/about", actor_id=None
    )
    assert inline_edit.company_values(session, acme.id)["domain"] == "acme.example"
    assert inline_edit.set_company_field(session, acme.id, "employees", "40", actor_id=None)
    assert session.get(Company, acme.id).employees == 40
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_company_field(session, acme.id, "name", "  ", actor_id=None)
    assert exc.value.errors == {"name": "Enter the company name."}
    with pytest.raises(ValidationError) as exc:
        inline_edit.set_company_field(session, acme.id, "employees", "many", actor_id=None)
    assert set(exc.value.errors) == {"employees"}


def test_unknown_fields_and_records(session, ann) -> None:
    with pytest.raises(ValueError):
        inline_edit.set_contact_field(session, ann.id, "external_id", "x", actor_id=None)
    with pytest.raises(ValueError):
        inline_edit.set_company_field(session, ann.company_id, "custom_fields", "x", actor_id=None)
    with pytest.raises(NotFound):
        inline_edit.set_contact_field(session, 9999, "title", "x", actor_id=None)
