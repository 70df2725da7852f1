"""Contacts: the form's validation beside each field, audited writes, diffs and bulk actions."""

from __future__ import annotations

import sys
import types

import pytest
import sqlalchemy as sa

import crm_app.services as services_pkg
from crm_app.models import (
    AuditEntry,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Tag,
    User,
)
from crm_app.services import app_settings, contacts, writes
from crm_app.services.contacts import ContactInput
from crm_app.services.errors import NotFound, ValidationError

TABLES = (Contact, ContactEmail, ContactPhone, ContactTag, Tag, AuditEntry)


@pytest.fixture
def actor(session) -> User:
    user = User(email="owner@example.com", name="Owner", password_hash="x", role="sales")
    session.add(user)
    session.flush()
    return user


def _audit(session, **where) -> list[AuditEntry]:
    session.expire_all()
    q = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        q = q.where(getattr(AuditEntry, key) == value)
    return list(session.execute(q).scalars())


def _counts(session) -> dict[str, int]:
    return {
        m.__tablename__: session.execute(sa.select(sa.func.count()).select_from(m)).scalar()
        for m in TABLES
    }


def _rows(session, model, contact_id) -> list[tuple]:
    key = "email" if model is ContactEmail else "phone"
    q = sa.select(model).where(model.contact_id == contact_id).order_by(model.id)
    return [(getattr(r, key), r.label, r.is_primary) for r in session.execute(q).scalars()]


def _ada(**overrides) -> ContactInput:
    values = dict(
        first_name=" Ada ",
        last_name="Lovelace",
        country="ee",
        emails=[("  Ada@Example.COM ", "work"), ("ada.home@example.org", "home")],
        phones=[("5551 2345", "mobile")],
        tags=["VIP", "Newsletter"],
        preferences={"channel": "email", "language": "et"},
        consent_email=True,
    )
    values.update(overrides)
    return ContactInput(**values)


def _errors(session, data: ContactInput, default_region=None, contact_id=None) -> dict[str, str]:
    return contacts.validate_contact(
        session, data, default_region=default_region, contact_id=contact_id
    )[1]


# -- validation: each message beside its field ------------------------------------------------
def test_a_first_or_last_name_is_required(session):
    assert _errors(session, _ada(first_name="  ", last_name="")) == {
        "first_name": "Enter a first or last name."
    }
    assert _errors(session, _ada(first_name="", last_name="Lovelace")) == {}


def test_each_bad_value_is_reported_beside_its_field(session, actor):
    inactive = User(email="gone@example.com", name="Gone", password_hash="x", active=False)
    session.add(inactive)
    session.flush()
    data = _ada(
        emails=[("ok@example.com", "work"), ("not-an-address", "home")],
        phones=[("12", "mobile")],
        country="XX",
        lifecycle_stage="friend",
        owner_id=inactive.id,
        company_id=9999,
        tags=["t" * 61],
        title="x" * 121,
    )
    assert _errors(session, data, default_region="EE") == {
        "emails.1": "Enter a valid e-mail address, like name@example.com.",
        "phones.0": "This does not look like a phone number.",
        "country": "Choose a country from the list.",
        "lifecycle_stage": "Choose a lifecycle stage.",
        "owner_id": "Choose an active user as the owner.",
        "company_id": "This company no longer exists. Pick another.",
        "tags": "A tag can be at most 60 characters long.",
        "title": "Use at most 120 characters.",
    }


def test_emails_are_trimmed_lower_cased_and_duplicates_in_the_form_rejected(session):
    values, errors = contacts.validate_contact(
        session,
        _ada(emails=[(" Ada@Example.COM", "Work"), ("", "home"), ("ada@example.com ", "home")]),
        default_region=None,
    )
    assert errors == {"emails.2": "This address is already in the list above."}
    assert values["emails"] == [("ada@example.com", "work", True)]


def test_an_address_of_another_contact_is_reported_but_its_own_is_fine(session, actor):
    first = contacts.create_contact(session, _ada(), actor_id=actor.id)
    other = _ada(first_name="Bea", emails=[("x@example.com", "work"), ("ADA@example.com", "")])

    assert _errors(session, other) == {"emails.1": "Another contact already uses this address."}
    assert _errors(session, _ada(), contact_id=first.id) == {}


@pytest.mark.parametrize(
    ("typed", "country", "default_region", "stored"),
    [
        ("5551 2345", "EE", None, "+37255512345"),  # the contact's country
        ("5551 2345", "", "EE", "+37255512345"),  # the installation's default region
        ("+1 415 555 2671", "EE", None, "+14155552671"),  # international input wins
        ("+1 (415) 555-2671", "", None, "+14155552671"),
        ("00372 5551 2345", "", None, "+37255512345"),
        ("(415) 555-2671", "US", "EE", "+14155552671"),  # country before default region
    ],
)
def test_phones_are_stored_in_e164(session, typed, country, default_region, stored):
    values, errors = contacts.validate_contact(
        session, _ada(phones=[(typed, "mobile")], country=country), default_region=default_region
    )
    assert errors == {}
    assert values["phones"] == [(stored, "mobile", True)]


def test_a_national_number_without_any_region_needs_the_country_code(session):
    errors = _errors(session, _ada(phones=[("5551 2345", "mobile")], country=""))
    assert errors == {"phones.0": "Add the country code, e.g. +372 5555 1234."}


def test_the_same_number_twice_is_rejected(session):
    errors = _errors(session, _ada(phones=[("5551 2345", ""), ("+372 5551 2345", "")]))
    assert errors == {"phones.1": "This number is already in the list above."}


def test_custom_values_use_custom_fields_coerce_when_it_exists(session, monkeypatch):
    def coerce(_session, entity, raw):
        assert entity == "contact"
        if raw.get("size") == "big":
            return {}, {"size": "Enter a number."}
        return {"size": int(raw["size"])}, {}

    fake = types.ModuleType("crm_app.services.custom_fields")
    fake.coerce = coerce  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "crm_app.services.custom_fields", fake)
    monkeypatch.setattr(services_pkg, "custom_fields", fake, raising=False)

    assert _errors(session, _ada(custom={"size": "big"})) == {"custom.size": "Enter a number."}
    values, _ = contacts.validate_contact(session, _ada(custom={"size": "3"}), default_region=None)
    assert values["custom_fields"] == {"size": 3}


def test_custom_values_are_kept_as_text_without_a_coerce(session, monkeypatch):
    fake = types.ModuleType("crm_app.services.custom_fields")
    monkeypatch.setitem(sys.modules, "crm_app.services.custom_fields", fake)
    monkeypatch.setattr(services_pkg, "custom_fields", fake, raising=False)

    values, errors = contacts.validate_contact(
        session, _ada(custom={"shoe": " 42 ", "empty": ""}), default_region=None
    )
    assert errors == {}
    assert values["custom_fields"] == {"shoe": "42"}


# -- create ----------------------------------------------------------------------------------
def test_create_writes_contact_emails_phones_tags_and_audit_entries(session, actor):
    contact = contacts.create_contact(session, _ada(owner_id=actor.id), actor_id=actor.id)

    session.expire_all()
    stored = session.get(Contact, contact.id)
    assert (stored.first_name, stored.last_name, stored.country) == ("Ada", "Lovelace", "EE")
    assert stored.owner_id == actor.id and stored.consent_at is not None
    assert stored.preferences == {"channel": "email", "language": "et"}
    assert _rows(session, ContactEmail, contact.id) == [
        ("ada@example.com", "work", True),
        ("ada.home@example.org", "home", False),
    ]
    assert _rows(session, ContactPhone, contact.id) == [("+37255512345", "mobile", True)]
    form = contacts.contact_form(session, contact.id)
    assert form.tags == ["Newsletter", "VIP"]
    assert form.phones == [("+372 5551 2345", "mobile")]
    assert form.emails == [("ada@example.com", "work"), ("ada.home@example.org", "home")]

    made = {(e.entity, e.action) for e in _audit(session, user_id=actor.id)}
    assert made == {
        ("contacts", "create"),
        ("contact_emails", "create"),
        ("contact_phones", "create"),
        ("tags", "create"),
        ("contact_tags", "create"),
    }
    assert len(_audit(session, entity="contact_emails")) == 2
    assert len(_audit(session, entity="contact_tags")) == 2


def test_a_failed_create_writes_nothing(session, actor):
    before = _counts(session)
    with pytest.raises(ValidationError) as exc:
        contacts.create_contact(session, _ada(phones=[("abc", "")]), actor_id=actor.id)
    assert exc.value.errors == {"phones.0": "This does not look like a phone number."}
    assert _counts(session) == before


def test_the_default_phone_region_setting_reaches_the_form(session, actor):
    # The UI reads the setting and passes it on; the service takes it as given.
    app_settings.put(session, "default_phone_region", "EE", actor_id=actor.id)
    region = app_settings.get(session, "default_phone_region")
    contact = contacts.create_contact(
        session, _ada(country=""), actor_id=actor.id, default_region=region
    )
    assert _rows(session, ContactPhone, contact.id)[0][0] == "+37255512345"


# -- update ----------------------------------------------------------------------------------
def test_saving_an_unchanged_form_writes_nothing(session, actor):
    contact = contacts.create_contact(session, _ada(), actor_id=actor.id)
    before, updated_at = len(_audit(session)), contact.updated_at

    form = contacts.contact_form(session, contact.id)
    contacts.update_contact(session, contact.id, form, actor_id=actor.id)

    assert len(_audit(session)) == before
    assert session.get(Contact, contact.id).updated_at == updated_at


def test_update_audits_only_the_changed_fields(session, actor):
    contact = contacts.create_contact(session, _ada(), actor_id=actor.id)
    before = len(_audit(session))

    form = contacts.contact_form(session, contact.id)
    form.city, form.lifecycle_stage = "Tartu", "customer"
    contacts.update_contact(session, contact.id, form, actor_id=actor.id)

    new = _audit(session)[before:]
    assert [(e.entity, e.action) for e in new] == [("contacts", "update")]
    assert new[0].changes == {"city": [None, "Tartu"], "lifecycle_stage": ["lead", "customer"]}


def test_update_replaces_emails_phones_and_tags(session, actor):
    contact = contacts.create_contact(session, _ada(), actor_id=actor.id)
    kept_id = session.execute(
        sa.select(ContactEmail.id).where(ContactEmail.email == "ada.home@example.org")
    ).scalar()
    before = len(_audit(session))

    form = contacts.contact_form(session, contact.id)
    form.emails = [("ada.home@example.org", "home"), ("new@example.net", "other")]
    form.phones = [("+1 415 555 2671", "work"), ("+372 5551 2345", "mobile")]
    form.tags = ["vip", "Partner"]
    contacts.update_contact(session, contact.id, form, actor_id=actor.id)

    assert _rows(session, ContactEmail, contact.id) == [
        ("ada.home@example.org", "home", True),
        ("new@example.net", "other", False),
    ]
    assert (
        session.execute(
            sa.select(ContactEmail.id).where(ContactEmail.email == "ada.home@example.org")
        ).scalar()
        == kept_id
    )  # the same row, relabelled as primary, not re-created
    assert _rows(session, ContactPhone, contact.id) == [
        ("+37255512345", "mobile", False),
        ("+14155552671", "work", True),
    ]
    assert contacts.contact_form(session, contact.id).tags == ["Partner", "VIP"]
    changes = sorted((e.entity, e.action) for e in _audit(session)[before:])
    assert changes == [
        ("contact_emails", "create"),
        ("contact_emails", "delete"),
        ("contact_emails", "update"),
        ("contact_phones", "create"),
        ("contact_phones", "update"),
        ("contact_tags", "create"),
        ("contact_tags", "delete"),
        ("tags", "create"),
    ]


def test_a_failed_edit_changes_no_rows(session, actor):
    contact = contacts.create_contact(session, _ada(), actor_id=actor.id)
    before = _counts(session)

    form = contacts.contact_form(session, contact.id)
    form.first_name, form.last_name, form.city = "", "", "Tartu"
    form.emails = [("broken@", "work")]
    form.tags = ["Brand new"]
    with pytest.raises(ValidationError) as exc:
        contacts.update_contact(session, contact.id, form, actor_id=actor.id)

    assert set(exc.value.errors) == {"first_name", "emails.0"}
    assert _counts(session) == before
    session.expire_all()
    stored = session.get(Contact, contact.id)
    assert (stored.first_name, stored.city) == ("Ada", None)
    assert len(_rows(session, ContactEmail, contact.id)) == 2


def test_edit_keeps_preference_keys_the_form_does_not_show(session, actor):
    contact = contacts.create_contact(
        session, _ada(preferences={"channel": "email", "topics": ["coffee"]}), actor_id=actor.id
    )
    form = contacts.contact_form(session, contact.id)
    form.preferences = {"channel": "phone"}  # the form sends only what it shows
    contacts.update_contact(session, contact.id, form, actor_id=actor.id)

    assert session.get(Contact, contact.id).preferences == {
        "channel": "phone",
        "topics": ["coffee"],
    }


def test_missing_contact_is_not_found(session, actor):
    with pytest.raises(NotFound):
        contacts.get_contact(session, 404)
    with pytest.raises(NotFound):
        contacts.update_contact(session, 404, _ada(), actor_id=actor.id)


# -- bulk actions ----------------------------------------------------------------------------
def _three(session, actor) -> list[int]:
    return [
        contacts.create_contact(
            session,
            ContactInput(first_name=n, emails=[(f"{n}@example.com", "")]),
            actor_id=actor.id,
        ).id
        for n in ("ann", "ben", "cat")
    ]


def test_bulk_tag_and_untag_count_links_and_audit_each(session, actor):
    ids = _three(session, actor)
    contacts.tag_contacts(session, ids[:1], ["VIP"], actor_id=actor.id)
    before = len(_audit(session, entity="contact_tags"))

    added = contacts.tag_contacts(session, [*ids, 999], ["vip", "Fair 2026"], actor_id=actor.id)

    assert added == 5  # ann already had VIP; 999 does not exist
    assert len(_audit(session, entity="contact_tags")) == before + 5
    assert contacts.untag_contacts(session, ids, ["VIP", "unknown"], actor_id=actor.id) == 3
    assert len(_audit(session, entity="contact_tags", action="delete")) == 3


def test_assign_owner_needs_an_active_user_and_counts_changes(session, actor):
    ids = _three(session, actor)
    contacts.assign_owner(session, ids[:1], actor.id, actor_id=actor.id)
    before = len(_audit(session, entity="contacts", action="update"))

    assert contacts.assign_owner(session, ids, actor.id, actor_id=actor.id) == 2
    assert len(_audit(session, entity="contacts", action="update")) == before + 2
    assert contacts.assign_owner(session, ids, None, actor_id=actor.id) == 3

    actor.active = False
    session.flush()
    with pytest.raises(ValidationError) as exc:
        contacts.assign_owner(session, ids, actor.id, actor_id=actor.id)
    assert exc.value.errors == {"owner_id": "Choose an active user as the owner."}


def test_set_lifecycle_stage_counts_changes_and_rejects_unknown_stages(session, actor):
    ids = _three(session, actor)
    assert contacts.set_lifecycle_stage(session, ids, "customer", actor_id=actor.id) == 3
    assert contacts.set_lifecycle_stage(session, ids, "Customer", actor_id=actor.id) == 0
    entries = _audit(session, entity="contacts", action="update")
    assert [e.changes for e in entries] == [{"lifecycle_stage": ["lead", "customer"]}] * 3
    with pytest.raises(ValidationError):
        contacts.set_lifecycle_stage(session, ids, "friend", actor_id=actor.id)


def test_delete_contacts_removes_their_rows_and_audits_them(session, actor):
    ids = _three(session, actor)
    contacts.tag_contacts(session, ids, ["VIP"], actor_id=actor.id)

    assert contacts.delete_contacts(session, [ids[0], ids[1], 999], actor_id=actor.id) == 2

    assert session.execute(sa.select(Contact.id)).scalars().all() == [ids[2]]
    assert session.execute(sa.select(sa.func.count()).select_from(ContactEmail)).scalar() == 1
    assert session.execute(sa.select(sa.func.count()).select_from(ContactTag)).scalar() == 1
    deleted = _audit(session, action="delete")
    assert (
        sorted(e.entity for e in deleted)
        == ["contact_emails"] * 2 + ["contact_tags"] * 2 + ["contacts"] * 2
    )


def test_contact_company_link_to_an_existing_company(session, actor):
    company = writes.create(session, Company(name="Acme"), actor_id=actor.id)
    contact = contacts.create_contact(session, _ada(company_id=company.id), actor_id=actor.id)
    assert contacts.contact_form(session, contact.id).company_id == company.id
