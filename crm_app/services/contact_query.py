"""The contact list: filters, sorts and paging, all in SQL (a "selector"; nothing is written).

Rules:
- Filters combine with AND; the values inside one filter (several owners, stages, tags…)
  with OR. Dates are the user's local days (``tz``); datetimes are compared in UTC.
- "Not contacted for N days" = never contacted, or last contacted before now - N days.
- Sorting is stable (the id breaks ties) and puts empty values last in both directions:
  each sort is a list of ``Tier``s (rows with a value, then rows without), each ordered in a
  way an index can serve, so the first page never sorts the whole table.
- A page is ids first (narrow, index-only), then one query for those rows' columns and one
  for their tags. Page size is capped at 200; a page beyond the end gives the last page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlmodel import Session

from crm_app.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    LifecycleStage,
    User,
)

from . import custom_fields
from .query_paging import MAX_PAGE_SIZE as MAX_PAGE_SIZE  # re-exported
from .query_paging import (
    Page,
    Tier,
    blank,
    choices,
    day_range,
    filters_from_dict,
    filters_to_dict,
    is_default,
    local_bounds,
    owned_by,
    paged,
    search_ids,
    tag_names,
    text_tiers,
)

SORTS = ("name", "company", "owner", "stage", "city", "country", "created", "last_contacted")
CONTACTED = ("any", "never", "before", "after", "not_for_days")
# Above this many tag links the page query tests each row (EXISTS) while walking the sort
# index, instead of fetching every tagged contact and sorting them.
_TAG_SCAN_THRESHOLD = 5000
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # "never contacted", when comparing


@dataclass
class CustomFilter:
    key: str
    op: str  # eq, ne, contains, gt, lt, before, after, is_set, is_empty, is_true, is_false
    value: str | None = None


@dataclass
class ContactFilters:
    search: str = ""
    owner_ids: list[int] = field(default_factory=list)
    unowned: bool = False
    stages: list[str] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    created_from: date | None = None  # inclusive local dates
    created_to: date | None = None
    contacted: str = "any"  # any | never | before | after | not_for_days
    contacted_date: date | None = None
    contacted_days: int | None = None
    company_id: int | None = None
    custom: list[CustomFilter] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (segments store it); ``from_dict(to_dict())`` gives the same filters."""
        return filters_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ContactFilters:
        """Tolerant: unknown keys are ignored, missing or malformed values become defaults."""
        parsed = filters_from_dict(cls, data, CustomFilter)
        parsed.countries = [c.upper() for c in parsed.countries]
        if parsed.contacted not in CONTACTED:
            parsed.contacted = "any"
        return parsed

    def is_empty(self) -> bool:
        return is_default(self)


@dataclass
class ContactRow:
    id: int
    name: str
    email: str
    phone: str
    company_id: int | None
    company: str
    owner_id: int | None
    owner: str
    stage: str
    city: str
    country: str
    created_at: datetime
    last_contacted_at: datetime | None
    tags: list[str]
    custom: dict[str, Any]


# -- filters -------------------------------------------------------------------------------
def _search_terms(pattern: str) -> list[Any]:
    """The LIKE fallback's columns (used only while services.search has no matcher)."""

    def having(model: Any, column: Any) -> Any:
        return Contact.id.in_(
            sa.select(model.contact_id).where(sa.func.lower(column).like(pattern, escape="\\"))
        )

    names = (Contact.first_name, Contact.last_name, Company.name)
    return [sa.func.lower(c).like(pattern, escape="\\") for c in names] + [
        having(ContactEmail, ContactEmail.email),
        having(ContactPhone, ContactPhone.phone),
    ]


def _conditions(
    session: Session, f: ContactFilters, tz: str, now: datetime | None, *, tags_by_row: bool = False
) -> list[ColumnElement[bool]]:
    out: list[Any] = []
    if f.search.strip():
        base = sa.select(Contact.id).outerjoin(Company, Company.id == Contact.company_id)
        ids = search_ids(session, "contact_match_ids", f.search, base, _search_terms)
        out.append(sa.false() if ids is None else Contact.id.in_(ids))
    out += owned_by(Contact.owner_id, f.owner_ids, f.unowned)
    countries = [c.upper() for c in f.countries]
    for column, values in (
        (Contact.lifecycle_stage, f.stages),
        (Contact.country, countries),
        (Contact.city, f.cities),
    ):
        if values:
            out.append(column.in_(values))
    if f.tag_ids:
        tagged = ContactTag.tag_id.in_(f.tag_ids)
        if tags_by_row:
            out.append(sa.exists().where(ContactTag.contact_id == Contact.id, tagged))
        else:
            out.append(Contact.id.in_(sa.select(ContactTag.contact_id).where(tagged)))
    out += day_range(Contact.created_at, tz, f.created_from, f.created_to)
    out += _contacted(f, tz, now)
    if f.company_id is not None:
        out.append(Contact.company_id == f.company_id)
    out += custom_fields.conditions(session, "contact", Contact.custom_fields, f.custom)
    return out


def _contacted(f: ContactFilters, tz: str, now: datetime | None) -> list[ColumnElement[bool]]:
    """ "before"/"after" a local day exclude that day; "not for N days" includes never."""
    last = Contact.last_contacted_at
    if f.contacted == "never":
        return [last.is_(None)]
    if f.contacted in ("before", "after") and f.contacted_date:
        start, end = local_bounds(tz, f.contacted_date, f.contacted_date)
        return [last < start] if f.contacted == "before" else [last >= end]
    if f.contacted == "not_for_days" and f.contacted_days is not None:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=max(0, f.contacted_days))
        # one index range (an OR of IS NULL and < would scan the index twice and merge)
        return [sa.func.coalesce(last, _NEVER) < cutoff]
    return []


def contact_id_query(
    session: Session, filters: ContactFilters, *, tz: str = "UTC", now: datetime | None = None
) -> Select:
    """A one-column select of the ids of the matching contacts (bulk actions, segments,
    exports); use it as ``Contact.id.in_(...)`` or run it. Unordered."""
    return sa.select(Contact.id).where(*_conditions(session, filters, tz, now))


def _one_tag_only(filters: ContactFilters) -> bool:
    return len(filters.tag_ids) == 1 and replace(filters, tag_ids=[]).is_empty()


def count_contacts(
    session: Session, filters: ContactFilters, *, tz: str = "UTC", now: datetime | None = None
) -> int:
    if _one_tag_only(filters):  # (contact, tag) is a link's key: one link per contact
        return _tag_links(session, filters.tag_ids)
    query = sa.select(sa.func.count()).select_from(Contact)
    return int(session.execute(query.where(*_conditions(session, filters, tz, now))).scalar() or 0)


# -- sorting -------------------------------------------------------------------------------
def _tiers(session: Session, sort: str, descending: bool) -> list[Tier]:
    def d(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    cid = d(Contact.id)
    if sort == "created":
        return [Tier([], [d(Contact.created_at), cid])]
    if sort == "last_contacted":
        last = Contact.last_contacted_at
        return [Tier([last.is_not(None)], [d(last), cid]), Tier([last.is_(None)], [cid])]
    if sort in ("company", "owner"):
        model, key = (
            (Company, Contact.company_id) if sort == "company" else (User, Contact.owner_id)
        )
        joined = Tier([], [d(model.name), d(model.id), cid], [(model, model.id == key)])
        return [joined, Tier([key.is_(None)], [cid])]
    if sort == "stage":
        order = [s.value for s in LifecycleStage]
        known = [Tier([Contact.lifecycle_stage == s], [cid]) for s in order]
        other = Tier([Contact.lifecycle_stage.not_in(order)], [d(Contact.lifecycle_stage), cid])
        return [*(known[::-1] if descending else known), other]
    if sort in ("city", "country"):
        return text_tiers(getattr(Contact, sort), cid, d)
    if sort.startswith("custom:"):
        found = custom_fields.sort_value(session, "contact", Contact.custom_fields, sort[7:])
        if found is not None:
            has, value = found
            return [Tier([has], [d(value), cid]), Tier([sa.not_(has)], [cid])]
    last, first = Contact.last_name, Contact.first_name  # "name", and any unknown sort
    return [
        Tier([last > ""], [d(last), d(first), cid]),
        Tier([blank(last), first > ""], [d(first), cid]),
        Tier([blank(last), blank(first)], [cid]),
    ]


# -- the page ------------------------------------------------------------------------------
def _primary(model: type[ContactEmail] | type[ContactPhone], column: Any) -> Any:
    """The contact's primary value (is_primary, else the oldest)."""
    return (
        sa.select(column)
        .where(model.contact_id == Contact.id)
        .order_by(model.is_primary.desc(), model.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )


def _rows(session: Session, ids: list[int]) -> list[ContactRow]:
    if not ids:
        return []
    blank_if_null = sa.func.coalesce
    query = (
        sa.select(
            Contact.id,
            sa.func.trim(Contact.first_name + " " + Contact.last_name).label("name"),
            blank_if_null(_primary(ContactEmail, ContactEmail.email), "").label("email"),
            blank_if_null(_primary(ContactPhone, ContactPhone.phone), "").label("phone"),
            Contact.company_id,
            blank_if_null(Company.name, "").label("company"),
            Contact.owner_id,
            blank_if_null(User.name, "").label("owner"),
            Contact.lifecycle_stage.label("stage"),
            blank_if_null(Contact.city, "").label("city"),
            blank_if_null(Contact.country, "").label("country"),
            Contact.created_at,
            Contact.last_contacted_at,
            Contact.custom_fields.label("custom"),
        )
        .outerjoin(Company, Company.id == Contact.company_id)
        .outerjoin(User, User.id == Contact.owner_id)
        .where(Contact.id.in_(ids))
    )
    found = {row.id: dict(row._mapping) for row in session.execute(query)}
    tags = tag_names(session, ContactTag, ContactTag.contact_id, ids)
    # in page order; a row deleted between the two queries is left out
    return [
        ContactRow(**found[i] | {"tags": tags.get(i, []), "custom": dict(found[i]["custom"] or {})})
        for i in ids
        if i in found
    ]


def list_contacts(
    session: Session,
    filters: ContactFilters,
    *,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    page_size: int = 50,
    tz: str = "UTC",
    now: datetime | None = None,
) -> Page[ContactRow]:
    """One page of contacts and the total; an unknown sort sorts by name."""
    links = _tag_links(session, filters.tag_ids) if filters.tag_ids else 0
    total = links if _one_tag_only(filters) else count_contacts(session, filters, tz=tz, now=now)
    tags_by_row = links > _TAG_SCAN_THRESHOLD
    where = _conditions(session, filters, tz, now, tags_by_row=tags_by_row)
    base = sa.select(Contact.id).select_from(Contact).where(*where)
    result = paged(session, base, _tiers(session, sort, descending), total, page, page_size)
    return Page(_rows(session, result.rows), result.total, result.page, result.page_size)


def _tag_links(session: Session, tag_ids: list[int]) -> int:
    query = sa.select(sa.func.count()).select_from(ContactTag).where(ContactTag.tag_id.in_(tag_ids))
    return int(session.execute(query).scalar() or 0)


def filter_options(session: Session) -> dict[str, list]:
    """owners [(id, name)], stages, tags [(id, name)], countries present, top 200 cities."""
    found = choices(session, Contact.owner_id, Contact.country, Contact.city)
    return found | {"stages": [s.value for s in LifecycleStage]}
