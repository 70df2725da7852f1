"""Changing one field of a contact or company in place (the record page's inline edit).

Rule: an inline edit is the edit form with one value changed. The stored record is read
back as its form (``contact_form`` / ``company_form``), the one field is replaced and the
whole is saved through ``update_contact`` / ``update_company``: the same validation, the
same audit and the same side effects (the consent date, tag links) as the edit dialog.
An unchanged value writes nothing. Errors come back keyed by the edited field.

Fields are plain strings both ways: "" is empty (no owner, no preference), a switch is
"1" or "". "email" and "phone" are the primary address and number; clearing one removes
it (the next becomes primary). "tags" is a comma-separated list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from . import companies, contacts
from .companies import CompanyInput
from .contacts import ContactInput
from .errors import ValidationError

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "email",
    "phone",
    "owner_id",
    "lifecycle_stage",
    "tags",
    "city",
    "channel",
    "language",
    "consent_email",
    "do_not_call",
)
COMPANY_FIELDS = ("name", "domain", "industry", "employees", "phone", "city", "owner_id", "tags")
SWITCHES = ("consent_email", "do_not_call")
MAX_VALUE = 500
# Where the form's validation reports a problem with each inline field.
_ERROR_KEYS = {"email": "emails.0", "phone": "phones.0"}
_LIST_SEPARATORS = re.compile(r"[,،;]")  # people type the comma of their own keyboard


def _split_tags(text: str) -> list[str]:
    return [t.strip() for t in _LIST_SEPARATORS.split(text) if t.strip()][:30]


def _flag(value: str | bool) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    return "1" if str(value).strip().lower() in ("1", "true", "on", "yes") else ""


def _contact_values(form: ContactInput) -> dict[str, str]:
    prefs = form.preferences or {}
    return {
        "first_name": form.first_name,
        "last_name": form.last_name,
        "title": form.title,
        "email": form.emails[0][0] if form.emails else "",
        "phone": form.phones[0][0] if form.phones else "",
        "owner_id": str(form.owner_id or ""),
        "lifecycle_stage": form.lifecycle_stage,
        "tags": ", ".join(form.tags),
        "city": form.city,
        "channel": str(prefs.get("channel") or ""),
        "language": str(prefs.get("language") or ""),
        "consent_email": "1" if form.consent_email else "",
        "do_not_call": "1" if form.do_not_call else "",
    }


def _company_values(form: CompanyInput) -> dict[str, str]:
    return {
        "name": form.name,
        "domain": form.domain,
        "industry": form.industry,
        "employees": form.employees,
        "phone": form.phone,
        "city": form.city,
        "owner_id": str(form.owner_id or ""),
        "tags": ", ".join(form.tags),
    }


def contact_values(session: Session, contact_id: int) -> dict[str, str]:
    """The contact's inline-editable fields as the inputs show them (raises NotFound)."""
    return _contact_values(contacts.contact_form(session, contact_id))


def company_values(session: Session, company_id: int) -> dict[str, str]:
    """The company's inline-editable fields as the inputs show them (raises NotFound)."""
    return _company_values(companies.company_form(session, company_id))


def _first_row(rows: list[tuple[str, str]], value: str, label: str) -> list[tuple[str, str]]:
    """Replace the primary row's value (keeping its label); an empty value removes it."""
    if not value:
        return rows[1:]
    if not rows:
        return [(value, label)]
    return [(value, rows[0][1]), *rows[1:]]


def _apply_contact(form: ContactInput, field: str, value: str) -> None:
    if field == "email":
        form.emails = _first_row(list(form.emails), value, "work")
    elif field == "phone":
        form.phones = _first_row(list(form.phones), value, "mobile")
    elif field == "owner_id":
        form.owner_id = int(value) if value.isdigit() else None
    elif field == "tags":
        form.tags = _split_tags(value)
    elif field in ("channel", "language"):
        form.preferences = {**(form.preferences or {}), field: value}
    elif field in SWITCHES:
        setattr(form, field, bool(value))
    else:
        setattr(form, field, value)


def _apply_company(form: CompanyInput, field: str, value: str) -> None:
    if field == "owner_id":
        form.owner_id = int(value) if value.isdigit() else None
    elif field == "tags":
        form.tags = _split_tags(value)
    else:
        setattr(form, field, value)


def _save(
    field: str,
    value: str | bool,
    form: Any,
    values: Callable[[Any], dict[str, str]],
    apply: Callable[[Any, str, str], None],
    update: Callable[[Any], object],
) -> bool:
    clean = _flag(value) if field in SWITCHES else str(value).strip()[:MAX_VALUE]
    if clean == values(form)[field]:
        return False
    apply(form, field, clean)
    try:
        update(form)
    except ValidationError as exc:
        key = _ERROR_KEYS.get(field, field)
        message = exc.errors.get(key) or next(iter(exc.errors.values()))
        raise ValidationError({field: message}) from exc
    return True


def set_contact_field(
    session: Session,
    contact_id: int,
    field: str,
    value: str | bool,
    *,
    actor_id: int | None,
    default_region: str | None = None,
) -> bool:
    """Save one field of a contact through ``update_contact``; True when something changed.

    Raises ValueError for a field that is not inline-editable, NotFound, or
    ValidationError({field: message}) with nothing written.
    """
    if field not in CONTACT_FIELDS:
        raise ValueError(f"not an inline field: {field}")
    return _save(
        field,
        value,
        contacts.contact_form(session, contact_id),
        _contact_values,
        _apply_contact,
        lambda form: contacts.update_contact(
            session, contact_id, form, actor_id=actor_id, default_region=default_region
        ),
    )


def set_company_field(
    session: Session,
    company_id: int,
    field: str,
    value: str,
    *,
    actor_id: int | None,
    default_region: str | None = None,
) -> bool:
    """Save one field of a company through ``update_company``; True when something changed.

    Raises ValueError for a field that is not inline-editable, NotFound, or
    ValidationError({field: message}) with nothing written.
    """
    if field not in COMPANY_FIELDS:
        raise ValueError(f"not an inline field: {field}")
    return _save(
        field,
        value,
        companies.company_form(session, company_id),
        _company_values,
        _apply_company,
        lambda form: companies.update_company(
            session, company_id, form, actor_id=actor_id, default_region=default_region
        ),
    )
