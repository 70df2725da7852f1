"""Duplicates: scores and reasons, blocking, dismissals, the kept scan, and merging records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Activity,
    AuditEntry,
    Company,
    CompanyTag,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Deal,
    DuplicateDismissal,
    Order,
    Pipeline,
    Stage,
    Task,
    Ticket,
    User,
)
from crm_app.services import duplicates, search, tags, writes
from crm_app.services.duplicates import keys, scoring
from crm_app.services.duplicates.references import referencing
from crm_app.services.errors import NotFound, ValidationError


@pytest.fixture
def actor(session: Session) -> User:
    user = User(email="boss@example.com", name="Boss", password_hash="x", role="manager")
    session.add(user)
    session.flush()
    return user


def _company(session: Session, name: str, **values) -> Company:
    return writes.create(session, Company(name=name, **values), actor_id=None)


def _contact(
    session: Session,
    first: str,
    last: str,
    *,
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    company: Company | None = None,
    **values,
) -> Contact:
    contact = writes.create(
        session,
        Contact(
            first_name=first,
            last_name=last,
            company_id=company.id if company else None,
            **values,
        ),
        actor_id=None,
    )
    for i, email in enumerate(emails):
        row = ContactEmail(contact_id=contact.id, email=email, is_primary=i == 0)
        writes.create(session, row, actor_id=None)
    for i, phone in enumerate(phones):
        row = ContactPhone(contact_id=contact.id, phone=phone, is_primary=i == 0)
        writes.create(session, row, actor_id=None)
    return contact


def _pairs(session: Session, entity: str = "contact", min_score: int = 0) -> dict:
    page = duplicates.find_duplicates(session, entity, limit=200, min_score=min_score)
    return {(p.a_id, p.b_id): p for p in page.pairs}


def _pair(session: Session, a, b, entity: str = "contact", min_score: int = 0):
    return _pairs(session, entity, min_score).get((min(a.id, b.id), max(a.id, b.id)))


# -- normalising and name similarity ---------------------------------------------------------------
def test_folding_drops_case_accents_and_punctuation() -> None:
    assert keys.fold("  Jüri-Mätas  ØSTERGAARD ") == "juri matas ostergaard"
    assert keys.fold("Łukasz Straße") == "lukasz strasse"
    assert keys.fold("אנה כהן") == "אנה כהן"  # other scripts compared as written
    assert keys.company_tokens("ACME OÜ") == keys.company_tokens("Acme AS") == ("acme",)
    assert keys.skeleton("leppik") == keys.skeleton("lepik")
    assert keys.email_domain("anna@Gmail.com") is None
    assert keys.email_domain("anna@acme.ee") == "acme.ee"
    assert keys.phone_key("+372 5555-1234") == "+37255551234"


def test_name_similarity_rules() -> None:
    def sim(a: str, b: str) -> int:
        ta, tb = tuple(keys.fold(a).split()), tuple(keys.fold(b).split())
        return scoring.name_similarity(ta, tb, " ".join(sorted(ta)), " ".join(sorted(tb)))

    assert sim("Anna Lee", "Lee Anna") == 100
    assert sim("Anna Lee", "Anna Maria Lee") == 90  # subset
    assert sim("A. Lee", "Anna Lee") == 90  # initial
    assert sim("Anna", "Anna Lee") < scoring.SIMILAR_NAME  # one word is not enough
    assert sim("Katrin Lepik", "Katrin Leppik") >= scoring.SIMILAR_NAME
    assert sim("Anna Tamm", "Peeter Kask") < 50


# -- detection -------------------------------------------------------------------------------------
def test_the_same_email_is_strong_evidence(session: Session) -> None:
    a = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    b = _contact(session, "Anna", "Tamm", emails=("Anna@Kestrel.EE",))
    pair = _pair(session, a, b)
    assert pair is not None and pair.score == 100
    assert ("same_email", "anna@kestrel.ee") in pair.reasons
    assert ("similar_name", 100) in pair.reasons
    assert (pair.a_name, pair.b_name) == ("Anna Tamm", "Anna Tamm")
    assert ("Same e-mail address", "anna@kestrel.ee") in pair.labelled()


def test_the_same_phone_is_strong_and_accents_do_not_matter(session: Session) -> None:
    a = _contact(session, "Jüri", "Mägi", phones=("+3725551234",))
    b = _contact(session, "Juri", "Magi", phones=("+3725551234",))
    pair = _pair(session, a, b)
    assert pair is not None and 85 <= pair.score <= 95
    assert pair.reasons[0] == ("same_phone", "+3725551234")
    assert ("similar_name", 100) in pair.reasons


def test_a_shared_number_with_a_different_name_stays_below_the_list(session: Session) -> None:
    a = _contact(session, "Anna", "Tamm", phones=("+3726001000",))
    b = _contact(session, "Peeter", "Kask", phones=("+3726001000",))
    pair = _pair(session, a, b)
    assert pair is not None and pair.score < duplicates.DEFAULT_MIN_SCORE
    assert _pair(session, a, b, min_score=duplicates.DEFAULT_MIN_SCORE) is None


def test_a_similar_name_at_the_same_company_is_medium(session: Session) -> None:
    acme = _company(session, "Acme OÜ")
    a = _contact(session, "Katrin", "Lepik", company=acme)
    b = _contact(session, "Katrin", "Leppik", company=acme)
    pair = _pair(session, a, b, min_score=duplicates.DEFAULT_MIN_SCORE)
    assert pair is not None and 70 <= pair.score <= 85
    assert ("same_company", "Acme OÜ") in pair.reasons
    assert [code for code, _ in pair.reasons] == ["similar_name", "same_company"]


def test_a_work_email_domain_counts_and_a_free_mail_one_does_not(session: Session) -> None:
    a = _contact(session, "Mari", "Kask", emails=("mari@lumen.ee",))
    b = _contact(session, "Mari", "Kask", emails=("m.kask@lumen.ee",))
    c = _contact(session, "Tiit", "Saar", emails=("tiit@gmail.com",))
    d = _contact(session, "Tiit", "Saar", emails=("saar.tiit@gmail.com",))
    medium = _pair(session, a, b)
    assert medium is not None and medium.score == 85
    assert ("same_email_domain", "lumen.ee") in medium.reasons
    weak = _pair(session, c, d)
    assert weak is not None and weak.score == 60
    assert [code for code, _ in weak.reasons] == ["similar_name"]
    listed = _pairs(session, min_score=duplicates.DEFAULT_MIN_SCORE)
    assert (a.id, b.id) in listed and (c.id, d.id) not in listed


def test_different_people_are_not_paired(session: Session) -> None:
    acme = _company(session, "Acme")
    a = _contact(session, "Anna", "Tamm", emails=("anna@acme.ee",), company=acme)
    b = _contact(session, "Peeter", "Kask", emails=("peeter@acme.ee",), company=acme)
    c = _contact(session, "Anne", "Tammik", company=acme)
    assert _pairs(session) == {}
    assert duplicates.duplicates_of(session, "contact", a.id, min_score=0) == []
    assert b.id and c.id


def test_pages_are_sorted_best_first_with_a_total(session: Session) -> None:
    acme = _company(session, "Acme")
    made = []
    for i in range(5):  # five pairs, from e-mail (strong) to name alone (weak)
        first, last = f"Person{i}", "Sepp"
        made.append(_contact(session, first, last, emails=(f"p{i}@x.ee",), company=acme))
        other = _contact(session, first, last, emails=(f"p{i}@x.ee",) if i < 2 else ())
        made.append(other)
    first_page = duplicates.find_duplicates(session, "contact", limit=2, offset=0, min_score=0)
    second_page = duplicates.find_duplicates(session, "contact", limit=2, offset=2, min_score=0)
    assert first_page.total == second_page.total >= 5
    scores = [p.score for p in first_page.pairs + second_page.pairs]
    assert scores == sorted(scores, reverse=True)
    assert {(p.a_id, p.b_id) for p in first_page.pairs}.isdisjoint(
        {(p.a_id, p.b_id) for p in second_page.pairs}
    )


def test_duplicates_of_one_record(session: Session) -> None:
    a = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    b = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    c = _contact(session, "Tamm", "Anna", phones=("+3725550000",))  # swapped name, alone
    _contact(session, "Peeter", "Kask")
    assert [p.b_id for p in duplicates.duplicates_of(session, "contact", a.id)] == [b.id]
    weak = duplicates.duplicates_of(session, "contact", c.id, min_score=50)
    assert {(p.a_id, p.b_id) for p in weak} == {(a.id, c.id), (b.id, c.id)}
    with pytest.raises(NotFound):
        duplicates.duplicates_of(session, "contact", 999_999)
    with pytest.raises(ValidationError):
        duplicates.duplicates_of(session, "deal", a.id)


def test_the_kept_scan_follows_writes(session: Session) -> None:
    a = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    session.commit()
    assert duplicates.find_duplicates(session).total == 0
    b = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    assert duplicates.find_duplicates(session).total == 1  # seen inside the transaction
    session.rollback()
    assert duplicates.find_duplicates(session).total == 0  # and forgotten on rollback
    b = _contact(session, "Anna", "Tamm", phones=("+3725551111",))
    writes.create(session, ContactPhone(contact_id=a.id, phone="+3725551111"), actor_id=None)
    session.commit()
    pair = duplicates.find_duplicates(session).pairs[0]
    assert (pair.a_id, pair.b_id) == (a.id, b.id) and pair.reasons[0][0] == "same_phone"


def test_paging_reuses_one_scan_until_the_data_changes(session: Session, monkeypatch) -> None:
    from crm_app.services.duplicates import cache

    scans = []
    real = cache.SCANS["contact"]
    monkeypatch.setitem(cache.SCANS, "contact", lambda s: scans.append(1) or real(s))
    a = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    session.commit()
    for offset in range(3):
        duplicates.find_duplicates(session, limit=1, offset=offset)
    duplicates.duplicates_of(session, "contact", a.id)
    assert len(scans) == 1
    writes.update(session, a, {"first_name": "Anne"}, actor_id=None)
    assert duplicates.find_duplicates(session).pairs[0].a_name == "Anne Tamm"
    assert len(scans) == 2


def test_dismissed_pairs_are_left_out_and_dismissing_twice_is_harmless(
    session: Session, actor: User
) -> None:
    a = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    b = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    c = _contact(session, "Anna", "Tamm", emails=("anna@kestrel.ee",))
    assert duplicates.find_duplicates(session).total == 3
    first = duplicates.dismiss(session, "contact", c.id, a.id, actor_id=actor.id)
    again = duplicates.dismiss(session, "contact", a.id, c.id, actor_id=actor.id)
    assert first.id == again.id and (first.low_id, first.high_id) == (a.id, c.id)
    rows = session.execute(sa.select(DuplicateDismissal)).scalars().all()
    assert len(rows) == 1 and rows[0].user_id == actor.id and rows[0].entity == "contact"
    audited = session.execute(
        sa.select(AuditEntry).where(AuditEntry.entity == "duplicate_dismissals")
    ).scalars()
    assert [e.action for e in audited] == ["create"]
    page = duplicates.find_duplicates(session)
    assert page.total == 2 and (a.id, c.id) not in {(p.a_id, p.b_id) for p in page.pairs}
    assert [p.b_id for p in duplicates.duplicates_of(session, "contact", a.id)] == [b.id]
    with pytest.raises(ValidationError):
        duplicates.dismiss(session, "contact", a.id, a.id, actor_id=actor.id)
    with pytest.raises(NotFound):
        duplicates.dismiss(session, "contact", a.id, 999_999, actor_id=actor.id)


def test_company_detection(session: Session) -> None:
    a = _company(session, "Kestrel Coffee OÜ", domain="kestrel.ee")
    b = _company(session, "Kestrel Coffee", domain="kestrel.ee")
    c = _company(session, "Lumen Bakery AS", city="Tartu")
    d = _company(session, "LUMEN BAKERY", city="Tartu")
    e = _company(session, "Harbour Bistro", domain="harbour.ee", city="Pärnu")
    f = _company(session, "Harbour Bistro", domain="harbourbistro.lv", city="Riga")
    _company(session, "Sunrise Tech", phone="+3726112233")
    _company(session, "Sunrise Technologies", phone="+3726112233")
    pairs = _pairs(session, "company")
    assert pairs[(a.id, b.id)].score == 100
    assert ("same_domain", "kestrel.ee") in pairs[(a.id, b.id)].reasons
    assert pairs[(c.id, d.id)].score == 85  # same name (legal form ignored), same city
    assert ("same_city", "tartu") in pairs[(c.id, d.id)].reasons
    assert (e.id, f.id) not in pairs  # two web sites in two cities: namesakes
    assert any(("same_phone", "+3726112233") in p.reasons for p in pairs.values())


def test_blocking_never_compares_every_pair(session: Session, monkeypatch) -> None:
    for i in range(30):
        _contact(session, f"Name{i:02d}", f"Family{i:02d}", emails=(f"n{i}@example.ee",))
    a = _contact(session, "Anna", "Tamm")
    b = _contact(session, "Anna", "Tamm")
    calls = []
    real = scoring.score_contacts
    monkeypatch.setattr(
        "crm_app.services.duplicates.scan.score_contacts",
        lambda p, q: calls.append((p.id, q.id)) or real(p, q),
    )
    assert set(_pairs(session)) == {(a.id, b.id)}
    assert len(calls) < 50  # of 496 possible pairs


# -- merging ---------------------------------------------------------------------------------------
@pytest.fixture
def stage(session: Session) -> Stage:
    pipeline = writes.create(session, Pipeline(name="Sales"), actor_id=None)
    return writes.create(session, Stage(pipeline_id=pipeline.id, name="Open"), actor_id=None)


def _related(session: Session, stage: Stage, contact: Contact, company: Company | None) -> dict:
    common = {"contact_id": contact.id, "company_id": company.id if company else None}
    made = {
        "activities": Activity(kind="call", subject="Call", **common),
        "deals": Deal(title="Beans", pipeline_id=stage.pipeline_id, stage_id=stage.id, **common),
        "tickets": Ticket(subject="Broken grinder", **common),
        "tasks": Task(title="Call back", **common),
        "orders": Order(number=f"O-{contact.id}", **common),
    }
    return {name: writes.create(session, row, actor_id=None) for name, row in made.items()}


def _merge_pair(session: Session, stage: Stage) -> tuple[Contact, Contact, dict]:
    acme = _company(session, "Acme")
    survivor = _contact(
        session,
        "Anna",
        "Tamm",
        emails=("anna@acme.ee", "shared@acme.ee"),
        phones=("+3725550001",),
        title=None,
        custom_fields={"shoe_size": 38},
        created_at=datetime(2024, 5, 1, tzinfo=UTC),
        last_contacted_at=datetime(2024, 6, 1, tzinfo=UTC),
    )
    other = _contact(
        session,
        "Ann",
        "Tamm",
        emails=("anna.tamm@gmail.com", "SHARED@acme.ee"),
        phones=("+3725550002", "+3725550001"),
        company=acme,
        title="Buyer",
        custom_fields={"shoe_size": 39, "hobby": "chess"},
        created_at=datetime(2023, 1, 1, tzinfo=UTC),
        last_contacted_at=datetime(2025, 2, 1, tzinfo=UTC),
    )
    tags.add_links(session, ContactTag, "contact_id", [survivor.id], ["vip"], actor_id=None)
    tags.add_links(session, ContactTag, "contact_id", [other.id], ["vip", "fair"], actor_id=None)
    return survivor, other, _related(session, stage, other, acme)


def test_merge_preview_shows_both_sides_and_what_moves(session: Session, stage: Stage) -> None:
    survivor, other, _ = _merge_pair(session, stage)
    preview = duplicates.merge_preview(session, "contact", survivor.id, other.id)
    fields = {f.key: f for f in preview.fields}
    assert (fields["first_name"].survivor, fields["first_name"].other) == ("Anna", "Ann")
    assert fields["first_name"].default == duplicates.SURVIVOR
    assert fields["title"].default == duplicates.OTHER  # the survivor's is blank
    assert fields["company_id"].other_display == "Acme"
    assert (fields["custom.hobby"].survivor, fields["custom.hobby"].other) == (None, "chess")
    assert preview.emails == ["anna@acme.ee", "shared@acme.ee", "anna.tamm@gmail.com"]
    assert preview.phones == ["+3725550001", "+3725550002"]
    assert preview.tags == ["fair", "vip"]
    for table in ("activities", "deals", "tickets", "tasks", "orders", "contact_tags"):
        assert preview.moves[table] >= 1, table
    assert preview.moves["contact_emails"] == 2
    assert session.get(Contact, other.id) is not None  # the preview wrote nothing


def test_merge_moves_every_related_row_and_deletes_the_other(
    session: Session, stage: Stage, actor: User
) -> None:
    survivor, other, related = _merge_pair(session, stage)
    duplicates.merge_contacts(session, survivor.id, other.id, {}, actor_id=actor.id)
    session.commit()
    session.expire_all()
    assert session.get(Contact, other.id) is None
    for name, row in related.items():
        fresh = session.get(type(row), row.id)
        assert fresh is not None and fresh.contact_id == survivor.id, name
    emails = session.execute(
        sa.select(ContactEmail.email, ContactEmail.is_primary)
        .where(ContactEmail.contact_id == survivor.id)
        .order_by(ContactEmail.id)
    ).all()
    assert sorted(e for e, _ in emails) == ["anna.tamm@gmail.com", "anna@acme.ee", "shared@acme.ee"]
    assert [e for e, primary in emails if primary] == ["anna@acme.ee"]
    phones = session.execute(
        sa.select(ContactPhone.phone).where(ContactPhone.contact_id == survivor.id)
    ).scalars()
    assert sorted(phones) == ["+3725550001", "+3725550002"]
    assert tags.tag_names_of(session, ContactTag, "contact_id", survivor.id) == ["fair", "vip"]
    for model in (ContactEmail, ContactPhone, ContactTag):
        left = session.execute(sa.select(model).where(model.contact_id == other.id)).first()
        assert left is None, model


def test_merge_applies_the_chosen_fields(session: Session, stage: Stage, actor: User) -> None:
    survivor, other, _ = _merge_pair(session, stage)
    choices = {"first_name": "other", "custom.shoe_size": "other", "company_id": "survivor"}
    merged = duplicates.merge_contacts(session, survivor.id, other.id, choices, actor_id=actor.id)
    session.commit()
    session.refresh(merged)
    assert merged.first_name == "Ann"  # chosen from the other
    assert merged.company_id is None  # chosen: the survivor's (empty) value
    assert merged.title == "Buyer"  # no choice, survivor's blank: the other's
    assert merged.custom_fields == {"shoe_size": 39, "hobby": "chess"}
    assert merged.created_at == datetime(2023, 1, 1, tzinfo=UTC)  # the earlier
    assert merged.last_contacted_at == datetime(2025, 2, 1, tzinfo=UTC)  # the later


def test_merge_writes_one_audit_entry(session: Session, stage: Stage, actor: User) -> None:
    survivor, other, _ = _merge_pair(session, stage)
    duplicates.merge_contacts(
        session, survivor.id, other.id, {"first_name": "other"}, actor_id=actor.id
    )
    session.commit()
    entries = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "merge")).scalars()
    (entry,) = list(entries)
    assert (entry.entity, entry.entity_id, entry.user_id) == ("contacts", survivor.id, actor.id)
    assert entry.changes["merged_id"] == other.id
    assert entry.changes["choices"] == {"first_name": "other"}
    assert entry.changes["fields"]["first_name"] == ["Anna", "Ann"]
    assert entry.changes["fields"]["title"] == [None, "Buyer"]
    assert entry.changes["fields"]["created_at"][0].startswith("2024-05-01")
    assert entry.changes["moved"]["activities"] == 1
    deleted = session.execute(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "contacts",
            AuditEntry.entity_id == other.id,
            AuditEntry.action == "delete",
        )
    ).scalar_one()
    assert deleted.changes["first_name"] == "Ann"


def test_search_finds_the_survivor_by_the_merged_email(
    session: Session, stage: Stage, actor: User
) -> None:
    survivor, other, _ = _merge_pair(session, stage)
    duplicates.merge_contacts(session, survivor.id, other.id, actor_id=actor.id)
    session.commit()
    found = session.execute(search.contact_match_ids(session, "anna.tamm@gmail.com")).scalars()
    assert list(found) == [survivor.id]
    assert list(session.execute(search.contact_match_ids(session, "5550002")).scalars()) == [
        survivor.id
    ]
    assert duplicates.find_duplicates(session, min_score=0).total == 0


def test_merging_moves_dismissals_to_the_survivor(session: Session, actor: User) -> None:
    a = _contact(session, "Anna", "Tamm")
    b = _contact(session, "Anna", "Tamm")
    c = _contact(session, "Anna", "Tamm")
    duplicates.dismiss(session, "contact", b.id, c.id, actor_id=actor.id)
    duplicates.dismiss(session, "contact", a.id, b.id, actor_id=actor.id)
    duplicates.merge_contacts(session, a.id, b.id, actor_id=actor.id)
    rows = session.execute(sa.select(DuplicateDismissal.low_id, DuplicateDismissal.high_id)).all()
    assert rows == [(a.id, c.id)]


def test_merging_a_record_with_itself_or_a_missing_one_fails(session: Session, actor: User) -> None:
    a = _contact(session, "Anna", "Tamm")
    b = _contact(session, "Anna", "Tamm")
    with pytest.raises(ValidationError):
        duplicates.merge_contacts(session, a.id, a.id, actor_id=actor.id)
    with pytest.raises(NotFound):
        duplicates.merge_contacts(session, a.id, 999_999, actor_id=actor.id)
    with pytest.raises(NotFound):
        duplicates.merge_preview(session, "contact", 999_999, a.id)
    with pytest.raises(ValidationError) as bad:
        duplicates.merge_contacts(session, a.id, b.id, {"password": "other"}, actor_id=None)
    assert "choices.password" in bad.value.errors
    with pytest.raises(ValidationError):
        duplicates.merge_contacts(session, a.id, b.id, {"first_name": "both"}, actor_id=None)
    assert session.get(Contact, b.id) is not None


def test_company_merge_moves_contacts_and_everything_else(
    session: Session, stage: Stage, actor: User
) -> None:
    survivor = _company(session, "Kestrel Coffee", domain=None, city="Tallinn")
    other = _company(session, "Kestrel Coffee OÜ", domain="kestrel.ee", phone="+3726000000")
    child = _company(session, "Kestrel Café Tartu", parent_id=other.id)
    staff = [_contact(session, "Anna", "Tamm", company=other) for _ in range(2)]
    related = _related(session, stage, staff[0], other)
    tags.add_links(session, CompanyTag, "company_id", [other.id], ["roaster"], actor_id=None)
    writes.update(session, survivor, {"parent_id": other.id}, actor_id=None)
    duplicates.merge_companies(session, survivor.id, other.id, {"name": "other"}, actor_id=None)
    session.commit()
    session.expire_all()
    assert session.get(Company, other.id) is None
    merged = session.get(Company, survivor.id)
    assert (merged.name, merged.domain, merged.phone, merged.city) == (
        "Kestrel Coffee OÜ",
        "kestrel.ee",
        "+3726000000",
        "Tallinn",
    )
    assert merged.parent_id is None  # it was the other: never its own parent
    assert session.get(Company, child.id).parent_id == survivor.id
    for contact in staff:
        assert session.get(Contact, contact.id).company_id == survivor.id
    for name, row in related.items():
        assert session.get(type(row), row.id).company_id == survivor.id, name
    assert tags.tag_names_of(session, CompanyTag, "company_id", survivor.id) == ["roaster"]
    found = session.execute(search.contact_match_ids(session, "Kestrel OÜ")).scalars()
    assert set(found) == {c.id for c in staff}  # the contacts' company column is reindexed
    entry = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "merge")).scalar_one()
    assert (entry.entity, entry.changes["merged_id"]) == ("companies", other.id)
    assert entry.changes["moved"]["contacts"] == 2
    assert entry.changes["fields"]["parent_id"] == [other.id, None]


def test_every_table_pointing_at_contacts_is_found_from_the_metadata() -> None:
    found = {(m.__tablename__, attr, link) for m, attr, link in referencing("contacts")}
    expected = {
        ("activities", "contact_id", False),
        ("deals", "contact_id", False),
        ("tickets", "contact_id", False),
        ("tasks", "contact_id", False),
        ("orders", "contact_id", False),
        ("contact_tags", "contact_id", True),
        ("contact_emails", "contact_id", False),
        ("contact_phones", "contact_id", False),
    }
    assert expected <= found
    companies = {m.__tablename__ for m, _, _ in referencing("companies")}
    assert {"contacts", "companies", "company_tags", "deals", "orders"} <= companies


def test_a_switchboard_number_pairs_only_similar_names(session: Session) -> None:
    firsts = "Aino Birgit Carl Dmitri Eero Fanny Gert Hille Ivo Jaan Kalle Liis Madis Nele Olev"
    lasts = "Kask Saar Mets Lepp"
    people = [(f, last) for f in firsts.split() for last in lasts.split()][:30]
    names = [("Anna", "Tamm"), ("Anna", "Tamm"), *people]
    staff = [_contact(session, f, last, phones=("+3726100100",)) for f, last in names]
    pairs = _pairs(session)
    assert set(pairs) == {(staff[0].id, staff[1].id)}  # not the 496 pairs of 32 people
    assert pairs[(staff[0].id, staff[1].id)].reasons[0] == ("same_phone", "+3726100100")
