"""Exporting companies (``record_lists`` has the rules): their fields, owner, tags and custom
fields."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Company, CompanyTag, Segment, User

from .. import company_query
from .cell_values import custom_value, joined, local, tag_names
from .record_lists import RecordList, export_list
from .writers import Target

COMPANY_HEADERS = ("Name", "Domain", "Industry", "Employees", "Annual revenue", "Phone",
                   "Street", "City", "Region", "Postal code", "Country code", "Owner", "Tags")  # fmt: skip


def _company_rows(
    session: Session, ids: list[int], fields: list[tuple[str, str]], zone: tzinfo
) -> list[list[Any]]:
    c = Company
    query = (
        sa.select(c.id, c.name, c.domain, c.industry, c.employees, c.annual_revenue, c.phone,
                  c.street, c.city, c.region, c.postal_code, c.country, User.name.label("owner"),
                  c.custom_fields, c.created_at, c.external_id)
        .outerjoin(User, User.id == c.owner_id)
        .where(c.id.in_(ids))
    )  # fmt: skip
    found = {row.id: row for row in session.connection().execute(query).all()}
    tags = tag_names(session, CompanyTag, CompanyTag.company_id, ids)
    rows = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        custom = r.custom_fields or {}
        row = [
            r.name, r.domain, r.industry, r.employees, r.annual_revenue, r.phone, r.street,
            r.city, r.region, r.postal_code, r.country, r.owner, joined(tags.get(i)),
            *[custom_value(kind, custom.get(key)) for key, kind in fields],
            local(r.created_at, zone), r.external_id, i,
        ]  # fmt: skip
        rows.append(row)
    return rows


def _company_ids(session: Session, filters: Any, tz: str, now: datetime | None) -> sa.Select:
    return company_query.company_id_query(session, filters or company_query.CompanyFilters(), tz=tz)


COMPANIES = RecordList(
    entity="company",
    model=Company,
    sheet="Companies",
    headers=COMPANY_HEADERS,
    read=_company_rows,
    id_query=_company_ids,
    # the list's own sort tiers (private there), so the export is in the list's order
    tiers=company_query._tiers,
)


def export_companies(
    session: Session,
    target: Target,
    fmt: str | None = None,
    *,
    filters: company_query.CompanyFilters | None = None,
    ids: list[int] | None = None,
    segment: Segment | None = None,
    tz: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> int:
    """Write companies to ``target``, as ``export_contacts`` does; the number of rows."""
    options = {"filters": filters, "ids": ids, "segment": segment, "sort": sort}
    return export_list(session, COMPANIES, target, fmt, tz, descending=descending, **options)
