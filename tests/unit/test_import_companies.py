"""Importing companies: matching by website, ID or name, the blank-cell rule, re-imports."""

from __future__ import annotations

import sqlalchemy as sa

from crm_app.models import Company, CompanyTag, Tag
from crm_app.services.importing.company_import import NEED_NAME

from .test_import_support import add_user, csv_table, imported, sample


def _company(session, **where) -> Company:
    session.expire_all()
    q = sa.select(Company)
    for key, value in where.items():
        q = q.where(getattr(Company, key) == value)
    return session.execute(q).scalar_one()


def _tags(session, company_id: int) -> list[str]:
    q = (
        sa.select(Tag.name)
        .join(CompanyTag, CompanyTag.tag_id == Tag.id)
        .where(CompanyTag.company_id == company_id)
    )
    return sorted(session.execute(q).scalars())


def test_a_hubspot_company_export(session) -> None:
    maria = add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    result = imported(session, "companies", sample("hubspot_companies.csv"))
    assert (result.created, result.updated, result.rejected) == (3, 0, [])
    northwind = _company(session, name="Northwind Traders")
    assert (northwind.domain, northwind.industry, northwind.employees) == (
        "northwind.example",
        "Wholesale",
        250,
    )
    assert (northwind.annual_revenue, northwind.phone, northwind.owner_id) == (
        12500000.0,
        "+14155550100",
        maria,
    )
    assert (northwind.country, northwind.external_id, northwind.region) == ("US", "9001", "CA")
    assert _company(session, name="Fjord Logistics").domain == "fjord.example"  # from a URL
    assert _company(session, name="Lotus Imports").country == "SG"


def test_a_pipedrive_organization_export_with_labels(session) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    result = imported(session, "companies", sample("pipedrive_organizations.csv"))
    assert result.created == 2
    saar = _company(session, external_id="7001")
    assert (saar.name, saar.domain, saar.employees, saar.street) == (
        "Saar OÜ",
        "saar.example",
        15,
        "Narva mnt 5, Tallinn",
    )
    assert _tags(session, saar.id) == ["Customer"]


def test_matching_by_website_id_or_name_with_blank_cells_kept(session) -> None:
    session.add_all(
        [
            Company(name="Acme", domain="acme.example", industry="Tools", city="Tartu"),
            Company(name="Beta", external_id="B-1", employees=10),
            Company(name="Gamma Group"),
            Company(name="Delta", domain="delta.example"),
        ]
    )
    session.commit()
    table = csv_table(
        "Name,Website,Industry,City,Employees,Record ID\n"
        "ACME Inc,https://www.ACME.example/about,,Tallinn,,\n"
        ",,Software,,12,B-1\n"
        "gamma group,,Consulting,,,\n"
        "Delta,delta.other,,,,\n"
    )
    result = imported(session, "companies", table)
    assert (result.created, result.updated, result.unchanged) == (1, 3, 0)
    acme = _company(session, domain="acme.example")
    assert (acme.name, acme.industry, acme.city) == ("ACME Inc", "Tools", "Tallinn")
    beta = _company(session, external_id="B-1")
    assert (beta.name, beta.industry, beta.employees) == ("Beta", "Software", 12)
    assert _company(session, name="Gamma Group").industry == "Consulting"
    # a company with this name but another website is another company
    assert {
        c.domain
        for c in session.execute(sa.select(Company).where(Company.name == "Delta")).scalars()
    } == {
        "delta.example",
        "delta.other",
    }


def test_rows_of_one_company_merge_and_a_row_without_a_name_is_rejected(session) -> None:
    table = csv_table(
        "Name,Website,Industry,Tags\n"
        "Kivi,kivi.example,,stone\n"
        ',KIVI.example,Building,"stone, local"\n'
        "Kivi,,,export\n"
        ",,Mining,\n"
    )
    result = imported(session, "companies", table)
    assert (result.created, result.merged) == (1, 2)
    kivi = _company(session, domain="kivi.example")
    assert (kivi.name, kivi.industry) == ("Kivi", "Building")
    assert _tags(session, kivi.id) == ["export", "local", "stone"]
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 5, "field": "name", "reason": NEED_NAME}
    ]


def test_importing_the_same_companies_again_changes_nothing(session) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    for name in ("hubspot_companies.csv", "pipedrive_organizations.csv"):
        first = imported(session, "companies", sample(name))
        again = imported(session, "companies", sample(name))
        assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert session.execute(sa.select(sa.func.count()).select_from(Company)).scalar() == 5


def test_names_outside_ascii_match_in_any_case_too(session) -> None:
    session.add(Company(name="ÕUN & POEG", industry="Fruit"))
    session.commit()
    result = imported(
        session, "companies", csv_table("Name,City\nõun & poeg,Tartu\nÜlo OÜ,Pärnu\n")
    )
    assert (result.created, result.updated) == (1, 1)
    assert _company(session, name="ÕUN & POEG").city == "Tartu"
    people = imported(session, "contacts", csv_table("Email,Company\nmari@x.example,Õun & Poeg\n"))
    assert people.companies_created == 0
