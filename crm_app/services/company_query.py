"""The company list: the same rules and machinery as the contact list (see contact_query).

Sorts: name, industry, owner, city, country, created, and the number of contacts; empty
values last in both directions, ties broken by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlmodel import Session

from crm_app.models import Company, CompanyTag, Contact, User

from . import custom_fields
from .contact_query import CustomFilter
from .query_paging import (
    Page,
    Tier,
    blank,
    choices,
    day_range,
    filters_from_dict,
    filters_to_dict,
    is_default,
    owned_by,
    paged,
    search_ids,
    tag_names,
    text_tiers,
)

COMPANY_SORTS = ("name", "industry", "owner", "city", "country", "created", "contacts")


@dataclass
class CompanyFilters:
    search: str = ""
    owner_ids: list[int] = field(default_factory=list)
    unowned: bool = False
    industries: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    created_from: date | None = None  # inclusive local dates
    created_to: date | None = None
    custom: list[CustomFilter] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return filters_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CompanyFilters:
        """Tolerant: unknown keys are ignored, missing or malformed values become defaults."""
        parsed = filters_from_dict(cls, data, CustomFilter)
        parsed.countries = [c.upper() for c in parsed.countries]
        return parsed

    def is_empty(self) -> bool:
        return is_default(self)


@dataclass
class CompanyRow:
    id: int
    name: str
    domain: str
    industry: str
    employees: int | None
    city: str
    country: str
    owner_id: int | None
    owner: str
    contacts: int
    created_at: datetime
    tags: list[str]
    custom: dict[str, Any]


def _search_terms(pattern: str) -> list[Any]:
    """The LIKE fallback's columns (used only while services.search has no matcher)."""
    columns = (Company.name, Company.domain, Company.city)
    return [sa.func.lower(c).like(pattern, escape="\\") for c in columns]


def _conditions(session: Session, f: CompanyFilters, tz: str) -> list[ColumnElement[bool]]:
    out: list[Any] = []
    if f.search.strip():
        base = sa.select(Company.id)
        ids = search_ids(session, "company_match_ids", f.search, base, _search_terms)
        out.append(sa.false() if ids is None else Company.id.in_(ids))
    out += owned_by(Company.owner_id, f.owner_ids, f.unowned)
    countries = [c.upper() for c in f.countries]
    for column, values in (
        (Company.industry, f.industries),
        (Company.country, countries),
        (Company.city, f.cities),
    ):
        if values:
            out.append(column.in_(values))
    if f.tag_ids:
        tagged = sa.select(CompanyTag.company_id).where(CompanyTag.tag_id.in_(f.tag_ids))
        out.append(Company.id.in_(tagged))
    out += day_range(Company.created_at, tz, f.created_from, f.created_to)
    out += custom_fields.conditions(session, "company", Company.custom_fields, f.custom)
    return out


def company_id_query(session: Session, filters: CompanyFilters, *, tz: str = "UTC") -> Select:
    """A one-column select of the ids of the matching companies. Unordered."""
    return sa.select(Company.id).where(*_conditions(session, filters, tz))


def count_companies(session: Session, filters: CompanyFilters, *, tz: str = "UTC") -> int:
    query = sa.select(sa.func.count()).select_from(Company)
    return int(session.execute(query.where(*_conditions(session, filters, tz))).scalar() or 0)


def _contact_count() -> Any:
    return (
        sa.select(sa.func.count())
        .where(Contact.company_id == Company.id)
        .correlate(Company)
        .scalar_subquery()
    )


def _tiers(session: Session, sort: str, descending: bool) -> list[Tier]:
    def d(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    cid = d(Company.id)
    if sort == "created":
        return [Tier([], [d(Company.created_at), cid])]
    if sort == "contacts":
        return [Tier([], [d(_contact_count()), cid])]
    if sort == "owner":
        joined = Tier([], [d(User.name), d(User.id), cid], [(User, User.id == Company.owner_id)])
        return [joined, Tier([Company.owner_id.is_(None)], [cid])]
    if sort in ("industry", "city", "country"):
        return text_tiers(getattr(Company, sort), cid, d)
    if sort.startswith("custom:"):
        found = custom_fields.sort_value(session, "company", Company.custom_fields, sort[7:])
        if found is not None:
            has, value = found
            return [Tier([has], [d(value), cid]), Tier([sa.not_(has)], [cid])]
    return [Tier([Company.name > ""], [d(Company.name), cid]), Tier([blank(Company.name)], [cid])]


def _rows(session: Session, ids: list[int]) -> list[CompanyRow]:
    if not ids:
        return []
    blank_if_null = sa.func.coalesce
    query = (
        sa.select(
            Company.id,
            Company.name,
            blank_if_null(Company.domain, "").label("domain"),
            blank_if_null(Company.industry, "").label("industry"),
            Company.employees,
            blank_if_null(Company.city, "").label("city"),
            blank_if_null(Company.country, "").label("country"),
            Company.owner_id,
            blank_if_null(User.name, "").label("owner"),
            _contact_count().label("contacts"),
            Company.created_at,
            Company.custom_fields.label("custom"),
        )
        .outerjoin(User, User.id == Company.owner_id)
        .where(Company.id.in_(ids))
    )
    found = {row.id: dict(row._mapping) for row in session.execute(query)}
    tags = tag_names(session, CompanyTag, CompanyTag.company_id, ids)
    return [
        CompanyRow(**found[i] | {"tags": tags.get(i, []), "custom": dict(found[i]["custom"] or {})})
        for i in ids
        if i in found
    ]


def list_companies(
    session: Session,
    filters: CompanyFilters,
    *,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    page_size: int = 50,
    tz: str = "UTC",
) -> Page[CompanyRow]:
    """One page of companies and the total; an unknown sort sorts by name."""
    total = count_companies(session, filters, tz=tz)
    base = sa.select(Company.id).select_from(Company).where(*_conditions(session, filters, tz))
    result = paged(session, base, _tiers(session, sort, descending), total, page, page_size)
    return Page(_rows(session, result.rows), result.total, result.page, result.page_size)


def company_filter_options(session: Session) -> dict[str, list]:
    """owners [(id, name)], industries, tags [(id, name)], countries present, top 200 cities."""
    industries = (
        sa.select(Company.industry)
        .where(Company.industry > "")
        .distinct()
        .order_by(Company.industry)
    )
    found = choices(session, Company.owner_id, Company.country, Company.city)
    return found | {"industries": list(session.execute(industries).scalars())}
