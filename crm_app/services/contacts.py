"""Contacts: the one add/edit form's validation, audited writes, and the bulk actions.

Every write goes through ``writes`` (one audit entry per changed row). Validation runs
before the first write, so a ValidationError leaves the database untouched; other errors
are rolled back by the caller's ``session_scope``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    LifecycleStage,
    utcnow,
)

from . import emails as email_rules
from . import phones as phone_rules
from . import tags as tag_rules
from . import writes
from .companies import check_owner, check_texts, coerce_custom, records_by_ids, set_owner
from .errors import NotFound, ValidationError
from .i18n import N_

STAGES = tuple(s.value for s in LifecycleStage)
CHANNELS = ("email", "phone", "none")
FORM_PREFERENCES = ("channel", "language")  # the keys the form owns; others (imports) are kept
TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "title": 120,
    "source": 50,
    "street": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}
_OPTIONAL = ("title", "source", "street", "city", "region", "postal_code")


@dataclass
class ContactInput:
    """What the add/edit form (or one imported row) submits: plain values as typed."""

    first_name: str = ""
    last_name: str = ""
    title: str = ""
    company_id: int | None = None
    owner_id: int | None = None
    lifecycle_stage: str = LifecycleStage.LEAD.value
    source: str = ""
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, label)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number as typed, label)
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""  # ISO-3166 alpha-2
    tags: list[str] = field(default_factory=list)
    preferences: dict[str, Any] = field(default_factory=dict)
    consent_email: bool = False
    do_not_call: bool = False
    custom: dict[str, Any] = field(default_factory=dict)


def get_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(contact_id)
    return contact


def _preferences(raw: dict[str, Any], old: dict[str, Any], errors: dict[str, str]) -> dict:
    prefs = {k: v for k, v in old.items() if k not in FORM_PREFERENCES}
    prefs.update({k: v for k, v in raw.items() if k not in FORM_PREFERENCES})
    channel = str(raw.get("channel") or "").strip().lower()
    if channel and channel not in CHANNELS:
        errors["channel"] = N_("Choose how this person wants to be contacted.")
    elif channel:
        prefs["channel"] = channel
    language = str(raw.get("language") or "").strip().replace("_", "-")
    if language and not (len(language) <= 10 and language.replace("-", "").isalpha()):
        errors["language"] = N_("Choose a language from the list.")
    elif language:
        prefs["language"] = language
    return prefs


def validate_contact(
    session: Session,
    data: ContactInput,
    *,
    default_region: str | None,
    contact_id: int | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, errors by form field). Writes nothing.

    Clean values are Contact columns plus ``emails`` and ``phones`` as
    [(value, label, is_primary)] (E.164 phones, lower-case addresses) and ``tags`` (names).
    A name (first or last) is required. ``contact_id`` is the contact being edited: its own
    addresses are not "taken", and its current owner/company are accepted even if inactive.
    """
    old = session.get(Contact, contact_id) if contact_id is not None else None
    errors: dict[str, str] = {}
    texts = check_texts(data, TEXT_LIMITS, errors)
    if not texts["first_name"] and not texts["last_name"]:
        errors.setdefault("first_name", N_("Enter a first or last name."))
    values: dict[str, Any] = {k: texts[k] or None if k in _OPTIONAL else texts[k] for k in texts}
    stage = str(data.lifecycle_stage or "").strip().lower() or LifecycleStage.LEAD.value
    if stage not in STAGES:
        errors["lifecycle_stage"] = N_("Choose a lifecycle stage.")
    values["lifecycle_stage"] = stage
    values["country"] = phone_rules.pick_country(data.country, errors)
    values["owner_id"] = check_owner(session, data.owner_id, old.owner_id if old else None, errors)
    values["company_id"] = data.company_id
    if data.company_id is not None and data.company_id != (old.company_id if old else None):
        if session.get(Company, data.company_id) is None:
            errors["company_id"] = N_("This company no longer exists. Pick another.")
    values["preferences"] = _preferences(data.preferences, old.preferences if old else {}, errors)
    values["consent_email"] = bool(data.consent_email)
    values["do_not_call"] = bool(data.do_not_call)
    values["custom_fields"] = coerce_custom(
        session, "contact", data.custom, old.custom_fields if old else {}, errors
    )
    region = phone_rules.phone_region(values["country"], default_region)
    values["emails"] = email_rules.check_email_rows(session, data.emails, contact_id, errors)
    values["phones"] = phone_rules.check_phone_rows(data.phones, region, errors)
    errors.update(tag_rules.tag_errors(data.tags))
    values["tags"] = tag_rules.clean_tag_names(data.tags)
    return values, errors


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    children = {k: values.pop(k) for k in ("emails", "phones", "tags")}
    return values, children


def create_contact(
    session: Session, data: ContactInput, *, actor_id: int | None, default_region: str | None = None
) -> Contact:
    """Add a contact with its addresses, numbers and tags; raises ValidationError first."""
    values, errors = validate_contact(session, data, default_region=default_region)
    if errors:
        raise ValidationError(errors)
    columns, children = _split(values)
    if columns["consent_email"]:
        columns["consent_at"] = utcnow()
    contact = writes.create(session, Contact(**columns), actor_id=actor_id)
    assert contact.id is not None
    _replace_children(session, contact.id, children, actor_id=actor_id)
    return contact


def update_contact(
    session: Session,
    contact_id: int,
    data: ContactInput,
    *,
    actor_id: int | None,
    default_region: str | None = None,
) -> Contact:
    """Save the edit form: only what changed is written and audited; lists are replaced."""
    contact = get_contact(session, contact_id)
    values, errors = validate_contact(
        session, data, default_region=default_region, contact_id=contact_id
    )
    if errors:
        raise ValidationError(errors)
    columns, children = _split(values)
    if columns["consent_email"] != contact.consent_email:
        columns["consent_at"] = utcnow() if columns["consent_email"] else None
    writes.update(session, contact, columns, actor_id=actor_id)
    _replace_children(session, contact_id, children, actor_id=actor_id)
    return contact


def _replace_children(
    session: Session, contact_id: int, children: dict[str, Any], *, actor_id: int | None
) -> None:
    _replace_rows(session, ContactEmail, "email", contact_id, children["emails"], actor_id)
    _replace_rows(session, ContactPhone, "phone", contact_id, children["phones"], actor_id)
    tag_rules.set_links(
        session, ContactTag, "contact_id", contact_id, children["tags"], actor_id=actor_id
    )


def _replace_rows(
    session: Session,
    model: type[ContactEmail] | type[ContactPhone],
    key: str,
    contact_id: int,
    wanted: list[tuple[str, str, bool]],
    actor_id: int | None,
) -> None:
    """Match stored rows by value: keep (relabel) the same, delete the gone, add the new."""
    rows = session.execute(
        sa.select(model).where(model.contact_id == contact_id).order_by(model.id)
    ).scalars()
    stored = {getattr(r, key): r for r in rows}
    submitted = {value for value, _, _ in wanted}
    for value, row in stored.items():
        if value not in submitted:
            writes.delete(session, row, actor_id=actor_id)
    new = []
    for value, label, primary in wanted:
        if value in stored:
            changes = {"label": label, "is_primary": primary}
            writes.update(session, stored[value], changes, actor_id=actor_id)
        else:
            fields = {"contact_id": contact_id, key: value, "label": label, "is_primary": primary}
            new.append(model(**fields))
    if new:
        writes.create_many(session, new, actor_id=actor_id)


def contact_form(session: Session, contact_id: int) -> ContactInput:
    """A stored contact as the edit form shows it (phones in international format)."""
    c = get_contact(session, contact_id)

    def listed(model: Any, key: str) -> list[tuple[str, str]]:
        q = sa.select(model).where(model.contact_id == contact_id)
        rows = session.execute(q.order_by(model.is_primary.desc(), model.id)).scalars()
        return [(getattr(r, key), r.label) for r in rows]

    return ContactInput(
        **{k: getattr(c, k) or "" for k in TEXT_LIMITS},
        company_id=c.company_id,
        owner_id=c.owner_id,
        lifecycle_stage=c.lifecycle_stage,
        emails=listed(ContactEmail, "email"),
        phones=[(phone_rules.format_phone(p), lab) for p, lab in listed(ContactPhone, "phone")],
        country=c.country or "",
        tags=tag_rules.tag_names_of(session, ContactTag, "contact_id", contact_id),
        preferences=dict(c.preferences or {}),
        consent_email=c.consent_email,
        do_not_call=c.do_not_call,
        custom=dict(c.custom_fields or {}),
    )


# -- bulk actions on selected contacts ------------------------------------------------------------
def _contacts(session: Session, ids: list[int]) -> list[Contact]:
    return records_by_ids(session, Contact, ids)


def delete_contacts(session: Session, ids: list[int], *, actor_id: int | None) -> int:
    """Delete contacts with their addresses, numbers and tag links, each audited."""
    contacts = _contacts(session, ids)
    for contact in contacts:
        for model in (ContactEmail, ContactPhone, ContactTag):
            q = sa.select(model).where(model.contact_id == contact.id)
            for row in list(session.execute(q).scalars()):
                writes.delete(session, row, actor_id=actor_id)
        writes.delete(session, contact, actor_id=actor_id)
    return len(contacts)


def tag_contacts(
    session: Session, ids: list[int], tag_names: list[str], *, actor_id: int | None
) -> int:
    """Add tags (unknown ones created) to the contacts; returns how many links were added."""
    existing = [c.id for c in _contacts(session, ids) if c.id is not None]
    return tag_rules.add_links(
        session, ContactTag, "contact_id", existing, tag_names, actor_id=actor_id
    )


def untag_contacts(
    session: Session, ids: list[int], tag_names: list[str], *, actor_id: int | None
) -> int:
    """Remove tags from the contacts; returns how many links were removed."""
    return tag_rules.remove_links(
        session, ContactTag, "contact_id", ids, tag_names, actor_id=actor_id
    )


def assign_owner(
    session: Session, ids: list[int], owner_id: int | None, *, actor_id: int | None
) -> int:
    """Give the contacts an owner (an active user) or none; returns how many changed."""
    return set_owner(session, Contact, ids, owner_id, actor_id=actor_id)


def set_lifecycle_stage(
    session: Session, ids: list[int], stage: str, *, actor_id: int | None
) -> int:
    """Move the contacts to a lifecycle stage; returns how many changed."""
    stage = str(stage or "").strip().lower()
    if stage not in STAGES:
        raise ValidationError({"lifecycle_stage": N_("Choose a lifecycle stage.")})
    contacts = _contacts(session, ids)
    return sum(
        bool(writes.update(session, c, {"lifecycle_stage": stage}, actor_id=actor_id))
        for c in contacts
    )


def search_contacts(session: Session, text: str, limit: int = 8) -> list[tuple[int, str, str]]:
    """(id, name, company name) of the contacts that best match ``text`` (the full-text index),
    best first: the search-as-you-type of forms that link a contact."""
    from . import search

    ids_q = search.contact_match_ids(session, text, ranked=True)
    ids = list(session.execute(ids_q.limit(limit)).scalars()) if ids_q is not None else []
    if not ids:
        return []
    rows = session.execute(
        sa.select(Contact.id, Contact.first_name, Contact.last_name, Company.name)
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(Contact.id.in_(ids))
    ).all()
    names = {r[0]: (f"{r[1]} {r[2]}".strip() or f"#{r[0]}", r[3] or "") for r in rows}
    return [(i, *names[i]) for i in ids if i in names]


def display_names(
    session: Session, contact_id: int | None, company_id: int | None
) -> tuple[str, str]:
    """The contact's full name and the company's name (empty when not set or gone)."""
    contact = session.get(Contact, contact_id) if contact_id else None
    company = session.get(Company, company_id) if company_id else None
    name = f"{contact.first_name} {contact.last_name}".strip() if contact else ""
    return name, company.name if company else ""
