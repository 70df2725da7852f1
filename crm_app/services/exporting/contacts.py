"""Exporting contacts (``record_lists`` has the rules): their fields, addresses and numbers
(primary first; phones as stored, E.164, so ``'+372…`` stays readable), tags and custom
fields."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, ContactPhone, ContactTag, Segment, User

from .. import contact_query
from .cell_values import custom_value, joined, local, tag_names, yes_no
from .record_lists import RecordList, export_list
from .writers import Target

CONTACT_HEADERS = ("First name", "Last name", "Emails", "Phones", "Title", "Company", "Owner",
                   "Lifecycle stage", "Source", "Street", "City", "Region", "Postal code",
                   "Country code", "Tags", "Email consent", "Email consent at", "Do not call",
                   "Last contacted")  # fmt: skip


def _contact_values(session: Session, model: Any, ids: list[int]) -> dict[int, list[str]]:
    """Each contact's emails or phones, primary first (one query for the chunk)."""
    column = model.email if model is ContactEmail else model.phone
    query = (
        sa.select(model.contact_id, column)
        .where(model.contact_id.in_(ids))
        .order_by(model.contact_id, model.is_primary.desc(), model.id)
    )
    out: dict[int, list[str]] = {}
    for contact_id, value in session.connection().execute(query).all():
        out.setdefault(contact_id, []).append(value)
    return out


def _contact_rows(
    session: Session, ids: list[int], fields: list[tuple[str, str]], zone: tzinfo
) -> list[list[Any]]:
    c = Contact
    query = (
        sa.select(c.id, c.first_name, c.last_name, c.title, Company.name.label("company"),
                  User.name.label("owner"), c.lifecycle_stage, c.source, c.street, c.city,
                  c.region, c.postal_code, c.country, c.consent_email, c.consent_at,
                  c.do_not_call, c.last_contacted_at, c.custom_fields, c.created_at,
                  c.external_id)
        .outerjoin(Company, Company.id == c.company_id)
        .outerjoin(User, User.id == c.owner_id)
        .where(c.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    emails = _contact_values(session, ContactEmail, ids)
    phones = _contact_values(session, ContactPhone, ids)
    tags = tag_names(session, ContactTag, ContactTag.contact_id, ids)
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:  # deleted meanwhile, or an unknown id in a selection
            continue
        custom = r.custom_fields or {}
        row = [
            r.first_name, r.last_name, joined(emails.get(i)), joined(phones.get(i)), r.title,
            r.company, r.owner, r.lifecycle_stage, r.source, r.street, r.city, r.region,
            r.postal_code, r.country, joined(tags.get(i)), yes_no(r.consent_email),
            local(r.consent_at, zone), yes_no(r.do_not_call), local(r.last_contacted_at, zone),
            *[custom_value(kind, custom.get(key)) for key, kind in fields],
            local(r.created_at, zone), r.external_id, i,
        ]  # fmt: skip
        rows.append(row)
    return rows


def _contact_ids(session: Session, filters: Any, tz: str, now: datetime | None) -> sa.Select:
    flt = filters or contact_query.ContactFilters()
    return contact_query.contact_id_query(session, flt, tz=tz, now=now)


CONTACTS = RecordList(
    entity="contact",
    model=Contact,
    sheet="Contacts",
    headers=CONTACT_HEADERS,
    read=_contact_rows,
    id_query=_contact_ids,
    # the list's own sort tiers (private there), so the export is in the list's order
    tiers=contact_query._tiers,
)


def export_contacts(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    filters: contact_query.ContactFilters | None = None,
    ids: list[int] | None = None,
    segment: Segment | None = None,
    tz: str | None = None,
    sort: str = "name",
    descending: bool = False,
    now: datetime | None = None,
) -> int:
    """Write contacts to ``target`` (a path, or a binary/text stream with ``fmt``); the number
    of rows written. At most one of ``filters`` / ``ids`` / ``segment``; none = everyone."""
    options = {"filters": filters, "ids": ids, "segment": segment, "sort": sort}
    return export_list(
        session, CONTACTS, target, fmt, tz, descending=descending, now=now, **options
    )
