"""Companies: the add/edit form's validation, audited writes, bulk actions and the picker search.

Also the small form rules contacts share (text lengths, owner, custom fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, CompanyTag, Contact, User

from . import emails as email_rules
from . import phones as phone_rules
from . import tags as tag_rules
from . import writes
from .errors import NotFound, ValidationError
from .i18n import N_

# One message per column limit (the number is part of the sentence translators see).
TOO_LONG = {
    20: N_("Use at most 20 characters."),
    50: N_("Use at most 50 characters."),
    100: N_("Use at most 100 characters."),
    120: N_("Use at most 120 characters."),
    200: N_("Use at most 200 characters."),
}
TEXT_LIMITS = {
    "name": 200,
    "industry": 100,
    "street": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}
MAX_EMPLOYEES = 2**31 - 1  # an INTEGER column everywhere
MAX_REVENUE = Decimal("999999999999.99")  # NUMERIC(14, 2)


# -- rules shared with contacts ------------------------------------------------------------------
def check_texts(data: Any, limits: dict[str, int], errors: dict[str, str]) -> dict[str, str]:
    """The text fields trimmed; one longer than its column goes into ``errors``."""
    out: dict[str, str] = {}
    for key, limit in limits.items():
        out[key] = str(getattr(data, key) or "").strip()
        if len(out[key]) > limit:
            errors[key] = TOO_LONG[limit]
    return out


def check_owner(
    session: Session, owner_id: int | None, current: int | None, errors: dict[str, str]
) -> int | None:
    """An owner must be an active user; the record's current owner is kept even if inactive."""
    if owner_id is None or owner_id == current:
        return owner_id
    if not session.execute(sa.select(User.active).where(User.id == owner_id)).scalar():
        errors["owner_id"] = N_("Choose an active user as the owner.")
    return owner_id


def coerce_custom(
    session: Session,
    entity: str,
    raw: dict[str, Any],
    old: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    """Custom field values to store: ``old`` with the submitted keys replaced (empty = removed).

    Uses ``custom_fields.coerce(session, entity, raw)`` when it exists (returning the values,
    or (values, errors), or raising ValidationError); otherwise keeps the values as text.
    """
    try:
        from . import custom_fields

        coerce = getattr(custom_fields, "coerce", None)
    except ImportError:
        coerce = None
    values: Any
    problems: dict[str, str] = {}
    if coerce is None:
        values = {str(k): None if v is None else str(v).strip() for k, v in raw.items()}
    else:
        try:
            values = coerce(session, entity, dict(raw))
        except ValidationError as exc:
            values, problems = {}, dict(exc.errors)
        if isinstance(values, tuple):
            values, problems = values
    for key, message in problems.items():
        errors[key if key.startswith("custom.") else f"custom.{key}"] = message
    merged = {**(old or {}), **dict(values)}
    return {k: v for k, v in merged.items() if v is not None and v != ""}


# -- numbers as people type them -----------------------------------------------------
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_NUMBER_JUNK = re.compile(r"[\s'_\u00a0\u202f]")


def parse_amount(raw: str, *, whole: bool = False) -> Decimal | None:
    """ "1 200,50", "1,200.50", "1.200.000", "1200" → Decimal; None when it is not a number.

    A separator used more than once, or followed by exactly three digits at the end of a
    whole number ("1,200"), groups thousands; otherwise "," or "." is the decimal mark.
    With ``whole`` (head counts) "1.200" is 1200 too.
    """
    text = _NUMBER_JUNK.sub("", str(raw or ""))
    if _GROUPED.match(text) and (whole or not (text.count(".") == 1 and "," not in text)):
        text = text.replace(",", "").replace(".", "")
    elif "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# -- the company form ----------------------------------------------------------------------------
@dataclass
class CompanyInput:
    """What the company add/edit form (or one imported row) submits, as typed."""

    name: str = ""
    domain: str = ""
    industry: str = ""
    employees: str = ""
    annual_revenue: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    owner_id: int | None = None
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)


def get_company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(company_id)
    return company


def _number(raw: str, key: str, errors: dict[str, str]) -> Decimal | None:
    if not str(raw or "").strip():
        return None
    whole = key == "employees"
    value = parse_amount(raw, whole=whole)
    if value is None or value < 0 or (whole and value != value.to_integral_value()):
        errors[key] = (
            N_("Enter a whole number, 0 or more.") if whole else N_("Enter an amount, 0 or more.")
        )
    elif value > (MAX_EMPLOYEES if whole else MAX_REVENUE):
        errors[key] = N_("This number is too large.")
    return value


def validate_company(
    session: Session,
    data: CompanyInput,
    *,
    default_region: str | None,
    company_id: int | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, errors by form field). Writes nothing.

    Clean values are Company columns plus ``tags`` (names). The name is required; the domain
    is reduced to its host; head count and revenue are numbers ≥ 0; the phone is stored in
    E.164, read with the company's country or else ``default_region``.
    """
    old = session.get(Company, company_id) if company_id is not None else None
    errors: dict[str, str] = {}
    texts = check_texts(data, TEXT_LIMITS, errors)
    if not texts["name"]:
        errors["name"] = N_("Enter the company name.")
    values: dict[str, Any] = {k: v if k == "name" else v or None for k, v in texts.items()}
    values["domain"], problem = email_rules.normalize_domain(data.domain)
    if problem:
        errors["domain"] = problem
    employees = _number(data.employees, "employees", errors)
    revenue = _number(data.annual_revenue, "annual_revenue", errors)
    values["employees"] = (
        int(employees) if employees is not None and "employees" not in errors else None
    )
    values["annual_revenue"] = (
        float(round(revenue, 2)) if revenue is not None and "annual_revenue" not in errors else None
    )
    values["country"] = phone_rules.pick_country(data.country, errors)
    values["phone"] = None
    if str(data.phone or "").strip():
        region = phone_rules.phone_region(values["country"], default_region)
        values["phone"], problem = phone_rules.parse_phone(data.phone, region)
        if problem:
            errors["phone"] = problem
    values["owner_id"] = check_owner(session, data.owner_id, old.owner_id if old else None, errors)
    values["custom_fields"] = coerce_custom(
        session, "company", data.custom, old.custom_fields if old else {}, errors
    )
    errors.update(tag_rules.tag_errors(data.tags))
    values["tags"] = tag_rules.clean_tag_names(data.tags)
    return values, errors


def create_company(
    session: Session, data: CompanyInput, *, actor_id: int | None, default_region: str | None = None
) -> Company:
    """Add a company with its tags; raises ValidationError before writing anything."""
    values, errors = validate_company(session, data, default_region=default_region)
    if errors:
        raise ValidationError(errors)
    names = values.pop("tags")
    company = writes.create(session, Company(**values), actor_id=actor_id)
    assert company.id is not None
    tag_rules.set_links(session, CompanyTag, "company_id", company.id, names, actor_id=actor_id)
    return company


def update_company(
    session: Session,
    company_id: int,
    data: CompanyInput,
    *,
    actor_id: int | None,
    default_region: str | None = None,
) -> Company:
    """Save the edit form: only changed fields are written and audited; tags are replaced."""
    company = get_company(session, company_id)
    values, errors = validate_company(
        session, data, default_region=default_region, company_id=company_id
    )
    if errors:
        raise ValidationError(errors)
    names = values.pop("tags")
    writes.update(session, company, values, actor_id=actor_id)
    tag_rules.set_links(session, CompanyTag, "company_id", company_id, names, actor_id=actor_id)
    return company


def _plain_number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def company_form(session: Session, company_id: int) -> CompanyInput:
    """A stored company as the edit form shows it (phone in international format)."""
    c = get_company(session, company_id)
    return CompanyInput(
        **{k: getattr(c, k) or "" for k in (*TEXT_LIMITS, "domain", "country")},
        employees=_plain_number(c.employees),
        annual_revenue=_plain_number(c.annual_revenue),
        phone=phone_rules.format_phone(c.phone),
        owner_id=c.owner_id,
        tags=tag_rules.tag_names_of(session, CompanyTag, "company_id", company_id),
        custom=dict(c.custom_fields or {}),
    )


def records_by_ids[M: (Company, Contact)](
    session: Session, model: type[M], ids: list[int]
) -> list[M]:
    """The rows of ``model`` with these ids that exist, by id (read in chunks)."""
    found: list[M] = []
    for part in tag_rules.chunked(ids):
        q = sa.select(model).where(model.id.in_(part)).order_by(model.id)
        found.extend(session.execute(q).scalars())
    return found


def set_owner(
    session: Session, model: type, ids: list[int], owner_id: int | None, *, actor_id: int | None
) -> int:
    """Give the records an owner (an active user) or none; returns how many changed."""
    errors: dict[str, str] = {}
    check_owner(session, owner_id, None, errors)
    if errors:
        raise ValidationError(errors)
    return sum(
        bool(writes.update(session, r, {"owner_id": owner_id}, actor_id=actor_id))
        for r in records_by_ids(session, model, ids)
    )


def _companies(session: Session, ids: list[int]) -> list[Company]:
    return records_by_ids(session, Company, ids)


def delete_companies(session: Session, ids: list[int], *, actor_id: int | None) -> int:
    """Delete companies; their contacts stay, unlinked (each change audited)."""
    companies = _companies(session, ids)
    for company in companies:
        contacts = session.execute(sa.select(Contact).where(Contact.company_id == company.id))
        for contact in list(contacts.scalars()):
            writes.update(session, contact, {"company_id": None}, actor_id=actor_id)
        links = session.execute(sa.select(CompanyTag).where(CompanyTag.company_id == company.id))
        for link in list(links.scalars()):
            writes.delete(session, link, actor_id=actor_id)
        writes.delete(session, company, actor_id=actor_id)
    return len(companies)


def tag_companies(
    session: Session, ids: list[int], tag_names: list[str], *, actor_id: int | None
) -> int:
    """Add tags (unknown ones created) to the companies; returns how many links were added."""
    existing = [c.id for c in _companies(session, ids) if c.id is not None]
    return tag_rules.add_links(
        session, CompanyTag, "company_id", existing, tag_names, actor_id=actor_id
    )


def untag_companies(
    session: Session, ids: list[int], tag_names: list[str], *, actor_id: int | None
) -> int:
    return tag_rules.remove_links(
        session, CompanyTag, "company_id", ids, tag_names, actor_id=actor_id
    )


def assign_company_owner(
    session: Session, ids: list[int], owner_id: int | None, *, actor_id: int | None
) -> int:
    """Give the companies an owner (an active user) or none; returns how many changed."""
    return set_owner(session, Company, ids, owner_id, actor_id=actor_id)


def search_companies(session: Session, text: str, limit: int = 10) -> list[tuple[int, str]]:
    """(id, name) of companies whose name contains ``text``, case-insensitive, prefixes first.

    SQLite folds case for ASCII only, so for other scripts the usual spellings
    (as typed, lower, upper, capitalised) are tried.
    """
    text = " ".join(str(text or "").split())[:100]
    if not text:
        return []
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    variants = (
        {escaped}
        if escaped.isascii()
        else {escaped, escaped.lower(), escaped.upper(), escaped.capitalize(), escaped.title()}
    )
    contains = sa.or_(*(Company.name.ilike(f"%{v}%", escape="\\") for v in variants))
    prefix = sa.or_(*(Company.name.ilike(f"{v}%", escape="\\") for v in variants))
    q = (
        sa.select(Company.id, Company.name)
        .where(contains)
        .order_by(sa.case((prefix, 0), else_=1), sa.func.lower(Company.name), Company.id)
        .limit(max(1, min(int(limit), 50)))
    )
    return [(int(i), str(n)) for i, n in session.execute(q).all()]
