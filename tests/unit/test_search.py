"""Search: the FTS index follows every write, matching is forgiving and safe, global search."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel

from crm_app.db import get_engine, migrate
from crm_app.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Deal,
    Pipeline,
    Stage,
    Ticket,
)
from crm_app.services import search, writes
from crm_app.services.dialect import postgres, sqlite

HOSTILE = [
    '"',
    "*",
    "AND OR NEAR(",
    "'); drop table contacts; --",
    'ann" OR "x',
    "^ann",
    "name:ann",
    "-",
    "((",
    "ann*",
    "#",
    "#99999999999999999999999",
    "%_\\",
    "x" * 5000,
]


def _ids(session: Session, text: str) -> set[int]:
    query = search.contact_match_ids(session, text)
    return set() if query is None else set(session.execute(query).scalars())


def _company_ids(session: Session, text: str) -> set[int]:
    query = search.company_match_ids(session, text)
    return set() if query is None else set(session.execute(query).scalars())


def _contact(
    session: Session,
    first: str,
    last: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: Company | None = None,
) -> Contact:
    contact = writes.create(
        session,
        Contact(first_name=first, last_name=last, company_id=company.id if company else None),
        actor_id=None,
    )
    assert contact.id is not None
    if email:
        writes.create(
            session,
            ContactEmail(contact_id=contact.id, email=email, is_primary=True),
            actor_id=None,
        )
    if phone:
        writes.create(session, ContactPhone(contact_id=contact.id, phone=phone), actor_id=None)
    return contact


def test_a_created_contact_is_found_by_name_email_phone_and_company(session):
    acme = writes.create(session, Company(name="Acme Roasters", domain="acme.ee"), actor_id=None)
    ann = _contact(
        session, "Annika", "Leetmaa", email="annika@acme.ee", phone="+3725551234", company=acme
    )

    for text in ["annika", "Leetmaa", "annika@acme.ee", "acme", "roast", "+3725551234"]:
        assert _ids(session, text) == {ann.id}, text
    assert _company_ids(session, "acme") == {acme.id}
    assert _company_ids(session, "acme.ee") == {acme.id}


def test_every_word_must_match_as_a_prefix(session):
    ann_lee = _contact(session, "Annika", "Leetmaa")
    ann_tamm = _contact(session, "Anna", "Tamm")
    _contact(session, "Joanna", "Lee")

    assert _ids(session, "ann") == {ann_lee.id, ann_tamm.id}  # not "Joanna": prefixes only
    assert _ids(session, "ann lee") == {ann_lee.id}
    assert _ids(session, "lee ann") == {ann_lee.id}
    assert _ids(session, "  ANN   tam ") == {ann_tamm.id}
    assert _ids(session, "ann nobody") == set()


def test_case_and_diacritics_do_not_matter(session):
    juri = _contact(session, "Jüri", "Mägi", email="juri@mets.ee")
    zoe = _contact(session, "Zoë", "Šimková")

    for text in ["juri", "JÜRI", "Jüri", "magi", "MÄGI", "jüri mägi"]:
        assert _ids(session, text) == {juri.id}, text
    assert _ids(session, "zoe simkova") == {zoe.id}
    assert _ids(session, "Zoe\u0308") == {zoe.id}  # combining diaeresis, as some keyboards send


def test_parts_of_a_phone_number_match(session):
    maris = _contact(session, "Maris", "Kask", phone="+3725551234")
    other = _contact(session, "Other", "Person", phone="+3726661234")

    assert _ids(session, "5551234") == {maris.id}
    assert _ids(session, "555 1234") == {maris.id}
    assert _ids(session, "+372 555 1234") == {maris.id}
    assert _ids(session, "372555") == {maris.id}
    assert _ids(session, "1234") == {maris.id, other.id}


def test_updates_reindex_the_contact(session):
    contact = _contact(session, "Kadri", "Kuusk", email="kadri@old.ee")
    email = session.execute(sa.select(ContactEmail)).scalar_one()

    writes.update(session, contact, {"last_name": "Saar"}, actor_id=None)
    assert _ids(session, "kuusk") == set()
    assert _ids(session, "kadri saar") == {contact.id}

    writes.update(session, email, {"email": "kadri@new.ee"}, actor_id=None)
    assert _ids(session, "old.ee") == set()
    assert _ids(session, "kadri@new.ee") == {contact.id}

    writes.create(session, ContactPhone(contact_id=contact.id, phone="+3725009876"), actor_id=None)
    assert _ids(session, "5009876") == {contact.id}


def test_an_email_moved_to_another_contact_leaves_the_first(session):
    first = _contact(session, "First", "Owner", email="shared@firm.ee")
    second = _contact(session, "Second", "Owner")
    email = session.execute(sa.select(ContactEmail)).scalar_one()

    writes.update(session, email, {"contact_id": second.id}, actor_id=None)

    assert first.id not in _ids(session, "shared@firm.ee")
    assert _ids(session, "shared@firm.ee") == {second.id}


def test_deletes_leave_the_index(session):
    keep = _contact(session, "Liis", "Kivi", email="liis@kivi.ee", phone="+3725112233")
    gone = _contact(session, "Liisa", "Kivimäe", email="liisa@kivi.ee")
    phone = session.execute(sa.select(ContactPhone)).scalar_one()

    writes.delete(session, gone, actor_id=None)
    assert _ids(session, "liis") == {keep.id}
    assert _ids(session, "kivimae") == set()

    writes.delete(session, phone, actor_id=None)
    assert _ids(session, "5112233") == set()
    assert _ids(session, "liis kivi") == {keep.id}


def test_a_company_rename_reindexes_its_contacts(session):
    company = writes.create(session, Company(name="Old Bakery"), actor_id=None)
    contact = _contact(session, "Mari", "Mets", company=company)

    writes.update(session, company, {"name": "New Roastery"}, actor_id=None)
    assert _ids(session, "old bakery") == set()
    assert _ids(session, "mari roastery") == {contact.id}
    assert _company_ids(session, "roastery") == {company.id}
    assert _company_ids(session, "bakery") == set()

    writes.update(session, company, {"city": "Tartu"}, actor_id=None)
    assert _company_ids(session, "tartu") == {company.id}

    writes.delete(session, company, actor_id=None)
    assert _company_ids(session, "roastery") == set()
    assert _ids(session, "roastery") == set()  # the contact stays, without the company
    assert _ids(session, "mari mets") == {contact.id}


def test_create_many_indexes_every_record(session):
    contacts = writes.create_many(
        session,
        [Contact(first_name="Bulk", last_name=f"Person{i}") for i in range(3)],
        actor_id=None,
    )
    assert _ids(session, "bulk") == {c.id for c in contacts}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(session, text):
    _contact(session, "Ann", "Drop", email="ann@example.com")

    for query in (search.contact_match_ids(session, text), search.company_match_ids(session, text)):
        if query is not None:
            session.execute(query).all()
    found = search.global_search(session, text)
    assert set(found) == set(search.GROUPS)
    assert session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar() == 1


def test_operators_and_quotes_are_plain_words(session):
    ann = _contact(session, "Ann", "Near", email="ann@example.com")

    assert _ids(session, 'ann" OR "x') == set()  # "x" is just a word that does not match
    assert _ids(session, "NEAR(ann") == {ann.id}
    assert _ids(session, "ann*") == {ann.id}
    assert _ids(session, "ann \u05b8 \u20ac") == {ann.id}  # a lone vowel point, a symbol


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "*", '""', "-- ;"])
def test_text_without_words_matches_nothing(session, text):
    assert search.contact_match_ids(session, text) is None
    assert search.company_match_ids(session, text) is None
    assert search.global_search(session, text) == {group: [] for group in search.GROUPS}


def _deal_setup(session: Session) -> Stage:
    pipeline = writes.create(session, Pipeline(name="Sales"), actor_id=None)
    return writes.create(
        session, Stage(pipeline_id=pipeline.id or 0, name="Proposal"), actor_id=None
    )


def test_global_search_groups_limits_and_links(session):
    stage = _deal_setup(session)
    company = writes.create(session, Company(name="Zenith Cafe", domain="zenith.ee"), actor_id=None)
    contacts = [
        _contact(session, "Zeno", f"Tamm{i}", email=f"zeno{i}@zenith.ee", company=company)
        for i in range(4)
    ]
    nameless = _contact(session, "", "", email="zen@nowhere.ee")
    deals = [
        writes.create(
            session,
            Deal(
                title=f"Zenith espresso {i}",
                pipeline_id=stage.pipeline_id,
                stage_id=stage.id or 0,
                company_id=company.id,
            ),
            actor_id=None,
        )
        for i in range(4)
    ]
    tickets = [
        writes.create(session, Ticket(subject=f"Zenith grinder {i}", status="open"), actor_id=None)
        for i in range(4)
    ]

    found = search.global_search(session, "zen", limit=3)

    assert list(found) == ["contacts", "companies", "deals", "tickets"]
    assert all(len(hits) == 3 for kind, hits in found.items() if kind != "companies")
    assert [(h.kind, h.id, h.title, h.subtitle, h.href) for h in found["companies"]] == [
        ("companies", company.id, "Zenith Cafe", "zenith.ee", f"/companies/{company.id}")
    ]
    by_id = {c.id: c for c in [*contacts, nameless]}
    for hit in found["contacts"]:
        assert hit.kind == "contacts" and hit.href == f"/contacts/{hit.id}" and hit.id in by_id
        if hit.id == nameless.id:
            assert (hit.title, hit.subtitle) == ("zen@nowhere.ee", "")
        else:
            assert hit.title.startswith("Zeno Tamm") and hit.subtitle.endswith("@zenith.ee")
    assert [h.id for h in found["deals"]] == [d.id for d in deals[::-1][:3]]  # newest first
    assert found["deals"][0].subtitle == "Zenith Cafe · Proposal"
    assert found["deals"][0].href == f"/pipeline?deal={deals[-1].id}"
    assert [(h.id, h.subtitle) for h in found["tickets"]] == [
        (t.id, "open") for t in tickets[::-1][:3]
    ]

    by_number = search.global_search(session, f"#{tickets[0].id}")["tickets"]
    assert [(h.id, h.title, h.href) for h in by_number] == [
        (tickets[0].id, "Zenith grinder 0", f"/tickets?ticket={tickets[0].id}")
    ]
    assert search.global_search(session, "espresso 2")["deals"][0].id == deals[2].id
    assert search.global_search(session, "100%")["deals"] == []  # % is not a wildcard


def test_the_contact_subtitle_falls_back_to_the_company(session):
    company = writes.create(session, Company(name="Quiet Ltd", city="Pärnu"), actor_id=None)
    contact = _contact(session, "Silent", "Sam", company=company)

    [hit] = search.global_search(session, "silent")["contacts"]
    assert (hit.id, hit.title, hit.subtitle) == (contact.id, "Silent Sam", "Quiet Ltd")
    [co] = search.global_search(session, "quiet")["companies"]
    assert co.subtitle == "Pärnu"


def test_bulk_insert_is_indexed_and_rebuild_recreates_the_index(session):
    writes.bulk_insert(
        session, Company, [{"name": f"Bulk Co {i}"} for i in range(5)], actor_id=None
    )
    writes.bulk_insert(
        session,
        Contact,
        [{"first_name": "Mass", "last_name": f"Import{i}", "company_id": 1} for i in range(50)],
        actor_id=None,
    )
    first = session.execute(sa.select(sa.func.min(Contact.id))).scalar()
    writes.bulk_insert(
        session,
        ContactEmail,
        [{"contact_id": first, "email": "mass@bulk.ee"}],
        actor_id=None,
    )
    assert len(_ids(session, "mass")) == 50
    assert _ids(session, "mass@bulk.ee") == {first}
    assert len(_ids(session, "bulk co")) == 50

    session.execute(sa.text("DROP TABLE fts_contacts"))  # lost or stale: rebuild repairs it
    assert search.rebuild(session) == {"contacts": 50, "companies": 5}
    assert len(_ids(session, "mass import")) == 50
    assert _ids(session, "mass@bulk.ee") == {first}


def test_migrating_an_existing_database_backfills_the_index(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, "0001")
    with get_engine(url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO companies (id, name, domain, city, custom_fields, created_at, updated_at)"
                " VALUES (7, 'Põhja Kohvik', 'pohja.ee', 'Tallinn', '{}', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO contacts (id, first_name, last_name, company_id, lifecycle_stage,"
                " preferences, consent_email, do_not_call, custom_fields, created_at, updated_at)"
                " VALUES (3, 'Tõnu', 'Õun', 7, 'lead', '{}', 0, 0, '{}', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO contact_emails (contact_id, email, label, is_primary)"
                " VALUES (3, 'tonu@pohja.ee', 'work', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO contact_phones (contact_id, phone, label, is_primary)"
                " VALUES (3, '+3725550001', 'work', 1)"
            )
        )

    migrate(url)

    with Session(get_engine(url)) as session:
        for text in ["tonu oun", "tonu@pohja.ee", "pohja kohvik", "5550001"]:
            assert _ids(session, text) == {3}, text
        assert _company_ids(session, "tallinn") == {7}
        # and the index keeps following writes from here on
        contact = session.get(Contact, 3)
        assert contact is not None
        writes.update(session, contact, {"first_name": "Toomas"}, actor_id=None)
        assert _ids(session, "toomas oun") == {3}
    get_engine(url).dispose()


def test_autogenerate_without_filters_ignores_the_index(db_url):
    """Reflex's autogenerate does not run alembic/env.py; the fts_ tables must not show up."""
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_the_portable_fallback_finds_the_same_contacts(session):
    acme = writes.create(session, Company(name="Acme_Roasters", city="Tartu"), actor_id=None)
    ann = _contact(
        session, "Annika", "Leetmaa", email="annika@acme.ee", phone="+3725551234", company=acme
    )
    _contact(session, "Other", "Person")

    def run(query: sa.Select) -> set[int]:
        return set(session.execute(sa.select(Contact.id).where(Contact.id.in_(query))).scalars())  # type: ignore[union-attr]

    for text in ["ann lee", "acme_roast", "5551234", "annika@acme"]:
        assert run(postgres.contact_match_ids(search.words(text))) == {ann.id}, text
    assert run(postgres.contact_match_ids(search.words("acme%"))) == {ann.id}
    companies = postgres.company_match_ids(search.words("tartu"), ranked=True)
    assert set(session.execute(companies).scalars()) == {acme.id}
    compiled = str(
        postgres.contact_match_ids(["ann"]).compile(dialect=sa.dialects.postgresql.dialect())
    )
    assert "ILIKE" in compiled


def test_fts_query_quotes_every_word():
    assert sqlite.fts_query(["ann", "lee"]) == '"ann"* "lee"*'
    assert sqlite.fts_query(['a"b']) == '"a""b"*'
    assert search.words("Ann-Liis O'Brien +372") == ["Ann", "Liis", "O", "Brien", "372"]


def test_search_contacts_for_a_form_names_them_with_their_company(session: Session) -> None:
    from crm_app.models import Product
    from crm_app.services import contacts, deal_lines

    kohvik = writes.create(session, Company(name="Kohvik Kuu OÜ"), actor_id=None)
    anna = _contact(session, "Anna", "Tamm", company=kohvik)
    _contact(session, "Annika", "Mets")
    _contact(session, "Jaan", "Kask")
    session.commit()
    hits = contacts.search_contacts(session, "ann")
    assert {h[1] for h in hits} == {"Anna Tamm", "Annika Mets"}
    assert (anna.id, "Anna Tamm", "Kohvik Kuu OÜ") in hits
    assert contacts.search_contacts(session, "zzz") == []
    assert contacts.display_names(session, anna.id, kohvik.id) == ("Anna Tamm", "Kohvik Kuu OÜ")
    assert contacts.display_names(session, None, 999_999) == ("", "")

    session.add_all(
        [Product(name="Grinder", price=450), Product(name="Beans", price=12, active=False)]
    )
    session.commit()
    assert [p[1] for p in deal_lines.active_products(session)] == ["Grinder"]
