"""Companies: form validation (domain, numbers, phone), audited writes, bulk actions, search."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Company, CompanyTag, Contact, User
from crm_app.services import companies, contacts
from crm_app.services.companies import CompanyInput
from crm_app.services.contacts import ContactInput
from crm_app.services.errors import ValidationError


@pytest.fixture
def actor(session) -> User:
    user = User(email="owner@example.com", name="Owner", password_hash="x", role="manager")
    session.add(user)
    session.flush()
    return user


def _audit(session, **where) -> list[AuditEntry]:
    session.expire_all()
    q = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        q = q.where(getattr(AuditEntry, key) == value)
    return list(session.execute(q).scalars())


def _validate(session, default_region=None, **fields):
    return companies.validate_company(
        session, CompanyInput(**fields), default_region=default_region
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("acme.ee", "acme.ee"),
        ("  https://www.Acme.EE/about?x=1 ", "acme.ee"),
        ("http://shop.acme.co.uk:8080/", "shop.acme.co.uk"),
        ("WWW.ACME.COM.", "acme.com"),
        ("info@acme.com", "acme.com"),
        ("näide.ee", "näide.ee"),
        ("", None),
    ],
)
def test_domain_is_reduced_to_its_host(session, typed, stored):
    values, errors = _validate(session, name="Acme", domain=typed)
    assert errors == {}
    assert values["domain"] == stored


@pytest.mark.parametrize("typed", ["acme", "not a domain", "-acme.com", "acme.c0m", "http://"])
def test_a_domain_that_does_not_look_like_one_is_reported(session, typed):
    _, errors = _validate(session, name="Acme", domain=typed)
    assert errors == {"domain": "Enter a domain like example.com."}


def test_name_is_required_and_numbers_must_be_zero_or_more(session):
    _, errors = _validate(session, name=" ", employees="-3", annual_revenue="lots")
    assert errors == {
        "name": "Enter the company name.",
        "employees": "Enter a whole number, 0 or more.",
        "annual_revenue": "Enter an amount, 0 or more.",
    }
    _, errors = _validate(session, name="Acme", employees="2.5", annual_revenue="1e99")
    assert errors == {
        "employees": "Enter a whole number, 0 or more.",
        "annual_revenue": "Enter an amount, 0 or more.",
    }
    _, errors = _validate(session, name="Acme", annual_revenue="1 000 000 000 000")
    assert errors == {"annual_revenue": "This number is too large."}


@pytest.mark.parametrize(
    ("employees", "revenue", "stored"),
    [
        ("12", "1500000", (12, 1500000.0)),
        ("1 200", "1 200 000,50", (1200, 1200000.5)),
        ("1,200", "1,200,000.50", (1200, 1200000.5)),
        ("1.200", "1.200.000", (1200, 1200000.0)),
        ("0", "0", (0, 0.0)),
        ("", "", (None, None)),
    ],
)
def test_numbers_as_people_type_them(session, employees, revenue, stored):
    values, errors = _validate(session, name="Acme", employees=employees, annual_revenue=revenue)
    assert errors == {}
    assert (values["employees"], values["annual_revenue"]) == stored


def test_phone_uses_country_then_default_region(session):
    values, errors = _validate(session, name="Acme", phone="5551 2345", country="ee")
    assert errors == {} and values["phone"] == "+37255512345" and values["country"] == "EE"
    values, errors = _validate(session, "EE", name="Acme", phone="5551 2345")
    assert errors == {} and values["phone"] == "+37255512345"
    _, errors = _validate(session, name="Acme", phone="5551 2345")
    assert errors == {"phone": "Add the country code, e.g. +372 5555 1234."}


def test_create_update_and_form_round_trip_with_audit(session, actor):
    data = CompanyInput(
        name=" Acme ",
        domain="https://acme.ee",
        employees="40",
        annual_revenue="2500000.5",
        phone="+372 5551 2345",
        country="EE",
        owner_id=actor.id,
        tags=["Wholesale"],
    )
    company = companies.create_company(session, data, actor_id=actor.id)
    assert (company.name, company.domain, company.phone) == ("Acme", "acme.ee", "+37255512345")
    assert {(e.entity, e.action) for e in _audit(session)} == {
        ("companies", "create"),
        ("tags", "create"),
        ("company_tags", "create"),
    }

    form = companies.company_form(session, company.id)
    assert (form.employees, form.annual_revenue, form.phone) == (
        "40",
        "2500000.5",
        "+372 5551 2345",
    )
    assert form.tags == ["Wholesale"]
    before = len(_audit(session))
    companies.update_company(session, company.id, form, actor_id=actor.id)
    assert len(_audit(session)) == before  # unchanged: nothing written

    form.industry, form.tags = "Coffee", []
    companies.update_company(session, company.id, form, actor_id=actor.id)
    new = _audit(session)[before:]
    assert [(e.entity, e.action) for e in new] == [
        ("companies", "update"),
        ("company_tags", "delete"),
    ]
    assert new[0].changes == {"industry": [None, "Coffee"]}


def test_a_failed_company_save_writes_nothing(session, actor):
    company = companies.create_company(session, CompanyInput(name="Acme"), actor_id=actor.id)
    before = len(_audit(session))
    with pytest.raises(ValidationError):
        companies.update_company(
            session, company.id, CompanyInput(name="", tags=["New"]), actor_id=actor.id
        )
    assert len(_audit(session)) == before
    assert session.get(Company, company.id).name == "Acme"


def test_delete_companies_keeps_their_contacts_unlinked(session, actor):
    acme = companies.create_company(session, CompanyInput(name="Acme", tags=["VIP"]), actor_id=None)
    other = companies.create_company(session, CompanyInput(name="Other"), actor_id=actor.id)
    person = contacts.create_contact(
        session, ContactInput(first_name="Ada", company_id=acme.id), actor_id=actor.id
    )

    assert companies.delete_companies(session, [acme.id, 999], actor_id=actor.id) == 1

    session.expire_all()
    assert session.get(Company, acme.id) is None and session.get(Company, other.id) is not None
    assert session.get(Contact, person.id).company_id is None
    assert session.execute(sa.select(sa.func.count()).select_from(CompanyTag)).scalar() == 0
    unlinked = _audit(session, entity="contacts", action="update")
    assert [e.changes for e in unlinked] == [{"company_id": [acme.id, None]}]
    assert len(_audit(session, entity="companies", action="delete")) == 1


def test_bulk_tag_and_owner_for_companies(session, actor):
    ids = [
        companies.create_company(session, CompanyInput(name=n), actor_id=actor.id).id
        for n in ("A", "B")
    ]
    assert companies.tag_companies(session, ids, ["Partner"], actor_id=actor.id) == 2
    assert companies.tag_companies(session, ids, ["partner"], actor_id=actor.id) == 0
    assert companies.untag_companies(session, ids[:1], ["PARTNER"], actor_id=actor.id) == 1
    assert companies.assign_company_owner(session, ids, actor.id, actor_id=actor.id) == 2
    assert companies.assign_company_owner(session, ids, actor.id, actor_id=actor.id) == 0
    with pytest.raises(ValidationError):
        companies.assign_company_owner(session, ids, 999, actor_id=actor.id)


def test_search_companies_prefix_first_case_insensitive(session, actor):
    for name in ("Coffee Roasters", "Black Coffee", "coffeeshop 100%", "Tea House", "Õunaaed"):
        session.add(Company(name=name))
    session.flush()

    names = [n for _, n in companies.search_companies(session, "COFFEE")]
    assert names == ["Coffee Roasters", "coffeeshop 100%", "Black Coffee"]
    assert [n for _, n in companies.search_companies(session, "coffee", limit=1)] == [
        "Coffee Roasters"
    ]
    assert [n for _, n in companies.search_companies(session, "100%")] == ["coffeeshop 100%"]
    assert companies.search_companies(session, "Te_") == []  # wildcards are literal
    assert companies.search_companies(session, "a%e") == []
    assert [n for _, n in companies.search_companies(session, "õuna")] == ["Õunaaed"]
    assert companies.search_companies(session, "   ") == []
