"""Merge fields: ``{{first_name}}`` and friends filled from a contact, by plain substitution.

Only the fields listed here are replaced (nothing is evaluated: a template is text, never
code). An unknown ``{{field}}`` is left as written and reported, so the writer sees it.
A known field the contact has no value for becomes empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, User

from ..i18n import N_

MERGE_FIELDS: dict[str, str] = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "full_name": N_("Full name"),
    "company": N_("Company"),
    "email": N_("E-mail"),
    "owner": N_("Owner"),
}
_FIELD = re.compile(r"\{\{\s*([^{}\s]{1,60})\s*\}\}")


@dataclass(frozen=True)
class Rendered:
    text: str
    unknown: list[str]  # field names that are not merge fields, in order of appearance


def contact_values(session: Session, contact_id: int | None) -> dict[str, str]:
    """The merge values of a contact ("" for each when there is none)."""
    values = dict.fromkeys(MERGE_FIELDS, "")
    contact = session.get(Contact, contact_id) if contact_id else None
    if contact is None:
        return values
    values["first_name"] = contact.first_name or ""
    values["last_name"] = contact.last_name or ""
    values["full_name"] = " ".join(p for p in (contact.first_name, contact.last_name) if p)
    if contact.company_id and (company := session.get(Company, contact.company_id)):
        values["company"] = company.name or ""
    if contact.owner_id and (owner := session.get(User, contact.owner_id)):
        values["owner"] = owner.name or ""
    values["email"] = (
        session.execute(
            sa.select(ContactEmail.email)
            .where(ContactEmail.contact_id == contact.id)
            .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
            .limit(1)
        ).scalar()
        or ""
    )
    return values


def render(template: str, values: dict[str, str]) -> Rendered:
    """Replace each ``{{ field }}`` of ``values``; leave and report the others."""
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name not in unknown:
            unknown.append(name)
        return match.group(0)

    return Rendered(_FIELD.sub(fill, template or ""), unknown)
