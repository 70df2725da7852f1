"""Importing contacts: matching, the blank-cell rule, rejections, duplicates in the file,
re-imports that change nothing, dry runs, companies, custom fields, the kept batch."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from crm_app.models import AuditEntry, Company, Contact, CustomField, ImportBatch, ImportChange
from crm_app.services import app_settings, custom_fields, emails, search
from crm_app.services.contacts import ContactInput, create_contact
from crm_app.services.importing import run_import, undo_last_import
from crm_app.services.importing.contact_import import ADDRESSES_OF_TWO, NO_NAME_OR_EMAIL

from .test_import_support import (
    add_user,
    contact_by_email,
    contact_named,
    counts,
    csv_table,
    emails_of,
    imported,
    phones_of,
    primary_email,
    sample,
    tags_of,
)


def _existing(session, **values) -> Contact:
    data = ContactInput(**values)
    contact = create_contact(session, data, actor_id=None, default_region="EE")
    session.commit()
    return contact


def test_a_hubspot_export_is_imported_with_every_field(session) -> None:
    maria = add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    app_settings.put(session, "time_zone", "America/Los_Angeles", actor_id=None)
    result = imported(session, "contacts", sample("hubspot_contacts.csv"))
    assert (result.created, result.updated, result.unchanged, result.rejected) == (3, 0, 0, [])
    assert result.companies_created == 3 and result.batch_id is not None
    anna = contact_by_email(session, "anna.lee@northwind.example")
    assert (anna.first_name, anna.last_name, anna.title) == ("Anna", "Lee", "Head of Purchasing")
    assert (anna.lifecycle_stage, anna.owner_id, anna.country, anna.region) == (
        "customer",
        maria,
        "US",
        "CA",
    )
    assert (anna.street, anna.city, anna.postal_code, anna.external_id) == (
        "100 Market St",
        "San Francisco",
        "94105",
        "51234001",
    )
    assert anna.last_contacted_at == datetime(2024, 3, 5, 22, 22, tzinfo=UTC)  # 14:22 in California
    assert phones_of(session, anna.id) == ["+14155552671"]
    assert session.get(Company, anna.company_id).name == "Northwind Traders"
    jonas = contact_by_email(session, "jonas.berg@fjord.example")
    assert (jonas.lifecycle_stage, jonas.owner_id) == ("lead", maria)
    assert phones_of(session, jonas.id) == ["+4722123456", "+4791234567"]
    assert contact_by_email(session, "li.wei@lotus.example").lifecycle_stage == "prospect"
    found = session.execute(search.contact_match_ids(session, "northwind anna")).scalars().all()
    assert found == [anna.id]  # the search index knows the new contact, its e-mail and company


def test_an_existing_contact_is_updated_and_blank_cells_never_overwrite(session) -> None:
    ann = _existing(
        session, first_name="Ann", last_name="Lee", title="CFO", city="Tartu",
        emails=[("ann@x.example", "work")], phones=[("5123 4567", "mobile")], tags=["VIP"],
    )  # fmt: skip
    table = csv_table(
        "Email,First Name,Last Name,Job Title,City,Phone,Tags\n"
        'ANN@X.example,,,,Tallinn,+372 612 3456,"partner, vip"\n'
    )
    result = imported(session, "contacts", table)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    ann = contact_by_email(session, "ann@x.example")
    assert (ann.first_name, ann.last_name, ann.title, ann.city) == ("Ann", "Lee", "CFO", "Tallinn")
    assert phones_of(session, ann.id) == ["+37251234567", "+3726123456"]
    assert tags_of(session, ann.id) == ["VIP", "partner"]
    change = session.execute(
        sa.select(ImportChange).where(ImportChange.action == "updated")
    ).scalar_one()
    assert change.record_id == ann.id and change.batch_id == result.batch_id
    assert change.before["fields"] == {"city": "Tartu"}
    assert change.before["emails"] == ["ann@x.example"]
    assert change.before["phones"] == ["+37251234567"]
    assert change.before["tags"] == ["VIP"]
    assert change.before["added"] == {"emails": [], "phones": ["+3726123456"], "tags": ["partner"]}


def test_a_row_matches_a_contact_by_its_secondary_address_in_any_case(session) -> None:
    bo = _existing(
        session, first_name="Bo", emails=[("bo@work.example", "work"), ("bo@home.example", "home")]
    )
    table = csv_table("Email,Secondary Email,Job Title\nBO@Home.Example,bo@new.example,CEO\n")
    result = imported(session, "contacts", table)
    assert (result.created, result.updated) == (0, 1)
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 1
    assert emails_of(session, bo.id) == ["bo@work.example", "bo@home.example", "bo@new.example"]
    assert primary_email(session, bo.id) == "bo@work.example"
    assert session.get(Contact, bo.id).title == "CEO"


def test_an_invalid_address_rejects_its_row_with_row_field_and_reason(session) -> None:
    table = csv_table(
        "Name,Email,Secondary Email\n"
        "Ann Lee,ann@x.example,\n"
        "Bo Berg,bo@x.example,bo at home\n"
        "Cy Cole,not-an-address,\n"
    )
    result = imported(session, "contacts", table)
    assert result.created == 1
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 3, "field": "email_2", "reason": emails.INVALID},
        {"row": 4, "field": "email", "reason": emails.INVALID},
    ]
    assert contact_by_email(session, "bo@x.example") is None


def test_a_row_without_an_address_is_created_by_name_and_one_without_either_is_rejected(
    session,
) -> None:
    table = csv_table("First Name,Last Name,Email,City\nLiis,Lepp,,Tartu\n,,,Tallinn\n")
    result = imported(session, "contacts", table)
    assert result.created == 1
    assert contact_named(session, "Liis", "Lepp").city == "Tartu"
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 3, "field": "email", "reason": NO_NAME_OR_EMAIL}
    ]


def test_rows_sharing_an_address_merge_into_one_contact(session) -> None:
    table = csv_table(
        "Name,Email,Secondary Email,Phone,Tags,City\n"
        "Ann Lee,ann@x.example,,+372 5123 4567,VIP,Tartu\n"
        "Ann Lee,ANN@x.example,ann@home.example,,partner,\n"
        "Ann L.,ann@home.example,ann@third.example,+372 612 3456,,Tallinn\n"
        "Bo Berg,bo@x.example,,,,\n"
    )
    result = imported(session, "contacts", table)
    assert (result.created, result.merged, result.rows) == (2, 2, 4)
    ann = contact_by_email(session, "ann@third.example")
    assert emails_of(session, ann.id) == ["ann@x.example", "ann@home.example", "ann@third.example"]
    assert primary_email(session, ann.id) == "ann@x.example"
    assert phones_of(session, ann.id) == ["+37251234567", "+3726123456"]
    assert tags_of(session, ann.id) == ["VIP", "partner"]
    assert (ann.first_name, ann.last_name, ann.city) == ("Ann", "L.", "Tallinn")  # later rows win


def test_addresses_of_two_different_contacts_reject_the_row(session) -> None:
    _existing(session, first_name="Ann", emails=[("ann@x.example", "work")])
    _existing(session, first_name="Bo", emails=[("bo@x.example", "work")])
    table = csv_table("Email,Secondary Email,Job Title\nann@x.example,bo@x.example,CEO\n")
    result = imported(session, "contacts", table)
    assert [r.as_dict() for r in result.rejected] == [
        {"row": 2, "field": "email", "reason": ADDRESSES_OF_TWO}
    ]
    assert result.updated == 0


def test_importing_the_same_file_again_changes_nothing(session) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    app_settings.put(session, "default_phone_region", "EE", actor_id=None)
    for name in ("pipedrive_persons.csv", "spreadsheet.xlsx", "google_contacts.csv"):
        first = imported(session, "contacts", sample(name))
        assert first.created > 0
        before = counts(session)
        again = imported(session, "contacts", sample(name))
        assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
        assert again.companies_created == 0
        after = counts(session)
        # only the new batch and its audit entry were written
        assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
            "import_batches": 1,
            "audit_entries": 1,
        }
    liis = contact_named(session, "Liis", "Lepp")  # a Pipedrive person without an e-mail
    assert liis is not None and liis.external_id == "103"
    assert (
        session.execute(sa.select(sa.func.count()).where(Contact.first_name == "Karl")).scalar()
        == 1
    )


def test_a_row_without_an_address_is_created_again_once_its_import_was_undone(session) -> None:
    table = csv_table("First Name,Last Name\nLiis,Lepp\n")
    imported(session, "contacts", table)
    undo_last_import(session, "contacts", actor_id=None)
    session.commit()
    assert contact_named(session, "Liis", "Lepp") is None
    assert imported(session, "contacts", table).created == 1
    assert imported(session, "contacts", table).unchanged == 1


def test_a_dry_run_writes_nothing_and_tells_what_a_run_would_do(session) -> None:
    add_user(session, "maria.tamm@kestrel.example", "Maria Tamm")
    _existing(session, first_name="Anna", emails=[("anna.lee@northwind.example", "work")])
    session.add(Company(name="NORTHWIND traders"))
    session.commit()
    table = sample("hubspot_contacts.csv")
    options = {"create_fields": ["Create Date"], "mapping": {"Phone Number": ""}}
    before = counts(session)
    dry = run_import(session, "contacts", table, dry_run=True, **options)
    session.commit()
    assert counts(session) == before
    assert dry.batch_id is None and dry.dry_run is True
    real = imported(session, "contacts", table, **options)
    for key in (
        "created",
        "updated",
        "unchanged",
        "merged",
        "rows",
        "companies_created",
        "custom_fields_created",
    ):
        assert getattr(dry, key) == getattr(real, key), key
    assert (real.created, real.updated, real.companies_created, real.custom_fields_created) == (
        2,
        1,
        2,
        1,
    )
    assert [r.as_dict() for r in dry.rejected] == [r.as_dict() for r in real.rejected]


def test_a_company_is_linked_by_name_in_any_case_or_created_once(session) -> None:
    acme = Company(name="ACME Corporation")
    session.add(acme)
    session.commit()
    table = csv_table(
        "Email,Company,Company Website\n"
        "a@x.example,Acme corporation,\n"
        "b@x.example,Saar OÜ,saar.example\n"
        "c@x.example,SAAR OÜ,\n"
        "d@x.example,Other name,acme.example\n"
    )
    acme.domain = "acme.example"
    session.commit()
    result = imported(session, "contacts", table)
    assert result.companies_created == 1
    assert contact_by_email(session, "a@x.example").company_id == acme.id
    assert contact_by_email(session, "d@x.example").company_id == acme.id  # by its website
    saar = session.get(Company, contact_by_email(session, "b@x.example").company_id)
    assert (saar.name, saar.domain) == ("Saar OÜ", "saar.example")
    assert contact_by_email(session, "c@x.example").company_id == saar.id


def test_columns_become_custom_fields_only_on_a_real_run(session) -> None:
    custom_fields.define(
        session, entity="contact", label="Budget", field_type="number", actor_id=None
    )
    session.commit()
    table = csv_table('Email,Budget,Shoe size\na@x.example,"1 200,50",42\nb@x.example,lots,\n')
    dry = run_import(session, "contacts", table, create_fields=["Shoe size"], dry_run=True)
    assert dry.custom_fields_created == 1
    assert session.execute(sa.select(sa.func.count()).select_from(CustomField)).scalar() == 1
    result = imported(session, "contacts", table, create_fields=["Shoe size"])
    shoe = session.execute(
        sa.select(CustomField).where(CustomField.key == "shoe_size")
    ).scalar_one()
    assert (shoe.label, shoe.field_type, shoe.entity) == ("Shoe size", "text", "contact")
    assert contact_by_email(session, "a@x.example").custom_fields == {
        "budget": 1200.5,
        "shoe_size": "42",
    }
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [
        (3, "custom:budget", custom_fields.ENTER_NUMBER)
    ]
    again = imported(
        session, "contacts", table, create_fields=["Shoe size"]
    )  # the field exists now
    assert (again.custom_fields_created, again.unchanged) == (0, 1)


def test_the_batch_keeps_mapping_summary_and_rejected_cells(session) -> None:
    table = csv_table(
        "Name,Email,Notes\nAnn Lee,ann@x.example,hi\nBo,broken@,=1+1\n", name="people.csv"
    )
    result = imported(session, "contacts", table)
    batch = session.get(ImportBatch, result.batch_id)
    assert (batch.entity, batch.file_name, batch.user_id, batch.undone_at) == (
        "contact",
        "people.csv",
        None,
        None,
    )
    assert batch.mapping == {"Name": "full_name", "Email": "email", "Notes": ""}
    assert batch.summary == {
        "created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "merged": 0, "rows": 2,
        "companies_created": 0, "custom_fields_created": 0, "warnings": 0,
    }  # fmt: skip
    assert batch.rejected == [
        {
            "row": 3,
            "field": "email",
            "reason": emails.INVALID,
            "values": {"Name": "Bo", "Email": "broken@", "Notes": "=1+1"},
        }
    ]
    changes = (
        session.execute(sa.select(ImportChange).where(ImportChange.batch_id == batch.id))
        .scalars()
        .all()
    )
    ann = contact_by_email(session, "ann@x.example")
    assert [(c.entity, c.record_id, c.action) for c in changes] == [("contact", ann.id, "created")]
    assert len(changes[0].row_key) == 64
    audited = session.execute(sa.select(AuditEntry.entity, AuditEntry.action)).all()
    assert ("contacts", "bulk_create") in audited and ("import_batches", "create") in audited


def test_progress_is_reported_up_to_the_total(session) -> None:
    rows = "".join(f"p{i}@x.example,Person {i}\n" for i in range(1200))
    seen: list[tuple[int, int]] = []
    imported(
        session,
        "contacts",
        csv_table("Email,Name\n" + rows),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (1200, 1200)
    assert len(seen) >= 3 and all(t == 1200 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
