"""Undo of the last import, and the rejected-rows file."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from crm_app.models import AuditEntry, Company, Contact, ImportBatch
from crm_app.services import emails, i18n, search
from crm_app.services.contacts import ContactInput, create_contact
from crm_app.services.importing import (
    NothingToUndo,
    batch_rejected_csv,
    last_import,
    rejected_rows_csv,
    undo_last_import,
)

from .test_import_support import (
    contact_by_email,
    counts,
    csv_table,
    emails_of,
    imported,
    phones_of,
    tags_of,
)


def test_undo_removes_what_the_import_created_and_restores_what_it_updated(session) -> None:
    ann = create_contact(
        session,
        ContactInput(
            first_name="Ann",
            title="CFO",
            city="Tartu",
            emails=[("ann@x.example", "work")],
            phones=[("+372 5123 4567", "mobile")],
            tags=["VIP"],
        ),
        actor_id=None,
    )
    old_company = Company(name="Old Co")
    session.add(old_company)
    session.commit()
    ann.company_id = old_company.id
    session.commit()
    before = counts(session)
    table = csv_table(
        "Email,Secondary Email,Job Title,City,Phone,Tags,Company,Name\n"
        'ann@x.example,ann@home.example,CEO,,+372 612 3456,"partner, vip",New Co,\n'
        "bo@x.example,,Engineer,Tallinn,+372 5555 1234,new,New Co,Bo Berg\n"
        "cy@x.example,,,,,,Cy Corp,Cy Cole\n"
    )
    result = imported(session, "contacts", table)
    assert (result.created, result.updated, result.companies_created) == (2, 1, 2)
    ann = contact_by_email(session, "ann@x.example")
    assert (ann.title, session.get(Company, ann.company_id).name) == ("CEO", "New Co")

    undone = undo_last_import(session, "contacts", actor_id=None)
    session.commit()
    assert (undone.batch_id, undone.removed, undone.restored) == (result.batch_id, 2, 1)
    assert (undone.companies_removed, undone.companies_kept) == (2, 0)
    assert contact_by_email(session, "bo@x.example") is None
    assert contact_by_email(session, "cy@x.example") is None
    ann = contact_by_email(session, "ann@x.example")
    assert (ann.title, ann.city, ann.company_id) == ("CFO", "Tartu", old_company.id)
    assert emails_of(session, ann.id) == ["ann@x.example"]
    assert phones_of(session, ann.id) == ["+37251234567"]
    assert tags_of(session, ann.id) == ["VIP"]
    assert session.execute(sa.select(Company.name).order_by(Company.id)).scalars().all() == [
        "Old Co"
    ]
    assert session.execute(search.contact_match_ids(session, "Bo Berg")).scalars().all() == []
    after = counts(session)
    grown = {k for k in after if after[k] != before[k]}
    assert grown <= {
        "audit_entries",
        "import_batches",
        "import_changes",
        "tags",
    }  # "partner", "new" stay
    assert session.get(ImportBatch, result.batch_id).undone_at is not None
    deleted = session.execute(
        sa.select(AuditEntry.entity_id).where(
            AuditEntry.entity == "contacts", AuditEntry.action == "delete"
        )
    ).scalars()
    assert len(list(deleted)) == 2


def test_a_company_the_import_created_stays_while_something_refers_to_it(session) -> None:
    imported(
        session,
        "contacts",
        csv_table("Email,Company\nann@x.example,Kept Co\nbo@x.example,Gone Co\n"),
    )
    kept = session.execute(sa.select(Company).where(Company.name == "Kept Co")).scalar_one()
    session.add(Company(name="Child", parent_id=kept.id))  # refers to it since the import
    session.commit()
    undone = undo_last_import(session, "contacts", actor_id=None)
    session.commit()
    assert (undone.removed, undone.companies_removed, undone.companies_kept) == (2, 1, 1)
    names = set(session.execute(sa.select(Company.name)).scalars())
    assert names == {"Kept Co", "Child"}


def test_only_the_last_import_is_undone_then_the_one_before(session) -> None:
    imported(session, "contacts", csv_table("Email,Name\nann@x.example,Ann Lee\n"))
    imported(session, "contacts", csv_table("Email,Name\nbo@x.example,Bo Berg\n"))
    imported(session, "companies", csv_table("Name\nSolo Co\n"))
    assert last_import(session, "contacts").summary["created"] == 1
    undo_last_import(session, "contacts", actor_id=None)
    session.commit()
    assert contact_by_email(session, "bo@x.example") is None
    assert contact_by_email(session, "ann@x.example") is not None
    assert session.execute(sa.select(Company.name)).scalars().all() == ["Solo Co"]  # other kind
    undo_last_import(session, "contacts", actor_id=None)
    session.commit()
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 0
    with pytest.raises(NothingToUndo) as caught:
        undo_last_import(session, "contacts", actor_id=None)
    assert str(caught.value) == "There is no import to undo."
    undone = undo_last_import(session, "companies", actor_id=None)
    session.commit()
    assert (undone.entity, undone.removed) == ("company", 1)
    assert session.execute(sa.select(sa.func.count()).select_from(Company)).scalar() == 0


def test_undoing_a_company_import_restores_updated_companies(session) -> None:
    session.add(Company(name="Acme", domain="acme.example", industry="Tools"))
    session.commit()
    table = csv_table("Name,Website,Industry,Tags\nAcme,acme.example,Software,vip\n")
    imported(session, "companies", table)
    undone = undo_last_import(session, "companies", actor_id=None)
    session.commit()
    session.expire_all()
    acme = session.execute(sa.select(Company)).scalar_one()
    assert (undone.restored, acme.industry) == (1, "Tools")


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_rejected_rows_file_has_the_original_cells_and_why_neutralised(session) -> None:
    table = csv_table(
        "Name,Email,Phone,Notes\n"
        "Ann Lee,ann@x.example,,ok\n"
        '=HYPERLINK("http://evil"),broken@,+372 5123 4567,@SUM(A1)\n'
        '-Bo,bo@,,"\ttabbed"\n',
        name="people.csv",
    )
    result = imported(session, "contacts", table)
    rows = _read(rejected_rows_csv(result.headers, result.rejected))
    assert rows[0] == ["Name", "Email", "Phone", "Notes", "Row", "Field", "Reason"]
    assert rows[1] == [
        '\'=HYPERLINK("http://evil")',
        "broken@",
        "'+372 5123 4567",
        "'@SUM(A1)",
        "3",
        "email",
        emails.INVALID,
    ]
    assert rows[2][:1] == ["'-Bo"] and rows[2][3] == "'\ttabbed" and rows[2][4] == "4"
    stored = _read(batch_rejected_csv(session, result.batch_id, locale="et"))
    assert stored[1][:4] == rows[1][:4]
    assert stored[1][6] == i18n.gettext(emails.INVALID, "et") != emails.INVALID
